"""Model 2's engine: B runs stepped together over arrays with a batch axis, in the order of
`STEP_RULES` (events first; then leaders, listing, departments and cadres, performance management,
adaptation, citizens, and last the leaders' inputs and resolve; docs/MODEL.md §4 gives the reasons).
Run b uses only its own generator and row-wise reductions, so its numbers do not depend on which
other runs share the batch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..model import BatchEngine
from ..npx import clip
from ..params import DOMAINS
from ..record import MEASURES
from ..trajectory import gap_closure_series
from . import ablation as ab
from . import adaptation_interaction as ai
from . import citizens as cz
from . import coordination_linkage as cl
from . import drive_input as di
from . import events as ev
from . import guidance_change as gc
from . import management_execution as me
from . import problems as pb
from .readout import EXTRA, NAMES, classify, measure, performance
from .state import DIFFICULTY_SHAPE, FRESH, FRESH_SLOTS, SOURCES, SRC, STATUS_OPEN, STATUS_PAPER, D, State2

MODEL_VERSION = 2
BALANCE_MONTHS = 12  # the last year of the spin-up gives the routine's listing hazards
SETTLE_MONTHS = 12  # with measured_balance, the spin-up's first year (the list still growing) is not measured


def _hazards(s, p) -> np.ndarray:
    """Each source's listing hazard per cell (S, B, K), each through its own channel (docs/MODEL.md §4)."""
    h = np.zeros((len(SOURCES), s.B, s.K))
    h[SRC["routine"]] = p.routine_listing
    h[SRC["diagnosis"]] = di.diagnosis_hazard(s, p)
    h[SRC["complaint"]] = cz.complaint_hazard(s, p)
    h[SRC["evaluation"]] = me.evaluation_hazard(s, p)
    h[SRC["comparison"]] = ai.comparison_hazard(s, p) + p.k_AI_DI * s.study_tour[:, None]
    h[SRC["proposal"]] = cz.proposal_hazard(s, p)
    s.study_tour[:] = 0.0
    s.hazard = clip(h, 0.0, 1.0).sum(axis=0)  # (B, K): the spin-up balances arrivals against it
    return h


def listing(s, p, r) -> None:
    """All sources list latent problems at once, each through its own channel (docs/MODEL.md §4)."""
    pb.list_new(s, p, r, _hazards(s, p))
    s.diagnosed += s.listed[:, SRC["diagnosis"]]


def listing_compiled(s, p, r) -> None:
    """`listing` by the compiled kernel."""
    pb.list_new_compiled(s, p, r, _hazards(s, p))
    s.diagnosed += s.listed[:, SRC["diagnosis"]]


def performance_numpy(s, p, r) -> None:
    """Real and assessed performance from the burden left unsolved (readout.performance, in NumPy)."""
    performance(s, compiled=False)


def performance_compiled(s, p, r) -> None:
    """`performance_numpy` by the compiled kernel."""
    performance(s)


#: The step, in order (docs/MODEL.md §4), as (subsystem, rule), in plain NumPy: the twin of the
#: compiled path (`STEP_RULES`) that the tests compare it with; `events.apply_events` runs first.
NUMPY_RULES: tuple[tuple[str, Callable], ...] = (
    ("problems", pb.arrive),
    ("drive–input", di.launch),
    ("drive–input", di.attention),
    ("coordination–linkage", cl.convene),
    ("drive–input", ev.leaders_campaigns),
    ("problems", listing),
    ("management–execution", me.engage),
    ("management–execution", me.effort),
    ("management–execution", me.work),
    ("management–execution", me.assess),
    ("guidance–change", gc.institutionalise),
    ("adaptation–interaction", ai.openness),
    ("adaptation–interaction", ai.learning),
    ("adaptation–interaction", ai.brain_drain),
    ("adaptation–interaction", ai.head_turnover),
    ("adaptation–interaction", ai.fade_campaigns),
    ("coordination–linkage", cl.silo),
    ("management–execution", me.cadres),
    ("problems", performance_numpy),
    ("adaptation–interaction", ai.stall),
    ("citizens", cz.satisfaction),
    ("citizens", cz.word_of_mouth),
    ("citizens", cz.trust),
    ("citizens", cz.voice_and_participation),
    ("guidance–change", gc.public_value),
    ("guidance–change", gc.internalise),
    ("drive–input", di.action_base),
    ("drive–input", di.resources),
    ("drive–input", di.budget),
    ("drive–input", di.resolve),
)

