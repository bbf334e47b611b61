"""Guidance–change (指引—变革): citizens' voice and participation make public value clear; cadres
internalise it; results turn practices into standing rules (paper §3(一) 公共价值建构; §3(五) 行动变革;
§4(一) third paragraph).
"""

from __future__ import annotations

import numpy as np

from ..npx import mean
from .drive_input import TOP_LEADER_SHARE
from .management_execution import to_cadres

SOCIALISATION = 0.08  # March 1991 p1: monthly rate at which cadres adopt the organisational code (Model 1)
ROUTINE_SOCIALISATION = 0.3  # cadres of departments not engaged socialise at 30% of the engaged rate (Model 1)
CLARITY_FROM_VOICE = 0.25  # clarity gained per month at full voice, heard by fully listening leaders (Model 1)
CLARITY_FROM_PARTICIPATION = 0.1  # clarity gained per month at full participation and k_AI_GC (Model 1)
LISTEN_FLOOR = 0.5  # leaders with no public-value commitment still hear half of what citizens say (Model 1)


def team_public_value(s) -> np.ndarray:
    """The leadership's public-value commitment, the top leader's counting for half (§3(四) 一把手), (B,)."""
    return TOP_LEADER_SHARE * s.leader_public_value[:, 0] + (1 - TOP_LEADER_SHARE) * mean(s.leader_public_value, 1)


def public_value(s, p, r) -> None:
    """Public-value clarity grows from complaints heard through open channels and, through k_AI_GC,
    from citizens' and deputies' participation; it fades unless rules hold it (paper §3(一) FT22)."""
    listen = LISTEN_FLOOR + (1 - LISTEN_FLOOR) * team_public_value(s)
    heard = s.voice_rate * p.channel_openness[:, 0]
    keep = 1.0 - mean(s.dept_rules, 1)
    s.public_value_clarity += (
        CLARITY_FROM_VOICE * heard * listen * (1.0 - s.public_value_clarity)
        + CLARITY_FROM_PARTICIPATION * p.k_AI_GC[:, 0] * s.participation_rate * (1.0 - s.public_value_clarity)
        - p.stock_decay[:, 0] * keep * s.public_value_clarity
    )


def institutionalise(s, p, r) -> None:
    """Results turn a department's practices into standing rules through k_ME_GC and performance
    management; practices not yet rules fade where the department is not engaged
    (paper §3(五) '将…经验做法凝结为固定的工作机制和长效制度')."""
    results = np.minimum(s.dept_solved_recent, 1.0)
    gap = np.maximum(s.dept_practices - s.dept_rules, 0.0)
    s.dept_rules += p.institution_rate * p.k_ME_GC * s.pm_maturity[:, None] * results * gap
    s.dept_practices -= p.practice_fade * (1.0 - s.dept_engaged) * np.maximum(s.dept_practices - s.dept_rules, 0.0)


def internalise(s, p, r) -> None:
    """Cadres adopt the public value leaders and citizens make clear, faster in engaged departments
    (March 1991 socialisation; paper §3(一) 党建引领, 公共价值建构)."""
    lead = team_public_value(s)[:, None]
    rate = (
        SOCIALISATION
        * (ROUTINE_SOCIALISATION + (1 - ROUTINE_SOCIALISATION) * to_cadres(s, s.dept_engaged.astype(float)))
        * lead
    )
    s.cadre_public_value += rate * (s.public_value_clarity[:, None] - s.cadre_public_value)
