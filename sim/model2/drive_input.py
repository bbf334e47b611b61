"""Drive–input (驱动—投入): the top leader launches reform, leaders spend their attention, front-line
diagnosis lists problems, the action base and resources are built (paper §4(一) first paragraph;
§3(二); §3(五) 一线工作法). Leaders' resolve answers results, superiors and the term (Ansell & Gash 2008).
"""

from __future__ import annotations

import numpy as np

from ..npx import clip, mean
from .adaptation_interaction import rediagnosis
from .problems import by_dept, county_real
from .state import STATUS_OPEN, D

SUPERVISION_SPAN = 5.0  # departments a leader can watch closely with all attention (a 分管 portfolio)
TOP_LEADER_SHARE = 0.5  # the top leader's resolve carries half of every supervising leader's push (§3(四) 一把手)
PLATFORM_RESOURCE_WEIGHT = 0.6  # of the action base's investment: resources brought in; the rest the incentive platform
LOBBY_RESOURCES = 0.05  # outside resources a fully lobbying team adds (paper §3(二) '一遍一遍跑'), as in Model 1
ACTION_BASE_RESOURCES = 0.3  # outside resources a full action base brings at full resource_introduction (Model 1)
VISIT_RESOURCES = 0.1  # outside resources from outside contacts at full k_AI_DI, per share of departments visiting
SHOCK_PERSISTENCE = 0.9  # monthly persistence of economic conditions (Model 1)
LAME_DUCK_MONTHS = 12.0  # resolve starts to drop a year before the term ends
RESOURCE_SPEED = 0.1  # monthly share of the gap to the resource target closed (Model 1)
BUDGET_MONTHS = 12  # the budget among departments is set once a year (the fiscal year)
VISION_REFERENCE = 0.5  # the vision at which the action base is built at `build_rate` (a middling plan)


def top(x: np.ndarray) -> np.ndarray:
    """The top leader's value (leader 0, 一把手), shape (B,)."""
    return x[:, 0]


def launch(s, p, r) -> None:
    """Each leader decides to commit to reform when the reform signal (own resolve, backed by the top
    leader's once the top leader has committed; pressure from above; the gap to developed neighbours;
    a visit's pulse) exceeds the launch threshold (inertia 等靠要), and gives up only when it falls a
    margin below. The top leader's commitment is the county's launch (paper §3(一); §3(四) 一把手;
    Emerson et al. 2012 prop. 1)."""
    real = county_real(s)
    gap = clip((s.benchmark - real) / np.maximum(s.benchmark, 1e-9), 0.0, 1.0)
    context = (
        p.drive_pressure_weight * p.assessment_pressure + p.drive_gap_weight * gap[:, None] + s.event_drive[:, None]
    )
    top_push = (s.leader_committed[:, :1] * s.leader_resolve[:, :1]) if s.L > 1 else 0.0
    own = np.where(
        np.arange(s.L) == 0, s.leader_resolve, (1 - TOP_LEADER_SHARE) * s.leader_resolve + TOP_LEADER_SHARE * top_push
    )
    signal = clip(p.drive_resolve_weight * own + context, 0.0, 1.0)  # (B, L)
    h = p.engagement_hysteresis
    threshold = s.inertia_threshold[:, None]
    s.leader_committed = np.where(s.leader_committed, signal >= threshold - h, signal > threshold) & (
        not s.routine_only
    )
    s.drive = signal[:, 0]
    s.launched = s.leader_committed[:, 0]
    s.event_drive *= p.pulse_retention[:, 0]


def attention(s, p, r) -> None:
    """A committed leader's attention (its resolve; an uncommitted one's as far as standing rules carry
    it) reaches the departments of the portfolio (分管), spread over them, with the top leader's behind
    every push (paper §3(四) FT17, FT19)."""
    # a leader who has not committed still follows what became standing rules (长效制度): what was
    # institutionalised outlives the team that started it (paper §2(一) 薪火相传; §3(五))
    rules = mean(s.dept_rules, 1, keepdims=True)
    s.leader_attention = s.leader_resolve * np.where(s.leader_committed, 1.0, rules)
    per_dept = np.minimum(1.0, p.attention_supervise * SUPERVISION_SPAN / s.portfolio_size[s.dept_leader])  # (B, J)
    sup = np.take(s.leader_attention, s.dept_leader, axis=1)
    att = per_dept * ((1.0 - TOP_LEADER_SHARE) * sup + TOP_LEADER_SHARE * s.leader_attention[:, :1])
    pooled = p.mean_field > 0  # the mean-field twin pools the portfolios
    s.dept_attention = np.where(pooled, mean(att, 1, keepdims=True), att)


def priorities(s, p) -> np.ndarray:
    """Where leaders look, by domain (B, D), mean 1: the economy first (economy_bias, 唯GDP) except as
    far as citizens' voice has made public value clear, which turns them to what residents need
    (paper 引言 '唯GDP'导向; §3(一) 公共价值建构 '从根源上转变其绩效观')."""
    econ = np.zeros(D)
    econ[0] = 1.0
    gdp = p.economy_bias * econ + (1.0 - p.economy_bias) / D  # (B, D)
    clear = s.public_value_clarity[:, None]
    return D * ((1.0 - clear) * gdp + clear * s.need_mean)


