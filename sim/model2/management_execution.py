"""Management–execution (管理—执行): department heads decide whether to engage in reform (a threshold
with hysteresis), cadres split their effort between real work, gaming and idleness, departments work
their listed problems, and performance management assesses, presses, pays and finds gaps
(paper §3(五) 执行力; §3(六) 绩效管理体系; §4(一) fourth paragraph; Granovetter 1978;
Holmström & Milgrom 1991; Bevan & Hood 2006).
"""

from __future__ import annotations

import numpy as np

from ..npx import clip, mean
from .coordination_linkage import MONTHS_PER_YEAR, priority
from .problems import by_dept, cross
from .state import SRC, STATUS_FREE, STATUS_OPEN, STATUS_PAPER, D

EFFORT_FLOOR = 0.2  # even an unmotivated cadre does a fifth of a full effort (routine presence)
IDLE_FEAR = 0.5  # at full uncovered blame fear half of a cadre's effort is withheld (不敢为)
REFERENCE_DEPARTMENTS = 16  # `work_rate` is per department of a county of 16 departments
RANK_SHARE = 0.5  # half of assessment pressure on a head is its department's rank, half the pressure from above
PAPER_EASE = 2.0  # closing a problem on paper takes half the effort of solving it (and no competence)
SCORE_MEMORY = 0.2  # assessment smooths reported closures with a five-month memory
CAUGHT_MEMORY = 0.1  # departments learn from gaming caught over about ten months
RECORD_MEMORY = 1.0 / 24.0  # a cadre's record of results fades over two years
WIN_MEMORY = 0.2  # leaders weigh results of about the last five months
ENGAGED_MOTIVATION = 0.3  # working in an engaged department lifts a cadre's motivation target by 30% of its headroom
MOTIVATION_SPEED = 0.04  # monthly share of the gap to the motivation target closed (Model 1)
MOTIVATION_NOISE = 0.01  # monthly SD of idiosyncratic motivation shocks (Model 1)
TRAINING_RATE = 0.01  # monthly competence gain at full training in an engaged department (Model 1)
COMPETENCE_DECAY = 0.001  # skills fade by 0.1% a month without training (Model 1)


def dept_mean(s, x: np.ndarray) -> np.ndarray:
    """Mean of a cadre attribute within each department, shape (B, J)."""
    return np.add.reduceat(x, s.dept_start, axis=1) / s.dept_size


def to_cadres(s, x: np.ndarray) -> np.ndarray:
    """A department attribute (B, J) for each cadre (B, N)."""
    return np.take(x, s.cadre_dept, axis=1)


def fault_tolerance(s, p) -> np.ndarray:
    """Fault tolerance protects only through the incentive platform of the action base (paper §3(二)), (B, 1)."""
    return p.fault_tolerance * s.action_base[:, None]


def signal(s, p) -> np.ndarray:
    """Each department head's engagement signal, shape (B, J): the supervising leader's attention,
    incentives, tied departments' engagement, its own assessment pressure and standing rules
    (weights normalised to sum to one), less blame fear not covered by fault tolerance (docs/MODEL.md §4)."""
    w = np.concatenate(
        [p.engage_w_attention, p.engage_w_incentive, p.engage_w_peer, p.engage_w_pressure, p.engage_w_rules], axis=1
    )
    w = w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
    # pay (through the incentive platform) and promotion (through PM) count alike
    incentive = 0.5 * (p.performance_pay * s.action_base[:, None] + p.promotion_by_merit * s.pm_maturity[:, None])
    tie_sum = s.dept_ties.sum(axis=2)
    peer = (s.dept_ties * s.dept_engaged[:, None, :]).sum(axis=2) / np.maximum(tie_sum, 1e-9)
    fear = dept_mean(s, s.cadre_blame_fear) * (1.0 - fault_tolerance(s, p))
    return (
        w[:, 0:1] * s.dept_attention
        + w[:, 1:2] * incentive
        + w[:, 2:3] * peer
        + w[:, 3:4] * s.dept_pressure
        + w[:, 4:5] * s.dept_rules
        - p.engage_w_fear * fear
    )


