"""Adaptation–interaction (适应—互动): learning from developed counties, open channels between
layers, re-diagnosis when progress stalls, and the pull of the labour market on good cadres
(paper §3(三); §4(一) fifth paragraph)."""

import numpy as np

from . import col, level

BENCHMARK_SKILL = 0.85  # competence and capacity level of the developed counties cadres visit
STALL_GROWTH = 0.005  # less than this rise of performance in a year counts as a stall


def openness(s, p, r) -> None:
    """Openness follows learning openness while active and leadership that opens channels between
    layers (paper §3(三) '打通…沟通渠道'; 营造宽松开放的工作环境)."""
    target = p.initial_openness + 0.5 * p.learning_openness * col(s.active) + 0.4 * p.k_CL_AI * level(s, "CL")
    s.openness += 0.04 * (np.clip(target, 0.0, 1.0)[:, 0] - s.openness)


def learning(s, p, r) -> None:
    """Learning visits to developed counties lift cadres' competence and departments' capacity at a
    rate set by openness (paper §3(三) '带着干部…去看'; March 1991 exploration)."""
    rate = 0.006 * col(s.openness) * p.learning_openness
    s.cadre_competence += rate * np.maximum(0.0, BENCHMARK_SKILL - s.cadre_competence)
    s.dept_capacity += rate * np.maximum(0.0, BENCHMARK_SKILL - s.dept_capacity)


def rediagnose(s, p, r) -> None:
    """When progress stalls, an open leadership re-diagnoses: problems are found again and drive is
    renewed (paper §3(四) '看看哪些方面还没有破题…找准症结'; docs/ODD_model1.md §7 Adaptation)."""
    stalled = (s.perf_history[:, -1] - s.perf_history[:, 0] < STALL_GROWTH) & s.started
    s.problems_identified += stalled * 0.05 * s.openness * (1.0 - s.problems_identified)
    s.event_drive += stalled * 0.02 * s.openness


def brain_drain(s, p, r) -> None:
    """Competent cadres leave an unattractive county and are replaced by newcomers
    (paper §3(三) 高素质人才的流失)."""
    attract = 0.4 * s.resources + 0.3 * s.perf_history[:, -1] + 0.3 * p.performance_pay[:, 0] * s.pm_incentive
    leave = r.u["leaving"] < p.brain_drain * s.cadre_competence * col(1.0 - attract) * 2.0
    if leave.any():
        fresh = np.broadcast_to(p.initial_competence, leave.shape)
        s.cadre_competence = np.where(leave, fresh, s.cadre_competence)
        s.cadre_motivation = np.where(leave, s.cadre_baseline_motivation, s.cadre_motivation)
        s.cadre_expected_reward = np.where(leave, 0.0, s.cadre_expected_reward)
