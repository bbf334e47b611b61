"""Classifier sensitivity (issue 11): how the share sustaining and the phase months move when each of
the trajectory classifier's thresholds moves across a plausible range.

The classifier reads only a run's recorded series (docs/ODD.md §11.2), so each run is simulated once
and classified again at every level of every threshold: the differences between levels are the
classifier's alone, on the same runs. Each threshold Model 2 reads goes over `LEVELS` evenly spaced
values from default x (1 - spread) to default x (1 + spread), clipped to the registry's range
(integers rounded), the others at their defaults. Runs can be one scenario's seeds or, with an
ensemble, the scenario at each of a calibration's accepted sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..params import PARAMS

#: Levels per threshold (the default is the middle one).
LEVELS = 5
PHASE_MONTHS = ("t_start", "t_build", "t_activate", "t_deliver")


def thresholds(version: int = 2) -> list[str]:
    """The classifier thresholds the engine of `version` reads."""
    return [p.name for p in PARAMS.values() if p.group == "classifier" and version in p.models]


def levels_of(name: str, spread: float = 0.5, n: int = LEVELS) -> list[Any]:
    """`n` evenly spaced levels over default x (1 -+ spread), clipped to the registry (ints deduplicated)."""
    p = PARAMS[name]
    d = float(p.default)
    lo, hi = max(p.low, d * (1 - spread)), min(p.high, d * (1 + spread))
    raw = np.linspace(lo, hi, n)
    if p.kind == "int":
        return list(dict.fromkeys(round(float(x)) for x in raw))
    return [round(float(x), 12) for x in raw]


def run_series(scenarios: list[Any], seeds: list[int]) -> list[tuple[int, Any, dict[str, np.ndarray]]]:
    """Run (scenario, seed) pairs in one batch; return (index, params, recorded series) per run."""
    from ..model import make_engine

    engine = make_engine(scenarios, seeds, scenarios[0].steps)
    for _ in range(engine.steps):
        engine.step()
    return [(b, sc.params, engine.recorder.series(b)) for b, sc in enumerate(scenarios)]


def sensitivity(runs: list[tuple[Any, Any, dict[str, np.ndarray]]], spread: float = 0.5) -> pd.DataFrame:
    """One row per (threshold, level): the share sustaining (with a binomial standard error) and the
    median month of each phase among the runs that reached it, over every run given. `runs` holds
    (label, params, series); `label` groups runs (an accepted set) for the spread of shares across
    groups."""
    from ..model2.readout import classify

    rows = []
    for name in thresholds(2):
        default = PARAMS[name].default
        for level in levels_of(name, spread):
            sustained, months, by_group = [], {m: [] for m in PHASE_MONTHS}, {}
            for label, params, series in runs:
                tr = classify(series, {**params, name: level})
                sustained.append(bool(tr.sustained))
                by_group.setdefault(label, []).append(bool(tr.sustained))
                for m in PHASE_MONTHS:
                    t = getattr(tr, m)
                    if t is not None:
                        months[m].append(t)
            share = float(np.mean(sustained))
            groups = [np.mean(v) for v in by_group.values()]
            row = {
                "threshold": name,
                "level": level,
                "is_default": bool(np.isclose(level, default)),
                "relative": float(level / default) if default else float("nan"),
                "runs": len(sustained),
                "share_sustained": share,
                "se": float(np.sqrt(share * (1 - share) / len(sustained))),
                "group_q10": float(np.quantile(groups, 0.1)),
                "group_q90": float(np.quantile(groups, 0.9)),
            }
            for m in PHASE_MONTHS:
                row[f"median_{m}"] = float(np.median(months[m])) if months[m] else float("nan")
                row[f"share_{m[2:]}"] = len(months[m]) / len(sustained)
            rows.append(row)
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, path: Path, title: str) -> None:
    """Share sustaining and median deliver month against each threshold's level relative to its default."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, (name, df) in enumerate(table.groupby("threshold", sort=False)):
        style = {"color": f"C{i % 10}", "marker": "o", "ms": 4, "label": name}
        axes[0].errorbar(df["relative"], df["share_sustained"], yerr=1.96 * df["se"], capsize=2, **style)
        axes[1].plot(df["relative"], df["median_t_deliver"], **style)
    axes[0].set_ylabel("share of runs sustaining")
    axes[0].set_ylim(-0.02, 1.02)
    axes[1].set_ylabel("median month deliver began (runs reaching it)")
    for ax in axes:
        ax.axvline(1.0, color="k", lw=0.8, ls=":")
        ax.set_xlabel("threshold level / its default")
    axes[1].legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def summary_lines(table: pd.DataFrame) -> list[str]:
    """Per threshold: the share sustaining at its lowest, default and highest level."""
    lines = [f"{'threshold':20s} {'levels':>15s}  share sustaining low / default / high   deliver month (median)"]
    for name, df in table.groupby("threshold", sort=False):
        d = df[df["is_default"]]
        mid = d.iloc[0] if len(d) else df.iloc[len(df) // 2]
        lo, hi = df.iloc[0], df.iloc[-1]
        lines.append(
            f"{name:20s} {lo['level']:>6g} .. {hi['level']:<6g}  {lo['share_sustained']:.2f} / "
            f"{mid['share_sustained']:.2f} / {hi['share_sustained']:.2f}                 "
            f"{lo['median_t_deliver']:.0f} / {mid['median_t_deliver']:.0f} / {hi['median_t_deliver']:.0f}"
        )
    return lines
