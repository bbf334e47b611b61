"""Scheduled events and interventions, campaigns, and leadership turnover with institutionalisation
(paper §2(一) 上下两届领导班子薪火相传; §3(一) 作风建设年、解放思想大讨论).

Each kind in the intervention registry (`sim.interventions.INTERVENTIONS`) has its rule here, in
`EVENT_RULES`: `rule(s, p, b, r=r, **fields)` changes run b only. A rule may return the fields of a
follow-up for the next month (a ramp continuing); interventions draw no random numbers, except a
leadership change, which draws its new team as the term turnover does.
"""

from dataclasses import replace

import numpy as np

from ..interventions import STATE_LEVERS
from ..params import PARAMS
from . import col, leaders_mean
from .adaptation_interaction import BENCHMARK_SKILL

FADE = 0.5  # share of what only the leaders carried that is lost when they go
VISIT_COMPETENCE = 0.05  # a full-strength learning visit closes 5% of cadres' gap to the benchmark's skill
VISIT_CAPACITY = 0.025  # ... and 2.5% of departments' capacity gap
VISIT_OPENNESS = 0.1  # ... and 10% of the remaining headroom of openness
VISIT_PROBLEMS = 0.1  # ... and names 10% of the problems not yet identified


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


def leadership_change(
    s,
    p,
    b: int,
    resolve: float,
    public_value: float,
    collaboration: float,
    r,
    keeps_practices: float = 1.0 - FADE,
) -> None:
    """A new team takes over: its own resolve and values; of what was only carried by the leaders the
    successor keeps `keeps_practices` (0.5 at the end of a term), what was institutionalised stays
    (paper §2(一) 薪火相传; docs/ODD_model1.md §7 Turnover)."""
    L = s.leader_resolve.shape[1]
    g = r.gens[b]
    s.leader_resolve[b] = np.clip(resolve + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_public_value[b] = np.clip(public_value + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_collaboration[b] = np.clip(collaboration + g.normal(0.0, 0.05, L), 0.0, 1.0)
    s.leader_tenure[b] = 0.0
    lost = (1.0 - keeps_practices) * (1.0 - s.institutionalisation[b])
    s.priorities[b] += lost * (s.priorities_start[b] - s.priorities[b])
    s.public_value_clarity[b] *= 1.0 - lost
    s.dept_practices[b] *= 1.0 - lost
    s.action_base[b] *= 1.0 - 0.5 * lost
    s.event_drive[b] = 0.0


def leader_change(
    s,
    p,
    b: int,
    leader: int,
    resolve: float,
    public_value: float,
    collaboration: float,
    r,
    keeps_practices: float = 0.5,
) -> None:
    """One member of the team is replaced (Model 1 has no portfolios: only the member's own values
    change; the team's carried practices are kept, since the rest of the team stays)."""
    i = min(int(leader), s.leader_resolve.shape[1] - 1)
    s.leader_resolve[b, i] = resolve
    s.leader_public_value[b, i] = public_value
    s.leader_collaboration[b, i] = collaboration
    s.leader_tenure[b, i] = 0.0


def apply_events(s, p, r, schedules) -> None:
    """Start of a month: the end of a term, then the events scheduled for this month and the
    campaigns due, run by run (events are rare, so a loop is cheap)."""
    term_turnover(s, p, r)
    for b, schedule in enumerate(schedules):
        for e in schedule.get(s.t, ()):
            follow = EVENT_RULES[e.kind](s, p, b, r=r, **dict(e.values))
            if follow:  # a ramp goes on next month with the months that remain
                nxt = replace(e, month=s.t + 1, values=tuple(sorted(follow.items())))
                schedule.setdefault(s.t + 1, []).append(nxt)
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


def change_lever(s, p, b: int, lever: str, value: float) -> None:
    """Parameter `lever` of run b becomes `value`, kept in its range; a lever that only seeds a state
    at month 0 (`STATE_LEVERS`: reform_resolve, inertia, leader_vision) moves that state by the same amount
    (docs/MODEL.md §5 levers)."""
    spec = PARAMS[lever]
    column = getattr(p, lever)
    old = float(column[b, 0])
    new = min(max(float(value), float(spec.low)), float(spec.high))
    column[b, 0] = new
    state = STATE_LEVERS.get(lever)
    if state is not None and new != old:
        x = getattr(s, state)
        x[b] = np.clip(x[b] + (new - old), 0.0, 1.0)
        if lever == "reform_resolve" and hasattr(s, "leader_disposition"):  # Model 2: resolve returns to it
            s.leader_disposition[b] = np.clip(s.leader_disposition[b] + (new - old), 0.0, 1.0)


def ramp_lever(s, p, b: int, lever: str, value: float, months: int, r) -> dict | None:
    """One month of a ramp: close 1/months of the gap to `value` (so k months make equal steps) and
    hand the rest to next month (paper §3(四) '一年打基础、两年上台阶、三年大变样')."""
    if months <= 1:
        change_lever(s, p, b, lever, value)
        return None
    current = float(getattr(p, lever)[b, 0])
    change_lever(s, p, b, lever, current + (value - current) / months)
    return {"lever": lever, "value": value, "months": months - 1}


def open_channel(s, p, b: int, openness: float, r) -> None:
    """Citizens' channels open to at least `openness`: the 12345 hotline, satisfaction visits and
    deputies' proposals lower the cost of voice (paper §3(一) 12345热线、群众满意度大走访)."""
    p.channel_openness[b, 0] = max(float(p.channel_openness[b, 0]), openness)


def close_channel(s, p, b: int, openness: float, r) -> None:
    """Citizens' channels close down to at most `openness` (paper §3(一), read in reverse)."""
    p.channel_openness[b, 0] = min(float(p.channel_openness[b, 0]), openness)


def learning_visit(s, p, b: int, strength: float, r) -> None:
    """Cadres visit developed counties: competence and capacity move toward the benchmark's, openness
    rises and the comparison names problems (paper §3(三) '带着干部…跑了发达的市，让他们去看';
    与发达县区对比找出短板)."""
    s.cadre_competence[b] += VISIT_COMPETENCE * strength * np.maximum(0.0, BENCHMARK_SKILL - s.cadre_competence[b])
    s.dept_capacity[b] += VISIT_CAPACITY * strength * np.maximum(0.0, BENCHMARK_SKILL - s.dept_capacity[b])
    s.openness[b] += VISIT_OPENNESS * strength * (1.0 - s.openness[b])
    s.problems_identified[b] += VISIT_PROBLEMS * strength * (1.0 - s.problems_identified[b])


def resource_shock(s, p, b: int, size: float, r) -> None:
    """A shock takes the share -size of resources, a windfall adds the share size of their headroom;
    resources then return toward what the economy and the action base sustain (paper §3(二))."""
    if size >= 0.0:
        s.resources[b] += size * (1.0 - s.resources[b])
    else:
        s.resources[b] *= 1.0 + size


def institutionalise(s, p, b: int, share: float, r) -> None:
    """Practices become standing rules: institutionalisation closes `share` of its gap to the
    departments' mean practice (paper §3(五) 将经验做法凝结为固定的工作机制和长效制度)."""
    s.institutionalisation[b] += share * max(0.0, float(s.dept_practices[b].mean()) - float(s.institutionalisation[b]))


def stop_campaigns(s, p, b: int, r) -> None:
    """Campaigns are called off: pending ones are cancelled and none follow a later start."""
    s.campaign_due[b] = -1
    p.campaigns_follow_start[b, 0] = 0.0


#: The rule of every intervention kind, called as rule(s, p, b, r=r, **fields).
EVENT_RULES = {
    "higher_level_visit": lambda s, p, b, r, strength: higher_level_visit(s, p, b, strength, r),
    "rectification_campaign": lambda s, p, b, r, strength: campaign_rectification(s, p, b, strength, r),
    "emancipation_campaign": lambda s, p, b, r, strength: campaign_emancipation(s, p, b, strength, r),
    "stop_campaigns": lambda s, p, b, r: stop_campaigns(s, p, b, r),
    "set_lever": lambda s, p, b, r, lever, value: change_lever(s, p, b, lever, value),
    "add_lever": lambda s, p, b, r, lever, delta: change_lever(s, p, b, lever, float(getattr(p, lever)[b, 0]) + delta),
    "ramp_lever": lambda s, p, b, r, lever, value, months: ramp_lever(s, p, b, lever, value, months, r),
    "open_channel": lambda s, p, b, r, openness: open_channel(s, p, b, openness, r),
    "close_channel": lambda s, p, b, r, openness: close_channel(s, p, b, openness, r),
    "learning_visit": lambda s, p, b, r, strength: learning_visit(s, p, b, strength, r),
    "resource_shock": lambda s, p, b, r, size: resource_shock(s, p, b, size, r),
    "leadership_change": lambda s, p, b, r, resolve, public_value, collaboration, keeps_practices: leadership_change(
        s, p, b, resolve, public_value, collaboration, r, keeps_practices
    ),
    "institutionalise": lambda s, p, b, r, share: institutionalise(s, p, b, share, r),
    "leader_change": lambda s, p, b, r, leader, resolve, public_value, collaboration, keeps_practices: leader_change(
        s, p, b, leader, resolve, public_value, collaboration, r, keeps_practices
    ),
}
