"""What one browser session holds, without the browser: its settings, its own CountyModel, and
what-if runs. The page (`sim.app.app`) is a view over these; tests use them directly.

Nothing here reimplements a rule: a session builds a `Scenario` from a scenario file plus the
slider values that differ from it, and steps `CountyModel` (or `run_batch` for what-if runs).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..model import CountyModel
from ..params import DOMAINS
from ..record import SUMMARY_COLUMNS, RunResult
from ..runner import run_batch
from ..scenario import SCENARIO_DIR, Scenario, load_scenario
from ..trajectory import PHASES
from .i18n import SLIDERS

DEFAULT_SCENARIO = "l_county"
DEFAULT_SEED = 0
SLIDER_STEP = 0.05


def scenario_names() -> list[str]:
    """Every scenario file in scenarios/, the baseline first, then teaching scenarios last."""
    names = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    return sorted(names, key=lambda n: (n != DEFAULT_SCENARIO, n.startswith("teach_"), n))


@lru_cache(maxsize=64)
def base_scenario(name: str) -> Scenario:
    """The scenario file `name` as loaded (cached: files do not change while the server runs)."""
    return load_scenario(name)


def slider_values(name: str) -> dict[str, float]:
    """The scenario's own values of the slider parameters."""
    sc = base_scenario(name)
    return {k: float(sc.params[k]) for k in SLIDERS}


def build_scenario(name: str, values: dict[str, float] | None = None) -> Scenario:
    """The scenario file with the slider values that differ from it as validated overrides.

    Sliders left where the file puts them change nothing, so an untouched app run is exactly
    `county-sim run <name>`'s run with the same seed."""
    sc = base_scenario(name)
    overrides = {k: float(v) for k, v in (values or {}).items() if not np.isclose(float(v), float(sc.params[k]))}
    return sc.with_overrides(where="app", **overrides) if overrides else sc


def parse_seed(text: object) -> int | None:
    """The seed box's text as a non-negative int (what CountyModel needs), or None if it is not one."""
    try:
        value = int(str(text).strip(), 10)
    except ValueError:
        return None
    return value if value >= 0 else None


class SeriesCollector:
    """What Mesa's plot components read (`model.datacollector.get_model_vars_dataframe()`): the
    model's own recorded series, one row per month from month 0, under the model's lock."""

    def __init__(self, model: ClassroomModel):
        self._model = model

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        with self._model.lock:
            return pd.DataFrame({k: v.copy() for k, v in self._model.series().items()})


class ClassroomModel(CountyModel):
    """CountyModel as the app steps it: the same rules and numbers, plus a lock (a play loop steps
    in a worker thread while the page reads) and the `datacollector` Mesa's plot components expect."""

    def __init__(self, scenario: Scenario | str | None = None, seed: int | None = None, build_agents: bool = True):
        super().__init__(scenario=scenario, seed=seed, build_agents=build_agents)
        self.lock = threading.RLock()
        self.datacollector = SeriesCollector(self)

    def step(self) -> None:
        with self.lock:
            super().step()

    @property
    def steps_total(self) -> int:
        return self.county_scenario.steps


class PlayGovernor:
    """Shares the server between the sessions that are playing, leaving the rest for clicks.

    All sessions live in one Python process, which runs Python code on one core at a time, so 30
    play loops at 5 months a second (about 3.5 cores of work) would leave a Step or Pause click
    queued for tens of seconds (measured: docs/teaching.md). Play steps therefore take turns, in
    the order they ask (a ticket queue), and after each one the next may start only when play
    has used no more than `share` of the wall-clock time since: a duty-cycle limit, the leaky
    bucket of traffic shaping (Turner 1986, IEEE Communications 24(10)) with the cost of each step
    measured rather than assumed. With few sessions nobody waits; with many, every playing
    session slows down alike, and clicks keep the remaining `1 - share`.
    """

    def __init__(self, share: float = 0.6):
        self.share = share
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()  # play steps waiting for their turn, first in first out
        self._free_at = 0.0  # time.monotonic() before which no play step may start

    def step(self, fn, cancel: threading.Event) -> bool:
        """Run `fn` (one play step) in turn; False, without running it, if `cancel` is set first
        (a paused session leaves the queue at once: Pause waits for its play loop to end)."""
        me = object()
        with self._cond:
            self._queue.append(me)
            while self._queue[0] is not me:
                if cancel.is_set():
                    self._queue.remove(me)
                    self._cond.notify_all()
                    return False
                self._cond.wait(0.02)
        try:
            wait = self._free_at - time.monotonic()
            if cancel.is_set() or (wait > 0 and cancel.wait(wait)):
                return False
            started = time.monotonic()
            fn()
            self._free_at = started + (time.monotonic() - started) / self.share
            return True
        finally:
            with self._cond:
                self._queue.popleft()
                self._cond.notify_all()


