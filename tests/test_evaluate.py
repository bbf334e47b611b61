"""The function interface for other tools (issue 12): `sim.evaluate` and `sim.evaluate_many` give
`sim.run`'s numbers as plain numbers, in the rows' order, with flat memory."""

from __future__ import annotations

import math
import resource

import pytest

import sim
from sim.evaluate import OUTPUTS

SMALL = {"n_citizens": 200, "n_cadres": 64, "n_departments": 8, "n_townships": 4, "n_leaders": 3}
SMALL_SCENARIO = sim.load_scenario("l_county").with_overrides(**SMALL)


def same(a: dict, b: dict) -> bool:
    """Equal number for number, NaN equal to NaN."""
    return a.keys() == b.keys() and all(
        a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k])) for k in a
    )


@pytest.mark.parametrize(
    ("scenario", "params"),
    [
        ("l_county", {"k_ME_DI": 0.2, **SMALL}),
        ("status_quo", SMALL),  # the trap: phases never reached come back as NaN
        ("l_county", {"model_version": 1, **SMALL}),  # Model 1 too (no Model 2 extras)
    ],
)
def test_evaluate_is_sim_run_as_plain_numbers(scenario, params):
    got = sim.evaluate(params, seed=7, scenario=scenario, steps=36)
    want = sim.run(sim.load_scenario(scenario, **params), seed=7, steps=36).summary
    assert list(got) == [k for k in OUTPUTS if k in want]
    for key, value in got.items():
        assert type(value) is (int if key == "seed" else float), (key, value)
        w = want[key]
        if w is None:
            assert math.isnan(value), key
        else:
            assert value == float(w), (key, value, w)
    if scenario == "status_quo":
        assert math.isnan(got["t_start"]) and got["sustained"] == 0.0


def test_evaluate_many_keeps_the_rows_order_across_groups_and_chunks():
    """Rows of two agent counts and two horizons, interleaved, in chunks of 3: each row's numbers are
    what evaluate gives alone, in the order given."""
    rows = []
    for i in range(8):
        row = {"reform_resolve": 0.3 + 0.08 * i, **SMALL}
        if i % 2:
            row["n_departments"] = 4
        row["steps"] = 18 if i % 3 == 0 else 24
        rows.append(row)
    seeds = [sim.replicate_seed(11, i) for i in range(8)]
    many = sim.evaluate_many(rows, seeds, chunk=3)
    for row, seed, got in zip(rows, seeds, many, strict=True):
        params = {k: v for k, v in row.items() if k != "steps"}
        alone = sim.evaluate(params, seed=seed, steps=row["steps"])
        assert same(got, alone) and got["seed"] == seed


def test_one_seed_for_every_row_is_common_random_numbers():
    rows = [{"k_ME_DI": 0.7, **SMALL}, {"k_ME_DI": 0.7, **SMALL}, {"k_ME_DI": 0.0, **SMALL}]
    a, b, c = sim.evaluate_many(rows, seeds=3, steps=24)
    assert same(a, b) and a["seed"] == c["seed"] == 3
    assert not same(a, c)  # the coupling changes the run


def test_bad_input_is_one_clear_error():
    with pytest.raises(sim.ScenarioError, match=r"evaluate_many\(rows\[1\]\).*reform_resolv.*reform_resolve"):
        sim.evaluate_many([{}, {"reform_resolv": 0.5}], seeds=1)
    with pytest.raises(sim.ScenarioError, match=r"evaluate\(params\).*k_ME_DI.*1.5"):
        sim.evaluate({"k_ME_DI": 1.5})
    with pytest.raises(ValueError, match="2 rows but 3 seeds"):
        sim.evaluate_many([{}, {}], seeds=[1, 2, 3])


@pytest.mark.slow
def test_a_thousand_evaluate_calls_keep_memory_flat():
    """1,000 calls (short runs of a small county) after 100 warm-up calls: the process's peak memory
    grows by less than 20 MB. A leak of a run's state (a Mesa model registry keeps about 0.75 MB a run
    alive on Mesa 3.3) would add hundreds of MB."""
    for i in range(100):
        sim.evaluate(SMALL, seed=i, steps=6)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    for i in range(1000):
        sim.evaluate(SMALL, seed=100 + i, steps=6)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 20, f"peak memory grew by {grown_mb:.1f} MB over 1,000 calls"


def test_a_loop_of_sim_run_lets_each_model_go_without_free():
    """Issue 12: on Mesa 3.3 a class-level registry kept every model that made agents alive (about
    0.75 MB a run at default sizes) unless `res.model.free()` was called. Now a dropped result's model
    is collectable: after 30 runs and a garbage collection, none of the 30 models is alive; and 200
    more runs of this small county grow the peak memory by less than 25 MB (measured: 5 MB; with the
    old registry, 56 MB: a kept small model is about 0.28 MB)."""
    import gc
    import weakref

    models = []
    for i in range(30):
        res = sim.run(SMALL_SCENARIO, seed=i, steps=3)
        models.append(weakref.ref(res.model))
        del res
    gc.collect()
    assert sum(m() is not None for m in models) == 0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(200):
        sim.run(SMALL_SCENARIO, seed=100 + i, steps=3)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 25, f"peak memory grew by {grown_mb:.1f} MB over 200 runs"