#: Consecutive NumPy rules that one compiled kernel replaces (sim/model2/kernels.py), by first rule.
KERNELS: dict[Callable, tuple[int, Callable]] = {
    cz.satisfaction: (4, cz.month),
    me.engage: (1, me.engage_compiled),
    me.effort: (1, me.effort_compiled),
    me.work: (1, me.work_compiled),
    ai.fade_campaigns: (1, ai.fade_campaigns_compiled),
    listing: (1, listing_compiled),
    cl.convene: (1, cl.convene_compiled),
    me.assess: (1, me.assess_compiled),
    me.cadres: (1, me.cadres_compiled),
    performance_numpy: (1, performance_compiled),
}


def compiled(rules: tuple[tuple[str, Callable], ...]) -> tuple[tuple[str, Callable], ...]:
    """The step with each group of NumPy rules replaced by the kernel that computes the same."""
    out, i = [], 0
    while i < len(rules):
        name, rule = rules[i]
        n, kernel = KERNELS.get(rule, (1, rule))
        out.append((name, kernel))
        i += n
    return tuple(out)


#: The step every run takes (docs/MODEL.md §4).
STEP_RULES = compiled(NUMPY_RULES)

#: Arrays that are levels in [0, 1]; kept there after each step.
BOUNDED = (
    "leader_resolve",
    "leader_public_value",
    "leader_collaboration",
    "dept_capacity",
    "dept_silo",
    "dept_ties",
    "dept_practices",
    "dept_rules",
    "cadre_motivation",
    "cadre_competence",
    "cadre_discipline",
    "cadre_blame_fear",
    "cadre_public_value",
    "cadre_threshold",
    "citizen_expectation",
    "citizen_satisfaction",
    "citizen_trust",
    "resources",
    "action_base",
    "pm_maturity",
    "public_value_clarity",
    "openness",
    "inertia_threshold",
    "participation_rate",
)


def month_layout(s) -> dict[str, tuple[int, ...]]:
    """The uniforms each run draws per month, by the rule that uses them (the order fixes the streams)."""
    P, M, J, N, C, L = s.P, s.max_new, s.J, s.N, s.C, s.L
    return {
        "obsolete": (P,),
        "convene": (L,),
        "list_counts": (len(SOURCES),),
        "list_cell": (M,),
        "list_difficulty": (DIFFICULTY_SHAPE, M),
        "list_lead": (M,),
        "list_cross": (M,),
        "list_third": (M,),
        "list_partner1": (M,),
        "list_partner2": (M,),
        "detect": (P,),
        "visit": (J,),
        "leaving": (N,),
        "fresh": (len(FRESH), FRESH_SLOTS),
        "merit": (J,),
        "head_turnover": (J,),
        "motivation_noise": (N,),
        "hearing": (C,),
        "voice": (C,),
        "joining": (C,),
        "resource_shock": (1,),
    }


class Recorder2:
    """Preallocated (steps + 1, B, measures) array; row 0 is the initial state."""

    def __init__(self, steps: int, B: int):
        self.data = np.full((steps + 1, B, len(NAMES)), np.nan)
        self.n = 0

    def record(self, s, p) -> None:
        if self.n >= self.data.shape[0]:
            self.data = np.concatenate([self.data, np.full_like(self.data, np.nan)])
        self.data[self.n] = measure(s, p)
        self.n += 1

    def series(self, b: int = 0) -> dict[str, np.ndarray]:
        d = self.data[: self.n, b]
        return {name: d[:, i] for i, name in enumerate(NAMES)}


def series_frame(series: dict[str, np.ndarray], phase: list[str], seed: int, replicate: int = 0) -> pd.DataFrame:
    n = len(phase)
    cols: dict[str, np.ndarray] = {
        "replicate": np.full(n, replicate),
        "seed": np.full(n, seed, dtype=np.uint64),
        "step": np.arange(n),
    }
    cols.update({name: series[name] for name in MEASURES})
    cols["gap_closure"] = gap_closure_series(series["real_performance"], series["benchmark"])
    cols["phase"] = np.asarray(phase, dtype=object)
    cols.update({name: series[name] for name in EXTRA})  # Model 2's columns come after Model 1's
    return pd.DataFrame(cols)


