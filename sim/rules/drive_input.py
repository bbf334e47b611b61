"""Drive–input (驱动—投入): pressure, crisis and resolve trigger the process; diagnosis and the
action base are its inputs (paper §4(一) first paragraph; §3(二))."""

import numpy as np

from . import col, leaders_mean, level, overall

GATE_WIDTH = 0.02  # softness of the start threshold: a drive 0.06 above inertia is ~fully active
EVENT_DRIVE_RETENTION = 0.85  # a visit's pulse halves in about four months
SHOCK_PERSISTENCE = 0.9  # monthly persistence of economic conditions (half-life about 6.6 months)


def drive(s, p, r) -> None:
    """Drive from gap, pressure, resolve, events, evaluation feedback and outside signals; gated by
    inertia (docs/ODD_model1.md §7 Drive; Emerson, Nabatchi & Balogh 2012, proposition 1)."""
    real = overall(s.need_mean, s.real_perf)
    gap = np.clip((s.benchmark - real) / s.benchmark, 0.0, 1.0)
    d = (
        p.drive_gap_weight * col(gap)
        + p.drive_pressure_weight * p.assessment_pressure
        + p.drive_resolve_weight * leaders_mean(s, s.leader_resolve)
        + col(s.event_drive)
        # paper §4(二): evaluation (监督、评价、分析报告) keeps finding gaps and feeds them back (the
        # improvement loop); the signal is as strong as execution and the PM feedback component allow
        + 0.5 * p.k_ME_DI * level(s, "ME") * (0.3 + 0.7 * col(s.pm_feedback))
        # paper §4(二): interaction with the environment finds new activation points
        + 0.2 * p.k_AI_DI * level(s, "AI")
    )
    s.drive = np.clip(d[:, 0], 0.0, 1.0)
    s.event_drive *= EVENT_DRIVE_RETENTION
    s.active = 1.0 / (1.0 + np.exp(-(s.drive - s.inertia_threshold) / GATE_WIDTH))
    newly = (s.drive > s.inertia_threshold) & ~s.started
    if newly.any():
        s.started |= newly
        follow = newly & (p.campaigns_follow_start[:, 0] > 0)
        # paper §3(一): once the problems are named the team launches two campaigns
        s.campaign_due[follow, 0] = s.t + 1
        s.campaign_due[follow, 1] = s.t + 2


def inputs(s, p, r) -> None:
    """Problem diagnosis and the action base (resources, incentive platform, task forces, digital
    platforms) accumulate while the process is active (paper §4(一); §3(二))."""
    g = s.active
    keep = 1.0 - s.institutionalisation
    fb = p.k_ME_DI[:, 0] * s.levels[:, 3]
    s.problems_identified += (
        p.build_rate[:, 0] * g * (0.5 + 0.5 * fb) * (1.0 - s.problems_identified)
        - p.stock_decay[:, 0] * keep * s.problems_identified
    )
    platform = 0.6 * p.resource_introduction[:, 0] + 0.4 * 0.5 * (p.fault_tolerance[:, 0] + p.performance_pay[:, 0])
    s.action_base += (
        p.build_rate[:, 0] * g * platform * (0.5 + 0.5 * s.problems_identified) * (1.0 - s.action_base)
        - p.stock_decay[:, 0] * keep * s.action_base
    )


def resources(s, p, r) -> None:
    """Own revenue follows the economy; outside resources follow the action base, leaders' lobbying
    and outside interaction (paper §3(二) '一遍一遍跑'; docs/ODD_model1.md §7 Resources)."""
    econ = s.real_perf[:, 0] / p.initial_performance[:, 0]
    lobby = leaders_mean(s, s.leader_collaboration)[:, 0] * s.active
    target = (
        p.initial_resources[:, 0] * np.sqrt(econ)
        + 0.3 * s.action_base * p.resource_introduction[:, 0]
        + 0.05 * lobby * p.resource_introduction[:, 0]
        + 0.1 * p.k_AI_DI[:, 0] * s.levels[:, 4] * s.active
    )
    # exogenous economic and fiscal conditions: a persistent AR(1) shock on the resource target
    shock = r.normal("resource_shock", 1.0)[:, 0]
    s.resource_shock = SHOCK_PERSISTENCE * s.resource_shock + p.shock_volatility[:, 0] * shock
    s.resources += 0.1 * (np.clip(target * np.exp(s.resource_shock), 0.0, 1.0) - s.resources)