def engage(s, p, r) -> None:
    """A head engages the department when the signal exceeds the head's own threshold and lets go only
    when it falls a margin below (Granovetter 1978; hysteresis: docs/MODEL.md §4 Departments)."""
    sig = signal(s, p)
    theta = np.take_along_axis(s.cadre_threshold, s.dept_head, axis=1)
    h = p.engagement_hysteresis
    s.dept_signal = sig
    s.dept_engaged = np.where(s.dept_engaged, sig >= theta - h, sig > theta)


#: the largest batch for which `engage` runs as a kernel: NumPy's whole-array operations beat a scalar
#: loop over heads and ties beyond it (measured per month: 12 against 32 us for a run alone, 94 against
#: 114 us for 32 runs, 545 against 438 us for 256), and both give the same numbers
ENGAGE_KERNEL_BATCH = 32


def engage_compiled(s, p, r) -> None:
    """`engage` by the compiled kernel (sim/model2/kernels.py) for runs alone and small batches, by
    NumPy for large ones (ENGAGE_KERNEL_BATCH); the same numbers either way."""
    from .kernels import engage_heads

    if s.B > ENGAGE_KERNEL_BATCH:
        engage(s, p, r)
        return

    w = np.concatenate(
        [p.engage_w_attention, p.engage_w_incentive, p.engage_w_peer, p.engage_w_pressure, p.engage_w_rules], axis=1
    )
    incentive = 0.5 * (p.performance_pay * s.action_base[:, None] + p.promotion_by_merit * s.pm_maturity[:, None])
    B, J = s.B, s.J
    sig, engaged = np.empty((B, J)), np.empty((B, J), dtype=bool)
    engage_heads(
        w,
        incentive[:, 0],
        (1.0 - fault_tolerance(s, p))[:, 0],
        p.engage_w_fear[:, 0],
        p.engagement_hysteresis[:, 0],
        s.dept_attention,
        s.dept_pressure,
        s.dept_rules,
        np.ascontiguousarray(s.dept_ties).ravel(),
        np.ascontiguousarray(s.cadre_blame_fear).ravel(),
        s.N,
        s.dept_start,
        s.dept_size,
        s.cadre_threshold,
        s.dept_head,
        s.dept_engaged,
        sig,
        engaged,
    )
    s.dept_signal, s.dept_engaged = sig, engaged


def _pull(s, p) -> np.ndarray:
    """What pulls effort toward what is measured: pressure and pay on assessed output, (B, 1)."""
    return 0.5 * (p.assessment_pressure + p.performance_pay * s.pm_maturity[:, None])


def effort(s, p, r) -> None:
    """Cadres split effort into real work, gaming and idleness: pay on assessed output and pressure pull
    effort to what is measured, internalised public value and caught gaming pull it back, blame fear not
    covered by fault tolerance withholds it (Holmström & Milgrom 1991; paper §3(二))."""
    base = EFFORT_FLOOR + (1.0 - EFFORT_FLOOR) * s.cadre_motivation
    routine = np.where(s.dept_engaged, 1.0, p.routine_fraction)
    idle = IDLE_FEAR * s.cadre_blame_fear * (1.0 - fault_tolerance(s, p))
    pull = _pull(s, p)
    integrity = 0.5 * (s.cadre_public_value + s.cadre_discipline)  # internalised value and work style (作风)
    game = p.gaming_propensity * pull * (1.0 - integrity)
    game = game * to_cadres(s, 1.0 - s.dept_caught)
    work = base * to_cadres(s, routine) * (1.0 - idle)
    s.cadre_real_effort = work * (1.0 - game)
    s.cadre_gaming = work * game
    s.cadre_effort = s.cadre_real_effort + s.cadre_gaming


