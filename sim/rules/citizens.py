"""Citizens: expectation–disconfirmation satisfaction, asymmetric trust, word of mouth, voice and
participation (paper §3(一) 群众满意度; §3(三) 有效参与; docs/ODD_model1.md §7 Citizens)."""

import numpy as np

from . import col

SATISFACTION_SPEED = 0.2
TRUST_GAIN = 0.03  # monthly share of the gap to satisfaction that trust gains (losses: x trust_loss_ratio)
WORD_OF_MOUTH = 0.3  # Deffuant convergence parameter mu


def experience(s, p) -> np.ndarray:
    """Experienced quality: own need weights over domain performance, times the township's access to
    services (Van Ryzin 2004: satisfaction is judged on experienced quality), shape (B, C)."""
    q = np.einsum("bcd,bd->bc", s.citizen_needs, s.real_perf)
    return q * np.take(s.citizen_township_access, s.citizen_township, axis=1)


def satisfaction(s, p, r) -> None:
    """Expectancy–disconfirmation: satisfaction rises with experienced quality and with quality
    above expectation; expectations adapt (Van Ryzin 2004, 2006; Zhang et al. 2022)."""
    q = experience(s, p)
    target = np.clip(0.05 + 0.8 * q + 1.5 * (q - s.citizen_expectation), 0.0, 1.0)
    s.citizen_satisfaction += SATISFACTION_SPEED * (target - s.citizen_satisfaction)
    s.citizen_expectation += p.expectation_adaptation * (q - s.citizen_expectation)


def word_of_mouth(s, p, r) -> None:
    """Each citizen hears one neighbour and moves toward them if they are not too far apart
    (Deffuant et al. 2000 bounded confidence)."""
    k = s.citizen_neighbours.shape[2]
    if k == 0:
        return
    pick = (r.u["hearing"] * k).astype(np.intp)
    nb = np.take_along_axis(s.citizen_neighbours, pick[:, :, None], axis=2)[:, :, 0]
    other = np.take_along_axis(s.citizen_satisfaction, nb, axis=1)
    diff = other - s.citizen_satisfaction
    s.citizen_satisfaction += WORD_OF_MOUTH * diff * (np.abs(diff) < p.opinion_confidence)


def trust(s, p, r) -> None:
    """Trust follows satisfaction and is lost faster than it is gained (Slovic 1993; docs/MODEL.md §4)."""
    d = s.citizen_satisfaction - s.citizen_trust
    s.citizen_trust += TRUST_GAIN * np.where(d > 0, 1.0, p.trust_loss_ratio) * d
    np.clip(s.citizen_trust, 0.0, 1.0, out=s.citizen_trust)


def voice_and_participation(s, p, r) -> None:
    """Complaints are a threshold act, grievance against cost; open channels lower the cost and carry
    each complaint's largest unmet need to the leaders; trusting citizens participate
    (Epstein 2002 grievance threshold; paper §3(一) 12345热线; §3(三) 人大政协、社会力量)."""
    grievance = (1.0 - s.citizen_satisfaction) * s.citizen_voice_propensity
    cost = 0.8 * (1.0 - p.channel_openness * (0.5 + 0.5 * col(s.openness)))
    voice = grievance > cost + 0.2 * r.u["voice"]
    unmet = s.citizen_needs * (1.0 - s.real_perf)[:, None, :]
    top = unmet.argmax(axis=2)
    s.voiced = np.stack([((top == d) & voice).mean(axis=1) for d in range(s.voiced.shape[1])], axis=1)
    s.voice_rate = voice.mean(axis=1)
    part = s.citizen_participation_propensity * s.citizen_trust * (0.5 * p.channel_openness + 0.5 * col(s.openness))
    joined = part > 0.5 * r.u["joining"]
    s.participation_rate += 0.2 * (joined.mean(axis=1) - s.participation_rate)
