"""Management–execution (管理—执行): the performance-management system (goals, indicators, monitoring,
incentives, feedback) and execution capacity (training, responsibility lists, cadres' effort) turn
inputs into department output (paper §3(五); §3(六); §4(一) fourth paragraph)."""

import numpy as np

from . import col, dept_mean, domain_mean, fault_tolerance_effective, leaders_mean, level

# Output elasticities of the Cobb–Douglas form capacity^a resources^b execution^c clarity^d; their sum
# below 1 gives decreasing returns to the county's own stocks:
# Model 1's conceptual model (docs/ODD_model1.md §7):
# "capacity x resources^r x mean(effort x competence) x responsibility clarity".
ELASTICITY = {"capacity": 0.2, "resources": 0.25, "execution": 0.25, "clarity": 0.1}
TIE_SYNERGY = 0.2  # full ties with full linkage raise output by 20%
SILO_WASTE = 0.2  # full silo wastes a fifth of output
PARTICIPATION_EASE = 0.1  # citizens' support eases implementation (paper §3(二) '支持认可')


def pm_alignment(s) -> np.ndarray:
    """Indicator alignment: 1 minus the total-variation distance between what is assessed and what
    citizens need (paper §3(六) 差异化指标; §4(一) 公共价值 '纠正并预防绩效偏差'), shape (B,)."""
    return 1.0 - 0.5 * np.abs(s.indicator_weights - s.need_mean).sum(axis=1)


def pm_maturity(s) -> np.ndarray:
    """PM maturity: mean of indicator alignment, monitoring, incentive linkage and feedback, the four
    components docs/MODEL.md §3 lists (paper §3(六) 计划、组织、沟通、激励、控制、反馈), shape (B,)."""
    return (pm_alignment(s) + s.pm_monitoring + s.pm_incentive + s.pm_feedback) / 4.0


def performance_management(s, p, r) -> None:
    """The county builds goals, monitoring ('挂号督办'), incentive linkage and feedback while active;
    public value realigns the indicators (paper §3(六); §4(一) '持续纠正并预防绩效偏差')."""
    frozen = p.freeze_pm_maturity[:, 0] > 0
    grow = p.build_rate[:, 0] * p.pm_strength[:, 0] * s.active * (0.5 + 0.5 * p.k_DI_ME[:, 0] * s.levels[:, 0])
    decay = p.stock_decay[:, 0] * (1.0 - s.institutionalisation)
    for name in ("pm_monitoring", "pm_incentive", "pm_feedback"):
        x = getattr(s, name)
        setattr(s, name, np.where(frozen, x, x + grow * (1.0 - x) - decay * x))
    rate = 0.15 * p.pm_strength * p.k_GC_ME * col(s.public_value_clarity)
    s.indicator_weights = np.where(
        frozen[:, None], s.indicator_weights, s.indicator_weights + rate * (s.need_mean - s.indicator_weights)
    )
    # responsibility lists and leaders' coordination make clear who does what (paper §3(五) FT1)
    clar = col(s.active) * (0.5 * p.pm_strength + 0.5 * p.k_CL_ME * level(s, "CL"))
    s.dept_clarity += (
        0.03 * clar * (1.0 - s.dept_clarity) - p.stock_decay * col(1.0 - s.institutionalisation) * s.dept_clarity
    )


def allocate(s, p, r) -> None:
    """Leaders allocate budget among departments by inertia, priorities and performance information,
    focused on key actions (docs/ODD_model1.md §7 Resources; paper §3(五) 关键行动)."""
    info = col(pm_maturity(s)) * np.clip(s.need_mean - s.real_perf * s.need_mean, 0.0, None)
    wanted = np.take((s.priorities + info) / s.domain_size, s.dept_domain, axis=1)  # a domain's share split evenly
    wanted /= wanted.sum(axis=1, keepdims=True)
    s.dept_budget_share += 0.1 * (wanted - s.dept_budget_share)


def capacity(s, p, r) -> None:
    """Inputs that reach key actions build department capacity; pressure without support erodes it
    (paper §3(五); Repenning & Sterman 2002 capability trap)."""
    invest = 0.02 * col(s.active) * p.k_DI_ME * level(s, "DI")
    erode = 0.003 * p.assessment_pressure * (1.0 - level(s, "ME"))
    s.dept_capacity += invest * (1.0 - s.dept_capacity) - erode * s.dept_capacity


def cadres(s, p, r) -> None:
    """Cadres' blame fear, discipline, motivation and competence, then effort: motivation times
    uncovered fear times a mix of incentive, public value and discipline (docs/ODD_model1.md §7 Cadre effort;
    Holmström & Milgrom 1991; paper §3(二) 激励平台; §3(五) 培训)."""
    g = col(s.active)
    ft = fault_tolerance_effective(s, p)
    fear_target = np.clip(0.3 + 0.5 * p.assessment_pressure * (1.0 - ft), 0.0, 1.0)
    s.cadre_blame_fear += 0.05 * (fear_target - s.cadre_blame_fear)
    disc_target = np.clip(
        p.initial_discipline + 0.4 * col(s.pm_monitoring) + 0.2 * col(s.institutionalisation), 0.0, 1.0
    )
    s.cadre_discipline += 0.02 * (disc_target - s.cadre_discipline)
    incentive = incentive_strength(s, p)
    # rewards received against rewards expected (paper §3(二) 多劳多得; 凭实绩用人)
    reward = incentive * np.take(s.dept_reported, s.cadre_dept, axis=1)
    surprise = reward - s.cadre_expected_reward
    s.cadre_expected_reward += 0.1 * surprise
    # leaders' example, role models and the protection of the incentive platform (paper §3(一) 树立典型、
    # 主要领导身先士卒; §3(二) '让干事者无忧')
    example = 0.45 * leaders_mean(s, s.leader_resolve) + 0.35 * level(s, "GC") + 0.2 * ft
    peers = np.take(dept_mean(s, s.cadre_motivation), s.cadre_dept, axis=1)
    s.cadre_motivation += (
        0.04 * (g * example + (1.0 - g) * s.cadre_baseline_motivation - s.cadre_motivation)
        + p.peer_influence * (peers - s.cadre_motivation)
        + 0.1 * surprise
        + r.normal("motivation_noise", 0.01)
    )
    np.clip(s.cadre_motivation, 0.0, 1.0, out=s.cadre_motivation)
    s.cadre_competence += 0.01 * p.training * g * (1.0 - s.cadre_competence) - 0.001 * s.cadre_competence
    effort(s, p, incentive, ft)


