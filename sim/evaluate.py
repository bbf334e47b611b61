"""A function interface for other tools (issue 12): parameters in, plain numbers out.

`evaluate(params, seed=S)` is one run's summary, the numbers `sim.run(scenario with params, seed=S)`
gives, as a dict of plain Python numbers: a phase never reached is NaN (not None), `sustained` is
1.0 or 0.0, `seed` is the int it ran with. It runs on the batched engine and builds no Mesa agents,
so its memory stays flat over any number of calls; one at a time it is only somewhat cheaper than
`sim.run` on Model 2 (every month pays each rule's fixed cost), while `evaluate_many` runs at a
sweep's per-core rate (benchmarks/README.md).
`evaluate_many(rows, seeds)` runs many parameter sets stepped together (grouped by agent counts and
horizon, in chunks of 256 runs, as a sweep does) and returns their summaries in the rows' order.

Seed convention, for callers that pass only parameters: a run is fixed by its parameters and its
seed. `seed` defaults to 0. To run R replicates of one parameter set, use the seeds
`sim.replicate_seed(root, r)` for r = 0..R-1: they are the seeds `county-sim run --seed root
--replicates R` uses (the `seed` column of its `summary.csv`), so either side reproduces the other.
Giving every row of `evaluate_many` the same seed compares the rows on common random numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .params import SIZE_PARAMS
from .record import SUMMARY_COLUMNS, SUMMARY_EXTRA
from .runner import DEFAULT_CHUNK, _scenario, run_batch
from .scenario import Scenario, ScenarioError

#: The outputs `evaluate` returns, in order: `seed`, then every summary column.
OUTPUTS: tuple[str, ...] = (*SUMMARY_COLUMNS, *SUMMARY_EXTRA)


def plain(summary: Mapping[str, Any]) -> dict[str, float | int]:
    """A summary as plain numbers: None (a phase never reached) is NaN, booleans are 1.0 or 0.0, the
    seed stays an int."""
    out: dict[str, float | int] = {}
    for key in OUTPUTS:
        if key not in summary:
            continue  # Model 1 has no SUMMARY_EXTRA
        value = summary[key]
        if key == "seed":
            out[key] = int(value)
        elif value is None:
            out[key] = math.nan
        else:
            out[key] = float(value)
    return out


def _scenario_for(base: Scenario, params: Mapping[str, Any] | None, steps: int | None, where: str) -> Scenario:
    overrides = dict(params or {})
    if steps is not None:
        overrides["steps"] = steps
    if not overrides:
        return base
    try:
        return base.with_overrides(where=where, **overrides)
    except TypeError as e:  # a key that is not a keyword at all
        raise ScenarioError(f"{where}: {e}") from None


def evaluate(
    params: Mapping[str, Any] | None = None,
    seed: int = 0,
    scenario: Scenario | str | Path = "l_county",
    steps: int | None = None,
) -> dict[str, float | int]:
    """One run of `scenario` with `params` (overrides, validated like a scenario's) and `seed`: its
    summary as plain numbers (NaN for a phase never reached). Number for number what `sim.run`
    gives for the same scenario and seed, without building agents."""
    sc = _scenario_for(_scenario(scenario), params, steps, "evaluate(params)")
    return plain(run_batch([sc], [int(seed)])[0].summary)


def evaluate_many(
    rows: Sequence[Mapping[str, Any]],
    seeds: Sequence[int] | int = 0,
    scenario: Scenario | str | Path = "l_county",
    steps: int | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> list[dict[str, float | int]]:
    """Many runs at once: row i's parameters (overrides of `scenario`) with `seeds[i]`, or with the
    one int `seeds` for every row (common random numbers). Runs are grouped by agent counts and
    horizon and stepped together in chunks of `chunk`; each gives exactly what `evaluate` gives
    alone. Returns the summaries in the rows' order."""
    base = _scenario(scenario)
    n = len(rows)
    if isinstance(seeds, int):
        seed_list = [seeds] * n
    else:
        seed_list = [int(s) for s in seeds]
        if len(seed_list) != n:
            raise ValueError(f"evaluate_many: {n} rows but {len(seed_list)} seeds (give one per row, or one int)")
    if chunk < 1:
        raise ValueError("evaluate_many: chunk must be at least 1")
    scenarios = [_scenario_for(base, row, steps, f"evaluate_many(rows[{i}])") for i, row in enumerate(rows)]
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, sc in enumerate(scenarios):
        groups[(sc.steps, *(sc.params[k] for k in SIZE_PARAMS))].append(i)
    out: list[dict[str, float | int]] = [{} for _ in range(n)]
    for members in groups.values():
        for start in range(0, len(members), chunk):
            part = members[start : start + chunk]
            results = run_batch([scenarios[i] for i in part], [seed_list[i] for i in part])
            for i, res in zip(part, results, strict=True):
                out[i] = plain(res.summary)
    return out
