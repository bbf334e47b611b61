"""Leader, Department, Cadre, Citizen: one `mesa.Agent` per agent with plain float attributes.

Each method is one agent's part of a rule of the vectorised model (sim/rules/*.py); the county-wide
quantities a rule needs (leaders' example, incentive strength, subsystem levels, ...) are computed
once by the model and passed in. The equations and constants are transcribed from the rules, not
imported, so that docking tests them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import ReferenceModel

N_DOMAINS = 4  # economy, public services, infrastructure, administration (sim.params.DOMAINS)
# Cobb–Douglas output elasticities, tie synergy, silo waste, participation ease (management_execution.py)
ELASTICITY_CAPACITY, ELASTICITY_RESOURCES, ELASTICITY_EXECUTION, ELASTICITY_CLARITY = 0.2, 0.25, 0.25, 0.1
TIE_SYNERGY = 0.2
SILO_WASTE = 0.2
PARTICIPATION_EASE = 0.1
MEETING_TIE_GAIN = 0.2  # coordination_linkage.py
SILO_SPEED = 0.05
BENCHMARK_SKILL = 0.85  # adaptation_interaction.py
SATISFACTION_SPEED = 0.2  # citizens.py
TRUST_GAIN = 0.03
WORD_OF_MOUTH = 0.3


def clip01(x: float) -> float:
    """x kept in [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


class Leader(mesa.Agent):
    """A member of the county leadership team; `weight` is their share in the team's mean (the top
    leader counts three times an ordinary member)."""

    model: ReferenceModel

    def __init__(
        self,
        model: ReferenceModel,
        weight: float,
        resolve: float,
        vision: float,
        public_value: float,
        collaboration: float,
    ):
        super().__init__(model)
        self.weight = weight
        self.resolve = resolve
        self.vision = vision
        self.public_value = public_value
        self.collaboration = collaboration
        self.months_in_office = 0

    def take_office(self, resolve: float, public_value: float, collaboration: float) -> None:
        """A member of the new team: the team's profile with personal variation (turnover.py)."""
        rng = self.model.rng
        self.resolve = clip01(resolve + rng.normal(0.0, 0.05))
        self.public_value = clip01(public_value + rng.normal(0.0, 0.05))
        self.collaboration = clip01(collaboration + rng.normal(0.0, 0.05))
        self.months_in_office = 0

    def hear_citizens(self, voice_rate: float) -> None:
        """Leaders who hear citizens come to value what they hear (guidance_change.public_value)."""
        self.public_value += 0.02 * voice_rate * (1.0 - self.public_value)

    def tire_or_renew(self, fatigue: float, win: float) -> None:
        """Resolve fades with fatigue and is renewed by small wins (turnover.leader_resolve)."""
        self.months_in_office += 1
        self.resolve = clip01(self.resolve - fatigue * self.resolve + 5.0 * win * (1.0 - self.resolve))

    def clip_levels(self) -> None:
        self.resolve = clip01(self.resolve)
        self.public_value = clip01(self.public_value)
        self.collaboration = clip01(self.collaboration)


class Department(mesa.Agent):
    """A functional bureau in one policy domain; holds its cadres and its tie strength to every
    other department."""

    model: ReferenceModel

    def __init__(
        self, model: ReferenceModel, domain: int, capacity: float, silo: float, clarity: float, budget_share: float
    ):
        super().__init__(model)
        self.domain = domain
        self.capacity = capacity
        self.silo = silo
        self.clarity = clarity
        self.budget_share = budget_share
        self.practices = 0.05
        self.output = 0.0
        self.reported = 0.0
        self.gaming = 0.0
        self.cadres: list[Cadre] = []
        self.ties: dict[Department, float] = {}
        self.peer_motivation = 0.0
        self.wanted = 0.0

    # --- helpers -------------------------------------------------------------------------------

    def cadre_mean(self, attr: str) -> float:
        return sum(getattr(c, attr) for c in self.cadres) / len(self.cadres)

    def tie_strength(self) -> float:
        """Mean tie strength to the other departments."""
        return sum(self.ties.values()) / len(self.ties)

    # --- coordination–linkage ------------------------------------------------------------------

    def meet(self, other: Department) -> None:
        """A joint meeting closes part of the tie gap (both directions: ties are symmetric)."""
        tie = self.ties[other] + MEETING_TIE_GAIN * (1.0 - self.ties[other])
        self.ties[other] = other.ties[self] = tie

    def drift_apart(self, other: Department, keep: float) -> None:
        tie = self.ties[other] * keep
        self.ties[other] = other.ties[self] = tie

    def update_silo(self, base_target: float) -> None:
        """Silo falls with ties (coordination_linkage.silo)."""
        target = base_target - 0.4 * self.tie_strength()
        self.silo += SILO_SPEED * (clip01(target) - self.silo)

    # --- guidance–change and management–execution ---------------------------------------------

    def practise(self, active: float, decay: float) -> None:
        """The front-line work method produces practices in proportion to real effort
        (guidance_change.action_change)."""
        effort = self.cadre_mean("real_effort")
        self.practices += 0.08 * active * effort * (1.0 - self.practices) - decay * self.practices

    def clarify(self, clarification: float, decay: float) -> None:
        """Responsibility lists make clear who does what (management_execution.performance_management)."""
        self.clarity += 0.03 * clarification * (1.0 - self.clarity) - decay * self.clarity

    def want_budget(self, priorities: list[float], info: list[float], domain_size: list[int]) -> None:
        """The share leaders want to give: the domain's priority plus performance information,
        split evenly over the domain's departments (management_execution.allocate)."""
        self.wanted = (priorities[self.domain] + info[self.domain]) / domain_size[self.domain]

    def rebudget(self, total_wanted: float) -> None:
        self.budget_share += 0.1 * (self.wanted / total_wanted - self.budget_share)

    def build_capacity(self, invest: float, erode: float) -> None:
        self.capacity += invest * (1.0 - self.capacity) - erode * self.capacity

    def take_stock(self) -> None:
        """Note the department's mean motivation before anyone updates it this month, so that every
        cadre's peers are last month's colleagues (the vectorised rule updates all at once)."""
        self.peer_motivation = self.cadre_mean("motivation")

    def learn(self, rate: float) -> None:
        self.capacity += rate * max(0.0, BENCHMARK_SKILL - self.capacity)

    def raw_output(self) -> float:
        """Output before the county-level scale (management_execution.raw_output)."""
        m = self.model
        p = m.p
        execution = max(sum(c.real_effort * c.competence for c in self.cadres) / len(self.cadres), 1e-4)
        res = max(m.resources * self.budget_share * m.n_departments, 1e-4)
        key_action = 1.0 + 0.15 * p.k_DI_ME * m.level["DI"]
        base = (
            max(self.capacity, 1e-4) ** ELASTICITY_CAPACITY
            * res**ELASTICITY_RESOURCES
            * execution**ELASTICITY_EXECUTION
            * max(self.clarity, 1e-4) ** ELASTICITY_CLARITY
        )
        synergy = 1.0 + TIE_SYNERGY * p.k_CL_ME * m.level["CL"] * self.tie_strength() - SILO_WASTE * self.silo
        return base * key_action * synergy * (1.0 + PARTICIPATION_EASE * m.participation_rate)

    def produce(self) -> None:
        """Real output (saturating in raw output), gaming and reported output (management_execution.output)."""
        m = self.model
        p = m.p
        self.output = 1.0 - (1.0 - p.initial_performance) ** (m.output_scale * self.raw_output())
        pv = self.cadre_mean("public_value")
        self.gaming = (
            p.gaming_propensity
            * p.assessment_pressure
            * (1.0 - m.pm_monitoring)
            * (1.0 - pv)
            * (1.0 - p.k_GC_ME * m.level["GC"])
        )
        measured_only = sum(c.misdirected * c.competence for c in self.cadres) / len(self.cadres)
        self.reported = clip01(self.output * (1.0 + self.gaming) + 0.5 * measured_only)

    def clip_levels(self) -> None:
        self.capacity = clip01(self.capacity)
        self.silo = clip01(self.silo)
        self.clarity = clip01(self.clarity)
        self.practices = clip01(self.practices)
        for other, tie in self.ties.items():
            self.ties[other] = clip01(tie)


class Cadre(mesa.Agent):
    """A civil servant in one department."""

    model: ReferenceModel

    def __init__(
        self,
        model: ReferenceModel,
        department: Department,
        motivation: float,
        competence: float,
        discipline: float,
        blame_fear: float,
        public_value: float,
    ):
        super().__init__(model)
        self.department = department
        department.cadres.append(self)
        self.motivation = motivation
        self.baseline_motivation = motivation
        self.competence = competence
        self.discipline = discipline
        self.blame_fear = blame_fear
        self.public_value = public_value
        self.effort = 0.0
        self.real_effort = 0.0
        self.misdirected = 0.0
        self.expected_reward = 0.0

    def internalise(self, socialisation: float, code: float) -> None:
        """Adopt the organisational code (guidance_change.internalise)."""
        self.public_value += socialisation * (code - self.public_value)

    def work(
        self,
        active: float,
        ft: float,
        fear_target: float,
        discipline_target: float,
        incentive: float,
        example: float,
        alignment: float,
    ) -> None:
        """Blame fear, discipline, expected reward, motivation, competence, then effort
        (management_execution.cadres)."""
        p = self.model.p
        self.blame_fear += 0.05 * (fear_target - self.blame_fear)
        self.discipline += 0.02 * (discipline_target - self.discipline)
        surprise = incentive * self.department.reported - self.expected_reward
        self.expected_reward += 0.1 * surprise
        self.motivation = clip01(
            self.motivation
            + 0.04 * (active * example + (1.0 - active) * self.baseline_motivation - self.motivation)
            + p.peer_influence * (self.department.peer_motivation - self.motivation)
            + 0.1 * surprise
            + self.model.rng.normal(0.0, 0.01)
        )
        self.competence += 0.01 * p.training * active * (1.0 - self.competence) - 0.001 * self.competence
        self.choose_effort(incentive, ft, alignment)

    def choose_effort(self, incentive: float, ft: float, alignment: float) -> None:
        """Effort, and the part of it misdirected onto what is measured (management_execution.effort)."""
        mix = 0.4 * incentive + 0.35 * self.public_value + 0.25 * self.discipline
        self.effort = self.motivation * (1.0 - 0.5 * self.blame_fear * (1.0 - ft)) * (0.4 + 0.6 * mix)
        misdirected = 0.5 * incentive * (1.0 - alignment) * (1.0 - self.public_value)
        self.real_effort = self.effort * (1.0 - misdirected)
        self.misdirected = self.effort * misdirected

    def learn(self, rate: float) -> None:
        """Learning visits to developed counties (adaptation_interaction.learning)."""
        self.competence += rate * max(0.0, BENCHMARK_SKILL - self.competence)

    def consider_leaving(self, attract: float) -> None:
        """A competent cadre leaves an unattractive county; a newcomer takes the post
        (adaptation_interaction.brain_drain)."""
        p = self.model.p
        if self.random.random() < p.brain_drain * self.competence * (1.0 - attract) * 2.0:
            self.make_way()

    def make_way(self, public_value: float | None = None) -> None:
        """The post goes to a newcomer: starting competence, baseline motivation, no expectations
        (and, after a rectification, the county's values)."""
        self.competence = self.model.p.initial_competence
        self.motivation = self.baseline_motivation
        self.expected_reward = 0.0
        if public_value is not None:
            self.public_value = public_value

    def clip_levels(self) -> None:
        self.motivation = clip01(self.motivation)
        self.competence = clip01(self.competence)
        self.discipline = clip01(self.discipline)
        self.blame_fear = clip01(self.blame_fear)
        self.public_value = clip01(self.public_value)


class Citizen(mesa.Agent):
    """A resident of one township, with need weights over the policy domains and word-of-mouth
    neighbours in the same township."""

    model: ReferenceModel

    def __init__(
        self,
        model: ReferenceModel,
        township: int,
        access: float,
        needs: list[float],
        trust: float,
        voice_propensity: float,
        participation_propensity: float,
    ):
        super().__init__(model)
        self.township = township
        self.access = access
        self.needs = needs
        self.expectation = 0.0
        self.satisfaction = 0.0
        self.trust = trust
        self.voice_propensity = voice_propensity
        self.participation_propensity = participation_propensity
        self.neighbours: list[Citizen] = []
        self.heard = 0.0
        self.voiced = False
        self.top_need = 0
        self.joined = False

    def experience(self) -> float:
        """Experienced quality: own need weights over domain performance times the township's access."""
        perf = self.model.real_perf
        return sum(n * r for n, r in zip(self.needs, perf, strict=True)) * self.access

    def settle(self) -> None:
        """At the start, citizens expect what they get (the trap is an equilibrium)."""
        q = self.experience()
        self.expectation = q
        self.satisfaction = clip01(0.05 + 0.8 * q)

    def update_satisfaction(self, adaptation: float) -> None:
        """Expectancy–disconfirmation (citizens.satisfaction)."""
        q = self.experience()
        target = clip01(0.05 + 0.8 * q + 1.5 * (q - self.expectation))
        self.satisfaction += SATISFACTION_SPEED * (target - self.satisfaction)
        self.expectation += adaptation * (q - self.expectation)

    def listen(self) -> None:
        """Hear one neighbour's satisfaction as it stands before anyone talks this month."""
        self.heard = self.random.choice(self.neighbours).satisfaction

    def talk(self, confidence: float) -> None:
        """Bounded-confidence move toward what was heard (citizens.word_of_mouth)."""
        diff = self.heard - self.satisfaction
        if abs(diff) < confidence:
            self.satisfaction += WORD_OF_MOUTH * diff

    def update_trust(self, loss_ratio: float) -> None:
        """Trust follows satisfaction, lost faster than gained (citizens.trust)."""
        d = self.satisfaction - self.trust
        self.trust = clip01(self.trust + TRUST_GAIN * (1.0 if d > 0 else loss_ratio) * d)

    def speak_and_join(self, cost: float, channel: float) -> None:
        """Complain when grievance beats the cost (about the largest unmet need); participate when
        trust and open channels allow (citizens.voice_and_participation)."""
        u_voice = self.random.random()
        u_join = self.random.random()
        self.voiced = (1.0 - self.satisfaction) * self.voice_propensity > cost + 0.2 * u_voice
        perf = self.model.real_perf
        unmet = [n * (1.0 - r) for n, r in zip(self.needs, perf, strict=True)]
        self.top_need = unmet.index(max(unmet))
        self.joined = self.participation_propensity * self.trust * channel > 0.5 * u_join

    def clip_levels(self) -> None:
        self.expectation = clip01(self.expectation)
        self.satisfaction = clip01(self.satisfaction)
        self.trust = clip01(self.trust)