#: One per server process: every session's play loop goes through it.
PLAY_GOVERNOR = PlayGovernor()


@dataclass
class Snapshot:
    """Everything the page draws, copied under the model's lock at one month."""

    month: int
    steps: int
    series: dict[str, np.ndarray]
    phase: str
    phase_months: dict[str, int | None]
    ties: np.ndarray
    dept_output: np.ndarray
    dept_domain: np.ndarray
    motivation: np.ndarray
    competence: np.ndarray
    satisfaction: np.ndarray
    township: np.ndarray
    n_townships: int
    monitors: dict[str, float] = field(default_factory=dict)


def snapshot(model: ClassroomModel) -> Snapshot:
    """Copy what the views need from the model's state (arrays of the one run, b = 0)."""
    with model.lock:
        s = model.engine.s
        series = {k: v.copy() for k, v in model.series().items()}
        tr = model.engine.classify(series, model.county_scenario.params)  # each engine's own phases
        months = dict(zip(PHASES[1:], (tr.t_start, tr.t_build, tr.t_activate, tr.t_deliver), strict=True))
        return Snapshot(
            month=model.month,
            steps=model.county_scenario.steps,
            series=series,
            phase=tr.phase[-1],
            phase_months=months,
            ties=s.dept_ties[0].copy(),
            dept_output=s.dept_output[0].copy(),
            dept_domain=np.asarray(s.dept_domain).copy(),
            motivation=s.cadre_motivation[0].copy(),
            competence=s.cadre_competence[0].copy(),
            satisfaction=s.citizen_satisfaction[0].copy(),
            township=np.asarray(s.citizen_township).copy(),
            n_townships=int(model.county_scenario.params["n_townships"]),
            monitors={
                k: float(series[k][-1])
                for k in (
                    "drive",
                    "inertia_threshold",
                    "engaged_share",  # Model 2: departments engaged in reform (Model 1 has no such column)
                    "resources",
                    "pm_maturity",
                    "gaming_share",
                    "coupling_D",
                )
                if k in series
            },
        )


@dataclass
class WhatIf:
    """Two runs of one seed to the horizon: the session's settings and the same with one lever changed."""

    lever: str
    base_value: float
    value: float
    baseline: RunResult
    variant: RunResult


def what_if(name: str, values: dict[str, float], seed: int, lever: str, value: float) -> WhatIf:
    """Run the baseline settings and the settings with `lever` set to `value`, same seed, to the
    horizon, stepped together without agents (`run_batch` gives each run exactly `sim.run`'s numbers)."""
    base = build_scenario(name, values)
    changed = build_scenario(name, {**values, lever: value})
    b, v = run_batch([base, changed], [seed, seed], with_series=True)
    return WhatIf(lever, float(base.params[lever]), float(value), b, v)


#: The summary shown per run in the app: every summary column but the seed, the sustained flag and the
#: score, which the page shows on their own.
SUMMARY_ROWS: tuple[str, ...] = tuple(c for c in SUMMARY_COLUMNS if c not in ("seed", "sustained", "trajectory_score"))


def domain_order(dept_domain: np.ndarray) -> list[int]:
    """Departments ordered by domain, so that a circular layout puts each domain on one arc."""
    return sorted(range(len(dept_domain)), key=lambda j: (int(dept_domain[j]), j))


@lru_cache(maxsize=16)
def circular_layout(domains: tuple[int, ...]) -> np.ndarray:
    """Fixed node positions (J, 2) on a circle, grouped by domain with a gap between domains.

    Cached: the layout depends only on the departments' domains, never on the state, so the
    network view never recomputes it (Mesa 3.5's `Network` would run a spring layout)."""
    order = domain_order(np.asarray(domains))
    n_dom = len(DOMAINS)
    slots = len(order) + n_dom  # one empty slot between domains
    pos = np.zeros((len(order), 2))
    k = 0
    last = None
    for j in order:
        if last is not None and domains[j] != last:
            k += 1
        last = domains[j]
        angle = np.pi / 2 - 2 * np.pi * k / slots
        pos[j] = (np.cos(angle), np.sin(angle))
        k += 1
    return pos


def settings_key(name: str, values: dict[str, float], seed: int) -> tuple[Any, ...]:
    """A hashable key of the settings a model was built with."""
    return (name, tuple(round(float(values[k]), 6) for k in SLIDERS), seed)
