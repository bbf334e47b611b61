"""Citizens: each lives in a township and experiences the problems solved and left open there and
county-wide; satisfaction by expectancy–disconfirmation, asymmetric trust, bounded-confidence word of
mouth across a few township lines, complaints that name the largest unmet need, participation
(Van Ryzin 2004, 2006; Slovic 1993; Deffuant et al. 2000; Epstein 2002; paper §3(一) 12345热线、
群众满意度大走访; §3(三) 有效参与).
"""

from __future__ import annotations

import numpy as np

from ..npx import clip, mean
from .management_execution import placeless
from .state import D

SATISFACTION_SPEED = 0.2  # monthly share of the gap to the satisfaction target closed (Model 1)
SAT_FLOOR, SAT_SLOPE, SAT_SURPRISE = (
    0.05,
    0.8,
    1.5,
)  # satisfaction target = floor + slope q + surprise (q - expectation) (Model 1)
TRUST_GAIN = 0.03  # monthly share of the gap to satisfaction that trust gains; losses x trust_loss_ratio (Model 1)
WORD_OF_MOUTH = 0.3  # Deffuant convergence parameter mu (Model 1)
VOICE_NOISE = 0.2  # spread of the momentary cost of voicing a complaint (Model 1)
JOIN_NOISE = 0.5  # spread of the momentary cost of taking part (Model 1)
OPENNESS_IN_VOICE = 0.5  # half of what open channels do depends on the county's openness (Model 1)
PARTICIPATION_SPEED = 0.2  # monthly share of the gap to this month's participation closed (Model 1)


def experience(s) -> np.ndarray:
    """Experienced quality: each citizen's need weights over the performance of their own township
    (its problems and the county-wide ones), shape (B, C) (Van Ryzin 2004)."""
    return (s.citizen_needs * np.take(s.town_perf, s.citizen_township, axis=1)).sum(axis=2)


def satisfaction(s, p, r) -> None:
    """Expectancy–disconfirmation: satisfaction rises with experienced quality and with quality above
    expectation; expectations adapt (Van Ryzin 2004, 2006)."""
    q = experience(s)
    target = clip(SAT_FLOOR + SAT_SLOPE * q + SAT_SURPRISE * (q - s.citizen_expectation), 0.0, 1.0)
    s.citizen_satisfaction += SATISFACTION_SPEED * (target - s.citizen_satisfaction)
    s.citizen_expectation += p.expectation_adaptation * (q - s.citizen_expectation)


def word_of_mouth(s, p, r) -> None:
    """Each citizen hears one tie (some in other townships) and moves toward them only if their
    satisfaction is within the confidence bound (Deffuant et al. 2000)."""
    k = s.citizen_neighbours.shape[2]
    if k == 0:
        return
    pick = (r.u["hearing"] * k).astype(np.intp)
    nb = np.take_along_axis(s.citizen_neighbours, pick[:, :, None], axis=2)[:, :, 0]
    diff = np.take_along_axis(s.citizen_satisfaction, nb, axis=1) - s.citizen_satisfaction
    heard = np.abs(diff) < p.opinion_confidence
    s.wom_blocked = 1.0 - mean(heard, 1)
    s.citizen_satisfaction += WORD_OF_MOUTH * diff * heard


def trust(s, p, r) -> None:
    """Trust follows satisfaction and is lost faster than it is gained (Slovic 1993)."""
    d = s.citizen_satisfaction - s.citizen_trust
    s.citizen_trust += TRUST_GAIN * np.where(d > 0, 1.0, p.trust_loss_ratio) * d
    clip(s.citizen_trust, 0.0, 1.0, out=s.citizen_trust)


