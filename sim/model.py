"""CountyModel: a mesa.Model whose agents are views onto array state, stepped in subsystem order.

`Engine` steps B runs at once over arrays with a leading batch axis; `CountyModel` is one run
(B = 1) with real `mesa.Agent` objects for inspection, the app and Mesa's tooling.
"""

from __future__ import annotations

import itertools
import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence

import mesa
import numpy as np
import pandas as pd

from .agents import Cadre, Citizen, Department, Leader
from .record import Recorder, series_frame, summarise
from .rules import adaptation_interaction as ai
from .rules import citizens as cz
from .rules import coordination_linkage as cl
from .rules import domain_mean
from .rules import drive_input as di
from .rules import guidance_change as gc
from .rules import management_execution as me
from .rules import turnover as to
from .scenario import Event, Scenario, default_scenario, load_scenario
from .state import Pars, Rand, State, month_layout
from .trajectory import classify, subsystem_levels

#: The step, in order (docs/MODEL.md §4): the five subsystems, then outputs, citizens, the leadership's
#: resolve. Each month begins with `turnover.apply_events` (end of term, scheduled events, campaigns).
STEP_RULES: tuple[tuple[str, Callable], ...] = (
    ("drive–input", di.drive),
    ("drive–input", di.inputs),
    ("drive–input", di.resources),
    ("coordination–linkage", cl.convene),
    ("coordination–linkage", cl.silo),
    ("guidance–change", gc.public_value),
    ("guidance–change", gc.internalise),
    ("guidance–change", gc.action_change),
    ("management–execution", me.performance_management),
    ("management–execution", me.allocate),
    ("management–execution", me.capacity),
    ("management–execution", me.cadres),
    ("adaptation–interaction", ai.openness),
    ("adaptation–interaction", ai.learning),
    ("adaptation–interaction", ai.rediagnose),
    ("adaptation–interaction", ai.brain_drain),
    ("outputs", me.output),
    ("citizens", cz.satisfaction),
    ("citizens", cz.word_of_mouth),
    ("citizens", cz.trust),
    ("citizens", cz.voice_and_participation),
    ("turnover", to.leader_resolve),
)

#: Arrays that are levels in [0, 1]; kept there after each step (rounding and big draws).
BOUNDED = (
    "leader_resolve",
    "leader_public_value",
    "leader_collaboration",
    "dept_capacity",
    "dept_silo",
    "dept_clarity",
    "dept_ties",
    "dept_practices",
    "cadre_motivation",
    "cadre_competence",
    "cadre_discipline",
    "cadre_blame_fear",
    "cadre_public_value",
    "citizen_expectation",
    "citizen_satisfaction",
    "citizen_trust",
    "resources",
    "action_base",
    "problems_identified",
    "pm_monitoring",
    "pm_incentive",
    "pm_feedback",
    "institutionalisation",
    "public_value_clarity",
    "openness",
    "inertia_threshold",
    "participation_rate",
    "real_perf",
    "assessed_perf",
)


