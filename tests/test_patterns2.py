"""Model 2's patterns (docs/MODEL.md §7; issue 10): statistical claims over 50 common-random-number
seeds of the default sizes and 120 months, with the effect sizes fixed before the model was built.

"Clearly lower" is lower by at least 0.05 and by at least a quarter of L County's own gain over the
run in that outcome. Every scenario runs the same 50 replicate seeds spawned from ROOT_SEED, so
comparisons are paired on the same draws; a share from 50 seeds is known to about ±0.14 (95%
binomial interval at p = 0.5), so a share threshold is asserted only where the measured share keeps
that margin. Values measured with these seeds on 2026-11-30 are in each docstring
(`python -m sim.model2.findings` prints them).

Not asserted because Model 2 does not yet reproduce it at its defaults (docs/ODD.md §12 says by
how much): pattern 1's "within 0.05 of the start in 95% of seeds" (88%). It holds with the measured
trap balance (`measured_balance`, docs/ODD.md §13), which a test below checks and the next
results-changing release makes the default. Patterns 6-8 are findings,
not calibration targets; 6 and 7 are checked below for the direction and size the findings report,
pattern 8 by `county-sim ablate`.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import sim
from sim.model import make_engine
from sim.model2.readout import COL

ROOT_SEED = 2025
REPLICATES = 50
SEEDS = [sim.replicate_seed(ROOT_SEED, r) for r in range(REPLICATES)]

pytestmark = [pytest.mark.slow, pytest.mark.statistical]


@pytest.fixture(scope="module")
def runs():
    cache: dict = {}

    def get(name: str, **overrides):
        key = (name, tuple(sorted(overrides.items())))
        if key not in cache:
            sc = sim.load_scenario(name, model_version=2, **overrides)
            engine = make_engine([sc] * REPLICATES, SEEDS, sc.steps)
            for _ in range(engine.steps):
                engine.step()
            rows = [summary for _, summary in engine.results(with_series=False)]
            start = engine.recorder.data[0, :, COL["real_performance"]]
            data = engine.recorder.data
            solved = data[1:, :, COL["problems_solved"]].sum(axis=0)
            cross = data[1:, :, COL["solved_cross"]].sum(axis=0)
            late_cross = data[-12:, :, COL["backlog_cross"]].mean(axis=0)
            for i, row in enumerate(rows):
                row["start_satisfaction"] = float(data[0, i, COL["satisfaction"]])
                row["solved_single"] = float(solved[i] - cross[i])
                row["late_backlog_cross"] = float(late_cross[i])
            cache[key] = (rows, start)
        return cache[key]

    return get


def col(rows, key) -> np.ndarray:
    return np.array([np.nan if r[key] is None else float(r[key]) for r in rows])


def clearly_lower(base: np.ndarray, other: np.ndarray, gain: float) -> bool:
    """Mean lower by at least 0.05 and by a quarter of L County's own gain in that outcome."""
    drop = np.mean(base) - np.mean(other)
    return drop >= 0.05 and drop >= 0.25 * gain


def test_pattern1_trap_without_new_drive(runs):
    """No new drive, no escape: none of 50 seeds sustains (at most 5% allowed). Measured mean change
    of real performance +0.006 (SD 0.036); 88% of seeds within 0.05 of the start (95% is not yet met,
    see the module docstring), so the test asks only that the mean stays within 0.05."""
    rows, start = runs("status_quo")
    assert col(rows, "sustained").mean() <= 0.05
    assert abs(np.mean(col(rows, "final_real_performance") - start)) < 0.05


#: The trap balance that reaches pattern 1 (docs/ODD.md §13): the burden held at its target through a
#: 48-month spin-up, arrivals from the hidden stock's measured outflow, problems overtaken a little
#: faster. Off by default until the release that remeasures everything on it.
MEASURED_BALANCE = {"spin_up": 48, "measured_balance": True, "problem_obsolescence": 0.045}


def test_pattern1_holds_with_the_measured_balance(runs):
    """With MEASURED_BALANCE the trap keeps real performance within 0.05 of its start in at least 95%
    of seeds, the pattern's own threshold, asserted over 200 seeds (root 2025) because 50 cannot
    tell 95% from 97%: measured 97.0% (mean change -0.006, SD 0.022; today's balance: 85.5%, SD
    0.035). The mean change must stay within 0.01, a fifth of the band (measured -0.006), and L
    County on the same balance must still escape (sustains 0.88 of the 50 pattern seeds; pattern 2
    asks two thirds)."""
    seeds = [sim.replicate_seed(ROOT_SEED, r) for r in range(200)]
    sc = sim.load_scenario("status_quo", model_version=2, **MEASURED_BALANCE)
    engine = make_engine([sc] * len(seeds), seeds, sc.steps)
    for _ in range(engine.steps):
        engine.step()
    rows = [summary for _, summary in engine.results(with_series=False)]
    change = col(rows, "final_real_performance") - engine.recorder.data[0, :, COL["real_performance"]]
    assert np.mean(np.abs(change) < 0.05) >= 0.95
    assert abs(np.mean(change)) <= 0.01
    assert col(rows, "sustained").mean() <= 0.05
    l_county, _ = runs("l_county", **MEASURED_BALANCE)
    assert col(l_county, "sustained").mean() >= 2 / 3


def test_pattern2_l_county_escapes_not_arithmetically(runs):
    """L County sustains in at least two thirds of seeds (measured 1.00; 0.96 over 200 seeds of four
    roots), starts within the first year (median start month 6), and the activation month varies
    (interquartile range 12.8, at least 3)."""
    rows, _ = runs("l_county")
    assert col(rows, "sustained").mean() >= 2 / 3
    assert np.nanmedian(col(rows, "t_start")) <= 12
    t_act = col(rows, "t_activate")
    q1, q3 = np.nanpercentile(t_act, [25, 75])
    assert q3 - q1 >= 3


