"""Coordination–linkage (协同—联动): leaders convene task forces (工作专班) for the cross-department
problems that need them; joint work builds ties and wears down the silo (一亩三分地)
(paper §3(四) '召集相关部门…一次不行两次、两次不行三次'; §3(二) 工作专班; §4(一) second paragraph).
"""

from __future__ import annotations

import numpy as np

from ..npx import clip
from .problems import cross
from .state import STATUS_OPEN

MONTHS_PER_YEAR = 12.0
TIE_GAIN = 0.2  # a month of joint work in a task force closes a fifth of the tie gap (Model 1's meeting gain)
TIE_DECAY = 0.02  # ties not used fade by 2% a month, less where rules hold them (Model 1)
SILO_SPEED = 0.05  # monthly share of the gap to the silo target closed (Model 1)
SILO_TIE_RELIEF = 0.5  # a department tied fully to all others loses half its silo tendency
PRESSURE_SILO = (
    0.3  # competitive assessment raises the silo by 30% of its level per unit of pressure above 0.5 (Model 1)
)


def responsible_leader(s) -> np.ndarray:
    """Who can convene a problem's task force: the supervising leader when all its departments are in
    one portfolio, otherwise the top leader (docs/MODEL.md §4 Leaders), shape (B, P)."""
    lead_leader = s.dept_leader[s.prob_lead]
    same = np.ones_like(lead_leader, dtype=bool)
    for k in range(2):
        partner = s.prob_partner[:, :, k]
        same &= (partner < 0) | (s.dept_leader[np.maximum(partner, 0)] == lead_leader)
    return np.where(same, lead_leader, 0)


def priority(s, p) -> np.ndarray:
    """A listed problem's priority: key actions (挂号督办), age, and, when indicators count citizens
    (k_GC_ME), citizens' complaints (paper §3(六); §3(一) 首问责任制), shape (B, P)."""
    from .state import SRC

    complaint = (s.prob_source == SRC["complaint"]) * (p.k_GC_ME * s.public_value_clarity[:, None])
    return (
        1.0
        + p.priority_key * s.prob_key
        + p.priority_age * s.prob_age / MONTHS_PER_YEAR
        + p.priority_complaint * complaint
    )


def capacity(s, p) -> np.ndarray:
    """Task forces each leader can hold this month: convening attention times collaborative skill,
    multiplied by the action base's task-force mechanism through k_DI_CL (paper §3(二)), (B, L)."""
    mechanism = 1.0 + p.task_force_platform * p.k_DI_CL * s.action_base[:, None]
    return p.attention_convene * s.leader_attention * s.leader_collaboration * mechanism / p.task_force_cost


def random_priority(s, p, r) -> np.ndarray:
    """Priorities at random for the runs of the pattern-8 ablation, (B, P) (0 elsewhere): drawn from
    those runs' own generators after the month's block, so the other runs draw nothing for them."""
    out = np.zeros((s.B, s.P))
    for b in np.flatnonzero(p.ablate_task_force_targeting[:, 0] > 0):
        out[b] = r.gens[b].random(s.P)
    return out


