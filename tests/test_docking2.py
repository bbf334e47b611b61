"""Docking of Model 2: the vectorised engine (`sim.model2`: arrays with a batch axis and numba
kernels) and the idiomatic-Mesa reference implementation (benchmarks/reference/model2: one Python
object per agent, written from docs/ODD.md and not from the engine's code) give statistically
indistinguishable outputs. Docking (Axtell, Axelrod, Epstein & Cohen 1996) is what shows that the
fast engine is the model its ODD describes: a porting slip on either side, an artefact of updating
whole arrays at once, or a rule the ODD describes differently from the code shifts a distribution and
fails here.

The slow test compares distributions over seeds (the two implementations draw their random numbers
in different orders and from different generators, so single runs are not comparable); the fast tests
check the port's structure and one seed of each implementation on a trap and on the baseline.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import mesa
import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact, ks_2samp

import sim
from benchmarks.reference.model2 import RULES, Cadre, Citizen, Department, Leader, ReferenceModel2, run_reference2
from benchmarks.reference.model2.model import EVENT_KINDS
from sim.interventions import INTERVENTIONS
from sim.model2.engine import KERNELS, NUMPY_RULES, STEP_RULES
from sim.model2.readout import NAMES
from sim.record import SUMMARY_COLUMNS, SUMMARY_EXTRA

# Sizes do not change the rules, only the noise: docking at a fifth of the default agents (8
# departments, two per domain, under the same 7 leaders; 8 cadres per department; 50 citizens per
# township in 4 townships) and a pool of 100 problem slots keeps the reference at ~0.3 s a run
# instead of ~1.3 s, with the full 120-month horizon after the 24-month spin-up. The dynamics stay
# (the vectorised engine, the 300 seeds of VECTORISED_ROOT, version 0.4.0): l_county starts in every
# run and activates in 299 of 300 (median activation month 13) and sustains 96%; status_quo never
# starts; no_action_base starts in 95% of runs and activates in 89%, but sustains only 46%. The pool never
# fills at these sizes (`pool_full` is 0 in every run of the three scenarios; at most ~67 problems
# are open at once), so the smaller pool changes only the cost.
DOCK_SIZES = {"n_citizens": 200, "n_cadres": 64, "n_departments": 8, "n_townships": 4, "problem_slots": 100}
BASELINE = "l_county"
TRAP = "status_quo"
FAILING = "no_action_base"

# Seeds: 300 runs per implementation and scenario. With n = m = 300 and the per-test alpha below
# (4.3e-4), the two-sample KS test rejects at D > 2.05 * sqrt(2 / 300) = 0.168; by simulation (normal
# samples) it detects a shift of the mean by 0.3 standard deviations between the implementations 29%
# of the time, by 0.4 SD 72% and by 0.5 SD 95% of the time. By simulation (1,500 pairs of binomial
# samples), Fisher's exact test detects a drop of a share of 0.96 (l_county sustaining) to 0.88
# half the time, to 0.85 86% and to 0.80 nearly always, and a change of a share of 0.46
# (no_action_base sustaining) by 0.15 (to 0.61 or 0.31) a little over half the time and by 0.19 (to
# 0.65 or 0.27) nine times in ten. The two samples use seeds spawned from different roots: both implementations
# seed NumPy generators from the seed, and shared seeds would make draws coincide, so the samples
# would not be independent as the tests assume.
N_SEEDS = 300
REFERENCE_ROOT = 5001
VECTORISED_ROOT = 5002

# The outputs docked, per scenario. The months of start and activation are compared where defined
# (KS) and by how often they are defined (Fisher's exact test, here for activation, and for
# `sustained`), so a difference in how often a phase happens cannot hide; in the trap nothing starts,
# so only the final levels are compared there.
FINAL = (
    "final_real_performance",
    "final_assessed_performance",
    "final_satisfaction",
    "final_engaged_share",
    "final_backlog",
)
CONTINUOUS = {BASELINE: (*FINAL, "t_start", "t_activate"), TRAP: FINAL, FAILING: (*FINAL, "t_start", "t_activate")}
SHARES = {BASELINE: ("sustained", "t_activate"), TRAP: ("sustained",), FAILING: ("sustained", "t_activate")}
N_TESTS = sum(len(v) for v in CONTINUOUS.values()) + sum(len(v) for v in SHARES.values())

# Threshold: the null hypothesis of each test is "same distribution". A family-wise error rate of 1%
# over the N_TESTS = 23 tests (Bonferroni: 0.01 / 23 = 4.3e-4 per test) means a correct port fails
# this test for an unlucky choice of seeds at most once in a hundred choices; the seeds are fixed, so
# the test is deterministic and not flaky. KS p-values of discrete data (months, the engaged share in
# eighths, the backlog in problems) are conservative, so for those outputs the threshold is, if
# anything, lenient.
FAMILY_ALPHA = 0.01
ALPHA = FAMILY_ALPHA / N_TESTS

# Runtime of the whole slow test (3 x 300 runs of each implementation, the reference on a pool of 2
# spawned processes): 2 min 42 s wall clock, measured 2026-12-01 (version 0.4.0) on this 2-core
# machine with nothing else running; nearly all of it is the reference (about 0.3 s a run on one
# core), the vectorised engine takes about a second per scenario.


def dock_scenario(name: str, **overrides) -> sim.Scenario:
    return sim.load_scenario(name, model_version=2, **DOCK_SIZES, **overrides)


def dock_samples(names, n_seeds: int, **overrides) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per scenario, the (reference, vectorised) summaries of n_seeds runs each at DOCK_SIZES (the
    first n_seeds of each root). The reference runs in 2 spawned processes (fork would copy a threaded
    parent); each run frees its model."""
    ref_seeds = [sim.replicate_seed(REFERENCE_ROOT, i) for i in range(n_seeds)]
    vec_seeds = [sim.replicate_seed(VECTORISED_ROOT, i) for i in range(n_seeds)]
    out = {}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        for name in names:
            sc = dock_scenario(name, **overrides)
            ref = list(pool.map(partial(run_reference2, sc), ref_seeds, chunksize=10))
            vec = [r.summary for r in sim.run_batch([sc] * n_seeds, vec_seeds)]
            out[name] = (pd.DataFrame(ref), pd.DataFrame(vec))
    return out


