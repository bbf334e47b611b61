"""Run a scenario: one seed (`run`) or replicates of a root seed (`run_replicates`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from .model import CountyModel, make_engine, replicate_seed
from .record import RunResult
from .scenario import Scenario, load_scenario

#: Runs stepped together in one batch: a sweep's chunk (`county-sim sweep --chunk-size`) and
#: `sim.evaluate_many`'s. At ~10-20 ms a run a chunk of 256 is three to five seconds of work, against
#: ~0.7 ms of scheduling per chunk on a process pool and ~6 ms on a Dask LocalCluster (measured with
#: no-op chunks: 0.1% and 0.6%); Model 1's batched engine is at its best from 64 runs a batch (16 cost
#: 19 ms a run, 64 cost 12), Model 2's gains 5% from 64 to 128 and 7% more at 256 (benchmarks/README.md).
DEFAULT_CHUNK = 256
#: The smallest chunk a sweep cuts by itself when it has few runs (`balanced_chunk`).
MIN_CHUNK = 16


def balanced_chunk(runs: int, workers: int) -> int:
    """A sweep's chunk when none is given: DEFAULT_CHUNK, or fewer runs when that would leave a worker
    without two chunks (a sweep of 300 runs on two workers in chunks of 256 would run on one), but
    not under MIN_CHUNK (small batches cost more a run). One worker, or nothing left to run: no
    balancing to do."""
    if workers <= 1 or runs <= 0:
        return DEFAULT_CHUNK
    return min(DEFAULT_CHUNK, max(MIN_CHUNK, -(-runs // (2 * workers))))


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    """A scenario as given, or loaded from a name in scenarios/ or a path."""
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def run(scenario: Scenario | str, seed: int | None = None, steps: int | None = None) -> RunResult:
    """Run one replicate and return its series, summary and the stepped model."""
    sc = _scenario(scenario)
    if steps is not None and steps != sc.steps:
        sc = sc.with_overrides(steps=steps)
    model = CountyModel(sc, seed=seed)
    for _ in range(sc.steps):
        model.step()
    series, summary = model.result()
    problems = model.engine.problems() if model.engine.version == 2 else None
    return RunResult(series, summary, model, problems)


def run_batch(
    scenarios: Sequence[Scenario], seeds: Sequence[int], steps: int | None = None, with_series: bool = False
) -> list[RunResult]:
    """Run many (scenario, seed) pairs stepped together over arrays with a batch axis, without Mesa
    agents; each run gives exactly the numbers `run(scenario, seed)` gives alone. The scenarios
    must share the agent counts (the `size` parameters) and the horizon; group them first."""
    if len({sc.steps for sc in scenarios} | ({steps} if steps else set())) > 1 and steps is None:
        raise ValueError("a batch must share its horizon: pass steps= or group the scenarios by steps")
    scenarios = [sc if steps is None or sc.steps == steps else sc.with_overrides(steps=steps) for sc in scenarios]
    engine = make_engine(scenarios, seeds, scenarios[0].steps)
    for _ in range(engine.steps):
        engine.step()
    return [RunResult(series, summary) for series, summary in engine.results(with_series)]


def iter_replicates(
    scenario: Scenario | str, seed: int, replicates: int, steps: int | None = None
) -> Iterator[RunResult]:
    """Replicate r runs with `replicate_seed(seed, r)`; its `seed` column reproduces it alone."""
    sc = _scenario(scenario)
    for r in range(replicates):
        res = run(sc, seed=replicate_seed(seed, r), steps=steps)
        res.series["replicate"] = r
        res.model.free()
        res.model = None
        yield res


def iter_exact(scenario: Scenario | str, seed: int, steps: int | None = None) -> Iterator[RunResult]:
    """One run with exactly this model seed, as a replicate 0 (for `county-sim run --exact-seed`)."""
    res = run(scenario, seed=seed, steps=steps)
    res.model.free()
    res.model = None
    yield res


def run_replicates(
    scenario: Scenario | str, seed: int = 0, replicates: int = 1, steps: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All replicates: (series of every replicate and step, one summary row per replicate)."""
    series, rows = [], []
    for r, res in enumerate(iter_replicates(scenario, seed, replicates, steps)):
        series.append(res.series)
        rows.append({"replicate": r, **res.summary})
    return pd.concat(series, ignore_index=True), pd.DataFrame(rows)
