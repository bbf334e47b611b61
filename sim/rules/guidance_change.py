"""Guidance–change (指引—变革): public value gathered from citizens guides priorities and cadres;
practices tried on the front line become standing rules (paper §3(一); §3(五); §4(一) third paragraph)."""

import numpy as np

from . import col, dept_mean, leaders_mean

SOCIALISATION = 0.08  # March 1991 p1: monthly rate at which cadres adopt the organisational code
CODE_LEARNING = 0.03  # March 1991 p2: rate at which the code learns from the better cadres


def public_value(s, p, r) -> None:
    """Public-value clarity grows from citizens' voice (12345, satisfaction visits) and from
    participation; leaders' priorities move toward what citizens need (paper §3(一) 公共价值建构)."""
    keep = 1.0 - s.institutionalisation
    listen = 0.5 + 0.5 * leaders_mean(s, s.leader_public_value)[:, 0]
    s.public_value_clarity += (
        0.25 * s.voice_rate * listen * (1.0 - s.public_value_clarity)
        + 0.1 * p.k_AI_GC[:, 0] * s.participation_rate * (1.0 - s.public_value_clarity)
        - p.stock_decay[:, 0] * keep * s.public_value_clarity
    )
    # what leaders hear: the domains of last month's complaints (each carries its citizen's largest
    # unmet need), beside the needs public-value work has made clear (paper §3(一) '把群众所思、所想、
    # 所盼及时反映到党委、政府'); with no complaints they go by the clarified needs alone
    complaints = s.voiced.sum(axis=1, keepdims=True)
    heard = np.where(complaints > 0, s.voiced / np.maximum(complaints, 1e-12), s.need_mean)
    rate = 0.06 * col(s.public_value_clarity * listen)
    s.priorities += rate * (0.5 * (s.need_mean + heard) - s.priorities)
    # leaders who hear citizens come to value what they hear (paper §3(一) FT22)
    s.leader_public_value += 0.02 * col(s.voice_rate) * (1.0 - s.leader_public_value)


def internalise(s, p, r) -> None:
    """Cadres adopt the organisational code (public value, role models, party-building guidance) and
    the code learns from the cadres who do best (March 1991, p1 and p2; paper §3(一) 树立典型、党建引领)."""
    lead = leaders_mean(s, s.leader_public_value)
    p1 = SOCIALISATION * (0.3 + 0.7 * col(s.active)) * lead
    code = col(s.public_value_clarity)
    s.cadre_public_value += p1 * (code - s.cadre_public_value)
    # the code learns from cadres in proportion to the work they do (effort-weighted beliefs)
    w = s.cadre_real_effort + 1e-9
    exemplary = (s.cadre_public_value * w).sum(axis=1) / w.sum(axis=1)
    s.public_value_clarity += CODE_LEARNING * s.active * np.maximum(0.0, exemplary - s.public_value_clarity)


def action_change(s, p, r) -> None:
    """The front-line work method produces new practices in departments, and results turn practices
    into standing rules: institutionalisation (paper §3(五) 一线工作法; '凝结为固定的工作机制和长效制度')."""
    keep = col(1.0 - s.institutionalisation)
    effort = dept_mean(s, s.cadre_real_effort)
    s.dept_practices += (
        0.08 * col(s.active) * effort * (1.0 - s.dept_practices) - p.stock_decay * keep * s.dept_practices
    )
    mean_practice = s.dept_practices.mean(axis=1)
    s.institutionalisation += 0.04 * p.k_ME_GC[:, 0] * s.levels[:, 3] * mean_practice * (1.0 - s.institutionalisation)
