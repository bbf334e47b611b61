"""The EMA Workbench adapter and export (issue 12), tested against the EMA Workbench itself (the
`ema` extra, which the test extra includes): a researcher's own tool reads what county-sim writes and
runs county-sim with the numbers county-sim gives."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ema_workbench import IntegerParameter, SequentialEvaluator, load_results

import sim
from sim.cli import main
from sim.ema import BatchEvaluator, county_model, points
from sim.scenario import ScenarioError

STEPS = 24  # two years: enough to start and build, cheap enough for a unit test


def scenarios(n: int) -> list:
    """n fixed points over two couplings (fixed points make the two evaluators' inputs the same)."""
    return points([{"k_ME_DI": i / (n - 1), "k_ME_GC": 1 - i / (2 * (n - 1))} for i in range(n)])


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True))


def test_the_batch_evaluator_gives_exactly_what_emas_sequential_evaluator_and_evaluate_give():
    """The same model run by EMA's SequentialEvaluator (one function call per experiment) and by
    sim.ema.BatchEvaluator (one evaluate_many call) gives identical outcomes, and each equals
    sim.evaluate with the experiment's values and the model's seed (common random numbers)."""
    model = county_model(uncertainties=["k_ME_DI", "k_ME_GC"], steps=STEPS, seed=7)
    chosen = scenarios(5)
    with SequentialEvaluator(model) as ev:
        exp_seq, out_seq = ev.perform_experiments(scenarios=chosen)
    with BatchEvaluator(model) as ev:
        exp_bat, out_bat = ev.perform_experiments(scenarios=chosen)
    assert set(out_seq) == set(out_bat) == {o.name for o in model.outcomes}
    for name in out_seq:
        assert same(out_seq[name], out_bat[name]), name
    pd.testing.assert_frame_equal(exp_seq, exp_bat)
    for i, p in enumerate(chosen):
        want = sim.evaluate(dict(p), seed=7, steps=STEPS)
        for name in out_bat:
            got, w = out_bat[name][i], want[name]
            assert (math.isnan(got) and math.isnan(w)) or got == w, (name, got, w)


def test_a_seed_uncertainty_gives_each_experiment_its_own_seed():
    """With `seed` among the uncertainties, the experiment's seed is the run's (no constant clashes)."""
    model = county_model(uncertainties={"k_ME_DI": (0.0, 1.0)}, steps=STEPS)
    model.uncertainties = [*model.uncertainties, IntegerParameter("seed", 0, 1000)]
    model.constants = []
    chosen = points([{"k_ME_DI": 0.5, "seed": s} for s in (3, 3, 11)])
    with BatchEvaluator(model) as ev:
        _, out = ev.perform_experiments(scenarios=chosen)
    assert out["final_real_performance"][0] == out["final_real_performance"][1]
    assert (
        out["final_real_performance"][2]
        == sim.evaluate({"k_ME_DI": 0.5}, seed=11, steps=STEPS)["final_real_performance"]
    )


def test_the_adapter_declares_from_the_registry_and_refuses_unknown_names():
    model = county_model(uncertainties=["k_ME_DI", "n_departments"], levers={"reform_resolve": (0.4, 0.9)})
    kinds = {p.name: (type(p).__name__, p.lower_bound, p.upper_bound) for p in model.uncertainties}
    assert kinds["k_ME_DI"] == ("RealParameter", 0.0, 1.0)
    assert kinds["n_departments"][0] == "IntegerParameter"
    (lever,) = model.levers
    assert (lever.name, lever.lower_bound, lever.upper_bound) == ("reform_resolve", 0.4, 0.9)
    with pytest.raises(ScenarioError, match="k_ME_DJ"):
        county_model(uncertainties=["k_ME_DJ"])
    with pytest.raises(ScenarioError, match="within"):
        county_model(uncertainties={"k_ME_DI": (0.0, 2.0)})
    with pytest.raises(ScenarioError, match="outcome"):
        county_model(outcomes=["final_realperformance"])
    with pytest.raises(ScenarioError, match="model_version 2"):
        county_model(uncertainties=["resolve_fatigue"])


def test_emas_load_results_reads_an_exported_sweep(tmp_path: Path, capsys):
    """`county-sim export` writes what ema_workbench.load_results reads: one experiment row per run with
    the varied values, seed and replicate; each outcome equal to the store's (NaN where a phase was
    never reached); and the same store exports the same bytes twice."""
    exp = tmp_path / "tiny.toml"
    exp.write_text(
        'scenario = "l_county"\nsteps = 24\nreplicates = 2\nseed = 5\n'
        'outputs = ["sustained", "t_activate", "final_real_performance"]\n'
        '[design]\nmethod = "lhs"\nn = 6\n[vary.k_ME_DI]\nrange = [0, 1]\n[vary.k_ME_GC]\nrange = [0, 1]\n',
        encoding="utf-8",
    )
    out = tmp_path / "sweep"
    assert main(["sweep", str(exp), "--out", str(out), "--workers", "1"]) == 0
    assert main(["export", str(out)]) == 0
    path = out / "ema_results.tar.gz"
    experiments, outcomes = load_results(str(path))
    runs = pd.read_csv(out / "runs.csv").sort_values(["point", "replicate"]).reset_index(drop=True)
    assert len(experiments) == len(runs) == 12
    for name in ("k_ME_DI", "k_ME_GC", "seed", "replicate"):
        assert (experiments[name].to_numpy() == runs[name].to_numpy()).all(), name
    assert set(experiments.columns) >= {"scenario", "policy", "model"}
    assert set(outcomes) == {"sustained", "t_activate", "final_real_performance"}
    assert same(outcomes["final_real_performance"], runs["final_real_performance"])
    assert same(outcomes["t_activate"], runs["t_activate"])
    assert same(outcomes["sustained"], runs["sustained"].astype(float))
    first = path.read_bytes()
    assert main(["export", str(out)]) == 0
    assert path.read_bytes() == first
    capsys.readouterr()