def convene(s, p, r) -> None:
    """Each leader convenes task forces for the most pressing open cross-department problems it is
    responsible for, up to its capacity; task forces build ties between their departments."""
    B, P, L = s.B, s.P, s.L
    open_cross = (s.prob_status == STATUS_OPEN) & cross(s)
    cap = capacity(s, p)
    n = np.floor(cap + r.u["convene"]).astype(np.intp)  # fractional capacity: sometimes one more
    resp = responsible_leader(s)
    pr = priority(s, p)
    # pattern 8 ablation: task forces without regard to need
    pr = np.where(p.ablate_task_force_targeting > 0, random_priority(s, p, r), pr)
    group = np.where(open_cross, resp, L)
    key = group * 1e6 - np.minimum(pr, 1e5)
    order = np.argsort(key, axis=1, kind="stable")
    g_sorted = np.take_along_axis(group, order, axis=1)
    pos = np.arange(P)
    first = np.concatenate([np.ones((B, 1), dtype=bool), g_sorted[:, 1:] != g_sorted[:, :-1]], axis=1)
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
    rank_sorted = pos - start
    limit = np.take_along_axis(np.concatenate([n, np.zeros((B, 1), dtype=np.intp)], axis=1), g_sorted, axis=1)
    chosen_sorted = (rank_sorted < limit) & (g_sorted < L)
    chosen = np.zeros((B, P), dtype=bool)
    np.put_along_axis(chosen, order, chosen_sorted, axis=1)
    if L > 1:
        joint_convening(s, chosen, n, order, g_sorted)
    s.prob_taskforce = chosen
    s.task_forces = chosen.sum(axis=1).astype(float)
    # ties between the departments that worked together this month
    met = np.zeros((B, s.J, s.J), dtype=bool)
    b_idx, p_idx = np.nonzero(chosen)
    lead = s.prob_lead[b_idx, p_idx]
    for k in range(2):
        partner = s.prob_partner[b_idx, p_idx, k]
        ok = partner >= 0
        met[b_idx[ok], lead[ok], partner[ok]] = True
        met[b_idx[ok], partner[ok], lead[ok]] = True
    pair_rules = 0.5 * (s.dept_rules[:, :, None] + s.dept_rules[:, None, :])  # the pair's own standing rules
    keep = 1.0 - TIE_DECAY * (1.0 - pair_rules)
    s.dept_ties = np.where(met, s.dept_ties + TIE_GAIN * (1.0 - s.dept_ties), s.dept_ties * keep)


def joint_convening(s, chosen: np.ndarray, n: np.ndarray, order: np.ndarray, g_sorted: np.ndarray) -> None:
    """A problem across portfolios that the top leader did not take is convened by its supervising
    leaders together, when each of them still has a task force to spare this month; most pressing
    first (docs/MODEL.md §4 Leaders: 'the top leader or both supervising leaders'; paper §3(四)
    '召集相关部门…一次不行两次、两次不行三次'). Updates `chosen` (B, P) in place, run by run."""
    L = s.L
    for b in range(s.B):
        left = n[b] - np.bincount(g_sorted[b][chosen[b, order[b]]], minlength=L + 1)[:L]
        for i in order[b][g_sorted[b] == 0]:
            if chosen[b, i]:
                continue
            sups = {int(s.dept_leader[s.prob_lead[b, i]])}
            sups.update(int(s.dept_leader[k]) for k in s.prob_partner[b, i] if k >= 0)
            if all(left[leader] >= 1 for leader in sups):
                chosen[b, i] = True
                for leader in sups:
                    left[leader] -= 1


def silo(s, p, r) -> None:
    """Silo tendency (一亩三分地) is worn down by ties and pushed up by competitive pressure
    (paper §3(二); §3(四) '不断打破部门界限和利益边界')."""
    J = s.J
    tie = s.dept_ties.sum(axis=2) / max(J - 1, 1)
    target = p.initial_silo * (1.0 + PRESSURE_SILO * (p.assessment_pressure - 0.5)) * (1.0 - SILO_TIE_RELIEF * tie)
    s.dept_silo += SILO_SPEED * (clip(target, 0.0, 1.0) - s.dept_silo)


def convene_compiled(s, p, r) -> None:
    """`convene` by the compiled kernel (sim/model2/kernels.py); the same numbers."""
    from .kernels import convene_pool
    from .state import SRC

    B, P = s.B, s.P
    n = np.floor(capacity(s, p) + r.u["convene"]).astype(np.int64)
    s.prob_taskforce = np.empty((B, P), dtype=bool)
    s.task_forces = np.empty(B)
    convene_pool(
        s.prob_status,
        s.prob_lead,
        s.prob_partner,
        s.prob_source,
        s.prob_key,
        s.prob_age,
        s.dept_leader,
        n,
        p.ablate_task_force_targeting[:, 0] > 0,
        random_priority(s, p, r),
        p.priority_key[:, 0],
        p.priority_age[:, 0],
        p.priority_complaint[:, 0],
        p.k_GC_ME[:, 0] * s.public_value_clarity,
        SRC["complaint"],
        MONTHS_PER_YEAR,
        STATUS_OPEN,
        s.dept_rules,
        TIE_GAIN,
        TIE_DECAY,
        s.dept_ties,
        s.prob_taskforce,
        s.task_forces,
    )