@pytest.fixture(scope="module")
def samples() -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    return dock_samples(CONTINUOUS, N_SEEDS)


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize(("scenario", "output"), [(s, o) for s, outs in CONTINUOUS.items() for o in outs])
def test_docking2_ks(samples, scenario, output):
    ref, vec = samples[scenario]
    a = ref[output].dropna().to_numpy(dtype=float)
    b = vec[output].dropna().to_numpy(dtype=float)
    assert a.size >= 0.5 * N_SEEDS and b.size >= 0.5 * N_SEEDS, f"{scenario} {output}: too few defined values"
    p = ks_2samp(a, b).pvalue
    print(
        f"{scenario} {output}: KS p = {p:.3f}; reference {a.mean():.4f} ± {a.std():.4f} (n={a.size}), "
        f"vectorised {b.mean():.4f} ± {b.std():.4f} (n={b.size})"
    )
    assert p > ALPHA, (
        f"{scenario} {output}: the implementations differ (KS p = {p:.2g} <= {ALPHA:.2g}); reference mean "
        f"{a.mean():.4f} sd {a.std():.4f}, vectorised mean {b.mean():.4f} sd {b.std():.4f}"
    )


@pytest.mark.slow
@pytest.mark.statistical
@pytest.mark.parametrize(("scenario", "output"), [(s, o) for s, outs in SHARES.items() for o in outs])
def test_docking2_shares(samples, scenario, output):
    """How often a run sustains, and how often activation happens (t_activate defined)."""
    ref, vec = samples[scenario]

    def hits(d):
        return d[output].astype(bool) if output == "sustained" else d[output].notna()

    table = [[int(hits(d).sum()), int((~hits(d)).sum())] for d in (ref, vec)]
    p = fisher_exact(table).pvalue
    print(f"{scenario} {output}: reference {table[0][0]}/{N_SEEDS}, vectorised {table[1][0]}/{N_SEEDS}, p = {p:.3f}")
    assert p > ALPHA, f"{scenario} {output}: {table[0][0]} vs {table[1][0]} of {N_SEEDS} runs (p = {p:.2g})"


# --- fast checks of the port --------------------------------------------------------------------------


def test_reference_ports_every_rule_in_order():
    """Every rule of the engine's step has its counterpart, in the same order and subsystem: the plain
    NumPy step one to one (`performance_numpy` is `readout.performance`), and each compiled kernel of
    `STEP_RULES` the run of NumPy rules it replaces."""
    numpy_rules = [(label, rule.__name__.removesuffix("_numpy")) for label, rule in NUMPY_RULES]
    assert list(RULES) == numpy_rules
    for _, name in RULES:
        assert callable(getattr(ReferenceModel2, f"rule_{name}")), name
    covered, i = [], 0
    for label, kernel in STEP_RULES:
        first = NUMPY_RULES[i][1]
        n, compiled = KERNELS.get(first, (1, first))
        assert kernel is compiled and label == NUMPY_RULES[i][0]
        covered.extend(RULES[i : i + n])
        i += n
    assert covered == list(RULES)