def effort_compiled(s, p, r) -> None:
    """`effort` by the compiled kernel (sim/model2/kernels.py); the same numbers."""
    from .kernels import effort_split

    B, N = s.B, s.N
    s.cadre_real_effort, s.cadre_gaming, s.cadre_effort = np.empty((B, N)), np.empty((B, N)), np.empty((B, N))
    effort_split(
        s.cadre_motivation,
        s.cadre_blame_fear,
        s.cadre_public_value,
        s.cadre_discipline,
        s.cadre_dept,
        s.dept_engaged,
        s.dept_caught,
        p.routine_fraction[:, 0],
        fault_tolerance(s, p)[:, 0],
        _pull(s, p)[:, 0],
        p.gaming_propensity[:, 0],
        EFFORT_FLOOR,
        1.0 - EFFORT_FLOOR,
        IDLE_FEAR,
        s.cadre_real_effort,
        s.cadre_gaming,
        s.cadre_effort,
    )


def _capacity(s, p) -> np.ndarray:
    """This month's real work (B, J) and gaming (B, J) of each department, in problems of mean difficulty."""
    extra = np.maximum(s.resources - s.initial_resources, 0.0)[:, None]
    # introduced resources reach each department by its share of the year's budget (drive_input.budget)
    res = 1.0 + p.k_DI_ME * p.resource_gain * extra * (s.J * s.dept_budget_share)
    execution = dept_mean(s, s.cadre_real_effort * s.cadre_competence)
    # the county's staff is what it is however it is divided: a department's share of the county's
    # work capacity is one J-th (work_rate is per department of a 16-department county)
    rate = p.work_rate * REFERENCE_DEPARTMENTS / s.J
    s.dept_work = rate * s.dept_capacity * execution * res  # (B, J) problems of mean difficulty
    return rate * s.dept_capacity * dept_mean(s, s.cadre_gaming) * PAPER_EASE


def work(s, p, r) -> None:
    """Departments work their listed problems by priority; a cross-department problem moves at the
    solo pace unless task forces or ties (k_CL_ME) bring in engaged partners, and silos waste the
    joint work unless shared values ease it (k_GC_CL); introduced resources raise capacity through
    k_DI_ME. Problems reach real progress 1 and are solved, or are closed on paper by gaming
    (docs/MODEL.md §4; paper §3(四), §3(五)). Plain NumPy: the twin of `work_compiled`."""
    open_ = s.prob_status == STATUS_OPEN
    gaming = _capacity(s, p)
    pr = priority(s, p) * open_
    total = by_dept(s, pr, s.prob_lead)
    share = pr / np.maximum(np.take_along_axis(total, s.prob_lead, axis=1), 1e-12)
    joint = joint_factor(s, p)
    s.joint, s.priority_used = joint, pr  # what this month's work used (the channel tests read them)
    lead_work = np.take_along_axis(s.dept_work, s.prob_lead, axis=1)
    lead_game = np.take_along_axis(gaming, s.prob_lead, axis=1)
    d = np.maximum(s.prob_difficulty, 1e-9)
    s.prob_progress += open_ * share * lead_work * joint / d
    # gaming goes where real work pays least: the hardest and slowest problems (Bevan & Hood 2006)
    hard = pr * d / np.maximum(joint, 1e-9)
    hard_share = hard / np.maximum(np.take_along_axis(by_dept(s, hard, s.prob_lead), s.prob_lead, axis=1), 1e-12)
    s.prob_paper += open_ * hard_share * lead_game / d
    s.prob_age += s.prob_status != STATUS_FREE
    solved = open_ & (s.prob_progress >= 1.0)
    paper = open_ & ~solved & (s.prob_paper >= 1.0)  # gaming got there first: closed on paper only
    # what each department achieved this month
    s.dept_output = by_dept(s, s.prob_difficulty * solved, s.prob_lead)
    s.dept_reported = s.dept_output + by_dept(s, s.prob_difficulty * paper, s.prob_lead)
    from_citizens = solved & (s.prob_source == SRC["complaint"])
    s.dept_citizen_output = by_dept(s, s.prob_difficulty * from_citizens, s.prob_lead)
    n_solved = by_dept(s, solved.astype(float), s.prob_lead)
    s.solved = solved.sum(axis=1).astype(float)
    s.solved_cross = (solved & cross(s)).sum(axis=1).astype(float)
    s.prob_status[solved] = STATUS_FREE
    s.prob_status[paper] = STATUS_PAPER
    _results(s, p, solved, n_solved, by_dept(s, open_.astype(float), s.prob_lead))


