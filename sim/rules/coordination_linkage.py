"""Coordination–linkage (协同—联动): collaborative leadership convenes task forces that build ties
between departments and wear down the silo (paper §3(四); §4(一) second paragraph)."""

import numpy as np

from . import col, leaders_mean, level

MEETING_TIE_GAIN = 0.2  # each joint meeting closes a fifth of the remaining tie gap
TIE_DECAY = 0.02  # ties not used fade by 2% a month
SILO_SPEED = 0.05


def convene(s, p, r) -> None:
    """Leaders convene cross-department meetings 'once, twice, three times' until a problem is solved;
    ties used grow, unused ties decay (paper §3(四) '一次不行两次、两次不行三次')."""
    collab = leaders_mean(s, s.leader_collaboration * (0.5 + 0.5 * s.leader_vision))
    intensity = col(s.active) * (0.5 * collab + 0.5 * p.k_DI_CL * level(s, "DI"))  # (B, 1)
    u = r.u["meetings"]
    met = np.triu(u < 0.3 * intensity[:, :, None], 1)
    met = met | np.transpose(met, (0, 2, 1))
    keep = 1.0 - TIE_DECAY * (1.0 - col(s.institutionalisation))[:, :, None]
    s.dept_ties = np.where(met, s.dept_ties + MEETING_TIE_GAIN * (1.0 - s.dept_ties), s.dept_ties * keep)


def silo(s, p, r) -> None:
    """Silo tendency (一亩三分地) rises with competition and falls with ties and shared values
    (paper §3(二); §3(四) '不断打破部门界限和利益边界')."""
    J = s.dept_ties.shape[1]
    tie = s.dept_ties.sum(axis=2) / (J - 1)
    target = p.initial_silo * (1.0 + 0.3 * (p.assessment_pressure - 0.5)) - 0.5 * p.k_GC_CL * level(s, "GC") - 0.4 * tie
    s.dept_silo += SILO_SPEED * (np.clip(target, 0.0, 1.0) - s.dept_silo)
