"""ReferenceModel: county-sim written the idiomatic Mesa way, the speed baseline and the docking twin.

County-level state (resources, the performance-management system, public-value clarity, domain
performance, ...) lives on the model as plain floats and lists; agents keep their own attributes.
Each month: the end of a term, scheduled events and due campaigns (`apply_events`), then the rules
of `sim.model.STEP_RULES` in the same order (`RULES`), then the end-of-month bookkeeping (benchmark
growth, performance history, clipping, subsystem levels) and the DataCollector.

Where the vectorised rules update all agents at once from the values before the rule (department
peer means, word of mouth, budget normalisation), the port computes those first and updates after,
so that the order in which agents act (shuffled) does not matter.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict, deque
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np

from sim.record import MEASURES, summarise
from sim.scenario import Event, Scenario, load_scenario
from sim.trajectory import coupling_degree

from .agents import N_DOMAINS, Cadre, Citizen, Department, Leader, clip01

DOMAINS = ("economy", "public_services", "infrastructure", "administration")
SUBSYSTEMS = ("DI", "CL", "GC", "ME", "AI")
TOP_LEADER_WEIGHT = 3.0  # the top leader counts three times an ordinary member (state.py)
HISTORY = 13  # months of overall performance kept for stall detection
NEED_CONCENTRATION = (1.0, 2.4, 1.6, 1.0)  # Dirichlet concentration of citizens' need weights
GATE_WIDTH = 0.02  # drive_input.py
EVENT_DRIVE_RETENTION = 0.85
SHOCK_PERSISTENCE = 0.9
TIE_DECAY = 0.02  # coordination_linkage.py
SOCIALISATION = 0.08  # guidance_change.py
CODE_LEARNING = 0.03
STALL_GROWTH = 0.005  # adaptation_interaction.py
FADE = 0.5  # turnover.py
#: The scheduled event kinds ported (the visit, the two campaigns and a leadership change);
#: the lever, channel, shock and other interventions of `sim.interventions` are not.
EVENT_KINDS = ("higher_level_visit", "rectification_campaign", "emancipation_campaign", "leadership_change")

#: The rules of a month, in the order of `sim.model.STEP_RULES`; each is the method `rule_<name>`.
RULES: tuple[str, ...] = (
    "drive",
    "inputs",
    "resources",
    "convene",
    "silo",
    "public_value",
    "internalise",
    "action_change",
    "performance_management",
    "allocate",
    "capacity",
    "cadres",
    "openness",
    "learning",
    "rediagnose",
    "brain_drain",
    "output",
    "satisfaction",
    "word_of_mouth",
    "trust",
    "voice_and_participation",
    "leader_resolve",
)


class ReferenceModel(mesa.Model):
    """One county, one run, one Python object per agent: `ReferenceModel(scenario, seed=S)`."""

    def __init__(self, scenario: Scenario | str = "l_county", seed: int = 0):
        super().__init__(rng=int(seed))
        if isinstance(scenario, str):
            scenario = load_scenario(scenario)
        self.county_scenario = scenario
        self.seed = int(seed)
        self.p = p = SimpleNamespace(**scenario.params)
        self.month = 0
        self.events: dict[int, list[Event]] = defaultdict(list)
        for e in scenario.events:
            self.events[e.month].append(e)

        # --- agents ----------------------------------------------------------------------------
        L = p.n_leaders
        team = TOP_LEADER_WEIGHT + (L - 1)
        for i in range(L):
            Leader(
                self,
                weight=(TOP_LEADER_WEIGHT if i == 0 else 1.0) / team,
                resolve=self.beta(p.reform_resolve, 20.0),
                vision=self.beta(0.5),
                public_value=self.beta(p.initial_public_value + 0.2),
                collaboration=self.beta(0.5),
            )
        J = self.n_departments = p.n_departments
        departments = [
            Department(
                self,
                domain=j % N_DOMAINS,
                capacity=self.beta(p.initial_capacity),
                silo=self.beta(p.initial_silo),
                clarity=self.beta(0.3),
                budget_share=1.0 / J,
            )
            for j in range(J)
        ]
        self.domain_size = [sum(1 for d in departments if d.domain == k) for k in range(N_DOMAINS)]
        self.department_pairs = list(itertools.combinations(departments, 2))
        for a, b in self.department_pairs:
            a.ties[b] = b.ties[a] = clip01(self.rng.random() * 2.0 * p.initial_ties)
        N = p.n_cadres
        for i in range(N):
            Cadre(
                self,
                department=departments[i * J // N],  # contiguous, near-equal blocks
                motivation=self.beta(p.initial_motivation),
                competence=self.beta(p.initial_competence),
                discipline=self.beta(p.initial_discipline),
                blame_fear=self.beta(0.5),
                public_value=self.beta(p.initial_public_value),
            )
        C, T = p.n_citizens, p.n_townships
        access = [0.8 + 0.4 * self.rng.random() for _ in range(T)]
        townships: list[list[Citizen]] = [[] for _ in range(T)]
        for c in range(C):
            t = c * T // C
            citizen = Citizen(
                self,
                township=t,
                access=access[t],
                needs=[float(x) for x in self.rng.dirichlet(NEED_CONCENTRATION)],
                trust=self.beta(0.35),
                voice_propensity=self.beta(0.5, 4.0),
                participation_propensity=self.beta(0.3, 4.0),
            )
            townships[t].append(citizen)
        if p.citizen_ties > 0:
            for members in townships:
                for citizen in members:
                    others = [x for x in members if x is not citizen] or [citizen]
                    citizen.neighbours = self.random.choices(others, k=p.citizen_ties)
        self.leaders = self.agents_by_type[Leader]
        self.departments = self.agents_by_type[Department]
        self.cadres = self.agents_by_type[Cadre]
        self.citizens = self.agents_by_type[Citizen]

        # --- county ------------------------------------------------------------------------------
        self.need_mean = [sum(c.needs[k] for c in self.citizens) / C for k in range(N_DOMAINS)]
        self.resources = p.initial_resources
        self.resource_shock = 0.0
        self.action_base = p.initial_action_base
        self.problems_identified = 0.1
        self.pm_monitoring = self.pm_incentive = self.pm_feedback = p.initial_pm_maturity
        self.priorities_start = [
            (1.0 - p.economy_bias) * n + p.economy_bias * (k == 0) for k, n in enumerate(self.need_mean)
        ]
        self.priorities = list(self.priorities_start)
        self.indicator_weights = list(self.priorities)  # assessment starts as leaders' priorities
        self.institutionalisation = 0.0
        self.public_value_clarity = p.initial_public_value
        self.openness = p.initial_openness
        self.drive = 0.0
        self.active = 0.0
        self.inertia_threshold = p.inertia
        self.event_drive = 0.0
        self.started = False
        self.campaign_due = [-1, -1]  # months of the pending rectification and emancipation
        self.real_perf = [p.initial_performance] * N_DOMAINS
        self.assessed_perf = list(self.real_perf)
        self.benchmark = p.benchmark_performance
        self.participation_rate = 0.0
        self.voice_rate = 0.0
        self.voiced = [0.0] * N_DOMAINS
        self.perf_history: deque[float] = deque([p.initial_performance] * HISTORY, maxlen=HISTORY)
        self.output_scale = 1.0
        self.level = dict.fromkeys(SUBSYSTEMS, 0.0)
        self.coupling = (0.0, 0.0, 0.0)

        self.datacollector = mesa.DataCollector(model_reporters=self.reporters())
        self.calibrate()

    # --- helpers -----------------------------------------------------------------------------------

    def beta(self, mean: float, concentration: float = 12.0) -> float:
        """A heterogeneous level around `mean`: Beta(mean * c, (1 - mean) * c)."""
        m = min(max(mean, 0.02), 0.98)
        return float(self.rng.beta(m * concentration, (1.0 - m) * concentration))

    def leaders_mean(self, attr: str) -> float:
        """The leadership team's weighted mean of an attribute."""
        return sum(leader.weight * getattr(leader, attr) for leader in self.leaders)

    def collaborative_leadership(self) -> float:
        return sum(x.weight * x.collaboration * (0.5 + 0.5 * x.vision) for x in self.leaders)

    def overall_real(self) -> float:
        return sum(n * r for n, r in zip(self.need_mean, self.real_perf, strict=True))

    def fault_tolerance_effective(self) -> float:
        return self.p.fault_tolerance * (0.3 + 0.7 * self.action_base)

    def pm_alignment(self) -> float:
        """1 minus the total-variation distance between assessed and needed weights."""
        return 1.0 - 0.5 * sum(abs(w - n) for w, n in zip(self.indicator_weights, self.need_mean, strict=True))

    def pm_maturity(self) -> float:
        return (self.pm_alignment() + self.pm_monitoring + self.pm_incentive + self.pm_feedback) / 4.0

    def incentive_strength(self) -> float:
        p = self.p
        return clip01(p.performance_pay * self.pm_incentive + 0.5 * p.promotion_by_merit * self.pm_maturity())

    def mean_tie(self) -> float:
        J = self.n_departments
        return sum(sum(d.ties.values()) for d in self.departments) / (J * (J - 1))

    def domain_mean(self, attr: str) -> list[float]:
        totals = [0.0] * N_DOMAINS
        for d in self.departments:
            totals[d.domain] += getattr(d, attr)
        return [x / n for x, n in zip(totals, self.domain_size, strict=True)]

    def subsystem_levels(self) -> dict[str, float]:
        """The five subsystem levels from agent states (sim.trajectory.subsystem_levels)."""
        depts, cadres = self.departments, self.cadres
        J, N = len(depts), len(cadres)
        di = 0.4 * self.drive + 0.4 * self.action_base + 0.2 * self.problems_identified
        cl = (
            0.3 * self.collaborative_leadership() + 0.4 * self.mean_tie() + 0.3 * (1.0 - sum(d.silo for d in depts) / J)
        )
        gc = (
            0.35 * self.public_value_clarity
            + 0.35 * sum(c.public_value for c in cadres) / N
            + 0.3 * sum(d.practices for d in depts) / J
        )
        me = (
            0.4 * self.pm_maturity()
            + 0.15 * sum(c.effort for c in cadres) / N
            + 0.15 * sum(c.competence for c in cadres) / N
            + 0.3 * sum(d.clarity for d in depts) / J
        )
        ai = 0.5 * self.openness + 0.5 * self.participation_rate
        return {k: clip01(v) for k, v in zip(SUBSYSTEMS, (di, cl, gc, me, ai), strict=True)}

    def update_levels(self) -> None:
        self.level = self.subsystem_levels()
        c, t, d = coupling_degree(np.array([self.level[k] for k in SUBSYSTEMS]))
        self.coupling = (float(c), float(t), float(d))

    # --- measures (sim.record.measure) as DataCollector model reporters --------------------------

    def real_performance(self) -> float:
        return clip01(self.overall_real())

    def assessed_performance(self) -> float:
        w = self.indicator_weights
        return sum(x * a for x, a in zip(w, self.assessed_perf, strict=True)) / sum(w)

    def reporters(self) -> dict[str, Any]:
        def cadre_mean(attr):
            return lambda m: sum(getattr(c, attr) for c in m.cadres) / len(m.cadres)

        def citizen_mean(attr):
            return lambda m: sum(getattr(c, attr) for c in m.citizens) / len(m.citizens)

        def gaming_share(m):
            assessed = m.assessed_performance()
            return clip01((assessed - m.real_performance()) / max(assessed, 1e-9))

        def capacity_index(m):
            competence = sum(c.competence for c in m.cadres) / len(m.cadres)
            return (m.action_base + competence + m.pm_maturity() + m.mean_tie()) / 4.0

        reporters: dict[str, Any] = {
            "real_performance": lambda m: m.real_performance(),
            "assessed_performance": lambda m: m.assessed_performance(),
        }
        for k, name in enumerate(DOMAINS):
            reporters[f"real_performance_{name}"] = lambda m, k=k: m.real_perf[k]
        for k, name in enumerate(DOMAINS):
            reporters[f"assessed_performance_{name}"] = lambda m, k=k: m.assessed_perf[k]
        reporters |= {"satisfaction": citizen_mean("satisfaction"), "trust": citizen_mean("trust")}
        reporters |= {"drive": "drive", "inertia_threshold": "inertia_threshold"}
        for name in SUBSYSTEMS:
            reporters[f"level_{name}"] = lambda m, name=name: m.level[name]
        for i, name in enumerate(("coupling_C", "coupling_T", "coupling_D")):
            reporters[name] = lambda m, i=i: m.coupling[i]
        reporters |= {
            "resources": "resources",
            "action_base": "action_base",
            "problems_identified": "problems_identified",
            "pm_maturity": lambda m: m.pm_maturity(),
            "institutionalisation": "institutionalisation",
            "public_value_clarity": "public_value_clarity",
            "openness": "openness",
            "motivation": cadre_mean("motivation"),
            "competence": cadre_mean("competence"),
            "effort": cadre_mean("effort"),
            "tie_strength": lambda m: m.mean_tie(),
            "silo": lambda m: sum(d.silo for d in m.departments) / len(m.departments),
            "gaming_share": gaming_share,
            "participation": "participation_rate",
            "voice": "voice_rate",
            "benchmark": "benchmark",
            "capacity_index": capacity_index,
        }
        return reporters

    def series(self) -> dict[str, np.ndarray]:
        """The recorded measures, one array per measure over steps 0..T (as `sim.record`)."""
        df = self.datacollector.get_model_vars_dataframe()
        return {name: df[name].to_numpy(dtype=float) for name in MEASURES}

    # --- the starting county -------------------------------------------------------------------------

    def calibrate(self) -> None:
        """Put the starting county at its own steady state: output scaled so that departments produce
        the initial performance, citizens expect what they get (Engine._initialise)."""
        p = self.p
        self.update_levels()
        self.cadres.do(
            "choose_effort", self.incentive_strength(), self.fault_tolerance_effective(), self.pm_alignment()
        )
        self.update_levels()
        raw = [d.raw_output() for d in self.departments]
        self.output_scale = 1.0 / max(sum(raw) / len(raw), 1e-9)
        self.rule_output()
        self.real_perf = [p.initial_performance] * N_DOMAINS
        self.assessed_perf = self.domain_mean("reported")
        self.citizens.do("settle")
        self.perf_history = deque([self.overall_real()] * HISTORY, maxlen=HISTORY)
        self.update_levels()
        self.datacollector.collect(self)

    # --- a month ---------------------------------------------------------------------------------------

    def step(self) -> None:
        self.month += 1
        self.apply_events()
        for name in RULES:
            getattr(self, f"rule_{name}")()
        self.end_of_month()
        self.running = self.month < self.county_scenario.steps

    def apply_events(self) -> None:
        """The end of a term, then this month's scheduled events, then the campaigns due (turnover.py)."""
        p = self.p
        if self.month != 1 and (self.month - 1) % p.term_length == 0:
            self.leadership_change(p.successor_resolve, self.leaders_mean("public_value"), 0.5)
        for e in self.events.get(self.month, ()):
            if e.kind not in EVENT_KINDS:
                raise NotImplementedError(f"the reference implementation has no rule for a {e.kind} event")
            getattr(self, e.kind)(**dict(e.values))
        if self.campaign_due[0] == self.month:
            self.rectification_campaign(p.campaign_strength)
            self.campaign_due[0] = -1
        if self.campaign_due[1] == self.month:
            self.emancipation_campaign(p.campaign_strength)
            self.campaign_due[1] = -1

    def higher_level_visit(self, strength: float) -> None:
        """A visit from above adds a pulse of drive."""
        self.event_drive += strength

    def rectification_campaign(self, strength: float) -> None:
        """Discipline up; the laxest cadres are replaced by disciplined newcomers."""
        cutoff = float(np.quantile([c.discipline for c in self.cadres], 0.1 * strength))
        lax = self.cadres.select(lambda c: c.discipline < cutoff)
        others = self.cadres.select(lambda c: c.discipline >= cutoff)
        initial_discipline = self.p.initial_discipline
        lax.do("make_way", self.public_value_clarity)
        lax.set("discipline", initial_discipline + 0.3)
        for cadre in others:
            cadre.discipline += 0.3 * strength * (1.0 - cadre.discipline)
        for cadre in self.cadres:
            cadre.motivation += 0.05 * strength * (1.0 - cadre.motivation)
            cadre.discipline = clip01(cadre.discipline)

    def emancipation_campaign(self, strength: float) -> None:
        """Openness and motivation up, inertia down."""
        self.openness += 0.3 * strength * (1.0 - self.openness)
        for cadre in self.cadres:
            cadre.motivation += 0.15 * strength * (1.0 - cadre.motivation)
        self.inertia_threshold *= 1.0 - 0.3 * strength

    def leadership_change(
        self, resolve: float, public_value: float, collaboration: float, keeps_practices: float = 1.0 - FADE
    ) -> None:
        """A new team takes office; of what only the leaders carried it keeps `keeps_practices` (half at
        the end of a term), institutions stay."""
        self.leaders.do("take_office", resolve, public_value, collaboration)
        lost = (1.0 - keeps_practices) * (1.0 - self.institutionalisation)
        self.priorities = [x + lost * (s - x) for x, s in zip(self.priorities, self.priorities_start, strict=True)]
        self.public_value_clarity *= 1.0 - lost
        for d in self.departments:
            d.practices *= 1.0 - lost
        self.action_base *= 1.0 - 0.5 * lost
        self.event_drive = 0.0

    # --- drive–input ------------------------------------------------------------------------------

    def rule_drive(self) -> None:
        """Drive from gap, pressure, resolve, events, evaluation feedback and outside signals, gated by
        inertia; the first crossing starts the process and schedules the two campaigns."""
        p, lv = self.p, self.level
        real = self.overall_real() / sum(self.need_mean)
        gap = clip01((self.benchmark - real) / self.benchmark)
        d = (
            p.drive_gap_weight * gap
            + p.drive_pressure_weight * p.assessment_pressure
            + p.drive_resolve_weight * self.leaders_mean("resolve")
            + self.event_drive
            + 0.5 * p.k_ME_DI * lv["ME"] * (0.3 + 0.7 * self.pm_feedback)
            + 0.2 * p.k_AI_DI * lv["AI"]
        )
        self.drive = clip01(d)
        self.event_drive *= EVENT_DRIVE_RETENTION
        self.active = 1.0 / (1.0 + math.exp(-(self.drive - self.inertia_threshold) / GATE_WIDTH))
        if self.drive > self.inertia_threshold and not self.started:
            self.started = True
            if p.campaigns_follow_start:
                self.campaign_due = [self.month + 1, self.month + 2]

    def rule_inputs(self) -> None:
        """Diagnosis and the action base accumulate while active."""
        p = self.p
        g, keep = self.active, 1.0 - self.institutionalisation
        fb = p.k_ME_DI * self.level["ME"]
        pi = self.problems_identified
        self.problems_identified += p.build_rate * g * (0.5 + 0.5 * fb) * (1.0 - pi) - p.stock_decay * keep * pi
        platform = 0.6 * p.resource_introduction + 0.4 * 0.5 * (p.fault_tolerance + p.performance_pay)
        ab = self.action_base
        self.action_base += (
            p.build_rate * g * platform * (0.5 + 0.5 * self.problems_identified) * (1.0 - ab)
            - p.stock_decay * keep * ab
        )

    def rule_resources(self) -> None:
        """Own revenue follows the economy; outside resources follow the action base and lobbying;
        an AR(1) shock on the target."""
        p = self.p
        econ = self.real_perf[0] / p.initial_performance
        lobby = self.leaders_mean("collaboration") * self.active
        target = (
            p.initial_resources * math.sqrt(econ)
            + 0.3 * self.action_base * p.resource_introduction
            + 0.05 * lobby * p.resource_introduction
            + 0.1 * p.k_AI_DI * self.level["AI"] * self.active
        )
        self.resource_shock = SHOCK_PERSISTENCE * self.resource_shock + p.shock_volatility * self.rng.normal(0.0, 1.0)
        self.resources += 0.1 * (clip01(target * math.exp(self.resource_shock)) - self.resources)

    # --- coordination–linkage --------------------------------------------------------------------

    def rule_convene(self) -> None:
        """Each pair of departments meets with a chance set by collaborative leadership; ties used grow,
        unused ties decay."""
        p = self.p
        intensity = self.active * (0.5 * self.collaborative_leadership() + 0.5 * p.k_DI_CL * self.level["DI"])
        keep = 1.0 - TIE_DECAY * (1.0 - self.institutionalisation)
        for a, b in self.department_pairs:
            if self.random.random() < 0.3 * intensity:
                a.meet(b)
            else:
                a.drift_apart(b, keep)

    def rule_silo(self) -> None:
        p = self.p
        base = p.initial_silo * (1.0 + 0.3 * (p.assessment_pressure - 0.5)) - 0.5 * p.k_GC_CL * self.level["GC"]
        self.departments.shuffle_do("update_silo", base)

    # --- guidance–change ------------------------------------------------------------------------------

    def rule_public_value(self) -> None:
        """Clarity grows from voice and participation; priorities follow complaints and clarified needs;
        leaders come to value what they hear."""
        p = self.p
        keep = 1.0 - self.institutionalisation
        listen = 0.5 + 0.5 * self.leaders_mean("public_value")
        pvc = self.public_value_clarity
        self.public_value_clarity = (
            pvc
            + 0.25 * self.voice_rate * listen * (1.0 - pvc)
            + 0.1 * p.k_AI_GC * self.participation_rate * (1.0 - pvc)
            - p.stock_decay * keep * pvc
        )
        complaints = sum(self.voiced)
        heard = [v / complaints for v in self.voiced] if complaints > 0 else list(self.need_mean)
        rate = 0.06 * self.public_value_clarity * listen
        self.priorities = [
            x + rate * (0.5 * (n + h) - x) for x, n, h in zip(self.priorities, self.need_mean, heard, strict=True)
        ]
        self.leaders.do("hear_citizens", self.voice_rate)

    def rule_internalise(self) -> None:
        """Cadres adopt the code; the code learns from the cadres who do the work."""
        socialisation = SOCIALISATION * (0.3 + 0.7 * self.active) * self.leaders_mean("public_value")
        self.cadres.shuffle_do("internalise", socialisation, self.public_value_clarity)
        weight = sum(c.real_effort + 1e-9 for c in self.cadres)
        exemplary = sum(c.public_value * (c.real_effort + 1e-9) for c in self.cadres) / weight
        self.public_value_clarity += CODE_LEARNING * self.active * max(0.0, exemplary - self.public_value_clarity)

    def rule_action_change(self) -> None:
        """Departments produce practices; results institutionalise them."""
        p = self.p
        self.departments.shuffle_do("practise", self.active, p.stock_decay * (1.0 - self.institutionalisation))
        mean_practice = sum(d.practices for d in self.departments) / self.n_departments
        self.institutionalisation += (
            0.04 * p.k_ME_GC * self.level["ME"] * mean_practice * (1.0 - self.institutionalisation)
        )

    # --- management–execution ----------------------------------------------------------------------

    def rule_performance_management(self) -> None:
        """Monitoring, incentive linkage and feedback grow while active; public value realigns the
        indicators; responsibility becomes clear."""
        p, lv = self.p, self.level
        if not p.freeze_pm_maturity:
            grow = p.build_rate * p.pm_strength * self.active * (0.5 + 0.5 * p.k_DI_ME * lv["DI"])
            decay = p.stock_decay * (1.0 - self.institutionalisation)
            self.pm_monitoring += grow * (1.0 - self.pm_monitoring) - decay * self.pm_monitoring
            self.pm_incentive += grow * (1.0 - self.pm_incentive) - decay * self.pm_incentive
            self.pm_feedback += grow * (1.0 - self.pm_feedback) - decay * self.pm_feedback
            rate = 0.15 * p.pm_strength * p.k_GC_ME * self.public_value_clarity
            self.indicator_weights = [
                w + rate * (n - w) for w, n in zip(self.indicator_weights, self.need_mean, strict=True)
            ]
        clarification = self.active * (0.5 * p.pm_strength + 0.5 * p.k_CL_ME * lv["CL"])
        self.departments.shuffle_do("clarify", clarification, p.stock_decay * (1.0 - self.institutionalisation))

    def rule_allocate(self) -> None:
        """Budget shares move toward priorities plus performance information (normalised over all
        departments before any share moves)."""
        pm = self.pm_maturity()
        info = [pm * max(0.0, n - r * n) for n, r in zip(self.need_mean, self.real_perf, strict=True)]
        self.departments.do("want_budget", self.priorities, info, self.domain_size)
        total = sum(d.wanted for d in self.departments)
        self.departments.do("rebudget", total)

    def rule_capacity(self) -> None:
        p, lv = self.p, self.level
        invest = 0.02 * self.active * p.k_DI_ME * lv["DI"]
        erode = 0.003 * p.assessment_pressure * (1.0 - lv["ME"])
        self.departments.shuffle_do("build_capacity", invest, erode)

    def rule_cadres(self) -> None:
        """Cadres' fear, discipline, motivation (toward leaders' example and department peers),
        competence and effort."""
        p = self.p
        ft = self.fault_tolerance_effective()
        fear_target = clip01(0.3 + 0.5 * p.assessment_pressure * (1.0 - ft))
        discipline_target = clip01(p.initial_discipline + 0.4 * self.pm_monitoring + 0.2 * self.institutionalisation)
        example = 0.45 * self.leaders_mean("resolve") + 0.35 * self.level["GC"] + 0.2 * ft
        self.departments.do("take_stock")  # peers: department means before this month's update
        self.cadres.shuffle_do(
            "work",
            self.active,
            ft,
            fear_target,
            discipline_target,
            self.incentive_strength(),
            example,
            self.pm_alignment(),
        )

    # --- adaptation–interaction ---------------------------------------------------------------------

    def rule_openness(self) -> None:
        p = self.p
        target = p.initial_openness + 0.5 * p.learning_openness * self.active + 0.4 * p.k_CL_AI * self.level["CL"]
        self.openness += 0.04 * (clip01(target) - self.openness)

    def rule_learning(self) -> None:
        rate = 0.006 * self.openness * self.p.learning_openness
        self.cadres.shuffle_do("learn", rate)
        self.departments.shuffle_do("learn", rate)

    def rule_rediagnose(self) -> None:
        """A stall of a year renews diagnosis and drive."""
        if self.started and self.perf_history[-1] - self.perf_history[0] < STALL_GROWTH:
            self.problems_identified += 0.05 * self.openness * (1.0 - self.problems_identified)
            self.event_drive += 0.02 * self.openness

    def rule_brain_drain(self) -> None:
        p = self.p
        attract = 0.4 * self.resources + 0.3 * self.perf_history[-1] + 0.3 * p.performance_pay * self.pm_incentive
        self.cadres.shuffle_do("consider_leaving", attract)

    # --- outputs ---------------------------------------------------------------------------------------

    def rule_output(self) -> None:
        """Departments produce and report; domain performance follows with a lag."""
        lag = self.p.performance_lag
        self.departments.shuffle_do("produce")
        real, reported = self.domain_mean("output"), self.domain_mean("reported")
        self.real_perf = [x + lag * (o - x) for x, o in zip(self.real_perf, real, strict=True)]
        self.assessed_perf = [x + lag * (o - x) for x, o in zip(self.assessed_perf, reported, strict=True)]

    # --- citizens --------------------------------------------------------------------------------------

    def rule_satisfaction(self) -> None:
        self.citizens.shuffle_do("update_satisfaction", self.p.expectation_adaptation)

    def rule_word_of_mouth(self) -> None:
        """Everyone hears a neighbour first, then moves (synchronous, as the vectorised rule)."""
        if self.p.citizen_ties == 0:
            return
        self.citizens.shuffle_do("listen")
        self.citizens.shuffle_do("talk", self.p.opinion_confidence)

    def rule_trust(self) -> None:
        self.citizens.shuffle_do("update_trust", self.p.trust_loss_ratio)

    def rule_voice_and_participation(self) -> None:
        """Complaints (by largest unmet need) and participation, counted over citizens."""
        p = self.p
        cost = 0.8 * (1.0 - p.channel_openness * (0.5 + 0.5 * self.openness))
        channel = 0.5 * p.channel_openness + 0.5 * self.openness
        self.citizens.shuffle_do("speak_and_join", cost, channel)
        n = len(self.citizens)
        voicing = self.citizens.select(lambda c: c.voiced)
        counts = [0] * N_DOMAINS
        for c in voicing:
            counts[c.top_need] += 1
        self.voiced = [k / n for k in counts]
        self.voice_rate = len(voicing) / n
        joined = len(self.citizens.select(lambda c: c.joined)) / n
        self.participation_rate += 0.2 * (joined - self.participation_rate)

    # --- turnover ------------------------------------------------------------------------------------

    def rule_leader_resolve(self) -> None:
        win = max(0.0, self.perf_history[-1] - self.perf_history[-2])
        self.leaders.do("tire_or_renew", self.p.resolve_fatigue, win)

    # --- end of the month -------------------------------------------------------------------------

    def end_of_month(self) -> None:
        """Benchmark growth, performance history, levels kept in [0, 1], subsystem levels, measures."""
        p = self.p
        self.benchmark += p.benchmark_growth / 12.0 * (1.0 - self.benchmark)
        self.perf_history.append(self.overall_real())
        self.agents.do("clip_levels")
        for name in (
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
        ):
            setattr(self, name, clip01(getattr(self, name)))
        self.real_perf = [clip01(x) for x in self.real_perf]
        self.assessed_perf = [clip01(x) for x in self.assessed_perf]
        self.update_levels()
        self.datacollector.collect(self)

    def free(self) -> None:
        """Remove the agents and Mesa 3.3's class-level reference to the model (Mesa issue #3179)."""
        self.remove_all_agents()
        ids = getattr(mesa.Agent, "_ids", None)
        if ids is not None:
            ids.pop(self, None)


def run_reference(scenario: Scenario | str, seed: int, steps: int | None = None) -> dict[str, Any]:
    """One run of the reference model; the summary row with the keys of `sim.SUMMARY_COLUMNS`."""
    sc = load_scenario(scenario) if isinstance(scenario, str) else scenario
    if steps is not None and steps != sc.steps:
        sc = sc.with_overrides(steps=steps)
    model = ReferenceModel(sc, seed=seed)
    try:
        for _ in range(sc.steps):
            model.step()
        summary, _ = summarise(model.series(), sc.params, int(seed))
    finally:
        model.free()
    return summary