def test_pattern2_resolve_decides_between_escape_and_failure(runs):
    """Somewhere in the range of reform_resolve both escape and failure occur: the share sustaining
    lies in (0.1, 0.9) over an interval at least 0.1 wide. Measured 0.02, 0.22, 0.56, 0.76 at resolve
    0.4, 0.5, 0.6, 0.7 (0.96 at 0.8)."""
    inside = []
    for resolve in (0.4, 0.5, 0.6, 0.7):
        rows, _ = runs("l_county", reform_resolve=resolve)
        share = col(rows, "sustained").mean()
        inside.append(0.1 < share < 0.9)
    assert any(a and b for a, b in itertools.pairwise(inside))  # two neighbours 0.1 apart


def test_pattern3_no_action_base(runs):
    """Without the action base the county starts (measured 86%) but rarely delivers (sustains 0.02
    against L County's 1.00: at most a third), with clearly lower final performance (0.443 against
    0.726; L County's gain 0.40)."""
    base, start = runs("l_county")
    rows, _ = runs("no_action_base")
    assert np.mean(~np.isnan(col(rows, "t_start"))) >= 0.5
    assert col(rows, "sustained").mean() <= col(base, "sustained").mean() / 3
    gain = np.mean(col(base, "final_real_performance") - start)
    assert clearly_lower(col(base, "final_real_performance"), col(rows, "final_real_performance"), gain)


def test_pattern4_frozen_pm_is_the_sharp_tool(runs):
    """Performance management frozen at its start: sustains 0.02 against 1.00 (at most half), final
    real performance 0.466 against 0.726 (clearly lower)."""
    base, start = runs("l_county")
    rows, _ = runs("frozen_pm")
    assert col(rows, "sustained").mean() <= col(base, "sustained").mean() / 2
    gain = np.mean(col(base, "final_real_performance") - start)
    assert clearly_lower(col(base, "final_real_performance"), col(rows, "final_real_performance"), gain)


def test_pattern5_closed_channels_goal_displacement(runs):
    """Channels closed: assessed runs ahead of real by at least the pattern's 0.05 and at least twice
    L County's gap (measured 0.057 against 0.011), and satisfaction is clearly lower: by at least 0.05
    and a quarter of L County's own gain in satisfaction (measured 0.586 against 0.684, a drop of 0.098
    against a quarter-gain of about 0.09). Since version 0.4.0 closed channels also blind the share of
    monitoring that checks closures with the residents (`citizen_verification`)."""
    base, _ = runs("l_county")
    rows, _ = runs("closed_channels")

    def gap(r):
        return np.mean(col(r, "final_assessed_performance") - col(r, "final_real_performance"))

    assert gap(rows) >= 0.05
    assert gap(rows) >= 2 * gap(base)
    gain = np.mean(col(base, "final_satisfaction") - col(base, "start_satisfaction"))
    assert clearly_lower(col(base, "final_satisfaction"), col(rows, "final_satisfaction"), gain)


def test_pattern5_blinded_inspections_widen_the_closed_channel_gap(runs):
    """The mechanism behind pattern 5's size, on the same 50 seeds: behind closed channels, inspections
    that ask the residents (`citizen_verification` 0.75, the default) leave assessed further ahead of real
    than monitoring blind to channels (0, version 0.3.0's rule): by at least 0.02 (measured 0.057 against
    0.032, +0.025), while in L County, whose channels are 70% open, it changes the gap by less than 0.01
    (0.011 against 0.009: a quarter of the checks blinded at most)."""

    def gap(r):
        return np.mean(col(r, "final_assessed_performance") - col(r, "final_real_performance"))

    closed, closed0 = runs("closed_channels")[0], runs("closed_channels", citizen_verification=0.0)[0]
    assert gap(closed) - gap(closed0) >= 0.02
    base, base0 = runs("l_county")[0], runs("l_county", citizen_verification=0.0)[0]
    assert abs(gap(base) - gap(base0)) < 0.01


def test_pattern6_cutting_evaluation_feedback_plateaus(runs):
    """A finding, checked for its direction and size: with k_ME_DI = 0 performance stops rising after
    the first term (from the middle month to the end: -0.024, full model +0.038) and ends lower by at least
    the patterns' 0.05 (measured 0.590 against 0.726); the county sustains less often (0.56 against 1.00)."""
    base, _ = runs("l_county")
    rows, _ = runs("l_county", k_ME_DI=0.0)
    drop = np.mean(col(base, "final_real_performance")) - np.mean(col(rows, "final_real_performance"))
    assert drop >= 0.05
    assert col(rows, "sustained").mean() < col(base, "sustained").mean()


def test_pattern7_without_task_forces_cross_problems_pile_up(runs):
    """A finding: with k_CL_ME = 0 the open cross-department backlog of the last year is 1.63 times
    the full model's (3.44 against 2.11) while single-department problems are still solved (within 2%:
    804 against 819 over the run). The test asks for at least 1.25 times and singles within 5%."""
    base, _ = runs("l_county")
    rows, _ = runs("l_county", k_CL_ME=0.0)
    assert np.mean(col(rows, "late_backlog_cross")) >= 1.25 * np.mean(col(base, "late_backlog_cross"))
    singles = np.mean(col(rows, "solved_single")) / np.mean(col(base, "solved_single"))
    assert singles >= 0.95
