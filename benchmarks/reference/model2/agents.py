"""Model 2's agents, one `mesa.Agent` each with plain attributes: Leader, Department, Cadre, Citizen;
and the Problem, a plain object on the model's problem list (not an agent in docs/ODD.md §2.1).

Each method is one agent's part of a rule of docs/ODD.md §7; what the rule computes once for
the county is computed by the model (model.py) and passed in. The equations and constants are
written from the ODD (§7, §9), not imported from `sim.model2`, so that docking tests them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import ReferenceModel2

D = 4  # domains: economy, public services, infrastructure, administration
SOURCES = ("routine", "diagnosis", "complaint", "evaluation", "comparison", "proposal")
COMPLAINT = SOURCES.index("complaint")
SOLVED, OPEN, PAPER = 0, 1, 2  # a problem solved this month (its slot is then freed), open, closed on paper

# §9, the constants the agents' rules use
TOP_LEADER_SHARE = 0.5
LEADER_CONC = 20.0  # successors' dispositions, values and skill around their means
ATTR_CONC = 12.0  # a successor's vision around `leader_vision`, as at the start
SUPERVISION_SPAN = 5.0
LAME_DUCK_MONTHS = 12.0
MONTHS_PER_YEAR = 12.0
EFFORT_FLOOR = 0.2
IDLE_FEAR = 0.5
PAPER_EASE = 2.0
SCORE_MEMORY = 0.2
CAUGHT_MEMORY = 0.1
RECORD_MEMORY = 1.0 / 24.0
WIN_MEMORY = 0.2
ENGAGED_MOTIVATION = 0.3
MOTIVATION_SPEED = 0.04
MOTIVATION_NOISE = 0.01
TRAINING_RATE = 0.01
COMPETENCE_DECAY = 0.001
RANK_SHARE = 0.5
BENCHMARK_SKILL = 0.85
VISIT_COMPETENCE = 0.05
VISIT_CAPACITY = 0.025
VISIT_PRACTICE = 0.05
SILO_SPEED = 0.05
SILO_TIE_RELIEF = 0.5
PRESSURE_SILO = 0.3
SOCIALISATION = 0.08
ROUTINE_SOCIALISATION = 0.3
SATISFACTION_SPEED = 0.2
SAT_FLOOR, SAT_SLOPE, SAT_SURPRISE = 0.05, 0.8, 1.5
TRUST_GAIN = 0.03
WORD_OF_MOUTH = 0.3
VOICE_NOISE = 0.2
JOIN_NOISE = 0.5
EMANCIPATE_THRESHOLD = 0.3
EMANCIPATE_FEAR = 0.3


def clip01(x: float) -> float:
    """x kept in [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


@dataclass(eq=False)
class Problem:
    """An item on the problem list (问题清单), in slot `slot` of the county's pool (§2.1 Problems)."""

    slot: int
    cell: int  # township * D + domain; township == T is the county-wide row
    township: int
    domain: int
    lead: Department
    partners: list[Department]
    difficulty: float
    source: int
    key: bool  # 挂号督办: listed by diagnosis or evaluation
    status: int = OPEN
    progress: float = 0.0
    paper: float = 0.0
    age: float = 0.0
    taskforce: bool = False

    @property
    def cross(self) -> bool:
        return bool(self.partners)


class Leader(mesa.Agent):
    """A member of the county leadership team; leader 0 is the top leader (一把手)."""

    model: ReferenceModel2

    def __init__(
        self,
        model: ReferenceModel2,
        index: int,
        disposition: float,
        vision: float,
        public_value: float,
        collaboration: float,
        term_end: float,
    ):
        super().__init__(model)
        self.index = index
        self.disposition = disposition
        self.resolve = disposition
        self.vision = vision
        self.public_value = public_value
        self.collaboration = collaboration
        self.term_end = term_end
        self.committed = False
        self.signal = 0.0
        self.attention = 0.0
        self.wins = 0.0
        self.tenure = 0.0
        self.portfolio: list[Department] = []  # the departments it supervises (分管)
        self.spare = 0  # task forces it can still hold this month after its own (joint convening, §7.5)
        self.passed_over: list[Problem] = []  # open cross problems it answers for but did not take this month
        self.domain_share = [1.0 / D] * D  # share of its portfolio in each domain (diagnosis, §7.7)

    # §7.1 new_leader
    def take_office(self, resolve: float, public_value: float, collaboration: float, keeps: float) -> None:
        """A successor: its own disposition, values and skill around the given means, and its own plan
        for the county (vision, around `leader_vision`: paper §3(四) FT19 大局意识); the departments it
        supervises lose (1 - keeps) of their practices that are not yet rules."""
        m = self.model
        self.disposition = m.beta(resolve, LEADER_CONC)
        self.resolve = self.disposition
        self.public_value = m.beta(public_value, LEADER_CONC)
        self.collaboration = m.beta(collaboration, LEADER_CONC)
        self.vision = m.beta(m.p.leader_vision, ATTR_CONC)
        self.tenure = 0.0
        self.wins = 0.0
        self.committed = False
        self.term_end = m.t - 1 + m.p.term_length
        for dept in self.portfolio:
            dept.practices -= (1.0 - keeps) * max(dept.practices - dept.rules, 0.0)

    # §7.3
    def decide(self, context: float, top_push: float, threshold: float, hysteresis: float, routine: bool) -> None:
        """Commit to reform when the signal passes the launch threshold; give up only a margin below."""
        p = self.model.p
        own = self.resolve
        if self.index > 0:  # backed by the top leader's resolve once the top leader has committed
            own = (1.0 - TOP_LEADER_SHARE) * self.resolve + TOP_LEADER_SHARE * top_push
        self.signal = clip01(p.drive_resolve_weight * own + context)
        stay = self.committed and self.signal >= threshold - hysteresis
        self.committed = (stay or self.signal > threshold) and not routine

    # §7.4
    def pay_attention(self, rules: float) -> None:
        self.attention = self.resolve * (1.0 if self.committed else rules)

    # §7.5
    def convening_capacity(self, action_base: float) -> float:
        p = self.model.p
        mechanism = 1.0 + p.task_force_platform * p.k_DI_CL * action_base
        return p.attention_convene * self.attention * self.collaboration * mechanism / p.task_force_cost

    def convene(self, candidates: list[tuple[float, int, Problem]], action_base: float) -> None:
        """Hold task forces for the most pressing open cross problems this leader answers for
        (`candidates`: (priority, slot, problem)); ties go to the lower slot. What it did not take,
        most pressing first, and the task forces it has to spare stay for joint convening."""
        n = int(self.convening_capacity(action_base) + self.random.random())  # floor(capacity + U)
        ranked = [problem for _, _, problem in sorted(candidates, key=lambda c: (-c[0], c[1]))]
        for problem in ranked[:n]:
            problem.taskforce = True
        self.spare = max(n - len(ranked), 0)
        self.passed_over = ranked[n:]

    def can_join(self) -> bool:
        """Whether it still has a task force to spare this month."""
        return self.spare >= 1

    def join(self) -> None:
        """Spend a task force on a problem convened jointly with other supervising leaders."""
        self.spare -= 1

    # §7.10
    def count_wins(self, ratio: float) -> None:
        self.wins += WIN_MEMORY * (ratio - self.wins)

    # §7.29
    def adjust_resolve(self, event_drive: float, t: int) -> None:
        p = self.model.p
        self.tenure += 1.0
        lame = clip01(1.0 - (self.term_end - t) / LAME_DUCK_MONTHS)
        target = self.disposition + p.win_gain * self.wins + event_drive - p.term_end_drop * lame
        self.resolve += p.resolve_adjust * (clip01(target) - self.resolve)

    def clip_levels(self) -> None:
        self.resolve = clip01(self.resolve)
        self.public_value = clip01(self.public_value)
        self.collaboration = clip01(self.collaboration)


class Department(mesa.Agent):
    """A functional bureau in one domain; its head is one of its cadres; ties to every other department."""

    model: ReferenceModel2

    def __init__(self, model: ReferenceModel2, index: int, domain: int, capacity: float, silo: float):
        super().__init__(model)
        self.index = index
        self.domain = domain
        self.capacity = capacity
        self.silo = silo
        self.leader: Leader | None = None  # supervising leader (分管)
        self.ties: dict[Department, float] = {}
        self.cadres: list[Cadre] = []  # in post order (the lowest post wins ties)
        self.head: Cadre | None = None
        self.engaged = False
        self.signal = 0.0
        self.attention = 0.0
        self.pressure = 0.0
        self.score = 0.0
        self.practices = 0.05
        self.rules = 0.0
        self.output = 0.0
        self.reported = 0.0
        self.citizen_output = 0.0
        self.solved_recent = 0.0
        self.work_capacity = 0.0
        self.caught = 0.0
        self.exposed = 0.0
        self.visiting = False
        self.n_solved = 0
        self.n_caught = 0
        self.backlog = 0
        self.problems: list[Problem] = []  # this month's listed problems it leads (set by the model)
        self.budget_share = 1.0 / model.p.n_departments  # equal shares until the first year's budget
        self.peer_motivation = 0.0
        self.model_motivation = 0.0
        self.recognised = False
        self._merit: tuple[int, bool] = (-(10**9), False)

    def cadre_mean(self, attr: str) -> float:
        return sum(getattr(c, attr) for c in self.cadres) / len(self.cadres)

    # §7.4
    def receive_attention(self, top_attention: float) -> None:
        p = self.model.p
        reach = min(1.0, p.attention_supervise * SUPERVISION_SPAN / len(self.leader.portfolio))
        self.attention = reach * ((1.0 - TOP_LEADER_SHARE) * self.leader.attention + TOP_LEADER_SHARE * top_attention)

    # §7.8
    def sense(self, weights: tuple[float, ...], incentive: float, cover: float) -> None:
        """The head's engagement signal, from the departments' engagement before anyone decides."""
        p = self.model.p
        w_att, w_inc, w_peer, w_press, w_rules = weights
        tie_sum = sum(self.ties.values())
        peer = sum(t for other, t in self.ties.items() if other.engaged) / max(tie_sum, 1e-9)
        fear = self.cadre_mean("blame_fear") * (1.0 - cover)
        self.signal = (
            w_att * self.attention
            + w_inc * incentive
            + w_peer * peer
            + w_press * self.pressure
            + w_rules * self.rules
            - p.engage_w_fear * fear
        )

    def decide(self, hysteresis: float) -> None:
        theta = self.head.threshold
        self.engaged = self.signal >= theta - hysteresis if self.engaged else self.signal > theta

    # §7.10
    def joint(self, problem: Problem, silo: float) -> float:
        """Speed of a problem against the lead's own work: partners brought in by a task force or by
        ties, as far as they are engaged, less the lead's silo."""
        if not problem.partners:
            return 1.0
        p = self.model.p
        ok = sum(1.0 if k.engaged else p.routine_fraction for k in problem.partners) / len(problem.partners)
        link = 1.0 if problem.taskforce else min(self.ties[k] for k in problem.partners)
        coop = p.k_CL_ME * link * ok * (1.0 - silo)
        return p.solo_factor + len(problem.partners) * (1.0 - p.solo_factor) * coop

    def work(self, rate: float, introduced: float) -> None:
        """Spread real work over the open problems it leads by priority and gaming over the hardest and
        slowest of them; age its listed problems; close what is solved or closed on paper. Introduced
        resources (`introduced`: k_DI_ME x resource_gain x the resources above the start) raise its
        capacity by its share of the year's budget, J x share (1 at equal shares)."""
        m, p = self.model, self.model.p
        res = 1.0 + introduced * len(m.dept_list) * self.budget_share
        self.work_capacity = rate * self.capacity * self.cadre_mean("execution") * res
        paper_work = rate * self.capacity * self.cadre_mean("gaming") * PAPER_EASE
        silo = self.silo * (1.0 - p.k_GC_CL * self.cadre_mean("public_value"))
        open_ = [q for q in self.problems if q.status == OPEN]
        pr = [m.priority(q) for q in open_]
        joint = [self.joint(q, silo) for q in open_]
        total = max(sum(pr), 1e-12)
        hard = [x * max(q.difficulty, 1e-9) / max(j, 1e-9) for x, q, j in zip(pr, open_, joint, strict=True)]
        total_hard = max(sum(hard), 1e-12)
        for q, x, j, h in zip(open_, pr, joint, hard, strict=True):
            d = max(q.difficulty, 1e-9)
            q.progress += x / total * self.work_capacity * j / d
            q.paper += h / total_hard * paper_work / d
        for q in self.problems:
            q.age += 1.0
        self.backlog = len(open_)
        self.output = self.reported = self.citizen_output = 0.0
        self.n_solved = 0
        for q in open_:
            if q.progress >= 1.0:
                q.status = SOLVED  # the model frees the slot
                self.output += q.difficulty
                self.reported += q.difficulty
                self.n_solved += 1
                if q.source == COMPLAINT:
                    self.citizen_output += q.difficulty
            elif q.paper >= 1.0:
                q.status = PAPER  # gaming got there first
                self.reported += q.difficulty
        self.solved_recent += WIN_MEMORY * (self.n_solved - self.solved_recent)

    def credit_cadres(self) -> None:
        """Results credit the cadres who did the real work (their record)."""
        total = max(sum(c.execution for c in self.cadres), 1e-12)
        for c in self.cadres:
            c.record += c.execution * self.output / total - RECORD_MEMORY * c.record

    def gain_practice(self) -> None:
        p = self.model.p
        self.practices += p.practice_gain * self.engaged * self.n_solved * (1.0 - self.practices)

    # §7.11
    def update_score(self, weight: float) -> None:
        measured = self.reported + weight * (self.citizen_output - self.exposed)
        self.score += SCORE_MEMORY * (measured - self.score)

    def feel_pressure(self, scores: list[float], pm_maturity: float) -> None:
        p = self.model.p
        higher = sum(1 for s in scores if s > self.score)
        rank = higher / max(len(scores) - 1, 1)
        self.pressure = p.k_ME_DI * pm_maturity * ((1.0 - RANK_SHARE) * p.assessment_pressure + RANK_SHARE * rank)

    def face_detection(self, by_monitor: float, by_citizens: list[float]) -> None:
        """Its closures on paper are caught by monitoring or else by the citizens who still live with
        the problem (`by_citizens` by cell); caught problems reopen."""
        p = self.model.p
        paper = [q for q in self.problems if q.status == PAPER]
        n_monitor = n_citizens = 0
        self.exposed = 0.0
        for q in paper:
            if self.random.random() < by_monitor:
                n_monitor += 1
            elif self.random.random() < by_citizens[q.cell]:
                n_citizens += 1
                self.exposed += q.difficulty
            else:
                continue
            q.status = OPEN
            q.paper = 0.0
        counted = n_monitor + p.k_GC_ME * n_citizens
        self.caught += CAUGHT_MEMORY * (min(counted / max(len(paper), 1), 1.0) - self.caught)
        self.n_caught = n_monitor + n_citizens

    # §7.31
    def open_key_actions(self) -> int:
        """Open key actions (重点工作, 挂号督办) among the listed problems it leads."""
        return sum(1 for q in self.problems if q.status == OPEN and q.key)

    def set_budget(self, total_score: float, total_key: int, w_result: float, w_key: float) -> None:
        """This year's share of the budget: last year's, moved by `w_result` toward its share of the
        assessed results (positive scores) and by `w_key` toward its share of the county's open key
        actions; equal shares where there is nothing to divide (the yearly budget, §7.31; paper §3(二)
        '加强预算绩效管理…保障有限资金被有序、及时落实在重点项目上'; §3(六) 嵌入…预算管理)."""
        J = len(self.model.dept_list)
        by_result = max(self.score, 0.0) / total_score if total_score > 0 else 1.0 / J
        by_key = self.open_key_actions() / total_key if total_key > 0 else 1.0 / J
        self.budget_share = (1.0 - w_result - w_key) * self.budget_share + w_result * by_result + w_key * by_key

    # §7.12
    def institutionalise(self, pm_maturity: float) -> None:
        p = self.model.p
        gap = max(self.practices - self.rules, 0.0)
        self.rules += p.institution_rate * p.k_ME_GC * pm_maturity * min(self.solved_recent, 1.0) * gap
        self.practices -= p.practice_fade * (1.0 - self.engaged) * max(self.practices - self.rules, 0.0)

    # §7.14 and the scheduled study tour (§7.1)
    def learn(self, strength: float) -> None:
        self.capacity += VISIT_CAPACITY * strength * max(0.0, BENCHMARK_SKILL - self.capacity)
        self.practices += VISIT_PRACTICE * strength * (1.0 - self.practices)
        for c in self.cadres:
            c.learn(strength)

    def maybe_visit(self, chance: float) -> None:
        self.visiting = self.random.random() < chance
        if self.visiting:
            self.learn(1.0)

    # §7.15, §7.16
    def merit_draw(self) -> bool:
        """This month's draw of merit against seniority for the post (the same for every appointment
        in the department in one month, §7.16)."""
        m = self.model
        if self._merit[0] != m.t:
            self._merit = (m.t, self.random.random() < m.p.promotion_by_merit)
        return self._merit[1]

    def appoint_head(self) -> None:
        """The best record (merit) or the longest tenure (seniority); the lowest post wins ties."""
        attr = "record" if self.merit_draw() else "tenure"
        best = max(getattr(c, attr) for c in self.cadres)
        self.head = next(c for c in self.cadres if getattr(c, attr) >= best)

    def maybe_turn_over(self) -> None:
        if self.random.random() < self.model.p.head_turnover:
            self.appoint_head()

    # §7.18
    def update_silo(self) -> None:
        p = self.model.p
        tie = sum(self.ties.values()) / max(len(self.ties), 1)
        target = p.initial_silo * (1.0 + PRESSURE_SILO * (p.assessment_pressure - 0.5)) * (1.0 - SILO_TIE_RELIEF * tie)
        self.silo += SILO_SPEED * (clip01(target) - self.silo)

    # §7.19
    def take_stock(self) -> None:
        """Peers' mean motivation and the role model's, before anyone updates it this month."""
        p = self.model.p
        self.peer_motivation = self.cadre_mean("motivation")
        best = max(c.execution for c in self.cadres)
        role_model = next(c for c in self.cadres if c.execution >= best)
        self.model_motivation = role_model.motivation
        self.recognised = self.output > 0 and p.role_model_gain > 0 and not p.ablate_role_models

    def clip_levels(self) -> None:
        self.capacity = clip01(self.capacity)
        self.silo = clip01(self.silo)
        self.practices = clip01(self.practices)
        self.rules = clip01(self.rules)
        for other, tie in self.ties.items():
            self.ties[other] = clip01(tie)


class Cadre(mesa.Agent):
    """A civil servant in one department."""

    model: ReferenceModel2

    def __init__(
        self,
        model: ReferenceModel2,
        department: Department,
        threshold: float,
        motivation: float,
        competence: float,
        discipline: float,
        blame_fear: float,
        public_value: float,
    ):
        super().__init__(model)
        self.department = department
        self.threshold = self.base_threshold = threshold
        self.motivation = self.base_motivation = motivation
        self.competence = competence
        self.discipline = self.base_discipline = discipline
        self.blame_fear = self.base_blame_fear = blame_fear
        self.public_value = public_value
        self.real_effort = 0.0
        self.gaming = 0.0
        self.effort = 0.0
        self.record = 0.0
        self.tenure = 0.0
        self.leaving = False

    @property
    def execution(self) -> float:
        """Contribution to real work: real effort times competence."""
        return self.real_effort * self.competence

    # §7.9
    def choose_effort(self, cover: float, pull: float) -> None:
        p = self.model.p
        dept = self.department
        base = EFFORT_FLOOR + (1.0 - EFFORT_FLOOR) * self.motivation
        routine = 1.0 if dept.engaged else p.routine_fraction
        idle = IDLE_FEAR * self.blame_fear * (1.0 - cover)
        integrity = 0.5 * (self.public_value + self.discipline)
        game = p.gaming_propensity * pull * (1.0 - integrity) * (1.0 - dept.caught)
        work = base * routine * (1.0 - idle)
        self.real_effort = work * (1.0 - game)
        self.gaming = work * game
        self.effort = self.real_effort + self.gaming

    # §7.14
    def learn(self, strength: float) -> None:
        self.competence += VISIT_COMPETENCE * strength * max(0.0, BENCHMARK_SKILL - self.competence)

    # §7.15
    def consider_leaving(self, unattractive: float) -> None:
        self.leaving = self.random.random() < self.model.p.brain_drain * self.competence * unattractive * 2.0

    # §7.17
    def fade(self, campaign_fade: float) -> None:
        f = campaign_fade * (1.0 - self.department.rules)
        self.threshold += f * (self.base_threshold - self.threshold)
        self.discipline += f * (self.base_discipline - self.discipline)
        self.blame_fear += f * (self.base_blame_fear - self.blame_fear)

    # §7.19
    def imitate(self) -> None:
        p = self.model.p
        dept = self.department
        engaged = 1.0 if dept.engaged else 0.0
        target = self.base_motivation + ENGAGED_MOTIVATION * engaged * (1.0 - self.base_motivation)
        m = self.motivation
        role = p.role_model_gain * max(dept.model_motivation - m, 0.0) if dept.recognised else 0.0
        self.motivation = clip01(
            m
            + MOTIVATION_SPEED * (target - m)
            + p.peer_influence * (dept.peer_motivation - m)
            + role
            + self.random.gauss(0.0, MOTIVATION_NOISE)
        )
        c = self.competence
        self.competence += TRAINING_RATE * p.training * engaged * (1.0 - c) - COMPETENCE_DECAY * c
        self.tenure += 1.0

    # §7.26
    def internalise(self, team_public_value: float, clarity: float) -> None:
        engaged = 1.0 if self.department.engaged else 0.0
        rate = SOCIALISATION * (ROUTINE_SOCIALISATION + (1.0 - ROUTINE_SOCIALISATION) * engaged) * team_public_value
        self.public_value += rate * (clarity - self.public_value)

    # §7.1 campaigns
    def emancipate(self, strength: float) -> None:
        self.threshold *= 1.0 - EMANCIPATE_THRESHOLD * strength
        self.blame_fear *= 1.0 - EMANCIPATE_FEAR * strength

    def tighten(self, rise: float) -> None:
        self.discipline += rise * (1.0 - self.discipline)

    def clip_levels(self) -> None:
        self.motivation = clip01(self.motivation)
        self.competence = clip01(self.competence)
        self.discipline = clip01(self.discipline)
        self.blame_fear = clip01(self.blame_fear)
        self.public_value = clip01(self.public_value)
        self.threshold = clip01(self.threshold)


class Citizen(mesa.Agent):
    """A resident of one township with need weights over the domains and word-of-mouth ties."""

    model: ReferenceModel2

    def __init__(
        self,
        model: ReferenceModel2,
        township: int,
        needs: list[float],
        trust: float,
        voice_propensity: float,
        participation_propensity: float,
    ):
        super().__init__(model)
        self.township = township
        self.needs = needs
        self.expectation = 0.0
        self.satisfaction = 0.0
        self.trust = trust
        self.voice_propensity = voice_propensity
        self.participation_propensity = participation_propensity
        self.neighbours: list[Citizen] = []
        self.heard = 0.0
        self.convinced = False
        self.voiced = False
        self.top_need = 0
        self.joined = False

    # §7.21
    def experience(self) -> float:
        perf = self.model.town_perf[self.township]
        return sum(n * x for n, x in zip(self.needs, perf, strict=True))

    def settle(self) -> None:
        """Month 0: citizens expect what they get (§5.2)."""
        q = self.experience()
        self.expectation = q
        self.satisfaction = clip01(SAT_FLOOR + SAT_SLOPE * q)

    def update_satisfaction(self, adaptation: float) -> None:
        q = self.experience()
        target = clip01(SAT_FLOOR + SAT_SLOPE * q + SAT_SURPRISE * (q - self.expectation))
        self.satisfaction += SATISFACTION_SPEED * (target - self.satisfaction)
        self.expectation += adaptation * (q - self.expectation)

    # §7.22: everyone hears first, then moves (only the hearer moves)
    def listen(self) -> None:
        self.heard = self.random.choice(self.neighbours).satisfaction

    def talk(self, confidence: float) -> None:
        diff = self.heard - self.satisfaction
        self.convinced = abs(diff) < confidence
        if self.convinced:
            self.satisfaction += WORD_OF_MOUTH * diff

    # §7.23
    def update_trust(self, loss_ratio: float) -> None:
        d = self.satisfaction - self.trust
        self.trust += TRUST_GAIN * (1.0 if d > 0 else loss_ratio) * d

    # §7.24
    def speak_and_join(self, cost: float, channel: float) -> None:
        self.voiced = (1.0 - self.satisfaction) * self.voice_propensity > cost + VOICE_NOISE * self.random.random()
        perf = self.model.town_perf[self.township]
        unmet = [n * (1.0 - x) for n, x in zip(self.needs, perf, strict=True)]
        self.top_need = unmet.index(max(unmet))
        part = self.participation_propensity * self.trust * channel
        self.joined = part > JOIN_NOISE * self.random.random()

    def clip_levels(self) -> None:
        self.expectation = clip01(self.expectation)
        self.satisfaction = clip01(self.satisfaction)
        self.trust = clip01(self.trust)