def work_compiled(s, p, r) -> None:
    """`work` by the compiled kernel over the problem pool (sim/model2/kernels.py); the same numbers."""
    from .kernels import work_pool

    B, P, J = s.B, s.P, s.J
    gaming = _capacity(s, p)
    engaged_factor = np.where(s.dept_engaged, 1.0, p.routine_fraction)
    silo = s.dept_silo * (1.0 - p.k_GC_CL * dept_mean(s, s.cadre_public_value))
    s.prob_tie, s.joint, s.priority_used = np.empty((B, P)), np.empty((B, P)), np.empty((B, P))
    solved, paper = np.empty((B, P), dtype=bool), np.empty((B, P), dtype=bool)
    s.dept_output, s.dept_reported, s.dept_citizen_output = np.empty((B, J)), np.empty((B, J)), np.empty((B, J))
    n_solved, backlog = np.empty((B, J)), np.empty((B, J))
    s.solved, s.solved_cross = np.empty(B), np.empty(B)
    work_pool(
        s.prob_status,
        s.prob_lead,
        s.prob_partner,
        s.prob_difficulty,
        s.prob_progress,
        s.prob_paper,
        s.prob_age,
        s.prob_source,
        s.prob_key,
        s.prob_taskforce,
        s.dept_ties,
        engaged_factor,
        silo,
        s.dept_work,
        gaming,
        p.priority_key[:, 0],
        p.priority_age[:, 0],
        p.priority_complaint[:, 0],
        p.k_GC_ME[:, 0] * s.public_value_clarity,
        p.k_CL_ME[:, 0],
        p.solo_factor[:, 0],
        SRC["complaint"],
        MONTHS_PER_YEAR,
        STATUS_FREE,
        STATUS_OPEN,
        STATUS_PAPER,
        s.prob_tie,
        s.joint,
        s.priority_used,
        solved,
        paper,
        s.dept_output,
        s.dept_reported,
        s.dept_citizen_output,
        n_solved,
        backlog,
        s.solved,
        s.solved_cross,
    )
    _results(s, p, solved, n_solved, backlog)


def _results(s, p, solved: np.ndarray, n_solved: np.ndarray, backlog: np.ndarray) -> None:
    """What this month's solved problems do: the problem log, leaders' small wins, cadres' records and
    role models, departments' practices (docs/MODEL.md §4)."""
    B = s.B
    if s.problem_log is not None:
        log_problems(s, solved, "solved")
    s.dept_solved_recent += WIN_MEMORY * (n_solved - s.dept_solved_recent)
    # results credit the cadres who did the real work, and make role models (明树典型)
    contribution = s.cadre_real_effort * s.cadre_competence
    credit = to_cadres(s, s.dept_output / np.maximum(dept_mean(s, contribution) * s.dept_size, 1e-12))
    s.cadre_record += contribution * credit - RECORD_MEMORY * s.cadre_record
    ratio = np.minimum(n_solved / np.maximum(backlog, 1.0), 1.0)
    per_leader = np.zeros((B, s.L))
    for leader, mine in enumerate(s.portfolio_members):
        per_leader[:, leader] = mean(ratio[:, mine], 1) if mine.size else mean(ratio, 1)
    if s.L > 1:
        per_leader[:, 0] = mean(ratio, 1)  # the top leader answers for the whole county
    s.leader_wins += WIN_MEMORY * (per_leader - s.leader_wins)
    s.dept_practices += p.practice_gain * s.dept_engaged * n_solved * (1.0 - s.dept_practices)


