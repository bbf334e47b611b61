"""Scheduled events, campaigns and leadership turnover with institutionalisation
(paper §2(一) 上下两届领导班子薪火相传; §3(一) 作风建设年、解放思想大讨论)."""

import numpy as np

from . import col, leaders_mean

FADE = 0.5  # share of what only the leaders carried that is lost when they go


def campaign_rectification(s, p, b: int, strength: float, r) -> None:
    """Work-style rectification: discipline up and some lax cadres removed and replaced by disciplined
    newcomers (paper §3(一) '严抓纪律、明树典型…查处一批干部')."""
    d = s.cadre_discipline[b]
    lax = d < np.quantile(d, 0.1 * strength)  # the laxest tenth (at full strength) are removed
    s.cadre_discipline[b] = np.where(lax, p.initial_discipline[b, 0] + 0.3, d + 0.3 * strength * (1.0 - d))
    # their posts go to newcomers: starting competence, baseline motivation, the county's values
    s.cadre_competence[b] = np.where(lax, p.initial_competence[b, 0], s.cadre_competence[b])
    s.cadre_motivation[b] = np.where(lax, s.cadre_baseline_motivation[b], s.cadre_motivation[b])
    s.cadre_public_value[b] = np.where(lax, s.public_value_clarity[b], s.cadre_public_value[b])
    s.cadre_expected_reward[b] = np.where(lax, 0.0, s.cadre_expected_reward[b])
    s.cadre_motivation[b] += 0.05 * strength * (1.0 - s.cadre_motivation[b])
    np.clip(s.cadre_discipline[b], 0.0, 1.0, out=s.cadre_discipline[b])


def campaign_emancipation(s, p, b: int, strength: float, r) -> None:
    """Emancipation of thinking: openness and motivation up, inertia down
    (paper §3(一) '解放思想大讨论'…让干部敢于担当、乐于担当)."""
    s.openness[b] += 0.3 * strength * (1.0 - s.openness[b])
    s.cadre_motivation[b] += 0.15 * strength * (1.0 - s.cadre_motivation[b])
    s.inertia_threshold[b] *= 1.0 - 0.3 * strength


def higher_level_visit(s, p, b: int, strength: float, r) -> None:
    """A visit or instruction from above adds a pulse of drive (paper §2(一) 2013年11月视察)."""
    s.event_drive[b] += strength


def leadership_change(s, p, b: int, resolve: float, public_value: float, collaboration: float, r) -> None:
    """A new team takes over: its own resolve and values; what was only carried by the leaders fades,
    what was institutionalised stays (paper §2(一) 薪火相传; MODEL_SPEC §3 Turnover)."""
    L = s.leader_resolve.shape[1]
    g = r.gens[b]
    s.leader_resolve[b] = np.clip(resolve + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_public_value[b] = np.clip(public_value + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_collaboration[b] = np.clip(collaboration + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_tenure[b] = 0.0
    lost = FADE * (1.0 - s.institutionalisation[b])
    s.priorities[b] += lost * (s.priorities_start[b] - s.priorities[b])
    s.public_value_clarity[b] *= 1.0 - lost
    s.dept_practices[b] *= 1.0 - lost
    s.action_base[b] *= 1.0 - 0.5 * lost
    s.event_drive[b] = 0.0


def apply_events(s, p, r, schedules) -> None:
    """Start of a month: the end of a term, then the events scheduled for this month and the
    campaigns due, run by run (events are rare, so a loop is cheap)."""
    term_turnover(s, p, r)
    for b, schedule in enumerate(schedules):
        for e in schedule.get(s.t, ()):
            EVENT_RULES[e.kind](s, p, b, r=r, **dict(e.values))
        for c, rule in enumerate((campaign_rectification, campaign_emancipation)):
            if s.campaign_due[b, c] == s.t:
                rule(s, p, b, float(p.campaign_strength[b, 0]), r)
                s.campaign_due[b, c] = -1


def term_turnover(s, p, r) -> None:
    """When a term has run its course the successor team, with `successor_resolve`, takes office at
    the start of the next month (month term_length + 1, ...) (paper §2(一) 上下两届领导班子)."""
    if s.t == 1:
        return
    for b in np.flatnonzero((s.t - 1) % p.term_length[:, 0] == 0):
        leadership_change(
            s,
            p,
            b,
            float(p.successor_resolve[b, 0]),
            float(leaders_mean(s, s.leader_public_value)[b, 0]),
            0.5,
            r,
        )


def leader_resolve(s, p, r) -> None:
    """Resolve fades with fatigue and is renewed by small wins (Ansell & Gash 2008)."""
    s.leader_tenure += 1.0
    win = np.maximum(0.0, s.perf_history[:, -1] - s.perf_history[:, -2])
    s.leader_resolve += -p.resolve_fatigue * s.leader_resolve + col(5.0 * win) * (1.0 - s.leader_resolve)
    np.clip(s.leader_resolve, 0.0, 1.0, out=s.leader_resolve)


EVENT_RULES = {
    "higher_level_visit": lambda s, p, b, r, strength: higher_level_visit(s, p, b, strength, r),
    "rectification_campaign": lambda s, p, b, r, strength: campaign_rectification(s, p, b, strength, r),
    "emancipation_campaign": lambda s, p, b, r, strength: campaign_emancipation(s, p, b, strength, r),
    "leadership_change": lambda s, p, b, r, resolve, public_value, collaboration: leadership_change(
        s, p, b, resolve, public_value, collaboration, r
    ),
}
