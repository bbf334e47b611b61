"""The trajectory classifier (docs/MODEL.md §6) and the coupling coordination degree, on synthetic series.

Every series here is built by hand, so the months each phase should be reached at are known from the
construction, not copied from a model run. The classifier's thresholds are passed explicitly
(`Q`), so these tests do not move when the model's defaults are recalibrated.

The synthetic county: benchmark fixed at 0.8, performance starting at 0.3, so the gap closure is
(perf - 0.3) / 0.5 and the deliver share 0.5 is reached at perf >= 0.55.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from sim.trajectory import PHASES, classify, coupling_degree, gap_closure_series

T = 121  # steps 0..120
LEVELS = ("DI", "CL", "GC", "ME", "AI")

Q = {
    "motivation_departure": 0.02,
    "build_gain": 0.05,
    "activation_threshold": 0.45,
    "activation_count": 3,
    "deliver_share": 0.5,
    "deliver_hold": 6,
    "relapse_margin": 0.15,
}

PERF0 = 0.3
BENCH = 0.8
SLOPE = 0.012  # performance rise per month once growth starts: never on a month boundary of 0.55


def step_up(t: int | None, low: float, high: float) -> np.ndarray:
    """`low` before month t, `high` from month t on (all `low` if t is None)."""
    x = np.full(T, low)
    if t is not None:
        x[t:] = high
    return x


def ramp(t0: int | None, top: float, slope: float = SLOPE) -> np.ndarray:
    """Flat at PERF0 until t0, then a linear rise of `slope` a month up to `top`, then flat."""
    t = np.arange(T, dtype=float)
    if t0 is None:
        return np.full(T, PERF0)
    return np.minimum(PERF0 + slope * np.maximum(0.0, t - t0), top)


def series(
    cross: int | None = None,
    motivate: int | None = None,
    capacity: int | None = None,
    levels: int | None = None,
    n_levels: int = 3,
    perf: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """A synthetic run: drive crosses inertia at `cross`, motivation leaves baseline at `motivate`,
    the capacity index rises by 0.1 at `capacity`, `n_levels` subsystem levels jump above the
    activation threshold at `levels`, performance follows `perf` (flat by default)."""
    out = {
        "drive": step_up(cross, 0.3, 0.8),
        "inertia_threshold": np.full(T, 0.5),
        "motivation": step_up(motivate, 0.3, 0.4),
        "capacity_index": step_up(capacity, 0.2, 0.3),
        "real_performance": np.full(T, PERF0) if perf is None else perf,
        "benchmark": np.full(T, BENCH),
    }
    for i, k in enumerate(LEVELS):
        out[f"level_{k}"] = step_up(levels if i < n_levels else None, 0.2, 0.6)
    return out


def full(perf: np.ndarray | None = None, **kw) -> dict[str, np.ndarray]:
    """The whole trajectory: cross 3, motivation 5, capacity 15, growth from 30, levels at 35.

    Growth from month 30 accelerates (recent 6-month growth above the 6 before) for months 31..41,
    so activation is at 35 when the levels arrive; perf = 0.3 + 0.012 (t - 30) first reaches 0.55
    (gap closure 0.5) at month 51 (0.552; month 50 gives 0.540) and rises to 0.7 (closure 0.8).
    """
    args = {"cross": 3, "motivate": 5, "capacity": 15, "levels": 35, **kw}
    return series(perf=ramp(30, 0.7) if perf is None else perf, **args)


def marks(tr) -> tuple:
    return (tr.t_start, tr.t_build, tr.t_activate, tr.t_deliver)


def assert_phase_list_consistent(tr) -> None:
    """The phase list is monotone, has one entry per step, and changes exactly at the phase months."""
    assert len(tr.phase) == T
    idx = [PHASES.index(p) for p in tr.phase]
    assert all(a <= b for a, b in itertools.pairwise(idx)), "phase went backwards"
    for t in range(T):
        reached = sum(m is not None and m <= t for m in marks(tr))
        assert tr.phase[t] == PHASES[reached], f"month {t}: {tr.phase[t]} but {reached} phases reached"


# --- phases, one at a time ------------------------------------------------------------------------


def test_trap_never_starts():
    """Drive stays below the inertia threshold: no phase, not sustained, no relapse."""
    tr = classify(series(cross=None, motivate=5, capacity=15, levels=35, perf=ramp(30, 0.7)), Q)
    assert marks(tr) == (None, None, None, None)
    assert not tr.sustained and not tr.relapsed
    assert set(tr.phase) == {"none"}
    assert_phase_list_consistent(tr)


def test_drive_crosses_but_motivation_stays_at_baseline():
    tr = classify(series(cross=3, motivate=None, capacity=15, levels=35, perf=ramp(30, 0.7)), Q)
    assert marks(tr) == (None, None, None, None)
    assert not tr.sustained


def test_motivation_departure_below_threshold_is_no_start():
    s = full()
    s["motivation"] = step_up(5, 0.3, 0.3 + 0.5 * Q["motivation_departure"])
    tr = classify(s, Q)
    assert tr.t_start is None and not tr.sustained


def test_start_is_when_both_conditions_hold():
    """Start is the later of crossing and motivation leaving its baseline, whichever comes first."""
    assert classify(series(cross=3, motivate=8), Q).t_start == 8
    assert classify(series(cross=12, motivate=4), Q).t_start == 12


def test_a_past_crossing_counts_even_if_drive_falls_back():
    """'Drive has crossed the threshold': a crossing at 3 that falls back at 6 still counts at 9."""
    s = series(cross=3, motivate=9)
    s["drive"][6:] = 0.3
    assert classify(s, Q).t_start == 9


def test_start_only():
    tr = classify(series(cross=3, motivate=8), Q)
    assert marks(tr) == (8, None, None, None)
    assert not tr.sustained
    assert tr.phase[7] == "none" and tr.phase[8] == "start" and tr.phase[-1] == "start"
    assert_phase_list_consistent(tr)


def test_start_and_build_only_when_levels_stay_low():
    """Capacity rises but the subsystem levels stay low: build without activation."""
    tr = classify(series(cross=3, motivate=5, capacity=15, levels=None, perf=ramp(30, 0.7)), Q)
    assert marks(tr) == (5, 15, None, None)
    assert not tr.sustained
    assert tr.phase[14] == "start" and tr.phase[15] == "build" and tr.phase[-1] == "build"
    assert_phase_list_consistent(tr)


def test_capacity_rise_too_small_is_no_build():
    s = series(cross=3, motivate=5)
    s["capacity_index"] = step_up(15, 0.2, 0.2 + 0.5 * Q["build_gain"])
    assert classify(s, Q).t_build is None


def test_activate_needs_enough_levels():
    """Only activation_count - 1 levels above threshold: no activation; lowering the count activates."""
    s = full(n_levels=Q["activation_count"] - 1)
    assert classify(s, Q).t_activate is None
    assert classify(s, {**Q, "activation_count": Q["activation_count"] - 1}).t_activate == 35


def test_activate_needs_accelerating_growth():
    """Levels high but performance flat, or growing but decelerating: no activation."""
    assert classify(series(cross=3, motivate=5, capacity=15, levels=35), Q).t_activate is None
    concave = PERF0 + 0.4 * (1.0 - np.exp(-np.arange(T) / 30.0))  # growth slows every month
    tr = classify(series(cross=3, motivate=5, capacity=15, levels=35, perf=concave), Q)
    assert tr.t_build == 15 and tr.t_activate is None and tr.t_deliver is None


def test_activated_but_never_delivers():
    """All of start, build, activate, but performance only closes 30% of the gap."""
    tr = classify(full(perf=ramp(30, 0.45)), Q)
    assert marks(tr) == (5, 15, 35, None)
    assert not tr.sustained and not tr.relapsed
    assert tr.phase[34] == "build" and tr.phase[35] == "activate" and tr.phase[-1] == "activate"
    assert tr.gap_closure == pytest.approx(0.3)
    assert_phase_list_consistent(tr)


def test_full_trajectory_sustained_with_constructed_months():
    tr = classify(full(), Q)
    assert marks(tr) == (5, 15, 35, 51)
    assert tr.sustained and not tr.relapsed
    assert tr.gap_closure == pytest.approx(0.8)
    assert tr.phase[50] == "activate" and tr.phase[51] == "deliver" and tr.phase[-1] == "deliver"
    assert_phase_list_consistent(tr)
    assert 0.0 <= tr.score <= 1.0


def test_deliver_month_moves_with_the_deliver_share():
    """With deliver_share 0.74 (perf 0.67), perf = 0.3 + 0.012 (t - 30) first reaches it at month 61."""
    tr = classify(full(), {**Q, "deliver_share": 0.74})
    assert tr.t_deliver == 61 and tr.sustained


def test_deliver_that_does_not_hold_does_not_count():
    """Closure above the share for 4 months (< deliver_hold = 6), then back below for good."""
    perf = ramp(30, 0.45)
    perf[60:64] = 0.6
    tr = classify(full(perf=perf), Q)
    assert tr.t_activate == 35
    assert tr.t_deliver is None and not tr.sustained


def test_short_spike_then_later_hold_delivers_at_the_hold():
    perf = ramp(30, 0.45)
    perf[60:64] = 0.6
    perf[80:] = 0.6
    tr = classify(full(perf=perf), Q)
    assert tr.t_deliver == 80 and tr.sustained


def test_hold_must_fit_in_the_horizon():
    """Reaching the share only in the last deliver_hold - 1 months does not deliver."""
    perf = ramp(30, 0.45)
    perf[T - Q["deliver_hold"] + 1 :] = 0.6
    assert classify(full(perf=perf), Q).t_deliver is None
    perf[T - Q["deliver_hold"] :] = 0.6
    assert classify(full(perf=perf), Q).t_deliver == T - Q["deliver_hold"]


def test_relapse_after_delivery_is_not_sustained():
    perf = ramp(30, 0.7)
    perf[100:] = PERF0  # back to the start: closure 0 at the end
    tr = classify(full(perf=perf), Q)
    assert tr.t_deliver == 51
    assert tr.relapsed and not tr.sustained
    assert tr.phase[-1] == "deliver"  # the phase list records what was reached; relapse is separate
    assert tr.score < classify(full(), Q).score


def test_small_dip_within_the_relapse_margin_is_not_a_relapse():
    """Closure ends at 0.4: below the share 0.5 but within the margin 0.15, so still sustained; the
    same end with a margin of 0.05 is a relapse."""
    perf = ramp(30, 0.7)
    perf[100:] = 0.5  # closure 0.4
    tr = classify(full(perf=perf), Q)
    assert tr.t_deliver == 51 and not tr.relapsed and tr.sustained
    assert classify(full(perf=perf), {**Q, "relapse_margin": 0.05}).relapsed


# --- order is enforced ------------------------------------------------------------------------------


def test_build_before_start_does_not_count():
    """Capacity rose at month 3, before the start at 10, and stays flat after: no build."""
    tr = classify(series(cross=2, motivate=10, capacity=3, levels=35, perf=ramp(30, 0.7)), Q)
    assert tr.t_start == 10
    assert tr.t_build is None and tr.t_activate is None and tr.t_deliver is None


def test_activation_conditions_before_build_count_only_from_build():
    """Levels are high from month 20 and growth accelerates from month 31, but build is at 40:
    activation is at 40, not 31."""
    tr = classify(series(cross=3, motivate=5, capacity=40, levels=20, perf=ramp(30, 0.7)), Q)
    assert tr.t_build == 40
    assert tr.t_activate == 40
    assert_phase_list_consistent(tr)


def test_activation_conditions_gone_by_build_do_not_activate():
    """Acceleration (growth from month 5, flat from 18 on) is over long before build at 40."""
    tr = classify(series(cross=1, motivate=2, capacity=40, levels=2, perf=ramp(5, 0.45)), Q)
    assert tr.t_build == 40
    assert tr.t_activate is None and tr.t_deliver is None


def test_delivery_before_activation_counts_only_from_activation():
    """The gap is closed from month 51 but the levels only rise at 70: deliver waits for activate.
    Performance starts accelerating again at 65 so that activation at 70 is possible."""
    perf = ramp(30, 0.6)
    perf[65:] = np.minimum(0.6 + SLOPE * (np.arange(65, T) - 64), 0.7)
    tr = classify(full(perf=perf, levels=70), Q)
    assert tr.t_activate == 70
    assert tr.t_deliver == 70
    assert tr.sustained
    assert_phase_list_consistent(tr)


def test_score_orders_the_trajectories():
    trap = classify(series(), Q).score
    start = classify(series(cross=3, motivate=8), Q).score
    activate = classify(full(perf=ramp(30, 0.45)), Q).score
    sustained = classify(full(), Q).score
    assert trap < start < activate < sustained


def test_classify_is_pure():
    s = full()
    copy = {k: v.copy() for k, v in s.items()}
    a, b = classify(s, Q), classify(s, Q)
    assert a == b
    for k in s:
        np.testing.assert_array_equal(s[k], copy[k])


# --- coupling coordination degree --------------------------------------------------------------------


@pytest.mark.parametrize("u", [0.1, 0.37, 0.5, 0.9, 1.0])
def test_equal_levels_give_full_coupling(u):
    c, t, d = coupling_degree(np.full(5, u))
    assert c == pytest.approx(1.0)
    assert t == pytest.approx(u)
    assert d == pytest.approx(math.sqrt(u))


def test_one_level_near_zero_gives_coupling_near_zero():
    c, t, d = coupling_degree(np.array([1e-6, 0.8, 0.8, 0.8, 0.8]))
    assert c < 0.1
    assert t == pytest.approx(0.64, abs=1e-5)
    assert d < 0.3 * math.sqrt(t)
    c0, _, _ = coupling_degree(np.array([0.0, 0.8, 0.8, 0.8, 0.8]))
    assert np.isfinite(c0) and c0 < c


def test_coupling_hand_computed():
    """U = (0.2, 0.4, 0.6, 0.8, 1.0): product 0.0384, mean 0.6,
    C = (0.0384 / 0.6**5) ** (1/5), T = 0.6, D = sqrt(C T)."""
    u = np.array([0.2, 0.4, 0.6, 0.8, 1.0])
    c, t, d = coupling_degree(u)
    c_hand = (0.0384 / 0.6**5) ** 0.2
    assert c_hand == pytest.approx(0.8684, abs=1e-4)  # the hand calculation itself
    assert c == pytest.approx(c_hand, rel=1e-12)
    assert t == pytest.approx(0.6)
    assert d == pytest.approx(math.sqrt(c_hand * 0.6), rel=1e-12)


def test_coupling_weights_and_batch_shape():
    u = np.array([[0.2, 0.4, 0.6, 0.8, 1.0], [0.5, 0.5, 0.5, 0.5, 0.5], [0.9, 0.1, 0.9, 0.1, 0.9]])
    w = np.array([0.3, 0.2, 0.2, 0.2, 0.1])
    c, t, d = coupling_degree(u, w)
    assert c.shape == t.shape == d.shape == (3,)
    assert t[0] == pytest.approx(0.06 + 0.08 + 0.12 + 0.16 + 0.1)
    assert c[1] == pytest.approx(1.0)
    assert np.all(c <= 1.0 + 1e-12)  # geometric mean never exceeds the arithmetic mean
    assert c[2] < c[0] < c[1]
    np.testing.assert_allclose(d, np.sqrt(c * t))


# --- gap closure -------------------------------------------------------------------------------------


def test_gap_closure_fixed_benchmark():
    perf = np.array([0.3, 0.3, 0.55, 0.8, 0.2])
    g = gap_closure_series(perf, np.full(5, 0.8))
    np.testing.assert_allclose(g, [0.0, 0.0, 0.5, 1.0, -0.2])


def test_gap_closure_follows_a_moving_benchmark():
    """Closing the gap means closing it to the benchmark as it is now, not as it was."""
    perf = np.array([0.3, 0.6, 0.6])
    bench = np.array([0.8, 0.9, 0.6])
    g = gap_closure_series(perf, bench)
    assert g[1] == pytest.approx(0.5)  # 0.3 of the current 0.6 gap
    assert g[2] == pytest.approx(1.0)  # caught up with the benchmark


def test_gap_closure_is_finite_when_the_benchmark_falls_to_the_start():
    g = gap_closure_series(np.array([0.3, 0.31, 0.32]), np.array([0.8, 0.3, 0.2]))
    assert np.all(np.isfinite(g))
    assert g[0] == 0.0 and g[2] > g[1] > 0.0