def log_problems(s, which: np.ndarray, status: str) -> None:
    """Append the problems `which` (B, P) to the run's problem log (single runs only; `sim.run`)."""
    b_idx, p_idx = np.nonzero(which)
    if not b_idx.size:
        return
    n_dept = 1 + (s.prob_partner[b_idx, p_idx] >= 0).sum(axis=1)
    s.problem_log.append(
        {
            "run": b_idx,
            "status": np.full(b_idx.size, status),
            "month_closed": np.full(b_idx.size, s.t),
            "months_open": s.prob_age[b_idx, p_idx].copy(),
            "cell": s.prob_cell[b_idx, p_idx].copy(),
            "source": s.prob_source[b_idx, p_idx].copy(),
            "departments": n_dept,
            "lead": s.prob_lead[b_idx, p_idx].copy(),
            "tie": np.where(n_dept > 1, s.prob_tie[b_idx, p_idx], np.nan),
            "task_force": s.prob_taskforce[b_idx, p_idx].copy(),
            "key": s.prob_key[b_idx, p_idx].copy(),
            "difficulty": s.prob_difficulty[b_idx, p_idx].copy(),
        }
    )


def joint_factor(s, p) -> np.ndarray:
    """Speed of each problem relative to one department's own work, shape (B, P): 1 for a problem of one
    department; for a cross problem, solo_factor plus, through k_CL_ME, each partner's share brought
    in by a task force or by ties, scaled by the partner's engagement and reduced by the lead's silo
    unless shared values ease it (k_GC_CL)."""
    is_cross = cross(s)
    partner_ok = np.zeros(s.prob_status.shape)
    tie = np.ones(s.prob_status.shape)
    n = np.zeros(s.prob_status.shape)
    engaged_factor = np.where(s.dept_engaged, 1.0, p.routine_fraction)
    for k in range(2):
        partner = s.prob_partner[:, :, k]
        has = partner >= 0
        pk = np.maximum(partner, 0)
        partner_ok += has * np.take_along_axis(engaged_factor, pk, axis=1)
        t = s.dept_ties[np.arange(s.B)[:, None], s.prob_lead, pk]
        tie = np.where(has, np.minimum(tie, t), tie)
        n += has
    partner_ok = partner_ok / np.maximum(n, 1.0)
    s.prob_tie = np.where(is_cross, tie, -1.0)  # the lead's weakest tie to its partners (-1: one department)
    link = np.where(s.prob_taskforce, 1.0, tie)
    pv = dept_mean(s, s.cadre_public_value)
    silo = np.take_along_axis(s.dept_silo * (1.0 - p.k_GC_CL * pv), s.prob_lead, axis=1)
    coop = p.k_CL_ME * link * partner_ok * (1.0 - silo)
    # each partner brought in adds its effort: a well-linked problem of three departments moves faster
    # than one department's own problem (paper §3(四) '十几个部门开会解决')
    return np.where(is_cross, p.solo_factor + n * (1.0 - p.solo_factor) * coop, 1.0)


def _scores(s, p) -> None:
    """Assessment scores, ranks and the pressure on each head (the first part of `assess`)."""
    J = s.J
    # indicators (k_GC_ME): what citizens raised and saw solved counts extra, closures on paper that
    # citizens exposed count against (paper §3(一) 把群众满意度作为标杆; Bevan & Hood 2006)
    weight = p.k_GC_ME * s.public_value_clarity[:, None]
    measured = s.dept_reported + weight * (s.dept_citizen_output - s.dept_exposed)
    s.dept_score += SCORE_MEMORY * (measured - s.dept_score)
    higher = (s.dept_score[:, None, :] > s.dept_score[:, :, None]).sum(axis=2)
    rank = higher / max(J - 1, 1)  # 0 for the best, 1 for the worst
    s.dept_pressure = (
        p.k_ME_DI * s.pm_maturity[:, None] * ((1 - RANK_SHARE) * p.assessment_pressure + RANK_SHARE * rank)
    )


