"""Docking of Model 1 (issue 4; Model 2's is test_docking2.py): the vectorised model and the
idiomatic-Mesa reference implementation (benchmarks/reference, one Python object per agent, written
independently from the same rules) give statistically indistinguishable outputs. Docking (Axtell,
Axelrod, Epstein & Cohen 1996) is what shows that the fast model is the model the spec describes: a
porting slip on either side, or an artefact of updating whole arrays at once, shifts a distribution
and fails here.

The slow test compares distributions over seeds (the two implementations draw their random numbers
in different orders, so single runs are not comparable); the fast tests check the port's structure
and one seed of each implementation on a trap and on the baseline.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, ks_2samp

import sim
from benchmarks.reference import RULES, ReferenceModel, run_reference
from sim.model import STEP_RULES
from sim.record import MEASURES
from tests.model1 import load_scenario

# Sizes do not change the rules, only the noise: docking at a fifth of the default agents (8
# departments, two per domain; 8 cadres per department; 50 citizens per township) keeps the reference
# at ~0.2 s a run instead of ~0.7 s, with the full 120-month horizon (at these sizes activation comes
# at month ~35 and delivery at ~62, as at the default sizes). The test takes 40-60 s on this 2-core
# machine. Docking at the default sizes passed too when tried by hand (2026-11-27: 200 seeds, all
# p >= 0.07; another 300 seeds, all p >= 0.5), as did frozen_pm, status_quo, closed_channels and
# no_action_base at these sizes (200 seeds each, all p >= 0.016 before any multiple-test correction).
DOCK_SIZES = {"n_citizens": 200, "n_cadres": 64, "n_departments": 8, "n_townships": 4}
SCENARIO = "l_county"

# Seeds: 300 runs per implementation (the issue asks for at least 100). With n = m = 300 and the
# per-test alpha below, the KS test rejects at D > 1.90 * sqrt(2 / 300) = 0.155, so a mean shift of
# about 0.4 standard deviations between the implementations is detected half the time, and one of 0.6
# about 95% of the time. The two samples use seeds spawned from different roots: the implementations seed the same
# NumPy generator type from the seed, and shared seeds would make their first draws (the leaders'
# resolve) coincide, so the samples would not be independent as the KS test assumes.
N_SEEDS = 300
REFERENCE_ROOT = 4001
VECTORISED_ROOT = 4002

# The outputs docked. t_activate is compared where defined (KS) and by how often it is defined
# (Fisher's exact test), so a difference in how often activation happens cannot hide.
CONTINUOUS = (
    "final_real_performance",
    "final_assessed_performance",
    "final_satisfaction",
    "gap_closure",
    "trajectory_score",
)
N_TESTS = len(CONTINUOUS) + 2

# Threshold: the null hypothesis of each test is "same distribution". A family-wise error rate of 1%
# over the 7 tests (Bonferroni: 0.01 / 7 = 0.0014 per test) means a correct port fails this test for
# an unlucky choice of seeds at most once in a hundred choices; the seeds are fixed, so the test is
# deterministic and not flaky. KS p-values of discrete data (t_activate, integer months) are
# conservative, so for that output the threshold is, if anything, lenient.
FAMILY_ALPHA = 0.01
ALPHA = FAMILY_ALPHA / N_TESTS

TRAP = "status_quo"


def dock_scenario(name: str = SCENARIO) -> sim.Scenario:
    return load_scenario(name, **DOCK_SIZES)  # Model 1 (tests/model1.py)


@pytest.fixture(scope="module")
def samples() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reference, vectorised) summaries of N_SEEDS runs each. The reference runs in 2 spawned
    processes (fork would copy a threaded parent: Python 3.12 warns); each run frees its model."""
    sc = dock_scenario()
    ref_seeds = [sim.replicate_seed(REFERENCE_ROOT, i) for i in range(N_SEEDS)]
    vec_seeds = [sim.replicate_seed(VECTORISED_ROOT, i) for i in range(N_SEEDS)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        ref = list(pool.map(partial(run_reference, sc), ref_seeds, chunksize=10))
    vec = [r.summary for r in sim.run_batch([sc] * N_SEEDS, vec_seeds)]
    return pd.DataFrame(ref), pd.DataFrame(vec)


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize("output", [*CONTINUOUS, "t_activate"])
def test_docking_ks(samples, output):
    ref, vec = samples
    a = ref[output].dropna().to_numpy(dtype=float)
    b = vec[output].dropna().to_numpy(dtype=float)
    assert a.size >= 0.9 * N_SEEDS and b.size >= 0.9 * N_SEEDS, f"{output}: too few defined values"
    p = ks_2samp(a, b).pvalue
    print(
        f"{output}: KS p = {p:.3f}; reference {a.mean():.4f} ± {a.std():.4f}, vectorised {b.mean():.4f} ± {b.std():.4f}"
    )
    assert p > ALPHA, (
        f"{output}: the implementations differ (KS p = {p:.2g} <= {ALPHA:.2g}); reference mean "
        f"{a.mean():.4f} sd {a.std():.4f}, vectorised mean {b.mean():.4f} sd {b.std():.4f}"
    )


@pytest.mark.slow
@pytest.mark.statistical
def test_docking_activation_share(samples):
    ref, vec = samples
    table = [[int(d["t_activate"].notna().sum()), int(d["t_activate"].isna().sum())] for d in (ref, vec)]
    p = fisher_exact(table).pvalue
    print(f"t_activate defined: reference {table[0][0]}/{N_SEEDS}, vectorised {table[1][0]}/{N_SEEDS}, p = {p:.3f}")
    assert p > ALPHA, f"activation happens in {table[0][0]} vs {table[1][0]} of {N_SEEDS} runs (p = {p:.2g})"


# --- fast checks of the port --------------------------------------------------------------------------


def test_reference_ports_every_rule_in_order():
    assert list(RULES) == [rule.__name__ for _, rule in STEP_RULES]
    for name in RULES:
        assert callable(getattr(ReferenceModel, f"rule_{name}"))


def test_reference_records_every_measure_and_frees_the_model():
    import mesa

    sc = dock_scenario()
    model = ReferenceModel(sc, seed=3)
    for _ in range(12):
        model.step()
    series = model.series()
    assert list(series) == list(MEASURES)
    for name, values in series.items():
        assert values.shape == (13,) and np.isfinite(values).all(), name
    model.free()
    assert len(model.agents) == 0
    assert model not in getattr(mesa.Agent, "_ids", {})


def test_reference_is_reproducible():
    sc = dock_scenario()
    assert run_reference(sc, seed=5, steps=24) == run_reference(sc, seed=5, steps=24)


@pytest.mark.parametrize("name", [TRAP, SCENARIO])
def test_one_seed_both_in_range_with_the_same_phase_structure(name):
    """Both implementations give finite outputs in range; on the trap neither starts, on the baseline
    both start and build (as every run of either did in 200 seeds of the trap and 300 of the baseline
    at these sizes, so one seed is a fair check)."""
    sc = dock_scenario(name)
    ref = run_reference(sc, seed=7)
    vec = sim.run_batch([sc], [7])[0].summary
    for summary in (ref, vec):
        assert list(summary) == list(sim.SUMMARY_COLUMNS)
        for key in ("final_real_performance", "final_assessed_performance", "final_satisfaction", "trajectory_score"):
            assert math.isfinite(summary[key]) and 0.0 <= summary[key] <= 1.0, key
        assert math.isfinite(summary["gap_closure"])
    if name == TRAP:
        for summary in (ref, vec):
            assert summary["t_start"] is None and summary["t_build"] is None and not summary["sustained"]
    else:
        for summary in (ref, vec):
            assert summary["t_start"] is not None and summary["t_build"] is not None