def voice_and_participation(s, p, r) -> None:
    """A citizen complains when grievance exceeds the cost of voice (lower with open channels), naming
    the domain of the largest unmet need in their township; trusting citizens take part
    (Epstein 2002; paper §3(一) 12345热线; §3(三) 人大政协、社会力量)."""
    B, T = s.B, s.T
    grievance = (1.0 - s.citizen_satisfaction) * s.citizen_voice_propensity
    cost = p.voice_cost * (
        1.0 - p.channel_openness * (1.0 - OPENNESS_IN_VOICE + OPENNESS_IN_VOICE * s.openness[:, None])
    )
    voice = grievance > cost + VOICE_NOISE * r.u["voice"]
    perf = np.take(s.town_perf, s.citizen_township, axis=1)  # (B, C, D)
    top = (s.citizen_needs * (1.0 - perf)).argmax(axis=2)  # (B, C)
    idx = (np.arange(B)[:, None] * T + s.citizen_township[None, :]) * D + top
    counts = np.bincount(idx[voice], minlength=B * T * D).reshape(B, T, D)
    s.complaints = counts / s.town_size[None, :, None]
    s.voice_rate = mean(voice, 1)
    part = (
        s.citizen_participation_propensity
        * s.citizen_trust
        * ((1.0 - OPENNESS_IN_VOICE) * p.channel_openness + OPENNESS_IN_VOICE * s.openness[:, None])
    )
    joined = part > JOIN_NOISE * r.u["joining"]
    town_idx = (np.arange(B)[:, None] * T + s.citizen_township[None, :]).ravel()
    per_town = np.bincount(town_idx, weights=joined.ravel().astype(float), minlength=B * T).reshape(B, T)
    s.town_participation = per_town / s.town_size
    s.participation_rate += PARTICIPATION_SPEED * (mean(joined, 1) - s.participation_rate)


def complaint_hazard(s, p) -> np.ndarray:
    """Complaints through open channels list the problems of the township and domain they name
    (paper §3(一) '定期将反映的共性问题汇报县委书记并推动解决'), a hazard per cell (B, K)."""
    complaints = np.where(placeless(p)[:, None, None], mean(s.complaints, 1, keepdims=True), s.complaints)
    town = p.complaint_listing[:, :, None] * p.channel_openness[:, :, None] * complaints  # (B, T, D)
    county = mean(town, 1)
    return np.concatenate([town.reshape(s.B, -1), county], axis=1)


def proposal_hazard(s, p) -> np.ndarray:
    """Deputies' and social organisations' proposals (k_AI_GC) list problems of the townships where
    citizens take part (paper §3(三) 提案、带案视察), a hazard per cell (B, K)."""
    part = np.where(placeless(p)[:, None], mean(s.town_participation, 1, keepdims=True), s.town_participation)
    town = (p.proposal_listing * p.k_AI_GC * part)[:, :, None] * np.ones(D)
    county = mean(town, 1)
    return np.concatenate([town.reshape(s.B, -1), county], axis=1)


def month(s, p, r) -> None:
    """The citizens' month: satisfaction, word of mouth, trust, voice and participation, in that order,
    by the compiled kernel (the four rules above are its NumPy twin; tests/test_kernels.py)."""
    from .kernels import citizens_month

    B = s.B
    s.complaints = np.empty((B, s.T, D))
    s.town_participation = np.empty((B, s.T))
    s.voice_rate = np.empty(B)
    citizens_month(
        s.town_perf,
        s.citizen_township,
        s.citizen_needs,
        s.citizen_expectation,
        s.citizen_satisfaction,
        s.citizen_trust,
        s.citizen_voice_propensity,
        s.citizen_participation_propensity,
        s.citizen_neighbours,
        r.u["hearing"],
        r.u["voice"],
        r.u["joining"],
        s.town_size,
        s.openness,
        p.expectation_adaptation[:, 0],
        p.opinion_confidence[:, 0],
        p.trust_loss_ratio[:, 0],
        p.voice_cost[:, 0],
        p.channel_openness[:, 0],
        SAT_FLOOR,
        SAT_SLOPE,
        SAT_SURPRISE,
        SATISFACTION_SPEED,
        WORD_OF_MOUTH,
        TRUST_GAIN,
        VOICE_NOISE,
        JOIN_NOISE,
        OPENNESS_IN_VOICE,
        PARTICIPATION_SPEED,
        s.complaints,
        s.town_participation,
        s.wom_blocked,
        s.voice_rate,
        s.participation_rate,
    )
