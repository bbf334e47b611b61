"""Run a scenario: one seed (`run`) or replicates of a root seed (`run_replicates`)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from .model import CountyModel, replicate_seed
from .record import RunResult
from .scenario import Scenario, load_scenario


def _scenario(scenario: Scenario | str) -> Scenario:
    return load_scenario(scenario) if isinstance(scenario, str) else scenario


def run(scenario: Scenario | str, seed: int | None = None, steps: int | None = None) -> RunResult:
    """Run one replicate and return its series, summary and the stepped model."""
    sc = _scenario(scenario)
    if steps is not None and steps != sc.steps:
        sc = sc.with_overrides(steps=steps)
    model = CountyModel(sc, seed=seed)
    for _ in range(sc.steps):
        model.step()
    series, summary = model.result()
    return RunResult(series, summary, model)


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


def run_replicates(
    scenario: Scenario | str, seed: int = 0, replicates: int = 1, steps: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All replicates: (series of every replicate and step, one summary row per replicate)."""
    series, rows = [], []
    for r, res in enumerate(iter_replicates(scenario, seed, replicates, steps)):
        series.append(res.series)
        rows.append({"replicate": r, **res.summary})
    return pd.concat(series, ignore_index=True), pd.DataFrame(rows)
