"""What is measured each step, into preallocated arrays; the result of a run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .params import DOMAINS, SUBSYSTEMS
from .rules.management_execution import pm_maturity
from .trajectory import classify, coupling_degree, gap_closure_series

MEASURES: tuple[str, ...] = (
    "real_performance",
    "assessed_performance",
    *(f"real_performance_{d}" for d in DOMAINS),
    *(f"assessed_performance_{d}" for d in DOMAINS),
    "satisfaction",
    "trust",
    "drive",
    "inertia_threshold",
    *(f"level_{k}" for k in SUBSYSTEMS),
    "coupling_C",
    "coupling_T",
    "coupling_D",
    "resources",
    "action_base",
    "problems_identified",
    "pm_maturity",
    "institutionalisation",
    "public_value_clarity",
    "openness",
    "motivation",
    "competence",
    "effort",
    "tie_strength",
    "silo",
    "gaming_share",
    "participation",
    "voice",
    "benchmark",
    "capacity_index",
)
COLUMN = {name: i for i, name in enumerate(MEASURES)}
SUMMARY_COLUMNS: tuple[str, ...] = (
    "seed",
    "sustained",
    "t_start",
    "t_build",
    "t_activate",
    "t_deliver",
    "final_real_performance",
    "final_assessed_performance",
    "final_satisfaction",
    "gap_closure",
    "trajectory_score",
    "final_coupling_degree",
)
#: Model 2 adds these summary columns (issue 10), after Model 1's
SUMMARY_EXTRA: tuple[str, ...] = ("t_relapse", "final_engaged_share", "final_backlog")


def measure(s) -> np.ndarray:
    """All measures of the current state, shape (B, len(MEASURES))."""
    B = s.B
    out = np.empty((B, len(MEASURES)))
    need = s.need_mean
    out[:, 0] = np.clip((need * s.real_perf).sum(axis=1), 0.0, 1.0)  # need weights sum to 1 only up to rounding
    out[:, 1] = (s.indicator_weights * s.assessed_perf).sum(axis=1) / s.indicator_weights.sum(axis=1)
    out[:, 2:6] = s.real_perf
    out[:, 6:10] = s.assessed_perf
    out[:, 10] = s.citizen_satisfaction.mean(axis=1)
    out[:, 11] = s.citizen_trust.mean(axis=1)
    out[:, 12] = s.drive
    out[:, 13] = s.inertia_threshold
    out[:, 14:19] = s.levels
    c, t, d = coupling_degree(s.levels)
    out[:, 19], out[:, 20], out[:, 21] = c, t, d
    J = s.dept_ties.shape[1]
    ties = s.dept_ties.sum(axis=(1, 2)) / (J * (J - 1))
    pm = pm_maturity(s)
    competence = s.cadre_competence.mean(axis=1)
    out[:, 22] = s.resources
    out[:, 23] = s.action_base
    out[:, 24] = s.problems_identified
    out[:, 25] = pm
    out[:, 26] = s.institutionalisation
    out[:, 27] = s.public_value_clarity
    out[:, 28] = s.openness
    out[:, 29] = s.cadre_motivation.mean(axis=1)
    out[:, 30] = competence
    out[:, 31] = s.cadre_effort.mean(axis=1)
    out[:, 32] = ties
    out[:, 33] = s.dept_silo.mean(axis=1)
    out[:, 34] = np.clip((out[:, 1] - out[:, 0]) / np.maximum(out[:, 1], 1e-9), 0.0, 1.0)
    out[:, 35] = s.participation_rate
    out[:, 36] = s.voice_rate
    out[:, 37] = s.benchmark
    out[:, 38] = (s.action_base + competence + pm + ties) / 4.0
    return out


class Recorder:
    """Preallocated (steps + 1, B, measures) array; row 0 is the initial state."""

    def __init__(self, steps: int, B: int):
        self.data = np.full((steps + 1, B, len(MEASURES)), np.nan)
        self.n = 0

    def record(self, s) -> None:
        self.data[self.n] = measure(s)
        self.n += 1

    def series(self, b: int = 0) -> dict[str, np.ndarray]:
        d = self.data[: self.n, b]
        return {name: d[:, i] for i, name in enumerate(MEASURES)}


def summarise(
    series: dict[str, np.ndarray], params: dict[str, Any], seed: int, classifier=classify
) -> tuple[dict[str, Any], list[str]]:
    """Summary row (the columns of summary.csv; Model 2's classifier adds SUMMARY_EXTRA) and the phase
    at each step."""
    tr = classifier(series, params)
    summary = {
        "seed": seed,
        "sustained": tr.sustained,
        "t_start": tr.t_start,
        "t_build": tr.t_build,
        "t_activate": tr.t_activate,
        "t_deliver": tr.t_deliver,
        "final_real_performance": float(series["real_performance"][-1]),
        "final_assessed_performance": float(series["assessed_performance"][-1]),
        "final_satisfaction": float(series["satisfaction"][-1]),
        "gap_closure": tr.gap_closure,
        "trajectory_score": tr.score,
        "final_coupling_degree": float(series["coupling_D"][-1]),
    }
    if hasattr(tr, "t_relapse"):  # Model 2
        summary["t_relapse"] = tr.t_relapse
        summary["final_engaged_share"] = float(series["engaged_share"][-1])
        summary["final_backlog"] = float(series["backlog"][-1])
    return summary, tr.phase


def series_frame(series: dict[str, np.ndarray], phase: list[str], seed: int, replicate: int = 0) -> pd.DataFrame:
    n = len(phase)
    df = pd.DataFrame(
        {"replicate": np.full(n, replicate), "seed": np.full(n, seed, dtype=np.uint64), "step": np.arange(n)}
    )
    for name in MEASURES:
        df[name] = series[name]
    df["gap_closure"] = gap_closure_series(series["real_performance"], series["benchmark"])
    df["phase"] = phase
    return df


@dataclass
class RunResult:
    """One run: `.series` (DataFrame, the columns of series.csv), `.summary` (dict, the columns of
    summary.csv) and `.model` (the stepped CountyModel)."""

    series: pd.DataFrame
    summary: dict[str, Any]
    model: Any = field(default=None, repr=False)
    problems: pd.DataFrame | None = field(default=None, repr=False)  # Model 2: every problem of the run