def _detection(s, p) -> tuple[np.ndarray, np.ndarray]:
    """How likely a closure on paper is caught this month: by monitoring (B, 1), and by the citizens who
    still live with the problem, by cell (B, K) (their complaints in its township and domain)."""
    T = s.T
    placed = np.where(placeless(p)[:, None, None], mean(s.complaints, 1, keepdims=True), s.complaints)
    complaint = np.concatenate([placed.reshape(s.B, T * D), mean(s.complaints, 1)], axis=1)  # (B, K)
    # inspections that check a closure with the residents find nothing behind closed channels (paper
    # §3(六) 群众满意度测评; Fung 2006): citizen_verification is the share of checks that rely on them
    blind = p.citizen_verification * (1.0 - p.channel_openness)
    by_monitor = p.routine_listing + p.monitoring_rate * s.pm_maturity[:, None] * (1.0 - blind)
    by_citizens = clip(p.complaint_exposure * p.complaint_listing * p.channel_openness * complaint, 0.0, 1.0)
    return by_monitor, by_citizens


def _caught(s, p, counted: np.ndarray, closed: np.ndarray) -> None:
    """Departments learn from gaming caught; the top leader's commitment builds performance management."""
    s.dept_caught += CAUGHT_MEMORY * (np.minimum(counted / np.maximum(closed, 1.0), 1.0) - s.dept_caught)
    # the top leader's commitment builds performance management (unless frozen: pattern 4)
    frozen = p.freeze_pm_maturity[:, 0] > 0
    grow = p.pm_build[:, 0] * p.pm_strength[:, 0] * s.leader_attention[:, 0] * (1.0 - s.pm_maturity)
    s.pm_maturity = np.where(frozen, s.pm_maturity, s.pm_maturity + grow)


def assess(s, p, r) -> None:
    """Assessment: departments are scored on reported closures (real and on paper), ranked, and through
    k_ME_DI the low-ranked are pressed (挂号督办) and their domains' gaps become evaluation findings;
    monitoring and complaints catch closures on paper, which through k_GC_ME count against the
    department (paper §3(六); Bevan & Hood 2006). Plain NumPy: the twin of `assess_compiled`."""
    _scores(s, p)
    # catching closures on paper: monitoring, and citizens who still live with the problem. A problem
    # closed on paper is hidden again: ordinary work orders find it as they find any hidden problem,
    # monitoring and the citizens who still live with it find it faster
    by_monitor, by_cell = _detection(s, p)
    paper = s.prob_status == STATUS_PAPER
    by_citizens = np.take_along_axis(by_cell, s.prob_cell, axis=1)
    u = r.u["detect"]
    caught_m = paper & (u < by_monitor)
    caught_c = paper & ~caught_m & (u < by_monitor + by_citizens * (1.0 - by_monitor))
    caught = caught_m | caught_c
    s.caught = caught.sum(axis=1).astype(float)
    s.dept_exposed = by_dept(s, s.prob_difficulty * caught_c, s.prob_lead)  # enters next month's score
    counted = by_dept(s, caught_m + p.k_GC_ME * caught_c, s.prob_lead)
    closed = by_dept(s, paper.astype(float), s.prob_lead)
    s.prob_status[caught] = STATUS_OPEN
    s.prob_paper[caught] = 0.0
    _caught(s, p, counted, closed)


def assess_compiled(s, p, r) -> None:
    """`assess` by the compiled kernel over the problem pool (sim/model2/kernels.py); the same numbers."""
    from .kernels import detect_pool

    B, J = s.B, s.J
    _scores(s, p)
    by_monitor, by_cell = _detection(s, p)
    s.caught, s.dept_exposed = np.empty(B), np.empty((B, J))
    counted, closed = np.empty((B, J)), np.empty((B, J))
    detect_pool(
        s.prob_status,
        s.prob_cell,
        s.prob_lead,
        s.prob_difficulty,
        s.prob_paper,
        r.u["detect"],
        by_monitor[:, 0],
        by_cell,
        p.k_GC_ME[:, 0],
        STATUS_OPEN,
        STATUS_PAPER,
        s.caught,
        s.dept_exposed,
        counted,
        closed,
    )
    _caught(s, p, counted, closed)