def seed_int(seed: int | None) -> int:
    """A plain Python int seed in [0, 2**63); None draws one from the OS and records it."""
    if seed is None:
        return int(np.random.SeedSequence().generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))
    if isinstance(seed, bool) or int(seed) != seed or seed < 0:
        raise ValueError(f"seed must be a non-negative integer (got {seed!r})")
    return int(seed)


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of replicate r of root seed S: SeedSequence(S).spawn, 63 bits, a plain int."""
    child = np.random.SeedSequence(seed).spawn(replicate + 1)[replicate]
    return int(child.generate_state(2, np.uint32).view(np.uint64)[0] >> np.uint64(1))


class BatchEngine:
    """What both engines share: B runs with their own generators, parameters as (B, 1) columns, the
    scheduled events by month, a recorder, and `results`. A subclass gives its state, its monthly
    random layout, its recorder, `_initialise`, `step` and its classifier."""

    version: int
    classify = staticmethod(classify)

    def __init__(self, scenarios: Sequence[Scenario], seeds: Sequence[int], steps: int | None = None):
        self.scenarios = list(scenarios)
        self.seeds = [seed_int(x) for x in seeds]
        self.p = Pars(self.scenarios)
        self.r = Rand([np.random.default_rng(x) for x in self.seeds])
        self.s = self.make_state()
        self.r.layout = self.layout()
        self.schedules: list[dict[int, list[Event]]] = []
        for sc in self.scenarios:
            sched: dict[int, list[Event]] = defaultdict(list)
            for e in sc.events:
                sched[e.month].append(e)
            self.schedules.append(dict(sched))
        self.steps = steps or max(sc.steps for sc in self.scenarios)
        self.recorder = self.make_recorder()
        self._initialise()

    def results(self, with_series: bool = True) -> list[tuple[pd.DataFrame | None, dict]]:
        """Per run: (series DataFrame or None, summary dict). Skipping the DataFrames is what a
        sweep wants: the summary needs only the recorded arrays."""
        out = []
        for b, (sc, seed) in enumerate(zip(self.scenarios, self.seeds, strict=True)):
            series = self.recorder.series(b)
            summary, phase = summarise(series, sc.params, seed, self.classify)
            out.append((self.series_frame(series, phase, seed) if with_series else None, summary))
        return out


class Engine(BatchEngine):
    """B runs of Model 1 stepped together. Run b uses only its own generator, so its numbers do not
    depend on which other runs share the batch."""

    version = 1
    series_frame = staticmethod(series_frame)

    def make_state(self) -> State:
        return State(self.p, self.r)

    def layout(self) -> dict[str, tuple[int, ...]]:
        return month_layout(self.p)

    def make_recorder(self) -> Recorder:
        return Recorder(self.steps, len(self.scenarios))

    def _initialise(self) -> None:
        """Put the starting county at its own steady state: output scaled so that departments produce
        the initial performance, citizens expect what they get (the trap is an equilibrium)."""
        s, p = self.s, self.p
        s.levels = subsystem_levels(s)
        me.effort(s, p)
        s.levels = subsystem_levels(s)
        raw = me.raw_output(s, p)
        s.output_scale = 1.0 / np.maximum(raw.mean(axis=1, keepdims=True), 1e-9)
        me.output(s, p, self.r)
        s.real_perf[:] = p.initial_performance
        s.assessed_perf[:] = domain_mean(s, s.dept_reported)
        q = cz.experience(s, p)
        s.citizen_expectation = q.copy()
        s.citizen_satisfaction = np.clip(0.05 + 0.8 * q, 0.0, 1.0)
        s.perf_history[:] = (s.need_mean * s.real_perf).sum(axis=1)[:, None]
        s.levels = subsystem_levels(s)
        self.recorder.record(s)

    def step(self, timer: Callable | None = None) -> None:
        s, p, r = self.s, self.p, self.r
        s.t += 1
        r.begin_month()
        to.apply_events(s, p, r, self.schedules)
        if timer is None:
            for _, rule in STEP_RULES:
                rule(s, p, r)
        else:
            for name, rule in STEP_RULES:
                with timer(name):
                    rule(s, p, r)
        # the benchmark county keeps improving toward the frontier (paper §3(一) 兄弟县区都在不断的发展)
        s.benchmark += p.benchmark_growth[:, 0] / 12.0 * (1.0 - s.benchmark)
        s.perf_history[:, :-1] = s.perf_history[:, 1:]
        s.perf_history[:, -1] = (s.need_mean * s.real_perf).sum(axis=1)
        for name in BOUNDED:
            x = getattr(s, name)
            np.clip(x, 0.0, 1.0, out=x)
        s.levels = subsystem_levels(s)
        if self.recorder.n > self.steps:
            grow = np.full_like(self.recorder.data, np.nan)
            self.recorder.data = np.concatenate([self.recorder.data, grow])
            self.steps = self.recorder.data.shape[0] - 1
        self.recorder.record(s)


def make_engine(scenarios: Sequence[Scenario], seeds: Sequence[int], steps: int | None = None):
    """The engine the scenarios ask for (`model_version`: 1, or 2 for Model 2); a batch shares it."""
    versions = {int(sc.params["model_version"]) for sc in scenarios}
    if len(versions) != 1:
        raise ValueError(f"a batch must share 'model_version' (got {sorted(versions)})")
    if versions == {2}:
        from .model2.engine import Engine2

        return Engine2(scenarios, seeds, steps)
    return Engine(scenarios, seeds, steps)


class _WeakIdCounters(weakref.WeakKeyDictionary):
    """Mesa 3.3's `Agent._ids` as a weak mapping: each model's agent-id counter, created on first use,
    dropped with the model. Mesa 3.3 keeps a class-level defaultdict keyed by the model, so every model
    that ever made an agent stayed alive (Mesa issue #3179): a loop of `sim.run` grew by about a
    megabyte a run unless each result's model was freed. Later Mesa versions have no `_ids`."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = itertools.count(1)
            self[model] = counter
            return counter


def _release_models_with_their_agents() -> None:
    """Swap Mesa 3.3's strong `Agent._ids` for the weak one (keeping any counters it holds), once."""
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, defaultdict):
        weak = _WeakIdCounters()
        for model, counter in ids.items():
            weak[model] = counter
        mesa.Agent._ids = weak


class CountyModel(mesa.Model):
    """One county, one run: `CountyModel(scenario, seed=S)`; `step()` advances one month."""

    def __init__(self, scenario: Scenario | str | None = None, seed: int | None = None, build_agents: bool = True):
        seed = seed_int(seed)
        _release_models_with_their_agents()
        super().__init__(rng=seed)
        if scenario is None:
            scenario = default_scenario()
        elif isinstance(scenario, str):
            scenario = load_scenario(scenario)
        self.county_scenario = scenario
        self.seed = seed
        self.engine = make_engine([scenario], [seed], scenario.steps)
        if self.engine.version == 2:
            self.engine.log_problems()  # a single run keeps its problems (RunResult.problems)
        self.running = True
        if build_agents:
            p = self.engine.p
            for cls, n in (
                (Leader, p.n_leaders),
                (Department, p.n_departments),
                (Cadre, p.n_cadres),
                (Citizen, p.n_citizens),
            ):
                for i in range(n):
                    cls(self, i)

    @property
    def month(self) -> int:
        return self.engine.s.t

    def step(self) -> None:
        self.engine.step()
        self.running = self.engine.s.t < self.county_scenario.steps

    def series(self) -> dict[str, np.ndarray]:
        return self.engine.recorder.series(0)

    @property
    def phase(self) -> str:
        """The phase reached so far (deliver needs the hold months to have passed)."""
        return self.engine.classify(self.series(), self.county_scenario.params).phase[-1]

    def result(self) -> tuple[pd.DataFrame, dict]:
        return self.engine.results()[0]

    def free(self) -> None:
        """Drop the agents and Mesa's class-level id counter (Mesa issue #3179 on 3.3.x)."""
        for agent in list(self.agents):
            agent.remove()
        ids = getattr(mesa.Agent, "_ids", None)
        if ids is not None:
            ids.pop(self, None)
