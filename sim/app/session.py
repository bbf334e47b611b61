"""What one browser session holds, without the browser: its settings, its own CountyModel, and
what-if runs. The page (`sim.app.app`) is a view over these; tests use them directly.

Nothing here reimplements a rule: a session builds a `Scenario` from a scenario file plus the
slider values that differ from it, and steps `CountyModel` (or `run_batch` for what-if runs).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..model import CountyModel, replicate_seed
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
class World:
    """Model 2's agents as the world view draws them, at one month (run b = 0).

    Townships: mean satisfaction, the share of residents complaining (all domains), the open
    problems located there. Departments: supervising leader (分管), engaged or not, the open
    problems they lead (backlog), this month's real output. Leaders: committed or not, resolve.
    Task-force links: department pairs a task force joined this month, with how many problems."""

    town_satisfaction: np.ndarray  # (T,)
    town_complaints: np.ndarray  # (T,) share of residents complaining
    town_open: np.ndarray  # (T,) open problems located in the township
    county_open: int  # open county-wide problems (no township)
    dept_leader: np.ndarray  # (J,) index of the supervising leader; 0 is the top leader
    dept_engaged: np.ndarray  # (J,) bool
    dept_backlog: np.ndarray  # (J,) open problems the department leads
    leader_committed: np.ndarray  # (L,) bool
    leader_resolve: np.ndarray  # (L,)
    links: list[tuple[int, int, int]]  # (department i, department j, problems) worked together this month


def world_of(model: CountyModel) -> World | None:
    """The world view's numbers from Model 2's state (None for Model 1, which has no problems)."""
    if model.engine.version != 2:
        return None
    from ..model2.state import STATUS_OPEN, D

    s = model.engine.s
    T = s.T
    open_ = s.prob_status[0] == STATUS_OPEN
    cell = s.prob_cell[0][open_]
    town = cell // D
    in_town = town < T
    sat = np.bincount(s.citizen_township, weights=s.citizen_satisfaction[0], minlength=T) / np.maximum(s.town_size, 1)
    pairs: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(s.prob_taskforce[0]):
        lead = int(s.prob_lead[0, i])
        for k in s.prob_partner[0, i]:
            if k >= 0:
                key = (min(lead, int(k)), max(lead, int(k)))
                pairs[key] = pairs.get(key, 0) + 1
    return World(
        town_satisfaction=sat,
        town_complaints=np.clip(s.complaints[0].sum(axis=1), 0.0, 1.0),
        town_open=np.bincount(town[in_town], minlength=T),
        county_open=int((~in_town).sum()),
        dept_leader=np.asarray(s.dept_leader).copy(),
        dept_engaged=s.dept_engaged[0].copy(),
        dept_backlog=np.bincount(s.prob_lead[0][open_], minlength=s.J),
        leader_committed=s.leader_committed[0].copy(),
        leader_resolve=s.leader_resolve[0].copy(),
        links=[(i, j, n) for (i, j), n in sorted(pairs.items())],
    )


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
    t_relapse: int | None = None  # the month a delivered county fell back (Model 2's classifier)
    world: World | None = None


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
            t_relapse=getattr(tr, "t_relapse", None),
            world=world_of(model),
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


def settings_key(name: str, values: dict[str, float], seed: int) -> tuple[Any, ...]:
    """A hashable key of the settings a model was built with."""
    return (name, tuple(round(float(values[k]), 6) for k in SLIDERS), seed)


#: A class experiment runs 20 to 50 seeds of the session's settings (BehaviorSpace for a classroom).
EXPERIMENT_SEEDS: tuple[int, ...] = (20, 30, 50)
#: Seeds per batch sent to the worker: a progress update every batch (about 0.4 s of work each).
EXPERIMENT_CHUNK = 10
#: What a class experiment's bands are drawn for: the 10th and 90th percentiles around the median.
BAND = (0.1, 0.9)


def _experiment_chunk(scenario: Scenario, seeds: list[int]) -> list[tuple[pd.DataFrame, dict]]:
    """One batch of a class experiment (in the worker process): `run_batch`, so each run is exactly
    `sim.run(scenario, seed)`'s."""
    return [(r.series, r.summary) for r in run_batch([scenario] * len(seeds), seeds, with_series=True)]


