"""Pattern-oriented validation of Model 1 (`model_version = 1`; docs/MODEL.md §7; issue #2): each
pattern is a statistical claim over replicate seeds of the default sizes and 120 months. Model 2's
patterns are in test_patterns2.py.

Seeds: every scenario runs the same 50 replicate seeds spawned from ROOT_SEED (common random
numbers), so paired comparisons compare the same draws. 50 replicates is the issue's minimum; with
it a share is estimated to within about ±0.14 (95% binomial interval at p = 0.5), which is why the
thresholds below keep at least that margin from the values the model shows (recorded in the
comments, measured with these seeds on 2026-11-27).
"""

import numpy as np
import pytest

import sim
from tests.model1 import load_scenario

ROOT_SEED = 2025
REPLICATES = 50

pytestmark = [pytest.mark.slow, pytest.mark.statistical]


@pytest.fixture(scope="module")
def runs():
    cache = {}

    def get(name, **overrides):
        key = (name, tuple(sorted(overrides.items())))
        if key not in cache:
            sc = load_scenario(name, **overrides)  # Model 1 (tests/model1.py)
            cache[key] = sim.run_replicates(sc, seed=ROOT_SEED, replicates=REPLICATES)
        return cache[key]

    return get


def t90(series):
    """Month at which each replicate first reaches 90% of its own final rise in real performance."""
    out = []
    for _, g in series.groupby("replicate"):
        p = g["real_performance"].to_numpy()
        rise = p[-1] - p[0]
        out.append(int(np.argmax(p - p[0] >= 0.9 * rise)) if rise > 0 else 0)
    return np.array(out)


def test_pattern1_trap_status_quo_rarely_sustains(runs):
    # Issue #2 fixes the bar at 10%. Measured: 0 of 50 sustain, none even start.
    _, summary = runs("status_quo")
    assert summary["sustained"].mean() <= 0.10


def test_pattern2_l_county_sustains_and_starts_in_first_year(runs):
    # Issue #2: at least 80% sustain, median start within 12 months. Measured: 50/50, median month 2.
    _, summary = runs("l_county")
    assert summary["sustained"].mean() >= 0.80
    assert summary["t_start"].median() <= 12


def test_pattern3_no_action_base_starts_but_rarely_delivers(runs):
    # "Starts in most": more than half start (measured 50/50). Sustains at most a third as often
    # as l_county (measured 0/50 against 50/50).
    _, base = runs("l_county")
    _, nab = runs("no_action_base")
    assert nab["t_start"].notna().mean() > 0.5
    assert nab["sustained"].mean() <= base["sustained"].mean() / 3


def test_pattern4_frozen_pm_sustains_at_most_half_as_often(runs):
    # Issue #2: at most half as often as l_county and a lower median final real performance.
    # Measured: about 2 of 50 against 50/50; median final real performance ~0.51 against ~0.68.
    _, base = runs("l_county")
    _, frozen = runs("frozen_pm")
    assert frozen["sustained"].mean() <= base["sustained"].mean() / 2
    assert frozen["final_real_performance"].median() < base["final_real_performance"].median()


def test_pattern5_closed_channels_goal_displacement(runs):
    # Paired on the same replicate seeds: with channels closed, the end gap between assessed and
    # real performance is larger and satisfaction lower. "Clear majority" is set at 75% of pairs,
    # well above the 50% of chance and 3.5 standard errors of a fair coin at n = 50
    # (0.5 + 3.5 * 0.071); measured: 50/50 pairs for both.
    _, base = runs("l_county")
    _, closed = runs("closed_channels")
    assert (base["seed"].to_numpy() == closed["seed"].to_numpy()).all()
    gap_base = base["final_assessed_performance"] - base["final_real_performance"]
    gap_closed = closed["final_assessed_performance"] - closed["final_real_performance"]
    assert (gap_closed.to_numpy() > gap_base.to_numpy()).mean() >= 0.75
    assert (closed["final_satisfaction"].to_numpy() < base["final_satisfaction"].to_numpy()).mean() >= 0.75


def test_pattern6_cutting_the_feedback_loop_plateaus_early_and_low(runs):
    # k_ME_DI = 0 cuts evaluation feedback into drive. "Clearly below": the median final real
    # performance is at least 0.1 lower (measured ~0.46 against ~0.68, replicate s.d. ~0.02 each).
    # "Plateaus early": the median month at which a run reaches 90% of its own final rise comes
    # earlier than the baseline's (measured ~38 against ~97).
    base_series, base = runs("l_county")
    cut_series, cut = runs("l_county", k_ME_DI=0.0)
    assert cut["final_real_performance"].median() <= base["final_real_performance"].median() - 0.1
    assert np.median(t90(cut_series)) < np.median(t90(base_series))
