"""Model 2's scheduled events and interventions, campaigns, and leaders' terms (paper §2(一)
上下两届领导班子薪火相传; §3(一) 作风建设年、解放思想大讨论). Every kind of `sim.interventions` has its
rule here, called as rule(s, p, b, r=r, **fields) on run b only; the generic lever rules are Model 1's.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..rules import turnover
from .ablation import rows, top_leader_at_mean
from .adaptation_interaction import (
    BENCHMARK_SKILL,
    VISIT_CAPACITY,
    VISIT_COMPETENCE,
    VISIT_PRACTICE,
    replace_cadres,
)
from .state import ATTR_CONC, FRESH, LEADER_CONC, beta_draw

SUCCESSOR_COLLABORATION = 0.5  # a successor's collaborative skill at a term's end: the middle of the scale (Model 1)
FADE = 0.5  # share of the practices not yet rules that a department loses when its supervising leader goes
RECTIFY_SHARE = 0.1  # at full strength the laxest tenth of cadres are removed (作风建设年, Model 1)
RECTIFY_DISCIPLINE = 0.3  # ... and everyone's discipline closes 30% of its headroom (Model 1)
EMANCIPATE_THRESHOLD = 0.3  # emancipation lowers cadres' thresholds and the launch threshold by 30% (Model 1)
EMANCIPATE_FEAR = 0.3  # ... and blame fear by 30%
EMANCIPATE_OPENNESS = 0.3  # ... and closes 30% of openness's headroom (Model 1)
VISIT_OPENNESS = 0.1  # a scheduled study tour closes 10% of openness's headroom (Model 1)
VISIT_LISTING = 0.1  # ... and lists 10% of the hidden problems of every domain, at k_AI_DI = 1


def _u(r, b: int, n: int) -> np.ndarray:
    """n uniforms of run b for an event (events are rare; they draw from the run's own generator)."""
    return r.gens[b].random(n)


def rectification(s, p, b: int, strength: float, r) -> None:
    """Work-style rectification (作风建设年): the laxest cadres are removed and replaced by newcomers,
    everyone's discipline rises; the rise fades unless rules hold it (paper §3(一) '查处一批干部')."""
    rectify_runs(s, p, [b], [strength], r)


def rectify_runs(s, p, runs: list[int], strengths: list[float], r) -> None:
    """`rectification` in the runs `runs` at once (each with its own strength and its own draws, in
    run order; a run's numbers are those of rectifying it alone)."""
    gone = np.zeros_like(s.cadre_discipline, dtype=bool)
    u = {key: np.zeros_like(s.cadre_discipline) for key in FRESH}  # the event's own draws
    for b, strength in zip(runs, strengths, strict=True):
        d = s.cadre_discipline[b]
        gone[b] = d < np.quantile(d, RECTIFY_SHARE * strength)
        for key in FRESH:
            u[key][b] = _u(r, b, s.N)
    replace_cadres(s, p, r, gone, u)
    for b, strength in zip(runs, strengths, strict=True):
        s.cadre_discipline[b] += RECTIFY_DISCIPLINE * strength * (1.0 - s.cadre_discipline[b])


def emancipation(s, p, b: int, strength: float, r) -> None:
    """Emancipation of thinking (解放思想大讨论): thresholds, the launch threshold and blame fear fall,
    openness rises; all fade back unless rules hold them (paper §3(一) '让干部敢于担当、乐于担当')."""
    s.cadre_threshold[b] *= 1.0 - EMANCIPATE_THRESHOLD * strength
    s.inertia_threshold[b] *= 1.0 - EMANCIPATE_THRESHOLD * strength
    s.cadre_blame_fear[b] *= 1.0 - EMANCIPATE_FEAR * strength
    s.openness[b] += EMANCIPATE_OPENNESS * strength * (1.0 - s.openness[b])


def higher_level_visit(s, p, b: int, strength: float, r) -> None:
    """A visit or instruction from above: a pulse of drive that fades (paper §2(一) 2013年11月视察)."""
    s.event_drive[b] += strength


def new_leader(s, p, b: int, leader: int, resolve: float, public_value: float, collaboration: float, r, keeps: float):
    """Leader `leader` of run b is replaced: the successor's own disposition (around `resolve`), values
    and skill; the departments it supervises lose (1 - keeps) of the practices not yet rules."""
    u = _u(r, b, 4)
    s.leader_disposition[b, leader] = float(beta_draw(u[0], resolve, LEADER_CONC))
    s.leader_resolve[b, leader] = s.leader_disposition[b, leader]
    s.leader_public_value[b, leader] = float(beta_draw(u[1], public_value, LEADER_CONC))
    s.leader_collaboration[b, leader] = float(beta_draw(u[2], collaboration, LEADER_CONC))
    s.leader_vision[b, leader] = float(beta_draw(u[3], p.leader_vision[b, 0], ATTR_CONC))  # its own plan
    s.leader_tenure[b, leader] = 0.0
    s.leader_wins[b, leader] = 0.0
    s.leader_committed[b, leader] = False  # a newcomer decides for itself (this month's launch rule)
    s.leader_term_end[b, leader] = s.t - 1 + float(p.term_length[b, 0])
    mine = (s.dept_leader == leader) | (leader == 0 and s.L == 1)
    loss = (1.0 - keeps) * np.maximum(s.dept_practices[b] - s.dept_rules[b], 0.0)
    s.dept_practices[b] -= mine * loss
    top_leader_at_mean(s, p, only=b)  # pattern 8 ablation: the top leader stays the team's mean
    if leader == 0:
        _top_leader_arrives(s, b)


def _top_leader_arrives(s, runs) -> None:
    """A new top leader in `runs` (an index or indices): no pulse carried over, its own diagnosis,
    campaigns and judgement (it has not yet judged progress: a year in office first)."""
    s.event_drive[runs] = 0.0
    s.campaigns_done[runs] = False
    s.diagnosed[runs] = 0.0
    s.stalled[runs] = False


def leadership_change(s, p, b, resolve, public_value, collaboration, r, keeps_practices=1.0 - FADE) -> None:
    """A whole new team takes over now (paper §2(一) 薪火相传): every leader is replaced."""
    for leader in range(s.L):
        new_leader(s, p, b, leader, resolve, public_value, collaboration, r, keeps_practices)


def leader_change(s, p, b, leader, resolve, public_value, collaboration, r, keeps_practices=1.0 - FADE) -> None:
    """One leader is replaced (leader 0 is the top leader); the rest of the team stays."""
    new_leader(s, p, b, min(int(leader), s.L - 1), resolve, public_value, collaboration, r, keeps_practices)


def learning_visit(s, p, b: int, strength: float, r) -> None:
    """A scheduled study tour for every department: competence and capacity toward the developed
    county's, openness up, practices brought back, and through k_AI_DI hidden problems listed this
    month (paper §3(三) '带着干部…跑了发达的市'; 与发达县区对比找出短板)."""
    s.cadre_competence[b] += VISIT_COMPETENCE * strength * np.maximum(0.0, BENCHMARK_SKILL - s.cadre_competence[b])
    s.dept_capacity[b] += VISIT_CAPACITY * strength * np.maximum(0.0, BENCHMARK_SKILL - s.dept_capacity[b])
    s.dept_practices[b] += VISIT_PRACTICE * strength * (1.0 - s.dept_practices[b])
    s.openness[b] += VISIT_OPENNESS * strength * (1.0 - s.openness[b])
    s.study_tour[b] += VISIT_LISTING * strength


def institutionalise(s, p, b: int, share: float, r) -> None:
    """Practices become standing rules by decision: each department's rules close `share` of their
    gap to its practices (paper §3(五) 凝结为长效制度)."""
    s.dept_rules[b] += share * np.maximum(s.dept_practices[b] - s.dept_rules[b], 0.0)


def stop_campaigns(s, p, b: int, r) -> None:
    """The leaders' own campaigns are called off for this team (a county that does without them)."""
    s.campaigns_done[b] = True
    p.campaigns_follow_start[b, 0] = 0.0


#: Model 1's rules for the generic kinds (levers, channels, resource shocks), Model 2's for the rest.
EVENT_RULES = {
    **turnover.EVENT_RULES,
    "higher_level_visit": lambda s, p, b, r, strength: higher_level_visit(s, p, b, strength, r),
    "rectification_campaign": lambda s, p, b, r, strength: rectification(s, p, b, strength, r),
    "emancipation_campaign": lambda s, p, b, r, strength: emancipation(s, p, b, strength, r),
    "stop_campaigns": lambda s, p, b, r: stop_campaigns(s, p, b, r),
    "learning_visit": lambda s, p, b, r, strength: learning_visit(s, p, b, strength, r),
    "leadership_change": lambda s, p, b, r, resolve, public_value, collaboration, keeps_practices: leadership_change(
        s, p, b, resolve, public_value, collaboration, r, keeps_practices
    ),
    "leader_change": lambda s, p, b, r, leader, resolve, public_value, collaboration, keeps_practices: leader_change(
        s, p, b, leader, resolve, public_value, collaboration, r, keeps_practices
    ),
    "institutionalise": lambda s, p, b, r, share: institutionalise(s, p, b, share, r),
}


def term_turnover(s, p, r) -> None:
    """A leader whose term has run out is followed at the start of the next month by a successor with
    `successor_resolve` (all at once, or one by one with `stagger_terms`) (paper §2(一))."""
    due = np.argwhere(s.leader_term_end == s.t - 1)
    if not len(due):
        return
    outgoing = s.leader_public_value.mean(axis=1)  # the team the successors join (before any is replaced)
    if rows(p, "ablate_top_leader")[due[:, 0]].any():  # the ablation re-averages after each successor
        for b, leader in due:
            pv = float(outgoing[b])
            new_leader(
                s, p, int(b), int(leader), float(p.successor_resolve[b, 0]), pv, SUCCESSOR_COLLABORATION, r, 1.0 - FADE
            )
        return
    successors(s, p, r, due, outgoing)


def successors(s, p, r, due: np.ndarray, outgoing: np.ndarray) -> None:
    """`new_leader` for every (run, leader) of `due` at once, with the same draws and numbers as one by
    one in that order: a run's draws come from its own generator in its leaders' order, and the
    departments a successor's loss of practices touches are its own (portfolios do not overlap), so
    no successor's update reads another's. A term's end replaces several leaders of many runs in one
    month; one by one they cost a Python call and four Beta draws each."""
    b, leader = due[:, 0], due[:, 1]
    u = np.stack([_u(r, int(run), 4) for run in b])  # (len(due), 4), in the loop's order
    s.leader_disposition[b, leader] = beta_draw(u[:, 0], p.successor_resolve[b, 0], LEADER_CONC)
    s.leader_resolve[b, leader] = s.leader_disposition[b, leader]
    s.leader_public_value[b, leader] = beta_draw(u[:, 1], outgoing[b], LEADER_CONC)
    s.leader_collaboration[b, leader] = beta_draw(u[:, 2], SUCCESSOR_COLLABORATION, LEADER_CONC)
    s.leader_vision[b, leader] = beta_draw(u[:, 3], p.leader_vision[b, 0], ATTR_CONC)
    s.leader_tenure[b, leader] = 0.0
    s.leader_wins[b, leader] = 0.0
    s.leader_committed[b, leader] = False
    s.leader_term_end[b, leader] = s.t - 1 + p.term_length[b, 0]
    # each department whose supervising leader goes loses half the practices not yet rules, once
    hit = np.zeros((s.B, s.J), dtype=bool)
    for run, lead in due:
        hit[run] |= (s.dept_leader == lead) | (lead == 0 and s.L == 1)
    keeps = 1.0 - FADE
    loss = (1.0 - keeps) * np.maximum(s.dept_practices - s.dept_rules, 0.0)
    s.dept_practices -= hit * loss
    _top_leader_arrives(s, b[leader == 0])


def leaders_campaigns(s, p, r) -> None:
    """The top leader's own decision: once this team's diagnosis has listed `campaign_trigger` problems, launch
    both campaigns, once per team (`campaigns_follow_start`; paper §3(一) '明确问题和差距并发起两项活动')."""
    listed = s.diagnosed
    due = (p.campaigns_follow_start[:, 0] > 0) & ~s.campaigns_done & s.launched & (listed >= p.campaign_trigger[:, 0])
    runs = [int(b) for b in np.flatnonzero(due)]
    if not runs:
        return
    strengths = [float(p.campaign_strength[b, 0]) for b in runs]
    rectify_runs(s, p, runs, strengths, r)
    for b, strength in zip(runs, strengths, strict=True):
        emancipation(s, p, b, strength, r)
        s.campaigns_done[b] = True


def apply_events(s, p, r, schedules) -> None:
    """Start of a month: terms that ended, then the events scheduled for this month, run by run."""
    term_turnover(s, p, r)
    for b, schedule in enumerate(schedules):
        for e in schedule.get(s.t, ()):
            follow = EVENT_RULES[e.kind](s, p, b, r=r, **dict(e.values))
            if follow:
                nxt = replace(e, month=s.t + 1, values=tuple(sorted(follow.items())))
                schedule.setdefault(s.t + 1, []).append(nxt)