class Engine2(BatchEngine):
    """B runs of Model 2 stepped together (the interface of Model 1's `Engine`)."""

    version = MODEL_VERSION
    classify = staticmethod(classify)
    rules = STEP_RULES  # NUMPY_RULES in the tests that compare the kernels with their twins

    def make_state(self) -> State2:
        return State2(self.p, self.r)

    def layout(self) -> dict[str, tuple[int, ...]]:
        return month_layout(self.s)

    def make_recorder(self) -> Recorder2:
        return Recorder2(self.steps, len(self.scenarios))

    series_frame = staticmethod(series_frame)

    def log_problems(self) -> None:
        """Keep every problem solved or overtaken from now on (for `problems`); single runs do this."""
        self.s.problem_log = []

    def problems(self, b: int = 0) -> pd.DataFrame:
        """Run b's problems: one row per problem solved or overtaken since logging began, then one per
        problem still on the list (open, or closed only on paper), with its township (-1: county-wide),
        domain, source, departments needed, the lead's weakest tie to its partners, whether a task
        force worked it that month, and the months it was open."""
        s = self.s
        logged = [pd.DataFrame(d) for d in (s.problem_log or [])]
        still = (s.prob_status == STATUS_OPEN) | (s.prob_status == STATUS_PAPER)
        mask = np.zeros_like(still)
        mask[b] = still[b]
        b_idx, p_idx = np.nonzero(mask)
        open_now = pd.DataFrame(
            {
                "run": b_idx,
                "status": np.where(s.prob_status[b_idx, p_idx] == STATUS_OPEN, "open", "on_paper"),
                "month_closed": np.full(b_idx.size, -1),
                "months_open": s.prob_age[b_idx, p_idx],
                "cell": s.prob_cell[b_idx, p_idx],
                "source": s.prob_source[b_idx, p_idx],
                "departments": 1 + (s.prob_partner[b_idx, p_idx] >= 0).sum(axis=1),
                "lead": s.prob_lead[b_idx, p_idx],
                "tie": np.where(s.prob_partner[b_idx, p_idx, 0] >= 0, s.prob_tie[b_idx, p_idx], np.nan),
                "task_force": s.prob_taskforce[b_idx, p_idx],
                "key": s.prob_key[b_idx, p_idx],
                "difficulty": s.prob_difficulty[b_idx, p_idx],
            }
        )
        df = pd.concat([*logged, open_now], ignore_index=True)
        df = df[df["run"] == b].drop(columns="run").reset_index(drop=True)
        town = df["cell"].to_numpy() // D
        df.insert(3, "township", np.where(town < s.T, town, -1))
        df.insert(4, "domain", [DOMAINS[c % D] for c in df["cell"]])
        df["source"] = [SOURCES[int(x)] for x in df["source"]]
        df["month_closed"] = df["month_closed"].astype("Int64").where(df["month_closed"] >= 0)
        return df.drop(columns="cell")

    def _initialise(self) -> None:
        """Month 0: the ordinary list the county has, performance from its burden, citizens who expect
        what they get (the trap is the starting county's routine balance)."""
        s, p, r = self.s, self.p, self.r
        B, J = s.B, s.J
        s.initial_resources = p.initial_resources[:, 0].copy()
        s.dept_attention = np.zeros((B, J))
        s.dept_caught = np.zeros((B, J))
        s.dept_exposed = np.zeros((B, J))
        s.dept_citizen_output = np.zeros((B, J))
        s.dept_work = np.zeros((B, J))
        s.study_tour = np.zeros(B)
        s.diagnosed = np.zeros(B)
        s.wom_blocked = np.zeros(B)
        s.town_participation = np.zeros((B, s.T))
        s.dept_budget_share = np.full((B, J), 1.0 / J)  # equal shares until the first year's budget
        s.progress_trend = np.zeros(B)  # the year's trend of real performance (adaptation_interaction.stall)
        s.last_real = np.zeros(B)
        s.stalled = np.zeros(B, dtype=bool)
        ab.top_leader_at_mean(s, p)
        ab.homogenise(s, p)
        r.begin_month()
        pb.seed_pool(s, p, r)
        performance(s)
        q = cz.experience(s)
        s.citizen_expectation = q.copy()
        s.citizen_satisfaction = clip(cz.SAT_FLOOR + cz.SAT_SLOPE * q, 0.0, 1.0)
        cz.voice_and_participation(s, p, r)
        self._spin_up()
        s.listed[:] = 0.0
        self.recorder.record(s, p)

    def _spin_up(self) -> None:
        """The old team's routine for `spin_up` months before month 1 (no reform, no events, nothing
        recorded), so that the list of hanging problems and the closures on paper have settled.
        Then the hidden burden is put back to the starting performance's and arrivals are set to
        balance, in every township and domain, what ordinary listing and obsolescence take: the
        trap is the equilibrium of this county's own routine (pattern 1). With `measured_balance`
        the total burden is held at the target every month of the spin-up (the hidden stock takes
        up what the list does not hold) and the arrivals are those that keep the hidden stock where
        it is, given the outflow measured over the spin-up's last `spin_up - SETTLE_MONTHS` months
        (docs/ODD.md §5.3, §13)."""
        s, p, r = self.s, self.p, self.r
        target = pb.cell_burden(s)
        spin = p.spin_up
        measured = p.measured_balance[:, 0] > 0  # (B,)
        held = bool(measured.any())
        window = spin - SETTLE_MONTHS
        s.t = -spin
        s.routine_only = True
        hazard = np.zeros_like(s.latent)  # the routine's listing hazards, over the last BALANCE_MONTHS
        outflow = np.zeros_like(s.latent)  # what listing and obsolescence took, over the last `window` months
        provisional = s.arrival.copy()
        for month in range(spin):
            s.t += 1
            r.begin_month()
            before = s.latent.copy() if held else None
            for _, rule in self.rules:
                rule(s, p, r)
            if month >= spin - BALANCE_MONTHS:
                hazard += s.hazard / BALANCE_MONTHS
            if held:
                if month >= spin - window:
                    outflow += (before + provisional - s.latent) / window
                listed = pb.cell_burden(s) - s.latent
                s.latent = np.where(measured[:, None], np.maximum(target - listed, 0.0), s.latent)
        s.routine_only = False
        s.t = 0
        listed = pb.cell_burden(s) - s.latent
        s.latent = np.maximum(target - listed, 0.0)
        # a routine that keeps up solves what it lists: arrivals that match its listing hazards and
        # obsolescence hold the hidden burden, and so the whole burden, where they are
        s.arrival = (hazard + p.problem_obsolescence) * s.latent
        if held:
            # a month moves the hidden stock by a·(1 − o) − (o·L + listing); the measured outflow is
            # o·(L + provisional) + listing, so the arrivals that hold it are (outflow − o·provisional) / (1 − o)
            o = p.problem_obsolescence
            keep = np.maximum(outflow - o * provisional, 0.0) / (1.0 - o)
            s.arrival = np.where(measured[:, None], keep, s.arrival)
        performance(s)
        s.economy_start = s.real_perf[:, 0].copy()  # the economic activity the arrivals balance
        s.last_real = pb.county_real(s)  # the new team judges progress from here
        s.progress_trend[:] = 0.0
        s.stalled[:] = False
        # the new team starts from its own resolve, with no record of its own
        s.leader_resolve[:] = s.leader_disposition
        s.leader_tenure[:] = 0.0
        s.leader_wins[:] = 0.0
        s.diagnosed[:] = 0.0
        s.pool_full[:] = 0.0
        s.listing_overflow[:] = 0.0

    def step(self, timer: Callable | None = None) -> None:
        s, p, r = self.s, self.p, self.r
        s.t += 1
        r.begin_month()
        ev.apply_events(s, p, r, self.schedules)
        for name, rule in self.rules:
            if timer is None:
                rule(s, p, r)
            else:
                with timer(name):
                    rule(s, p, r)
        ab.homogenise(s, p)  # the mean-field twin's runs only
        # the benchmark county keeps improving (paper §3(一) '其他兄弟县区都在不断的发展')
        s.benchmark += p.benchmark_growth[:, 0] / 12.0 * (1.0 - s.benchmark)
        for name in BOUNDED:
            x = getattr(s, name)
            clip(x, 0.0, 1.0, out=x)  # the ufunc: np.clip's numbers without its checks, 24 times a month
        self.recorder.record(s, p)
        if self.recorder.n - 1 > self.steps:
            self.steps = self.recorder.n - 1
