"""Measure the figures of the three classroom exercises (docs/teaching.md): `python -m sim.app.exercises`.

Every figure is over the seeds a class would type, 0 to 19, each run as `sim.run(scenario, seed=S)`
gives it (the app's run with seed S), at the scenario's sizes and horizon. Medians are of the runs
that reach the phase; counts say in how many of the 20 it was reached.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from ..runner import run_batch
from ..scenario import load_scenario

SEEDS = tuple(range(20))

#: (label, scenario, overrides) of every run set the exercises use
RUNS: tuple[tuple[str, str, dict], ...] = (
    ("1  status_quo", "status_quo", {}),
    ("1  status_quo, reform_resolve 0.85", "status_quo", {"reform_resolve": 0.85}),
    ("1  l_county", "l_county", {}),
    ("1  l_county, reform_resolve 0.20", "l_county", {"reform_resolve": 0.2}),
    ("2  frozen_pm", "frozen_pm", {}),
    ("2  l_county, k_ME_DI 0", "l_county", {"k_ME_DI": 0.0}),
    ("2  l_county, pm_strength 0.10", "l_county", {"pm_strength": 0.1}),
    ("3  pressure_only", "pressure_only", {}),
    ("3  closed_channels", "closed_channels", {}),
    ("3  pressure_only, channel_openness 0.70", "pressure_only", {"channel_openness": 0.7}),
    ("3  pressure_only, reform_resolve 0.85", "pressure_only", {"reform_resolve": 0.85}),
    ("3  pressure_only, fault_tolerance 0.70", "pressure_only", {"fault_tolerance": 0.7}),
    ("3  pressure_only, assessment_pressure 0.50", "pressure_only", {"assessment_pressure": 0.5}),
)
PHASE_COLUMNS = ("t_start", "t_build", "t_activate", "t_deliver")


def measure(name: str, overrides: dict, seeds=SEEDS) -> dict:
    """The exercise figures of one run set over `seeds`."""
    sc = load_scenario(name, **overrides)
    results = run_batch([sc] * len(seeds), list(seeds), with_series=True)
    summary = pd.DataFrame([r.summary for r in results])
    last = pd.DataFrame([r.series.iloc[-1] for r in results])
    row: dict = {}
    for col in PHASE_COLUMNS:
        reached = summary[col].dropna()
        row[col.removeprefix("t_")] = f"{len(reached)}/{len(seeds)}" + (
            f" @{reached.median():g}" if len(reached) else ""
        )
    row["sustained"] = f"{int(summary['sustained'].sum())}/{len(seeds)}"
    row["real"] = summary["final_real_performance"].median()
    row["assessed-real"] = (summary["final_assessed_performance"] - summary["final_real_performance"]).median()
    row["satisfaction"] = summary["final_satisfaction"].median()
    row["gap_closure"] = summary["gap_closure"].median()
    row["gaming"] = last["gaming_share"].median()
    row["seed0_deliver"] = summary["t_deliver"].iloc[0] if seeds[0] == 0 else np.nan
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.app.exercises", description=__doc__.splitlines()[0])
    ap.parse_args(argv)
    rows = {label: measure(name, over) for label, name, over in RUNS}
    table = pd.DataFrame.from_dict(rows, orient="index")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(f"medians over seeds {SEEDS[0]}-{SEEDS[-1]}; phases: reached in k of 20 @ median month\n")
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