_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def experiment_pool() -> ProcessPoolExecutor:
    """One worker process per server for every session's class experiments: they take turns on one
    core, off the server's Python process, so stepping sessions keep the other (docs/teaching.md).
    A pool whose worker died is replaced (every later experiment would fail on it)."""
    global _pool
    with _pool_lock:
        if _pool is not None and getattr(_pool, "_broken", False):
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
        if _pool is None:
            # spawn, not fork: the server process runs threads (Solara, play loops) a fork would copy mid-step
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _pool


@dataclass
class ClassExperiment:
    """The session's settings run over `n` seeds: replicate r has seed `replicate_seed(seed, r)`,
    the seeds `county-sim run SCENARIO --seed SEED --replicates n` and `sim.run_replicates` use."""

    scenario: str
    seed: int
    values: dict[str, float]
    summary: pd.DataFrame  # one row per replicate: replicate, then the summary columns
    series: pd.DataFrame  # every replicate's months, with its replicate and seed

    @property
    def n(self) -> int:
        return len(self.summary)

    def band(self, measure: str) -> pd.DataFrame:
        """Per month: the median and the BAND percentiles of `measure` over the replicates."""
        g = self.series.groupby("step")[measure]
        return pd.DataFrame({"median": g.median(), "low": g.quantile(BAND[0]), "high": g.quantile(BAND[1])})

    def medians(self) -> dict[str, float | None]:
        """The median of every numeric summary column over the replicates (phase months over the runs
        that reach the phase; None when none does)."""
        out: dict[str, float | None] = {}
        for col in SUMMARY_COLUMNS:
            if col in ("seed", "sustained"):
                continue
            x = pd.to_numeric(self.summary[col], errors="coerce").dropna()
            out[col] = float(x.median()) if len(x) else None
        return out

    def reached(self, col: str) -> int:
        """In how many replicates the phase month `col` (t_start, ...) was reached."""
        return int(self.summary[col].notna().sum())

    @property
    def share_sustained(self) -> float:
        return float(self.summary["sustained"].astype(bool).mean())


def class_experiment(
    name: str,
    values: dict[str, float],
    seed: int,
    n: int,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    cancel: threading.Event | None = None,
) -> ClassExperiment | None:
    """Run the settings over `n` seeds in batches of EXPERIMENT_CHUNK, on `executor` (the server's
    worker process) or in this thread; `progress(done, n)` after each batch. None if cancelled."""
    sc = build_scenario(name, values)
    seeds = [replicate_seed(seed, r) for r in range(n)]
    chunks = [seeds[i : i + EXPERIMENT_CHUNK] for i in range(0, n, EXPERIMENT_CHUNK)]
    runs: list[tuple[pd.DataFrame, dict]] = []
    if progress:
        progress(0, n)
    futures = [executor.submit(_experiment_chunk, sc, c) for c in chunks] if executor else []
    try:
        for k, chunk in enumerate(chunks):
            if cancel is not None and cancel.is_set():
                return None
            runs += futures[k].result() if futures else _experiment_chunk(sc, chunk)
            if progress:
                progress(len(runs), n)
    finally:
        for f in futures:  # cancelled, failed or done: what has not started leaves the shared worker's queue
            f.cancel()
    rows, frames = [], []
    for r, (series, summary) in enumerate(runs):
        rows.append({"replicate": r, **summary})
        frames.append(series.assign(replicate=r))
    return ClassExperiment(name, seed, dict(values), pd.DataFrame(rows), pd.concat(frames, ignore_index=True))
