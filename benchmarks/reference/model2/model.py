"""ReferenceModel2: Model 2 (docs/ODD.md) written the idiomatic Mesa way, the docking twin of
the vectorised engine `sim.model2` (arrays with a batch axis and compiled kernels).

County-level state (the latent burden by township and domain, the stocks, the problem list) lives on
the model as plain floats and lists; leaders, departments, cadres and citizens are `mesa.Agent`s with
their own attributes (agents.py); problems are plain objects in the county's pool of slots. Month 0
(§5.2) lists the county's ordinary work orders, then the old team's routine runs for `spin_up`
unrecorded months and the arrivals are balanced against it (§5.3). Each month after that: the end of
terms and the scheduled events (§7.1), then the 30 rules of §3 in order (`RULES`, each the method
`rule_<name>`), then benchmark growth, clipping and the DataCollector (§3 steps 5 to 7).

Five mechanisms joined the model later (MODEL.md §4, "Status in the code"): arrivals that
grow with economic activity (§7.2, `economic_activity` in `rule_arrive`); joint convening by the
supervising leaders of a problem across their portfolios (§7.5, `joint_convening` in `rule_convene`);
the top leader's vision in building the action base (§7.27, `vision_factor` in `rule_action_base`,
successors drawn in `Leader.take_office`); the yearly budget among departments (§7.31, `rule_budget`
and `Department.set_budget`, read by `Department.work`, §7.10); and the stall of progress that sends
an open leadership out to diagnose again (§7.32, `rule_stall`, read by `hazards` through
`rediagnosis`, §7.7).

Where the vectorised rule updates all agents at once from the values before the rule (engagement,
word of mouth, peers' and role models' motivation, ranks), the port computes those first and updates
after, so that the order in which agents act (`shuffle_do`) does not matter. Random numbers come from
this run's own generators (Mesa's `model.rng` and `model.random`, seeded by the seed), drawn where a
rule needs them; the two implementations share no random stream, so docking compares distributions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np
from scipy.special import betaincinv, ndtr

from sim.model2.readout import NAMES, classify
from sim.params import PARAMS
from sim.record import summarise
from sim.scenario import Event, Scenario, load_scenario
from sim.trajectory import coupling_degree

from .agents import (
    COMPLAINT,
    OPEN,
    SOLVED,
    SOURCES,
    TOP_LEADER_SHARE,
    Cadre,
    Citizen,
    D,
    Department,
    Leader,
    Problem,
    clip01,
)

DOMAINS = ("economy", "public_services", "infrastructure", "administration")
SUBSYSTEMS = ("DI", "CL", "GC", "ME", "AI")
SRC = {name: i for i, name in enumerate(SOURCES)}

# §9, the constants of the county-level rules
BALANCE_MONTHS = 12
SETTLE_MONTHS = 12  # with measured_balance, the first year of the spin-up is not measured (ODD §5.3)
MAX_NEW = 96
THIRD_DEPT_SHARE = 1.0 / 3.0
DIFFICULTY_SHAPE = 2.0
INITIAL_LISTED_MONTHS = 1.0
LEADER_CONC = 20.0
ATTR_CONC = 12.0
LEADER_MEAN = 0.5  # leaders' collaborative skill (their vision has its own parameter, `leader_vision`)
LEADER_PV_LEAD = 0.2
CITIZEN_TRUST_MEAN, CITIZEN_VOICE_MEAN, CITIZEN_PARTICIPATION_MEAN = 0.35, 0.5, 0.3
CITIZEN_CONC = 4.0
THRESHOLD_MOTIVATION_CORR = -0.5
BLAME_FEAR_MEAN = 0.5
NEED_CONCENTRATION = (1.0, 2.4, 1.6, 1.0)
PLATFORM_RESOURCE_WEIGHT = 0.6
LOBBY_RESOURCES = 0.05
ACTION_BASE_RESOURCES = 0.3
VISIT_RESOURCES = 0.1
SHOCK_PERSISTENCE = 0.9
RESOURCE_SPEED = 0.1
TIE_GAIN = 0.2
TIE_DECAY = 0.02
REFERENCE_DEPARTMENTS = 16
CLARITY_FROM_VOICE = 0.25
CLARITY_FROM_PARTICIPATION = 0.1
LISTEN_FLOOR = 0.5
OPENNESS_SPEED = 0.04
OPENNESS_FROM_LEARNING = 0.5
OPENNESS_FROM_CONVENING = 0.4
ATTRACTION_WEIGHTS = (0.4, 0.3, 0.3)
OPENNESS_IN_VOICE = 0.5
PARTICIPATION_SPEED = 0.2
SUCCESSOR_COLLABORATION = 0.5
FADE = 0.5
KEEPS = 1.0 - FADE  # what a department keeps of its practices not yet rules when its leader goes
RECTIFY_SHARE = 0.1
RECTIFY_DISCIPLINE = 0.3
EMANCIPATE_THRESHOLD = 0.3
EMANCIPATE_OPENNESS = 0.3
VISIT_OPENNESS = 0.1
VISIT_LISTING = 0.1
LEVEL_WEIGHTS = {"DI": (0.4, 0.3, 0.3), "CL": (0.3, 0.4, 0.3), "GC": (0.35, 0.35, 0.3), "ME": (0.4, 0.2, 0.2, 0.2)}
VISION_WEIGHT = 0.5
VISION_REFERENCE = 0.5  # the top leader's vision at which the action base is built at `build_rate`
BUDGET_MONTHS = 12  # the budget among departments is set once a year (the fiscal year)
STALL_MEMORY = 12.0  # the top leader judges progress over about a year (the trend's memory and tenure, months)
ECONOMY_CHANGE_CAP = 2.0  # arrivals count the economy's growth up to a tripling (ODD §7.2, §9)
#: levers that seed a state at month 0: a lever event moves the state by the same amount (§7.1)
STATE_LEVERS = {
    "reform_resolve": ("resolve", "disposition"),
    "inertia": ("inertia_threshold",),
    "leader_vision": ("vision",),
}

#: The rules of a month in the order of docs/ODD.md §3 (and of `sim.model2.engine.NUMPY_RULES`),
#: as (subsystem, name); each is the method `rule_<name>`.
RULES: tuple[tuple[str, str], ...] = (
    ("problems", "arrive"),
    ("drive–input", "launch"),
    ("drive–input", "attention"),
    ("coordination–linkage", "convene"),
    ("drive–input", "leaders_campaigns"),
    ("problems", "listing"),
    ("management–execution", "engage"),
    ("management–execution", "effort"),
    ("management–execution", "work"),
    ("management–execution", "assess"),
    ("guidance–change", "institutionalise"),
    ("adaptation–interaction", "openness"),
    ("adaptation–interaction", "learning"),
    ("adaptation–interaction", "brain_drain"),
    ("adaptation–interaction", "head_turnover"),
    ("adaptation–interaction", "fade_campaigns"),
    ("coordination–linkage", "silo"),
    ("management–execution", "cadres"),
    ("problems", "performance"),
    ("adaptation–interaction", "stall"),
    ("citizens", "satisfaction"),
    ("citizens", "word_of_mouth"),
    ("citizens", "trust"),
    ("citizens", "voice_and_participation"),
    ("guidance–change", "public_value"),
    ("guidance–change", "internalise"),
    ("drive–input", "action_base"),
    ("drive–input", "resources"),
    ("drive–input", "budget"),
    ("drive–input", "resolve"),
)
#: The scheduled event kinds ported (every kind of `sim.interventions`).
EVENT_KINDS = (
    "higher_level_visit",
    "rectification_campaign",
    "emancipation_campaign",
    "stop_campaigns",
    "set_lever",
    "add_lever",
    "ramp_lever",
    "open_channel",
    "close_channel",
    "learning_visit",
    "resource_shock",
    "leadership_change",
    "leader_change",
    "institutionalise",
)
#: Switches not ported: the mean-field twin of pattern 8 (§7.30) is a different model, not an agent rule.
NOT_PORTED = ("mean_field",)


def blocks(n_items: int, n_groups: int) -> list[int]:
    """Group of each item when n_items are split into n_groups contiguous near-equal blocks."""
    return [i * n_groups // n_items for i in range(n_items)]


class ReferenceModel2(mesa.Model):
    """One county, one run of Model 2, one Python object per agent: `ReferenceModel2(scenario, seed=S)`."""

    def __init__(self, scenario: Scenario | str = "l_county", seed: int = 0):
        super().__init__(rng=int(seed))
        if isinstance(scenario, str):
            scenario = load_scenario(scenario, model_version=2)
        self.county_scenario = scenario
        self.seed = int(seed)
        self.p = p = SimpleNamespace(**scenario.params)
        for name in NOT_PORTED:
            if getattr(p, name):
                raise NotImplementedError(f"the reference implementation does not port '{name}'")
        self.t = 0
        self.routine_only = False
        self.events: dict[int, list[Event]] = defaultdict(list)
        for e in scenario.events:
            self.events[e.month].append(e)

        L, J, N, C, T = p.n_leaders, p.n_departments, p.n_cadres, p.n_citizens, p.n_townships
        self.T = T
        self.K = (T + 1) * D
        self.P = p.problem_slots
        self.max_new = max(MAX_NEW, self.P // 5)

        # --- leaders (§5.1) ------------------------------------------------------------------------
        term_end = [float(p.term_length)] * L
        if p.stagger_terms:
            term_end = [float(p.term_length) if i == 0 else float(math.ceil(p.term_length * i / L)) for i in range(L)]
        self.leader_list = [
            Leader(
                self,
                index=i,
                disposition=self.beta(p.reform_resolve, LEADER_CONC),
                vision=self.beta(p.leader_vision, ATTR_CONC),  # 大局意识, around the scenario's `leader_vision`
                public_value=self.beta(clip01(p.initial_public_value + LEADER_PV_LEAD), ATTR_CONC),
                collaboration=self.beta(LEADER_MEAN, ATTR_CONC),
                term_end=term_end[i],
            )
            for i in range(L)
        ]
        self.top = self.leader_list[0]

        # --- departments: domains round-robin, portfolios in contiguous blocks (§2.2) ---------------
        self.dept_list = [
            Department(
                self,
                index=j,
                domain=j % D,
                capacity=self.beta(p.initial_capacity, ATTR_CONC),
                silo=self.beta(p.initial_silo, ATTR_CONC),
            )
            for j in range(J)
        ]
        sup = [0] * J if L == 1 else [1 + g for g in blocks(J, L - 1)]
        for dept, leader in zip(self.dept_list, sup, strict=True):
            dept.leader = self.leader_list[leader]
            dept.leader.portfolio.append(dept)
        for leader in self.leader_list:
            if leader.portfolio and not (leader.index == 0 and L > 1):
                leader.domain_share = [
                    sum(1 for x in leader.portfolio if x.domain == d) / len(leader.portfolio) for d in range(D)
                ]
        self.domain_depts = [[x for x in self.dept_list if x.domain == d] for d in range(D)]
        self.department_pairs = [(a, b) for i, a in enumerate(self.dept_list) for b in self.dept_list[i + 1 :]]
        for a, b in self.department_pairs:
            a.ties[b] = b.ties[a] = clip01(self.rng.random() * 2.0 * p.initial_ties)

        # --- cadres: threshold and motivation by a Gaussian copula (§5.1) ------------------------------
        rho = THRESHOLD_MOTIVATION_CORR
        for j in blocks(N, J):
            z1, z2 = self.rng.standard_normal(2)
            dept = self.dept_list[j]
            dept.cadres.append(
                Cadre(
                    self,
                    department=dept,
                    threshold=self.beta_inv(ndtr(z1), p.inertia * p.threshold_scale, p.threshold_concentration),
                    motivation=self.beta_inv(ndtr(rho * z1 + math.sqrt(1 - rho * rho) * z2), p.initial_motivation),
                    competence=self.beta(p.initial_competence, ATTR_CONC),
                    discipline=self.beta(p.initial_discipline, ATTR_CONC),
                    blame_fear=self.beta(BLAME_FEAR_MEAN, ATTR_CONC),
                    public_value=self.beta(p.initial_public_value, ATTR_CONC),
                )
            )
        for dept in self.dept_list:
            dept.head = dept.cadres[0]

        # --- citizens and their word-of-mouth ties ----------------------------------------------------
        self.residents: list[list[Citizen]] = [[] for _ in range(T)]
        for t in blocks(C, T):
            self.residents[t].append(
                Citizen(
                    self,
                    township=t,
                    needs=[float(x) for x in self.rng.dirichlet(NEED_CONCENTRATION)],
                    trust=self.beta(CITIZEN_TRUST_MEAN, ATTR_CONC),
                    voice_propensity=self.beta(CITIZEN_VOICE_MEAN, CITIZEN_CONC),
                    participation_propensity=self.beta(CITIZEN_PARTICIPATION_MEAN, CITIZEN_CONC),
                )
            )
        everyone = [c for town in self.residents for c in town]
        for town in self.residents:
            for citizen in town:
                others = [x for x in town if x is not citizen] or [citizen]
                for _ in range(p.citizen_ties):
                    tie = citizen
                    if T > 1 and self.random.random() < p.cross_township_ties:
                        tie = self.random.choice(everyone)
                    if tie is citizen:  # a local tie, and the fallback of a county-wide self-tie
                        tie = self.random.choice(others)
                    citizen.neighbours.append(tie)

        self.leaders = self.agents_by_type[Leader]
        self.departments = self.agents_by_type[Department]
        self.cadres = self.agents_by_type[Cadre]
        self.citizens = self.agents_by_type[Citizen]

        # --- townships and the latent burden (§5.1) ----------------------------------------------------
        hardship = [math.exp(p.township_inequality * self.rng.standard_normal()) for _ in range(T)]
        self.town_hardship = [h * T / sum(hardship) for h in hardship]  # mean 1
        self.complaints = [[0.0] * D for _ in range(T)]
        self.town_participation = [0.0] * T
        self.town_perf = [[0.0] * D for _ in range(T)]
        self.town_assessed = [[0.0] * D for _ in range(T)]
        total = (1.0 - p.initial_performance) * p.reference_burden
        keep = 1.0 - INITIAL_LISTED_MONTHS * p.routine_listing
        self.latent = [0.0] * self.K
        for x in range(self.K):
            t = x // D  # the county-wide row (t == T) is read as spread over the T townships
            cw = p.countywide_share
            burden = total * cw * T if t == T else total * (1.0 - cw) * self.town_hardship[t]
            self.latent[x] = burden * keep
        self.seed_listed = [v * INITIAL_LISTED_MONTHS * p.routine_listing for v in self.latent]
        # provisional arrivals, used during the spin-up (replaced by the balance, §5.3)
        self.arrival = [
            p.routine_listing * v + p.problem_obsolescence * (v + s)
            for v, s in zip(self.latent, self.seed_listed, strict=True)
        ]
        self.hazard = [0.0] * self.K
        self.slots: list[Problem | None] = [None] * self.P

        # --- county ----------------------------------------------------------------------------------
        self.need_mean = [sum(c.needs[d] for c in self.citizens) / C for d in range(D)]
        self.drive = 0.0
        self.launched = False
        self.inertia_threshold = p.inertia
        self.event_drive = 0.0
        self.campaigns_done = False
        self.diagnosed = 0.0
        self.resources = self.initial_resources = p.initial_resources
        self.resource_shock = 0.0
        self.action_base = p.initial_action_base
        self.pm_maturity = p.initial_pm_maturity
        self.openness = p.initial_openness
        self.public_value_clarity = p.initial_public_value
        self.participation_rate = 0.0
        self.voice_rate = 0.0
        self.real_perf = [0.0] * D
        self.assessed_perf = [0.0] * D
        self.economy_start = 0.0  # the economy's real performance the arrivals balance (set after the spin-up)
        self.last_real = 0.0  # last month's county real performance (the stall rule's memory)
        self.progress_trend = 0.0  # the year's trend of real performance, per month
        self.stalled = False  # the top leader sees progress stalled (re-diagnosis next month)
        self.benchmark = p.benchmark_performance
        self.task_forces = 0
        self.study_tour = 0.0
        self.listed = [0] * len(SOURCES)
        self.solved = self.solved_cross = self.obsolete = self.caught = 0
        self.pool_full = self.listing_overflow = 0
        self.wom_blocked = 0.0
        self.level = dict.fromkeys(SUBSYSTEMS, 0.0)
        self.coupling = (0.0, 0.0, 0.0)

        self.datacollector = mesa.DataCollector(model_reporters=self.reporters())
        self.initialise()

    # --- helpers -------------------------------------------------------------------------------------

    def beta(self, mean: float, concentration: float = ATTR_CONC) -> float:
        """A heterogeneous level around `mean`: Beta(mean * c, (1 - mean) * c), mean clipped to [0.02, 0.98]."""
        m = min(max(mean, 0.02), 0.98)
        return float(self.rng.beta(m * concentration, (1.0 - m) * concentration))

    @staticmethod
    def beta_inv(u: float, mean: float, concentration: float = ATTR_CONC) -> float:
        """The same Beta by its inverse CDF at u (for the cadres' Gaussian copula)."""
        m = min(max(mean, 0.02), 0.98)
        return float(betaincinv(m * concentration, (1.0 - m) * concentration, min(max(u, 1e-12), 1 - 1e-12)))

    def problems(self) -> list[Problem]:
        """The listed problems (open or closed on paper), in slot order."""
        return [q for q in self.slots if q is not None]

    def assign_problems(self) -> list[Problem]:
        """Hand each department the listed problems it leads; the listed problems, in slot order."""
        listed = self.problems()
        for dept in self.dept_list:
            dept.problems = []
        for q in listed:
            q.lead.problems.append(q)
        return listed

    def rediagnosis(self) -> float:
        """Front-line diagnosis's multiplier (§7.7, §7.32): 1 + rediagnosis_gain x openness once the top
        leader has seen progress stall (last month's `rule_stall`), else 1 (paper §3(五) 一线工作法)."""
        return 1.0 + self.p.rediagnosis_gain * self.openness * self.stalled

    def mean_rules(self) -> float:
        return sum(d.rules for d in self.dept_list) / len(self.dept_list)

    def overall_real(self) -> float:
        return sum(n * r for n, r in zip(self.need_mean, self.real_perf, strict=True))

    def cover(self) -> float:
        """Fault tolerance protects only through the action base's incentive platform (§7.8, §7.9)."""
        return self.p.fault_tolerance * self.action_base

    def priority(self, q: Problem) -> float:
        """A listed problem's priority (§7.5, used by convening and by work)."""
        p = self.p
        complaint = p.k_GC_ME * self.public_value_clarity if q.source == COMPLAINT else 0.0
        return 1.0 + p.priority_key * q.key + p.priority_age * q.age / 12.0 + p.priority_complaint * complaint

    def team_public_value(self) -> float:
        mean = sum(x.public_value for x in self.leader_list) / len(self.leader_list)
        return TOP_LEADER_SHARE * self.top.public_value + (1.0 - TOP_LEADER_SHARE) * mean

    def placeless(self) -> bool:
        """Complaints and proposals lose their township (the pattern-8 ablation, §7.30)."""
        return bool(self.p.ablate_townships)

    def county_row(self, per_town: list[float]) -> float:
        return sum(per_town) / len(per_town)

    # --- month 0 and the spin-up (§5.2, §5.3) --------------------------------------------------------

    def initialise(self) -> None:
        self.top_leader_at_mean()
        hazard = [[0.0] * self.K for _ in SOURCES]
        for x in range(self.K):
            if self.latent[x] > 0:
                hazard[SRC["routine"]][x] = self.seed_listed[x] / (self.latent[x] + self.seed_listed[x])
        self.latent = [v + s for v, s in zip(self.latent, self.seed_listed, strict=True)]
        self.list_new(hazard)
        self.rule_performance()
        self.citizens.do("settle")
        self.rule_voice_and_participation()
        self.spin_up()
        self.listed = [0] * len(SOURCES)
        self.end_of_month(record_only=True)

    def cell_burden(self) -> list[float]:
        burden = list(self.latent)
        for q in self.problems():
            burden[q.cell] += q.difficulty
        return burden

    def spin_up(self) -> None:
        """The old team's routine for `spin_up` unrecorded months (no commitment, no events), then the
        hidden burden put back to month 0's and arrivals balanced against the routine's listing; with
        `measured_balance`, the total burden held at month 0's through the spin-up and the arrivals
        those that hold the hidden stock, from its outflow measured after the first year (ODD §5.3)."""
        p = self.p
        target = self.cell_burden()
        spin = int(p.spin_up)
        measured = bool(p.measured_balance)
        window = spin - SETTLE_MONTHS
        self.t = -spin
        self.routine_only = True
        hazard = [0.0] * self.K
        outflow = [0.0] * self.K
        provisional = list(self.arrival)
        for month in range(spin):
            self.t += 1
            before = list(self.latent)
            self.run_rules()
            if month >= spin - BALANCE_MONTHS:
                hazard = [h + x / BALANCE_MONTHS for h, x in zip(hazard, self.hazard, strict=True)]
            if measured:
                if month >= spin - window:
                    outflow = [
                        f + (b + a - v) / window
                        for f, b, a, v in zip(outflow, before, provisional, self.latent, strict=True)
                    ]
                listed = [b - v for b, v in zip(self.cell_burden(), self.latent, strict=True)]
                self.latent = [max(g - x, 0.0) for g, x in zip(target, listed, strict=True)]
        self.routine_only = False
        self.t = 0
        listed = [b - v for b, v in zip(self.cell_burden(), self.latent, strict=True)]
        self.latent = [max(g - x, 0.0) for g, x in zip(target, listed, strict=True)]
        o = p.problem_obsolescence
        if measured:
            # a month moves the hidden stock by a(1 - o) - (o L + listing); the outflow measured with the
            # provisional arrivals is o (L + provisional) + listing
            self.arrival = [max(f - o * a, 0.0) / (1.0 - o) for f, a in zip(outflow, provisional, strict=True)]
        else:
            self.arrival = [(h + o) * v for h, v in zip(hazard, self.latent, strict=True)]
        self.rule_performance()
        self.economy_start = self.real_perf[0]  # the economic activity the arrivals balance
        self.last_real = self.overall_real()  # the new team judges progress from here
        self.progress_trend = 0.0
        self.stalled = False
        for leader in self.leader_list:
            leader.resolve = leader.disposition
            leader.tenure = 0.0
            leader.wins = 0.0
        self.diagnosed = 0.0
        self.pool_full = 0
        self.listing_overflow = 0

    # --- a month -----------------------------------------------------------------------------------------

    def step(self) -> None:
        self.t += 1
        self.apply_events()
        self.run_rules()
        self.end_of_month()
        self.running = self.t < self.county_scenario.steps

    def run_rules(self) -> None:
        for _, name in RULES:
            getattr(self, f"rule_{name}")()

    def end_of_month(self, record_only: bool = False) -> None:
        """Benchmark growth, levels kept in [0, 1] (§3 steps 5, 6), then the measures (step 7)."""
        if not record_only:
            p = self.p
            self.benchmark += p.benchmark_growth / 12.0 * (1.0 - self.benchmark)
            self.agents.do("clip_levels")
            for name in (
                "resources",
                "action_base",
                "pm_maturity",
                "public_value_clarity",
                "openness",
                "inertia_threshold",
                "participation_rate",
            ):
                setattr(self, name, clip01(getattr(self, name)))
        self.update_levels()
        self.datacollector.collect(self)

    # --- events (§7.1) -----------------------------------------------------------------------------------

    def apply_events(self) -> None:
        """Terms that ended last month, then this month's events in file order (a ramp re-queues)."""
        p = self.p
        due = [x for x in self.leader_list if x.term_end == self.t - 1]
        if due:
            pv = sum(x.public_value for x in self.leader_list) / len(self.leader_list)
            for leader in due:
                self.new_leader(leader, p.successor_resolve, pv, SUCCESSOR_COLLABORATION, 1.0 - FADE)
        for e in list(self.events.get(self.t, ())):
            if e.kind not in EVENT_KINDS:
                raise NotImplementedError(f"the reference implementation has no rule for a {e.kind} event")
            follow = getattr(self, f"event_{e.kind}")(**dict(e.values))
            if follow:
                self.events[self.t + 1].append(Event(self.t + 1, e.kind, tuple(sorted(follow.items()))))

    def new_leader(self, leader: Leader, resolve: float, public_value: float, collaboration: float, keeps: float):
        leader.take_office(resolve, public_value, collaboration, keeps)
        self.top_leader_at_mean()
        if leader.index == 0:
            self.event_drive = 0.0
            self.campaigns_done = False
            self.diagnosed = 0.0
            self.stalled = False  # a new top leader has not yet judged progress

    def top_leader_at_mean(self) -> None:
        """The pattern-8 ablation (一把手): the top leader becomes the team's mean (§7.30)."""
        if not self.p.ablate_top_leader or len(self.leader_list) == 1:
            return
        for attr in ("disposition", "resolve", "public_value", "collaboration", "vision"):
            setattr(self.top, attr, sum(getattr(x, attr) for x in self.leader_list) / len(self.leader_list))

    def event_higher_level_visit(self, strength: float) -> None:
        self.event_drive += strength

    def event_rectification_campaign(self, strength: float) -> None:
        self.rectification(strength)

    def event_emancipation_campaign(self, strength: float) -> None:
        self.emancipation(strength)

    def event_stop_campaigns(self) -> None:
        self.campaigns_done = True
        self.p.campaigns_follow_start = False

    def event_set_lever(self, lever: str, value: float) -> None:
        spec = PARAMS[lever]
        old = float(getattr(self.p, lever))
        new = min(max(float(value), float(spec.low)), float(spec.high))
        setattr(self.p, lever, new)
        if lever == "reform_resolve" and new != old:
            for leader in self.leader_list:
                leader.resolve = clip01(leader.resolve + new - old)
                leader.disposition = clip01(leader.disposition + new - old)
        if lever == "inertia" and new != old:
            self.inertia_threshold = clip01(self.inertia_threshold + new - old)
        if lever == "leader_vision" and new != old:  # sitting leaders' vision moves with it
            for leader in self.leader_list:
                leader.vision = clip01(leader.vision + new - old)

    def event_add_lever(self, lever: str, delta: float) -> None:
        self.event_set_lever(lever, float(getattr(self.p, lever)) + delta)

    def event_ramp_lever(self, lever: str, value: float, months: int) -> dict | None:
        if months <= 1:
            self.event_set_lever(lever, value)
            return None
        current = float(getattr(self.p, lever))
        self.event_set_lever(lever, current + (value - current) / months)
        return {"lever": lever, "value": value, "months": months - 1}

    def event_open_channel(self, openness: float) -> None:
        self.p.channel_openness = max(self.p.channel_openness, openness)

    def event_close_channel(self, openness: float) -> None:
        self.p.channel_openness = min(self.p.channel_openness, openness)

    def event_learning_visit(self, strength: float) -> None:
        """A scheduled study tour of every department."""
        for dept in self.dept_list:
            dept.learn(strength)
        self.openness += VISIT_OPENNESS * strength * (1.0 - self.openness)
        self.study_tour += VISIT_LISTING * strength

    def event_resource_shock(self, size: float) -> None:
        if size >= 0:
            self.resources += size * (1.0 - self.resources)
        else:
            self.resources *= 1.0 + size

    def event_leadership_change(
        self, resolve: float, public_value: float, collaboration: float, keeps_practices: float = KEEPS
    ) -> None:
        for leader in self.leader_list:
            self.new_leader(leader, resolve, public_value, collaboration, keeps_practices)

    def event_leader_change(
        self, leader: int, resolve: float, public_value: float, collaboration: float, keeps_practices: float = KEEPS
    ) -> None:
        who = self.leader_list[min(int(leader), len(self.leader_list) - 1)]
        self.new_leader(who, resolve, public_value, collaboration, keeps_practices)

    def event_institutionalise(self, share: float) -> None:
        for dept in self.dept_list:
            dept.rules += share * max(dept.practices - dept.rules, 0.0)

    def rectification(self, strength: float) -> None:
        """作风建设年: the laxest cadres are replaced by newcomers; everyone's discipline rises."""
        cutoff = float(np.quantile([c.discipline for c in self.cadres], RECTIFY_SHARE * strength))
        self.replace_cadres([c for c in self.cadres if c.discipline < cutoff])
        self.cadres.do("tighten", RECTIFY_DISCIPLINE * strength)

    def emancipation(self, strength: float) -> None:
        """解放思想大讨论: thresholds and blame fear fall, openness rises."""
        self.cadres.do("emancipate", strength)
        self.inertia_threshold *= 1.0 - EMANCIPATE_THRESHOLD * strength
        self.openness += EMANCIPATE_OPENNESS * strength * (1.0 - self.openness)

    def replace_cadres(self, leavers: list[Cadre]) -> None:
        """Newcomers in the leavers' posts with fresh draws (§7.15); vacated head posts are filled."""
        p = self.p
        vacated = set()
        for old in leavers:
            dept = old.department
            new = Cadre(
                self,
                department=dept,
                threshold=self.beta(p.inertia * p.threshold_scale, p.threshold_concentration),
                motivation=self.beta(p.initial_motivation),
                competence=self.beta(p.initial_competence),
                discipline=self.beta(p.initial_discipline),
                blame_fear=self.beta(BLAME_FEAR_MEAN),
                public_value=self.public_value_clarity,
            )
            dept.cadres[dept.cadres.index(old)] = new
            if dept.head is old:
                dept.head = new
                vacated.add(dept)
            old.remove()
        for dept in self.dept_list:
            if dept in vacated:
                dept.appoint_head()

    # --- problems (§7.2, §7.7, §7.20) -------------------------------------------------------------------

    def economic_activity(self) -> float:
        """Arrivals' multiplier (§7.2): 1 + arrival_economy x the relative change of the economy's real
        performance since month 0, never below 0; 1 in the spin-up, whose routine the arrivals balance
        (paper §3(二) 开发区和产业园区 '汇聚大量人流、物流、信息流、资金流')."""
        if self.routine_only:
            return 1.0
        change = min(self.real_perf[0] / max(self.economy_start, 1e-9) - 1.0, ECONOMY_CHANGE_CAP)
        return max(1.0 + self.p.arrival_economy * change, 0.0)

    def rule_arrive(self) -> None:
        """Latent problems arrive, more as the economy grows; listed ones are overtaken by events at a
        small hazard."""
        lost = self.p.problem_obsolescence
        more = self.economic_activity()
        self.latent = [(v + a * more) * (1.0 - lost) for v, a in zip(self.latent, self.arrival, strict=True)]
        self.obsolete = 0
        for q in self.problems():
            if self.random.random() < lost:
                self.slots[q.slot] = None
                self.obsolete += 1

    def hazards(self) -> list[list[float]]:
        """Each source's listing hazard per cell (§7.7)."""
        p, T, K = self.p, self.T, self.K
        h = [[0.0] * K for _ in SOURCES]
        clarity = self.public_value_clarity
        gdp = [p.economy_bias * (d == 0) + (1.0 - p.economy_bias) / D for d in range(D)]
        priority = [D * ((1.0 - clarity) * gdp[d] + clarity * self.need_mean[d]) for d in range(D)]
        again = self.rediagnosis()
        diagnose = [
            p.diagnosis_rate
            * sum(p.attention_diagnose * x.attention * again * x.domain_share[d] for x in self.leader_list)
            * priority[d]
            for d in range(D)
        ]
        complaints = self.complaints
        participation = self.town_participation
        if self.placeless():
            complaints = [[self.county_row([c[d] for c in self.complaints]) for d in range(D)]] * T
            participation = [self.county_row(self.town_participation)] * T
        pressure = [sum(x.pressure for x in ds) / len(ds) for ds in self.domain_depts]
        visited = [sum(x.visiting for x in ds) / len(ds) for ds in self.domain_depts]
        for x in range(K):
            t, d = divmod(x, D)
            h[SRC["routine"]][x] = p.routine_listing
            h[SRC["diagnosis"]][x] = diagnose[d]
            share = complaints[t][d] if t < T else self.county_row([c[d] for c in complaints])
            h[SRC["complaint"]][x] = p.complaint_listing * p.channel_openness * share
            h[SRC["evaluation"]][x] = p.evaluation_listing * pressure[d]
            h[SRC["comparison"]][x] = p.comparison_listing * p.k_AI_DI * visited[d] + p.k_AI_DI * self.study_tour
            part = participation[t] if t < T else self.county_row(participation)
            h[SRC["proposal"]][x] = p.proposal_listing * p.k_AI_GC * part
        return [[clip01(v) for v in row] for row in h]

    def rule_listing(self) -> None:
        h = self.hazards()
        self.hazard = [sum(h[s][x] for s in range(len(SOURCES))) for x in range(self.K)]
        self.study_tour = 0.0
        self.list_new(h)
        self.diagnosed += self.listed[SRC["diagnosis"]]

    def list_new(self, hazards: list[list[float]]) -> None:
        """Hazards times latent burden give Poisson counts of new problems per source; each goes to a
        cell in proportion, with a Gamma difficulty cut down where a cell has less burden than asked,
        a lead department of its domain and maybe partners, into the lowest free slot."""
        p, K, J = self.p, self.K, len(self.dept_list)
        weights = [[h[x] * max(self.latent[x], 0.0) for x in range(K)] for h in hazards]
        counts = [int(self.rng.poisson(sum(w))) for w in weights]
        free = [i for i, q in enumerate(self.slots) if q is None]
        cap = min(self.max_new, len(free))
        total = sum(counts)
        if total > len(free):
            self.pool_full += 1
        if total > cap:
            counts = [math.floor(n * cap / total) for n in counts]
            self.listing_overflow += total - sum(counts)
        candidates = []  # (source, cell, difficulty)
        asked = [0.0] * K
        for s, (n, w) in enumerate(zip(counts, weights, strict=True)):
            if n == 0:
                continue
            cells = self.rng.choice(K, size=n, p=np.asarray(w) / sum(w))
            for cell in cells:
                diff = float(self.rng.gamma(DIFFICULTY_SHAPE, 1.0 / DIFFICULTY_SHAPE))
                asked[cell] += diff
                candidates.append((s, int(cell), diff))
        taken = [0.0] * K
        self.listed = [0] * len(SOURCES)
        slots = iter(free)
        for s, cell, diff in candidates:
            diff *= min(1.0, self.latent[cell] / max(asked[cell], 1e-12))
            if diff <= 1e-6:
                continue
            taken[cell] += diff
            township, domain = divmod(cell, D)
            lead = self.random.choice(self.domain_depts[domain])
            partners = []
            if self.random.random() < p.cross_share and J > 1:
                others = [x for x in self.dept_list if x is not lead]
                partners.append(self.random.choice(others))
                if self.random.random() < THIRD_DEPT_SHARE and J > 2:
                    partners.append(self.random.choice([x for x in others if x is not partners[0]]))
            slot = next(slots)
            self.slots[slot] = Problem(
                slot=slot,
                cell=cell,
                township=township,
                domain=domain,
                lead=lead,
                partners=partners,
                difficulty=diff,
                source=s,
                key=s in (SRC["diagnosis"], SRC["evaluation"]),
            )
            self.listed[s] += 1
        self.latent = [max(v - x, 0.0) for v, x in zip(self.latent, taken, strict=True)]

    def rule_performance(self) -> None:
        """Performance by township and domain: one minus the burden left unsolved; assessment does not
        see the problems closed on paper (§7.20)."""
        p, T = self.p, self.T
        real = list(self.latent)
        assessed = list(self.latent)
        for q in self.problems():
            real[q.cell] += q.difficulty
            if q.status == OPEN:
                assessed[q.cell] += q.difficulty
        for burden, out in ((real, self.town_perf), (assessed, self.town_assessed)):
            for t in range(T):
                for d in range(D):
                    out[t][d] = clip01(1.0 - (burden[t * D + d] + burden[T * D + d] / T) / p.reference_burden)
        self.real_perf = [sum(self.town_perf[t][d] for t in range(T)) / T for d in range(D)]
        self.assessed_perf = [sum(self.town_assessed[t][d] for t in range(T)) / T for d in range(D)]

    # --- drive–input (§7.3, §7.4, §7.27–§7.29, §7.31) ----------------------------------------------------

    def rule_launch(self) -> None:
        p = self.p
        gap = clip01((self.benchmark - self.overall_real()) / max(self.benchmark, 1e-9))
        context = p.drive_pressure_weight * p.assessment_pressure + p.drive_gap_weight * gap + self.event_drive
        top_push = self.top.resolve if self.top.committed else 0.0  # last month's commitment
        self.leaders.do("decide", context, top_push, self.inertia_threshold, p.engagement_hysteresis, self.routine_only)
        self.drive = self.top.signal
        self.launched = self.top.committed
        self.event_drive *= p.pulse_retention

    def rule_attention(self) -> None:
        self.leaders.do("pay_attention", self.mean_rules())
        self.departments.do("receive_attention", self.top.attention)

    def rule_action_base(self) -> None:
        p = self.p
        platform = PLATFORM_RESOURCE_WEIGHT * p.resource_introduction + (1 - PLATFORM_RESOURCE_WEIGHT) * 0.5 * (
            p.fault_tolerance + p.performance_pay
        )
        attention = sum(x.attention for x in self.leader_list) / len(self.leader_list)
        ab = self.action_base
        plan = self.vision_factor()
        self.action_base += (
            p.build_rate * plan * attention * platform * (1.0 - ab) - p.stock_decay * (1.0 - self.mean_rules()) * ab
        )

    def vision_factor(self) -> float:
        """How fast the top leader's overall plan lets the team build the action base (§7.27): 1 at a
        middling vision, up or down by `vision_weight` per unit of relative vision (paper §3(四) FT19
        '从战略层面对全县发展进行总体布局…开展了很多打基础、利长远的工作')."""
        return 1.0 + self.p.vision_weight * (self.top.vision / VISION_REFERENCE - 1.0)

    def rule_resources(self) -> None:
        p = self.p
        econ = self.real_perf[0] / max(p.initial_performance, 1e-9)
        spare = max(0.0, 1.0 - p.attention_supervise - p.attention_convene - p.attention_diagnose)
        lobby = sum(spare * x.attention * x.collaboration for x in self.leader_list) / len(self.leader_list)
        visits = sum(x.visiting for x in self.dept_list) / len(self.dept_list)
        target = (
            p.initial_resources * math.sqrt(econ)
            + ACTION_BASE_RESOURCES * self.action_base * p.resource_introduction
            + LOBBY_RESOURCES * lobby * p.resource_introduction
            + VISIT_RESOURCES * p.k_AI_DI * visits
        )
        self.resource_shock = SHOCK_PERSISTENCE * self.resource_shock + p.shock_volatility * self.rng.standard_normal()
        self.resources += RESOURCE_SPEED * (clip01(target * math.exp(self.resource_shock)) - self.resources)

    def rule_budget(self) -> None:
        """Once a year (not in the spin-up) each department's share of the budget that introduced
        resources add (k_DI_ME) moves toward assessed results, as far as performance management has
        matured, and toward its open key actions (§7.31; paper §3(二) '加强预算绩效管理…保障有限资金被有序、
        及时落实在重点项目上'; §3(六) 嵌入…预算管理; incremental budgeting, Wildavsky 1964)."""
        if self.routine_only or self.t % BUDGET_MONTHS != 0:
            return
        p = self.p
        self.assign_problems()
        total_score = sum(max(x.score, 0.0) for x in self.dept_list)
        total_key = sum(x.open_key_actions() for x in self.dept_list)
        w_result = p.budget_performance * self.pm_maturity
        self.departments.do("set_budget", total_score, total_key, w_result, p.budget_key_actions)

    def rule_resolve(self) -> None:
        self.leaders.do("adjust_resolve", self.event_drive, self.t)

    # --- coordination–linkage (§7.5, §7.18) ----------------------------------------------------------------

    def rule_convene(self) -> None:
        """Each leader convenes task forces for the open cross problems it answers for: the
        supervising leader when all the problem's departments are in its portfolio, else the top
        leader; what the top leader left, its supervising leaders may convene together (§7.5). Task
        forces tie their lead and partners; other ties fade unless rules hold them."""
        listed = self.problems()
        by_leader: dict[Leader, list] = defaultdict(list)
        targeting = not self.p.ablate_task_force_targeting
        for q in listed:
            q.taskforce = False
            if q.status == OPEN and q.partners:
                sup = q.lead.leader
                resp = sup if all(k.leader is sup for k in q.partners) else self.top
                pr = self.priority(q) if targeting else self.random.random()
                by_leader[resp].append((pr, q.slot, q))
        for leader in self.leader_list:
            leader.convene(by_leader.get(leader, []), self.action_base)
        if len(self.leader_list) > 1:
            self.joint_convening()
        met = set()
        self.task_forces = 0
        for q in listed:
            if q.taskforce:
                self.task_forces += 1
                for k in q.partners:
                    met.add(frozenset((q.lead, k)))
        for a, b in self.department_pairs:
            if frozenset((a, b)) in met:
                tie = a.ties[b] + TIE_GAIN * (1.0 - a.ties[b])
            else:
                tie = a.ties[b] * (1.0 - TIE_DECAY * (1.0 - 0.5 * (a.rules + b.rules)))
            a.ties[b] = b.ties[a] = tie

    def joint_convening(self) -> None:
        """A problem across portfolios that the top leader did not take is convened by its supervising
        leaders (two or three) together when each of them still has a task force to spare this month;
        most pressing first; each spends one (§7.5; MODEL.md §4 Leaders: 'the top leader or both
        supervising leaders'; paper §3(四) '召集相关部门…一次不行两次、两次不行三次')."""
        for q in self.top.passed_over:
            supervisors = {q.lead.leader} | {k.leader for k in q.partners}
            if all(x.can_join() for x in supervisors):
                q.taskforce = True
                for x in supervisors:
                    x.join()

    def rule_leaders_campaigns(self) -> None:
        """The top leader launches both campaigns once its diagnosis has listed enough problems (§7.6)."""
        p = self.p
        due = p.campaigns_follow_start and not self.campaigns_done and self.launched
        if due and self.diagnosed >= p.campaign_trigger:
            self.rectification(p.campaign_strength)
            self.emancipation(p.campaign_strength)
            self.campaigns_done = True

    def rule_silo(self) -> None:
        self.departments.shuffle_do("update_silo")

    # --- management–execution (§7.8–§7.11, §7.19) ----------------------------------------------------------

    def rule_engage(self) -> None:
        p = self.p
        w = (p.engage_w_attention, p.engage_w_incentive, p.engage_w_peer, p.engage_w_pressure, p.engage_w_rules)
        total = max(sum(w), 1e-12)
        weights = tuple(x / total for x in w)
        incentive = 0.5 * (p.performance_pay * self.action_base + p.promotion_by_merit * self.pm_maturity)
        self.departments.do("sense", weights, incentive, self.cover())  # every signal before any decision
        self.departments.shuffle_do("decide", p.engagement_hysteresis)

    def rule_effort(self) -> None:
        p = self.p
        pull = 0.5 * (p.assessment_pressure + p.performance_pay * self.pm_maturity)
        self.cadres.shuffle_do("choose_effort", self.cover(), pull)

    def rule_work(self) -> None:
        """Departments work the problems they lead; solved slots are freed; results credit cadres,
        leaders' wins and practices (§7.10)."""
        p = self.p
        introduced = p.k_DI_ME * p.resource_gain * max(self.resources - self.initial_resources, 0.0)
        rate = p.work_rate * REFERENCE_DEPARTMENTS / len(self.dept_list)
        listed = self.assign_problems()
        self.departments.shuffle_do("work", rate, introduced)
        self.solved = self.solved_cross = 0
        for q in listed:
            if q.status == SOLVED:
                self.slots[q.slot] = None
                self.solved += 1
                self.solved_cross += q.cross
        self.departments.do("credit_cadres")
        ratio = {x: min(x.n_solved / max(x.backlog, 1), 1.0) for x in self.dept_list}
        everyone = sum(ratio.values()) / len(ratio)
        for leader in self.leader_list:
            if leader.portfolio and not (leader.index == 0 and len(self.leader_list) > 1):
                leader.count_wins(sum(ratio[x] for x in leader.portfolio) / len(leader.portfolio))
            else:  # the top leader answers for the whole county
                leader.count_wins(everyone)
        self.departments.do("gain_practice")

    def rule_assess(self) -> None:
        """Scores and ranks press the heads (k_ME_DI); closures on paper are caught by monitoring or by
        citizens' complaints and reopen; the top leader builds performance management (§7.11)."""
        p = self.p
        self.departments.do("update_score", p.k_GC_ME * self.public_value_clarity)
        scores = [x.score for x in self.dept_list]
        self.departments.do("feel_pressure", scores, self.pm_maturity)
        by_monitor = self.monitor_hazard()
        complaints = self.complaints
        if self.placeless():
            complaints = [[self.county_row([c[d] for c in self.complaints]) for d in range(D)]] * self.T
        by_citizens = []
        for x in range(self.K):
            t, d = divmod(x, D)
            share = complaints[t][d] if t < self.T else self.county_row([c[d] for c in self.complaints])
            by_citizens.append(clip01(p.complaint_exposure * p.complaint_listing * p.channel_openness * share))
        self.assign_problems()
        self.departments.shuffle_do("face_detection", by_monitor, by_citizens)
        self.caught = sum(x.n_caught for x in self.dept_list)
        if not p.freeze_pm_maturity:
            self.pm_maturity += p.pm_build * p.pm_strength * self.top.attention * (1.0 - self.pm_maturity)

    def monitor_hazard(self) -> float:
        """Monitoring's monthly hazard of catching a closure on paper: routine work orders, plus
        inspections as far as PM has matured, of which the share that asks the residents
        (`citizen_verification`) finds nothing behind closed channels (§7.11; Fung 2006)."""
        p = self.p
        blind = p.citizen_verification * (1.0 - p.channel_openness)
        return p.routine_listing + p.monitoring_rate * self.pm_maturity * (1.0 - blind)

    def rule_cadres(self) -> None:
        self.departments.do("take_stock")  # peers and role models: the motivation before this month's update
        self.cadres.shuffle_do("imitate")

    # --- guidance–change (§7.12, §7.25, §7.26) --------------------------------------------------------------

    def rule_institutionalise(self) -> None:
        self.departments.shuffle_do("institutionalise", self.pm_maturity)

    def rule_public_value(self) -> None:
        p = self.p
        listen = LISTEN_FLOOR + (1.0 - LISTEN_FLOOR) * self.team_public_value()
        pvc = self.public_value_clarity
        self.public_value_clarity = (
            pvc
            + CLARITY_FROM_VOICE * self.voice_rate * p.channel_openness * listen * (1.0 - pvc)
            + CLARITY_FROM_PARTICIPATION * p.k_AI_GC * self.participation_rate * (1.0 - pvc)
            - p.stock_decay * (1.0 - self.mean_rules()) * pvc
        )

    def rule_internalise(self) -> None:
        self.cadres.shuffle_do("internalise", self.team_public_value(), self.public_value_clarity)

    # --- adaptation–interaction (§7.13–§7.17, §7.32) --------------------------------------------------------

    def rule_openness(self) -> None:
        p = self.p
        convening = min(1.0, self.task_forces / len(self.dept_list))
        attention = sum(x.attention for x in self.leader_list) / len(self.leader_list)
        target = (
            p.initial_openness
            + OPENNESS_FROM_LEARNING * p.learning_openness * attention
            + OPENNESS_FROM_CONVENING * p.k_CL_AI * convening
        )
        self.openness += OPENNESS_SPEED * (clip01(target) - self.openness)

    def rule_learning(self) -> None:
        p = self.p
        self.departments.shuffle_do("maybe_visit", p.visit_rate * self.openness * p.learning_openness)

    def rule_brain_drain(self) -> None:
        p = self.p
        a_res, a_perf, a_pay = ATTRACTION_WEIGHTS
        attract = a_res * self.resources + a_perf * self.overall_real() + a_pay * p.performance_pay * self.pm_maturity
        self.cadres.shuffle_do("consider_leaving", 1.0 - attract)
        leavers = [c for x in self.dept_list for c in x.cadres if c.leaving]
        if leavers:
            self.replace_cadres(leavers)

    def rule_head_turnover(self) -> None:
        self.departments.shuffle_do("maybe_turn_over")

    def rule_fade_campaigns(self) -> None:
        p = self.p
        self.cadres.shuffle_do("fade", p.campaign_fade)
        self.inertia_threshold += p.campaign_fade * (1.0 - self.mean_rules()) * (p.inertia - self.inertia_threshold)

    def rule_stall(self) -> None:
        """The top leader watches the year's trend of real performance; a committed top leader a year
        or more in office whose trend has fallen below `stall_progress` sees progress stalled, and an
        open leadership goes out to diagnose again next month (§7.32; paper §4(二) '发挥政府绩效管理的
        分析诊断、动态纠偏作用,持续识别和分析绩效差距'; §3(五) 一线工作法; March 1991)."""
        real = self.overall_real()
        self.progress_trend += (real - self.last_real - self.progress_trend) / STALL_MEMORY
        self.last_real = real
        trend = self.progress_trend / (1.0 - (1.0 - 1.0 / STALL_MEMORY) ** max(self.t, 1))  # bias-corrected
        settled = self.top.tenure >= STALL_MEMORY
        self.stalled = self.launched and settled and trend < self.p.stall_progress and not self.routine_only

    # --- citizens (§7.21–§7.24) -------------------------------------------------------------------------------

    def rule_satisfaction(self) -> None:
        self.citizens.shuffle_do("update_satisfaction", self.p.expectation_adaptation)

    def rule_word_of_mouth(self) -> None:
        """Everyone hears one tie first, then moves (only the hearer moves)."""
        if self.p.citizen_ties == 0:
            return
        self.citizens.shuffle_do("listen")
        self.citizens.shuffle_do("talk", self.p.opinion_confidence)
        self.wom_blocked = 1.0 - sum(c.convinced for c in self.citizens) / len(self.citizens)

    def rule_trust(self) -> None:
        self.citizens.shuffle_do("update_trust", self.p.trust_loss_ratio)

    def rule_voice_and_participation(self) -> None:
        """Complaints about the largest unmet need in the own township, and participation (§7.24)."""
        p = self.p
        mix = (1.0 - OPENNESS_IN_VOICE) + OPENNESS_IN_VOICE * self.openness
        cost = p.voice_cost * (1.0 - p.channel_openness * mix)
        channel = (1.0 - OPENNESS_IN_VOICE) * p.channel_openness + OPENNESS_IN_VOICE * self.openness
        self.citizens.shuffle_do("speak_and_join", cost, channel)
        voiced = joined = 0
        for t, town in enumerate(self.residents):
            counts = [0] * D
            n_joined = 0
            for c in town:
                if c.voiced:
                    counts[c.top_need] += 1
                n_joined += c.joined
            self.complaints[t] = [k / len(town) for k in counts]
            self.town_participation[t] = n_joined / len(town)
            voiced += sum(counts)
            joined += n_joined
        n = len(self.citizens)
        self.voice_rate = voiced / n
        self.participation_rate += PARTICIPATION_SPEED * (joined / n - self.participation_rate)

    # --- read-outs (§11.1) as DataCollector model reporters ------------------------------------------------

    def listed_share(self) -> float:
        listed = sum(q.difficulty for q in self.problems())
        return listed / max(listed + sum(self.latent), 1e-12)

    def mean_tie(self) -> float:
        J = len(self.dept_list)
        return 2.0 * sum(a.ties[b] for a, b in self.department_pairs) / max(J * (J - 1), 1)

    def cadre_mean(self, attr: str) -> float:
        return sum(getattr(c, attr) for c in self.cadres) / len(self.cadres)

    def engaged_share(self) -> float:
        return sum(x.engaged for x in self.dept_list) / len(self.dept_list)

    def update_levels(self) -> None:
        """The five subsystem levels and the coupling degree (read-outs only; no rule reads them)."""
        w = LEVEL_WEIGHTS
        J = len(self.dept_list)
        collab = sum(
            x.collaboration * (1.0 - VISION_WEIGHT + VISION_WEIGHT * x.vision) for x in self.leader_list
        ) / len(self.leader_list)
        silo = sum(x.silo for x in self.dept_list) / J
        di = w["DI"][0] * self.drive + w["DI"][1] * self.action_base + w["DI"][2] * self.listed_share()
        cl = w["CL"][0] * collab + w["CL"][1] * self.mean_tie() + w["CL"][2] * (1.0 - silo)
        gc = (
            w["GC"][0] * self.public_value_clarity
            + w["GC"][1] * self.cadre_mean("public_value")
            + w["GC"][2] * sum(x.practices for x in self.dept_list) / J
        )
        me = (
            w["ME"][0] * self.pm_maturity
            + w["ME"][1] * self.engaged_share()
            + w["ME"][2] * self.cadre_mean("real_effort")
            + w["ME"][3] * self.cadre_mean("competence")
        )
        ai = 0.5 * self.openness + 0.5 * self.participation_rate
        self.level = {k: clip01(v) for k, v in zip(SUBSYSTEMS, (di, cl, gc, me, ai), strict=True)}
        c, t, d = coupling_degree(np.array([self.level[k] for k in SUBSYSTEMS]))
        self.coupling = (float(c), float(t), float(d))

    def real_performance(self) -> float:
        return clip01(self.overall_real())

    def assessed_performance(self) -> float:
        return clip01(sum(n * a for n, a in zip(self.need_mean, self.assessed_perf, strict=True)))

    def reporters(self) -> dict[str, Any]:
        def citizen_mean(attr):
            return lambda m: sum(getattr(c, attr) for c in m.citizens) / len(m.citizens)

        def cadre_mean(attr):
            return lambda m: m.cadre_mean(attr)

        def gaming_share(m):
            assessed = m.assessed_performance()
            return clip01((assessed - m.real_performance()) / max(assessed, 1e-9))

        def capacity_index(m):
            return (m.action_base + m.cadre_mean("competence") + m.pm_maturity + m.mean_tie()) / 4.0

        def open_problems(m):
            return [q for q in m.problems() if q.status == OPEN]

        def backlog_age(m):
            open_ = open_problems(m)
            return sum(q.age for q in open_) / max(len(open_), 1)

        r: dict[str, Any] = {
            "real_performance": lambda m: m.real_performance(),
            "assessed_performance": lambda m: m.assessed_performance(),
        }
        for k, name in enumerate(DOMAINS):
            r[f"real_performance_{name}"] = lambda m, k=k: m.real_perf[k]
        for k, name in enumerate(DOMAINS):
            r[f"assessed_performance_{name}"] = lambda m, k=k: m.assessed_perf[k]
        r |= {"satisfaction": citizen_mean("satisfaction"), "trust": citizen_mean("trust")}
        r |= {"drive": "drive", "inertia_threshold": "inertia_threshold"}
        for name in SUBSYSTEMS:
            r[f"level_{name}"] = lambda m, name=name: m.level[name]
        for i, name in enumerate(("coupling_C", "coupling_T", "coupling_D")):
            r[name] = lambda m, i=i: m.coupling[i]
        r |= {
            "resources": "resources",
            "action_base": "action_base",
            "problems_identified": lambda m: m.listed_share(),
            "pm_maturity": "pm_maturity",
            "institutionalisation": lambda m: m.mean_rules(),
            "public_value_clarity": "public_value_clarity",
            "openness": "openness",
            "motivation": cadre_mean("motivation"),
            "competence": cadre_mean("competence"),
            "effort": cadre_mean("real_effort"),
            "tie_strength": lambda m: m.mean_tie(),
            "silo": lambda m: sum(x.silo for x in m.dept_list) / len(m.dept_list),
            "gaming_share": gaming_share,
            "participation": "participation_rate",
            "voice": "voice_rate",
            "benchmark": "benchmark",
            "capacity_index": capacity_index,
            "engaged_share": lambda m: m.engaged_share(),
            "backlog": lambda m: len(open_problems(m)),
            "backlog_cross": lambda m: sum(q.cross for q in open_problems(m)),
            "problems_solved": "solved",
            "task_forces": "task_forces",
            "mean_resolve": lambda m: sum(x.resolve for x in m.leader_list) / len(m.leader_list),
            "top_leader_resolve": lambda m: m.top.resolve,
        }
        for i, src in enumerate(SOURCES):
            r[f"listed_{src}"] = lambda m, i=i: m.listed[i]
        r |= {
            "solved_cross": "solved_cross",
            "backlog_age": backlog_age,
            "pool_full": "pool_full",
            "caught_gaming": "caught",
            "obsolete": "obsolete",
            "wom_blocked": "wom_blocked",
        }
        assert list(r) == list(NAMES), "the reporters must be the measures of sim.model2.readout, in order"
        return r

    def series(self) -> dict[str, np.ndarray]:
        """The recorded measures, one array per measure over months 0..T."""
        df = self.datacollector.get_model_vars_dataframe()
        return {name: df[name].to_numpy(dtype=float) for name in NAMES}

    def free(self) -> None:
        """Remove the agents and Mesa 3.3's class-level reference to the model (Mesa issue #3179)."""
        self.remove_all_agents()
        ids = getattr(mesa.Agent, "_ids", None)
        if ids is not None:
            ids.pop(self, None)


def run_reference2(scenario: Scenario | str, seed: int, steps: int | None = None) -> dict[str, Any]:
    """One run of the reference Model 2; the summary row of `sim.model2` (`sim.record.summarise`
    with `sim.model2.readout.classify`) from the reference's own recorded series."""
    sc = load_scenario(scenario, model_version=2) if isinstance(scenario, str) else scenario
    if steps is not None and steps != sc.steps:
        sc = sc.with_overrides(steps=steps)
    model = ReferenceModel2(sc, seed=seed)
    try:
        for _ in range(sc.steps):
            model.step()
        summary, _ = summarise(model.series(), sc.params, int(seed), classify)
    finally:
        model.free()
    return summary