def placeless(p) -> np.ndarray:
    """Runs whose complaints and proposals do not name their township (pattern 8; mean field), (B,)."""
    return (p.ablate_townships[:, 0] > 0) | (p.mean_field[:, 0] > 0)


def evaluation_hazard(s, p) -> np.ndarray:
    """Evaluation findings (k_ME_DI inside the pressure): assessment exposes the hidden problems of
    the domains whose departments it presses, a hazard per cell (B, K) (paper §4(二) 持续发现绩效差距)."""
    by_domain = np.stack([mean(s.dept_pressure[:, idx], 1) for idx in s.domain_depts], axis=1)
    return p.evaluation_listing * np.tile(by_domain, (1, s.T + 1))


def cadres(s, p, r) -> None:
    """Motivation moves toward department peers (local imitation), toward recognised role models
    (明树典型) and toward what an engaged department asks; training raises competence in engaged
    departments (paper §3(一) 树立典型; §3(五) 业务培训; docs/MODEL.md §4 Cadres)."""
    engaged = to_cadres(s, s.dept_engaged.astype(float))
    peers = to_cadres(s, dept_mean(s, s.cadre_motivation))
    target = s.cadre_base_motivation + ENGAGED_MOTIVATION * engaged * (1.0 - s.cadre_base_motivation)
    # role models: in each department that solved problems this month, its best contributor
    contribution = s.cadre_real_effort * s.cadre_competence
    best = np.maximum.reduceat(contribution, s.dept_start, axis=1)
    is_best = contribution >= to_cadres(s, best)
    first = np.minimum.reduceat(np.where(is_best, np.arange(s.N), s.N), s.dept_start, axis=1)  # (B, J)
    model_motivation = np.take_along_axis(s.cadre_motivation, np.minimum(first, s.N - 1), axis=1)
    recognised = (s.dept_output > 0) & (p.role_model_gain > 0) & (p.ablate_role_models == 0)  # pattern 8 ablation
    pull = to_cadres(s, recognised * (model_motivation)) - s.cadre_motivation
    s.cadre_motivation += (
        MOTIVATION_SPEED * (target - s.cadre_motivation)
        + p.peer_influence * (peers - s.cadre_motivation)
        + p.role_model_gain * to_cadres(s, recognised.astype(float)) * np.maximum(pull, 0.0)
        + r.normal("motivation_noise", MOTIVATION_NOISE)
    )
    clip(s.cadre_motivation, 0.0, 1.0, out=s.cadre_motivation)
    s.cadre_competence += (
        TRAINING_RATE * p.training * engaged * (1.0 - s.cadre_competence) - COMPETENCE_DECAY * s.cadre_competence
    )
    s.cadre_tenure += 1.0


def cadres_compiled(s, p, r) -> None:
    """`cadres` by the compiled kernel (sim/model2/kernels.py); the same numbers."""
    from .kernels import cadres_month

    recognised = (s.dept_output > 0) & (p.role_model_gain > 0) & (p.ablate_role_models == 0)
    cadres_month(
        s.cadre_dept,
        s.dept_start,
        s.dept_engaged,
        dept_mean(s, s.cadre_motivation),
        recognised,
        s.cadre_motivation,
        s.cadre_base_motivation,
        s.cadre_real_effort,
        s.cadre_competence,
        s.cadre_tenure,
        r.normal("motivation_noise", MOTIVATION_NOISE),
        p.peer_influence[:, 0],
        p.role_model_gain[:, 0],
        p.training[:, 0],
        ENGAGED_MOTIVATION,
        MOTIVATION_SPEED,
        TRAINING_RATE,
        COMPETENCE_DECAY,
    )