def test_reference_agents_are_mesa_agents_of_four_types():
    sc = dock_scenario(BASELINE)
    p = sc.params
    model = ReferenceModel2(sc, seed=3)
    for _ in range(24):  # through the campaigns (a rectification replaces cadres) and some brain drain
        model.step()
    expected = {Leader: p["n_leaders"], Department: p["n_departments"], Cadre: p["n_cadres"], Citizen: p["n_citizens"]}
    assert {cls: len(agents) for cls, agents in model.agents_by_type.items()} == expected
    assert all(isinstance(a, mesa.Agent) for a in model.agents)
    assert sum(len(d.cadres) for d in model.dept_list) == p["n_cadres"]
    assert all(d.head in d.cadres for d in model.dept_list)
    assert all(c.department is d for d in model.dept_list for c in d.cadres)
    assert not any(isinstance(q, mesa.Agent) for q in model.problems())  # problems are not agents
    model.free()


def test_reference_records_every_measure_and_frees_the_model():
    model = ReferenceModel2(dock_scenario(BASELINE), seed=3)
    for _ in range(12):
        model.step()
    series = model.series()
    assert list(series) == list(NAMES)
    for name, values in series.items():
        assert values.shape == (13,) and np.isfinite(values).all(), name
    model.free()
    assert len(model.agents) == 0
    assert model not in getattr(mesa.Agent, "_ids", {})


def test_reference_is_reproducible():
    sc = dock_scenario(BASELINE)
    assert run_reference2(sc, seed=5, steps=24) == run_reference2(sc, seed=5, steps=24)


def test_reference_monitoring_is_blind_where_it_asks_residents_behind_closed_channels():
    """The reference's monitoring hazard is the engine's (§7.11): exactly routine + monitoring x PM with
    channels open; 1 - 0.5 x 0.6 = 0.7 of the inspections' part with half the checks asking residents
    behind channels 40% open; and the engine's `_detection` gives the same number for the same inputs."""
    from sim.model2.management_execution import _detection

    model = ReferenceModel2(dock_scenario(BASELINE), seed=3)
    for _ in range(30):
        model.step()
    p = model.p
    assert model.pm_maturity > 0.05
    full = p.monitoring_rate * model.pm_maturity
    p.channel_openness = 1.0
    assert model.monitor_hazard() == p.routine_listing + full
    p.channel_openness, p.citizen_verification = 0.4, 0.5
    assert model.monitor_hazard() == pytest.approx(p.routine_listing + 0.7 * full, rel=1e-12)
    closed = dock_scenario(BASELINE).with_overrides(channel_openness=0.4, citizen_verification=0.5)
    engine = sim.model.CountyModel(closed, seed=3, build_agents=False).engine
    engine.s.pm_maturity[:] = model.pm_maturity
    assert _detection(engine.s, engine.p)[0][0, 0] == pytest.approx(model.monitor_hazard(), rel=1e-12)


@pytest.mark.parametrize(("ratio", "stalls"), [(1.02, False), (0.98, True)])
def test_reference_stall_trend_is_bias_corrected(ratio, stalls):
    """The reference's stall rule (§7.32): a steady gain of `ratio` x `stall_progress` a month since
    month 0 is read as that gain at month 13 (2% above: no stall; 2% below: a stall); a new top leader
    then clears the flag, a new supervising leader does not."""
    model = ReferenceModel2(dock_scenario(BASELINE), seed=3)
    for _ in range(13):
        model.step()
    assert model.t == 13 and model.launched and model.top.tenure >= 12
    gain = ratio * model.p.stall_progress
    model.last_real = model.overall_real() - gain
    model.progress_trend = gain * (1.0 - (11.0 / 12.0) ** (model.t - 1))
    model.rule_stall()
    assert model.stalled == stalls
    model.stalled = True
    model.new_leader(model.leader_list[1], 0.6, 0.5, 0.5, 0.5)
    assert model.stalled
    model.new_leader(model.top, 0.6, 0.5, 0.5, 0.5)
    assert not model.stalled


def test_reference_ports_every_intervention_kind():
    assert set(EVENT_KINDS) == set(INTERVENTIONS)


@pytest.mark.parametrize("name", [TRAP, BASELINE])
def test_one_seed_both_in_range_with_the_same_phase_structure(name):
    """Both implementations give finite outputs in range; on the trap neither starts, on the baseline
    both start (as every run of either did in 300 seeds of each at these sizes, so one seed is a fair
    check)."""
    sc = dock_scenario(name)
    ref = run_reference2(sc, seed=7)
    vec = sim.run_batch([sc], [7])[0].summary
    for summary in (ref, vec):
        assert list(summary) == [*SUMMARY_COLUMNS, *SUMMARY_EXTRA]
        for key in ("final_real_performance", "final_assessed_performance", "final_satisfaction", "trajectory_score"):
            assert math.isfinite(summary[key]) and 0.0 <= summary[key] <= 1.0, key
        assert 0.0 <= summary["final_engaged_share"] <= 1.0
        assert summary["final_backlog"] >= 0 and math.isfinite(summary["gap_closure"])
    if name == TRAP:
        for summary in (ref, vec):
            assert summary["t_start"] is None and summary["t_activate"] is None and not summary["sustained"]
    else:
        for summary in (ref, vec):
            assert summary["t_start"] is not None and summary["t_activate"] is not None