def diagnosis_hazard(s, p) -> np.ndarray:
    """Front-line diagnosis (一线工作法): each leader goes out to the domains of the portfolio (the top
    leader to all), weighted by the leadership's priorities, and lists hidden problems there, a
    hazard per cell (B, K) (paper §3(五))."""
    effort = p.attention_diagnose * s.leader_attention * rediagnosis(s, p)[:, None]  # (B, L)
    by_domain = (effort[:, :, None] * s.portfolio_domains[None]).sum(axis=1) * priorities(s, p)  # (B, D)
    return p.diagnosis_rate * np.tile(by_domain, (1, s.T + 1))


def action_base(s, p, r) -> None:
    """The action base (resources brought in, the incentive platform, task-force mechanism, digital
    platforms) is built by committed leaders and fades unless rules hold it (paper §3(二))."""
    platform = PLATFORM_RESOURCE_WEIGHT * p.resource_introduction[:, 0] + (
        1 - PLATFORM_RESOURCE_WEIGHT
    ) * 0.5 * (  # the incentive platform: fault tolerance and pay alike
        p.fault_tolerance[:, 0] + p.performance_pay[:, 0]
    )
    keep = 1.0 - mean(s.dept_rules, 1)
    plan = vision_factor(s, p)
    s.action_base += (
        p.build_rate[:, 0] * plan * mean(s.leader_attention, 1) * platform * (1.0 - s.action_base)
        - p.stock_decay[:, 0] * keep * s.action_base
    )


def vision_factor(s, p) -> np.ndarray:
    """How fast the top leader's overall plan lets the team build the action base, shape (B,): 1 at a
    middling vision, up or down by `vision_weight` per unit of relative vision (paper §3(四) FT19
    '从战略层面对全县发展进行总体布局…开展了很多打基础、利长远的工作')."""
    return 1.0 + p.vision_weight[:, 0] * (top(s.leader_vision) / VISION_REFERENCE - 1.0)


def resources(s, p, r) -> None:
    """Own revenue follows the economy; outside resources follow the action base, leaders' lobbying
    and, through k_AI_DI, outside contacts (paper §3(二) '一遍一遍跑'; docs/MODEL.md §4 Resources)."""
    econ = s.real_perf[:, 0] / np.maximum(p.initial_performance[:, 0], 1e-9)
    lobby = (1.0 - p.attention_supervise - p.attention_convene - p.attention_diagnose).clip(0.0) * s.leader_attention
    lobby = mean(lobby * s.leader_collaboration, 1)
    target = (
        p.initial_resources[:, 0] * np.sqrt(econ)
        + ACTION_BASE_RESOURCES * s.action_base * p.resource_introduction[:, 0]
        + LOBBY_RESOURCES * lobby * p.resource_introduction[:, 0]
        + VISIT_RESOURCES * p.k_AI_DI[:, 0] * mean(s.visits, 1)
    )
    shock = r.normal("resource_shock", 1.0)[:, 0]
    s.resource_shock = SHOCK_PERSISTENCE * s.resource_shock + p.shock_volatility[:, 0] * shock
    s.resources += RESOURCE_SPEED * (clip(target * np.exp(s.resource_shock), 0.0, 1.0) - s.resources)


def budget(s, p, r) -> None:
    """Once a year the leadership sets each department's share of the budget that introduced resources
    add (k_DI_ME): last year's share, moved toward assessed results as far as performance management
    has matured (`budget_performance`) and toward open key actions (`budget_key_actions`) (paper §3(二)
    '加强预算绩效管理…保障有限资金被有序、及时落实在重点项目上'; §3(六) 嵌入…预算管理)."""
    if s.routine_only or s.t % BUDGET_MONTHS != 0:
        return
    J = s.J
    score = np.maximum(s.dept_score, 0.0)
    total = score.sum(axis=1, keepdims=True)
    by_result = np.where(total > 0, score / np.maximum(total, 1e-300), 1.0 / J)
    key = by_dept(s, ((s.prob_status == STATUS_OPEN) & s.prob_key).astype(float), s.prob_lead)
    n_key = key.sum(axis=1, keepdims=True)
    by_key = np.where(n_key > 0, key / np.maximum(n_key, 1.0), 1.0 / J)
    w_result = p.budget_performance * s.pm_maturity[:, None]
    w_key = p.budget_key_actions
    s.dept_budget_share = (1.0 - w_result - w_key) * s.dept_budget_share + w_result * by_result + w_key * by_key


def resolve(s, p, r) -> None:
    """Resolve moves toward what supports it: the leader's own disposition, small wins in the
    portfolio, pulses from superiors, less as the term runs out (Ansell & Gash 2008; docs/MODEL.md §4)."""
    s.leader_tenure += 1.0
    months_left = s.leader_term_end - s.t
    lame = clip(1.0 - months_left / LAME_DUCK_MONTHS, 0.0, 1.0)
    target = s.leader_disposition + p.win_gain * s.leader_wins + s.event_drive[:, None] - p.term_end_drop * lame
    s.leader_resolve += p.resolve_adjust * (clip(target, 0.0, 1.0) - s.leader_resolve)