def incentive_strength(s, p) -> np.ndarray:
    """Strength of pay and promotion incentives on assessed performance, shape (B, 1) (paper §3(二)
    底薪+绩效奖金, 凭实绩用人; Holmström & Milgrom 1991; promotion weight after Li & Zhou 2005)."""
    return np.clip(p.performance_pay * col(s.pm_incentive) + 0.5 * p.promotion_by_merit * col(pm_maturity(s)), 0.0, 1.0)


def effort(s, p, incentive=None, ft=None) -> None:
    """Effort = motivation x (1 - blame fear not covered by fault tolerance) x a mix of incentive,
    internalised public value and discipline (docs/MODEL.md §4; Holmström & Milgrom 1991)."""
    incentive = incentive_strength(s, p) if incentive is None else incentive
    ft = fault_tolerance_effective(s, p) if ft is None else ft
    mix = 0.4 * incentive + 0.35 * s.cadre_public_value + 0.25 * s.cadre_discipline
    s.cadre_effort = s.cadre_motivation * (1.0 - 0.5 * s.cadre_blame_fear * (1.0 - ft)) * (0.4 + 0.6 * mix)
    # Holmström & Milgrom 1991: pay on misaligned indicators pulls effort onto what is measured;
    # internalised public value offsets the pull
    misdirected = 0.5 * incentive * col(1.0 - pm_alignment(s)) * (1.0 - s.cadre_public_value)
    s.cadre_real_effort = s.cadre_effort * (1.0 - misdirected)
    s.cadre_misdirected = s.cadre_effort * misdirected


def raw_output(s, p) -> np.ndarray:
    """Department output before the county-level scale, shape (B, J): capacity, resources, execution
    and clarity in a Cobb–Douglas product, times key-action focus, tie synergy less silo waste, and
    citizens' support (docs/ODD_model1.md §7 Department output; paper §3(四)–(五))."""
    J = s.dept_capacity.shape[1]
    execution = np.maximum(dept_mean(s, s.cadre_real_effort * s.cadre_competence), 1e-4)
    res = np.maximum(col(s.resources) * s.dept_budget_share * J, 1e-4)
    key_action = 1.0 + 0.15 * p.k_DI_ME * level(s, "DI")  # inputs focused on key actions
    tie = s.dept_ties.sum(axis=2) / (J - 1)
    base = (
        np.maximum(s.dept_capacity, 1e-4) ** ELASTICITY["capacity"]
        * res ** ELASTICITY["resources"]
        * execution ** ELASTICITY["execution"]
        * np.maximum(s.dept_clarity, 1e-4) ** ELASTICITY["clarity"]
    )
    synergy = 1.0 + TIE_SYNERGY * p.k_CL_ME * level(s, "CL") * tie - SILO_WASTE * s.dept_silo
    return base * key_action * synergy * (1.0 + PARTICIPATION_EASE * col(s.participation_rate))


def saturate(ratio: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Output level 1 - (1 - y0)^ratio from the ratio of raw output to the starting county's: each
    unit of the ratio closes the share y0 of the remaining headroom, so returns diminish near the
    frontier and the starting county (ratio 1) produces exactly y0 (a constant-hazard saturation,
    as in the exponential learning curves of Repenning & Sterman 2002)."""
    return 1.0 - (1.0 - start) ** ratio


def output(s, p, r) -> None:
    """Real and reported output of departments, and the domain performance stocks they feed
    (docs/ODD_model1.md §7 Department output; Bevan & Hood 2006 gaming; Repenning & Sterman 2002 delay)."""
    s.dept_output = saturate(s.output_scale * raw_output(s, p), p.initial_performance)
    pv = dept_mean(s, s.cadre_public_value)
    watch = col(s.pm_monitoring)
    s.dept_gaming = (
        p.gaming_propensity * p.assessment_pressure * (1.0 - watch) * (1.0 - pv) * (1.0 - p.k_GC_ME * level(s, "GC"))
    )
    measured_only = dept_mean(s, s.cadre_misdirected * s.cadre_competence)
    s.dept_reported = np.clip(s.dept_output * (1.0 + s.dept_gaming) + 0.5 * measured_only, 0.0, 1.0)
    s.real_perf += p.performance_lag * (domain_mean(s, s.dept_output) - s.real_perf)
    s.assessed_perf += p.performance_lag * (domain_mean(s, s.dept_reported) - s.assessed_perf)
