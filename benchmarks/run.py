"""Speed benchmarks (issue #4): `python -m benchmarks.run [--quick] [--full] [--skip-reference] [--model 1|2]`.

Prints, each as the median of several repetitions in this one process run:
- ms per l_county run alone (`sim.run`, with Mesa agents) and stepped in a batch (`sim.run_batch`);
- runs/s inside a sweep on 1 and on 2 workers (`county-sim sweep` machinery, local backend);
- the cost per month split by rule, so the next optimisation is obvious;
- scaling: time per run at 0.5x, 1x, 2x, 4x and 10x the default agent counts;
- the projected (and with --full, measured) wall time and peak memory of the full Sobol sweep;
- the ratio against the idiomatic-Mesa reference implementation (benchmarks/reference);
- the function interface: `sim.evaluate` one at a time, `sim.evaluate_many` against the sweep's rate;
- the EMA Workbench adapter (`sim.ema.BatchEvaluator`) against EMA's own sequential evaluator of the
  same model (measured where the `ema` extra is installed).
Figures are only comparable within one run of this script: the machine is shared and noisy.
Not part of the test suite; timings are never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import sim
from sim.model import make_engine
from sim.runner import DEFAULT_CHUNK

SCENARIO = "l_county"
MODEL = 2  # the engine measured (`--model`: 2, the default engine, or 1 for Model 1)
BATCH = 64  # runs per batch: the sweet spot measured on this machine (16: 22 ms, 64: 16, 256: 20)
FULL_RUNS = 22_528 * 4  # sobol_couplings at N = 1024 with second order, 4 replicates
ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, reps: int) -> float:
    """Median wall seconds of `reps` calls of fn()."""
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def seeds(n: int, root: int = 1) -> list[int]:
    return [sim.replicate_seed(root, r) for r in range(n)]


def alone_ms(sc: sim.Scenario, reps: int) -> float:
    """One run with Mesa agents, as `county-sim run` does it."""
    return 1000 * median_time(lambda: sim.run(sc, seed=seeds(1)[0]).model.free(), reps)


def batch_ms(sc: sim.Scenario, reps: int, batch: int = BATCH) -> float:
    """Per-run ms of a batch of runs stepped together without agents (what a sweep does)."""
    ss = seeds(batch)
    return 1000 * median_time(lambda: sim.run_batch([sc] * batch, ss), reps) / batch


def per_rule(sc: sim.Scenario, batch: int) -> dict[str, float]:
    """Per-run ms spent in each rule over a whole run, in a batch of `batch` runs."""
    acc: dict[str, float] = defaultdict(float)

    @contextlib.contextmanager
    def timer(name: str):
        t = time.perf_counter()
        yield
        acc[name] += time.perf_counter() - t

    engine = make_engine([sc] * batch, seeds(batch))
    t0 = time.perf_counter()
    for _ in range(engine.steps):
        engine.step(timer=timer)
    total = time.perf_counter() - t0
    acc["(events, benchmark, clipping, levels, recording)"] = total - sum(acc.values())
    return {k: 1000 * v / batch for k, v in acc.items()}


def scaling(reps: int) -> list[tuple[float, int, float, float]]:
    """(factor, agents, ms alone, ms in a batch) for scaled agent counts; leaders stay a team of 7."""
    base = sim.load_scenario(SCENARIO, model_version=MODEL)
    out = []
    for f in (0.5, 1, 2, 4, 10):
        sizes = {
            "n_departments": max(4, round(16 * f)),
            "n_cadres": round(320 * f),
            "n_citizens": round(1000 * f),
            "n_townships": max(1, round(10 * f)),
        }
        sc = base.with_overrides(**sizes)
        agents = 7 + sum(sizes[k] for k in ("n_departments", "n_cadres", "n_citizens"))
        b = max(4, int(BATCH / f))
        out.append((f, agents, alone_ms(sc, max(1, reps // 2)), batch_ms(sc, max(1, reps // 2), b)))
    return out


def sweep_rate(workers: int, base_samples: int) -> tuple[float, int]:
    """Runs per second of a real sweep of sobol_couplings at a smaller N (local backend), and runs done."""
    from dataclasses import replace

    from sim.explore.experiment import load_experiment
    from sim.explore.runner import sweep

    exp = load_experiment(ROOT / "experiments" / "sobol_couplings.toml")
    scenario = exp.scenario.with_overrides(model_version=MODEL)
    exp = replace(
        exp, design={**exp.design, "n": base_samples}, fixed={**exp.fixed, "model_version": MODEL}, scenario=scenario
    )
    with tempfile.TemporaryDirectory() as tmp:
        outcome = sweep(exp, Path(tmp) / "out", workers=workers, progress=False)
    return outcome.rate, outcome.new


def full_sweep() -> tuple[float, float]:
    """Wall seconds of the full sobol_couplings sweep (`county-sim sweep`, 2 workers) and the peak
    RSS in MB of the largest process it started (driver or worker)."""
    with tempfile.TemporaryDirectory() as tmp:
        experiment = ROOT / "experiments" / "sobol_couplings.toml"
        if MODEL != 1:  # the same experiment on the engine measured
            experiment = Path(tmp) / "sobol_couplings.toml"
            text = (ROOT / "experiments" / "sobol_couplings.toml").read_text(encoding="utf-8")
            experiment.write_text(text + f"\n[set]\nmodel_version = {MODEL}\n", encoding="utf-8")
        cmd = [sys.executable, "-m", "sim.cli", "sweep", str(experiment), "--workers", "2"]
        cmd += ["--out", str(Path(tmp) / "out")]
        t = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def reference_ms(reps: int) -> float:
    """One l_county run of the idiomatic-Mesa reference of the engine measured (benchmarks/reference)."""
    if MODEL == 2:
        from benchmarks.reference.model2 import run_reference2 as run_reference
    else:
        from benchmarks.reference import run_reference

    sc = sim.load_scenario(SCENARIO, model_version=MODEL)
    return 1000 * median_time(lambda: run_reference(sc, seed=seeds(1)[0]), reps)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--full", action="store_true", help="also run the full Sobol sweep (about 15 minutes)")
    ap.add_argument("--skip-reference", action="store_true", help="skip the slow idiomatic-Mesa baseline")
    ap.add_argument("--model", type=int, choices=(1, 2), default=2, help="the engine to measure (default 2)")
    args = ap.parse_args(argv)
    global MODEL
    MODEL = args.model
    reps = 3 if args.quick else 5
    sc = sim.load_scenario(SCENARIO, model_version=MODEL)
    import mesa
    import numpy

    print(
        f"county-sim {sim.__version__} | Python {platform.python_version()} | Mesa {mesa.__version__} | "
        f"NumPy {numpy.__version__} | {os.cpu_count()} cores | {platform.machine()} | "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    agents = sum(sc.params[k] for k in ("n_leaders", "n_departments", "n_cadres", "n_citizens"))
    print(f"scenario {SCENARIO}, model {MODEL}: {agents} agents x {sc.steps} months; medians of {reps}\n")

    one = alone_ms(sc, reps)
    many = batch_ms(sc, reps)
    print("1. one l_county run")
    print(f"   alone, with Mesa agents (sim.run)        {one:8.1f} ms")
    print(f"   in a batch of {BATCH}, no agents (run_batch) {many:8.1f} ms/run  ({1000 / many:.0f} runs/s on one core)")
    chunk = batch_ms(sc, max(1, reps // 2), DEFAULT_CHUNK)
    label = f"in a sweep's chunk of {DEFAULT_CHUNK}"
    print(f"   {label:40s}{chunk:8.1f} ms/run  ({1000 / chunk:.0f} runs/s on one core)")

    print("\n2. inside a sweep (sobol_couplings, local backend)")
    rates = {}
    for w in (1, 2):
        try:
            rate, n = sweep_rate(w, 16 if args.quick else 64)
        except ImportError as e:
            print(f"   sweep machinery not available ({e})")
            break
        rates[w] = rate
        print(f"   {w} worker(s): {rate:7.1f} runs/s  ({n} runs)")

    print(f"\n3. cost per run by rule (batch of {BATCH}), largest first")
    split = per_rule(sc, BATCH)
    total = sum(split.values())
    for name, ms in sorted(split.items(), key=lambda kv: -kv[1]):
        print(f"   {name:52s} {ms:6.2f} ms  {100 * ms / total:5.1f}%")

    print("\n4. scaling with agent counts (leaders stay 7)")
    print("   factor   agents   alone ms   batch ms/run   batch ms per 1k agents")
    for f, agents, a, b in scaling(reps):
        print(f"   {f:6.1f} {agents:8d} {a:10.1f} {b:14.1f} {1000 * b / agents:16.2f}")

    print("\n5. the full Sobol sweep (N = 1024, second order, 4 replicates = 90,112 runs)")
    if 2 in rates:
        proj = FULL_RUNS / rates[2]
        print(f"   projected on 2 workers: {proj / 60:.1f} min (from {rates[2]:.1f} runs/s)")
    if args.full:
        wall, peak = full_sweep()
        print(f"   measured: {wall / 60:.1f} min wall, peak RSS {peak:.0f} MB (largest single process)")
    else:
        print("   measured: run with --full")
    driver_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   this benchmark's own peak RSS so far: {driver_peak:.0f} MB")

    print("\n6. against the idiomatic Mesa reference (one object per agent, loops, DataCollector)")
    if args.skip_reference:
        print("   skipped (--skip-reference)")
    else:
        ref = reference_ms(max(1, reps // 2))
        print(f"   reference: {ref:8.0f} ms/run")
        print(f"   ratio reference / alone: {ref / one:6.0f}x   reference / batch: {ref / many:6.0f}x")

    print("\n7. the function interface for other tools (sim.evaluate, sim.evaluate_many; one core)")
    params = {"model_version": MODEL}
    sim.evaluate(params, seed=1)  # warm: the scenario file and compiled kernels are loaded
    ev = 1000 * median_time(lambda: sim.evaluate(params, seed=2), reps)
    print(f"   sim.evaluate, one run at a time:          {ev:8.1f} ms  (sim.run alone / evaluate: {one / ev:.1f}x)")
    rows = [{"model_version": MODEL, "k_ME_DI": (i % 11) / 10} for i in range(BATCH * 2)]
    t = median_time(lambda: sim.evaluate_many(rows, seeds(len(rows))), max(1, reps // 2))
    rate = len(rows) / t
    line = f"   sim.evaluate_many, {len(rows)} rows:             {rate:8.1f} runs/s"
    if 1 in rates:
        line += f"  ({rate / rates[1]:.2f} of the sweep's rate on one worker)"
    print(line)

    print("\n8. the EMA Workbench adapter (sim.ema) beside EMA's plain function wrapper (one core)")
    ema_rates(MODEL, 32 if args.quick else 128)
    return 0


def ema_rates(model_version: int, n: int) -> None:
    """Runs/s of `n` experiments over the ten couplings: sim.ema's BatchEvaluator (one evaluate_many
    call) against EMA's SequentialEvaluator calling the same model's function once per experiment
    (the 17-line wrapper a user would write does exactly that)."""
    try:
        adapter = importlib.import_module("sim.ema")  # first: it silences EMA's import warning
        ema = importlib.import_module("ema_workbench")
    except ImportError as e:
        print(f"   not measured: {e}")
        return
    from scipy.stats import qmc

    model = adapter.county_model(scenario=sim.load_scenario(SCENARIO, model_version=model_version))
    design = qmc.LatinHypercube(d=len(sim.COUPLINGS), seed=1).random(n)  # the couplings span [0, 1]
    scenarios = adapter.points([dict(zip(sim.COUPLINGS, row, strict=True)) for row in design])
    evaluators = {"sim.ema.BatchEvaluator": adapter.BatchEvaluator, "EMA SequentialEvaluator": ema.SequentialEvaluator}
    for label, evaluator in evaluators.items():
        with evaluator(model) as ev, contextlib.redirect_stderr(io.StringIO()):  # EMA's progress bar
            t0 = time.perf_counter()
            ev.perform_experiments(scenarios=scenarios)
            dt = time.perf_counter() - t0
        print(f"   {label:26s} {n / dt:8.1f} runs/s  ({n} experiments)")


if __name__ == "__main__":
    sys.exit(main())
