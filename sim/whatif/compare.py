"""Paired comparison of variants on common random numbers.

Every variant runs on the same replicate seeds (`sim.replicate_seed(S, r)`), so replicate r of the
base and of a variant share their random streams until the policy makes them differ: the paired
difference (variant - base, replicate by replicate) is the policy's effect, not chance's. Runs are
stepped together with `sim.run_batch`, grouped by agent counts and horizon.

For each variant and outcome: the mean paired difference with a 95% percentile bootstrap interval
over replicates, the same interval as if the runs were unpaired (independent resampling of the two
arms, what one would get without common random numbers), and the share of replicates in which the
variant is better. Phase months are compared over the replicates in which both runs reached the
phase (n says how many).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..model import replicate_seed
from ..params import SIZE_PARAMS
from ..runner import run_batch
from ..trajectory import PHASES
from .variants import Variant

#: Series kept for the trajectory figure, shape (replicates, steps + 1) per variant.
SERIES: tuple[str, ...] = ("real_performance", "assessed_performance", "satisfaction", "gap_closure")
BATCH = 64  # runs stepped together (memory grows with it; speed hardly does beyond ~32)
N_BOOT = 2000


@dataclass(frozen=True)
class Outcome:
    """A per-replicate outcome: its summary column, direction (+1 higher is better, -1 lower is
    better), kind (share, month or level) and labels."""

    name: str
    better: int
    kind: str
    en: str
    zh: str


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("sustained", +1, "share", "sustains the trajectory", "持续改进轨迹"),
    Outcome("t_start", -1, "month", "month of start", "启动月份"),
    Outcome("t_build", -1, "month", "month of build", "蓄力月份"),
    Outcome("t_activate", -1, "month", "month of activate", "激活月份"),
    Outcome("t_deliver", -1, "month", "month of deliver", "发力月份"),
    Outcome("final_real_performance", +1, "level", "final real performance", "期末实际绩效"),
    Outcome("final_assessed_performance", +1, "level", "final assessed performance", "期末考核绩效"),
    Outcome("assessment_gap", -1, "level", "assessed minus real (gaming)", "考核与实际之差(失真)"),
    Outcome("final_satisfaction", +1, "level", "final satisfaction", "期末群众满意度"),
    Outcome("gap_closure", +1, "level", "share of gap to benchmark closed", "与标杆差距缩小比例"),
)
OUTCOME = {o.name: o for o in OUTCOMES}


@dataclass
class Comparison:
    """What `compare` returns: the variants, seeds, per-run summaries, series and the differences."""

    variants: list[Variant]
    root_seed: int
    seeds: list[int]
    steps: int
    summary: pd.DataFrame  # one row per variant and replicate: variant, replicate, SUMMARY_COLUMNS
    series: dict[str, dict[str, np.ndarray]]  # label -> measure -> (replicates, steps + 1)
    phases: dict[str, np.ndarray]  # label -> (replicates, steps + 1) phase names
    differences: pd.DataFrame = field(default_factory=pd.DataFrame)
    levels: pd.DataFrame = field(default_factory=pd.DataFrame)
    n_boot: int = N_BOOT

    @property
    def base(self) -> Variant:
        return self.variants[0]

    @property
    def replicates(self) -> int:
        return len(self.seeds)

    def values(self, label: str, outcome: str) -> np.ndarray:
        """Per-replicate values of an outcome for a variant (NaN where a phase was never reached)."""
        rows = self.summary[self.summary["variant"] == label].sort_values("replicate")
        if outcome == "assessment_gap":
            return (rows["final_assessed_performance"] - rows["final_real_performance"]).to_numpy(float)
        col = rows[outcome]
        if outcome == "sustained":
            return col.astype(float).to_numpy()
        return pd.to_numeric(col, errors="coerce").astype(float).to_numpy()


def run_variants(
    variants: Sequence[Variant],
    seed: int,
    replicates: int,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> tuple[pd.DataFrame, dict, dict, list[int]]:
    """Run every variant on replicate seeds 0..R-1 of `seed` with `run_batch`, grouped by agent
    counts and horizon; return (summary rows, series, phases, seeds)."""
    seeds = [replicate_seed(seed, r) for r in range(replicates)]
    groups: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    for i, v in enumerate(variants):
        key = (tuple(v.scenario.params[n] for n in SIZE_PARAMS), v.scenario.steps)
        groups[key].extend((i, r) for r in range(replicates))
    steps = variants[0].scenario.steps
    series = {v.label: {m: np.empty((replicates, steps + 1)) for m in SERIES} for v in variants}
    phases = {v.label: np.empty((replicates, steps + 1), dtype=object) for v in variants}
    rows: list[dict] = []
    for jobs in groups.values():
        for start in range(0, len(jobs), batch):
            chunk = jobs[start : start + batch]
            results = run_batch(
                [variants[i].scenario for i, _ in chunk], [seeds[r] for _, r in chunk], with_series=True
            )
            for (i, r), res in zip(chunk, results, strict=True):
                label = variants[i].label
                rows.append({"variant": label, "replicate": r, **res.summary})
                for m in SERIES:
                    series[label][m][r] = res.series[m].to_numpy()
                phases[label][r] = res.series["phase"].to_numpy()
            if progress is not None:
                progress(len(chunk))
    order = {v.label: i for i, v in enumerate(variants)}
    summary = pd.DataFrame(rows)
    summary = summary.sort_values(["variant", "replicate"], key=lambda c: c.map(order) if c.name == "variant" else c)
    return summary.reset_index(drop=True), series, phases, seeds


def bootstrap_ci(
    base: np.ndarray, variant: np.ndarray, n_boot: int, rng: np.random.Generator
) -> tuple[float, float, float, float]:
    """95% percentile bootstrap intervals of mean(variant - base): paired (resample replicates) and
    unpaired (resample each arm on its own); NaN with fewer than two pairs."""
    n = len(base)
    if n < 2:
        return (np.nan,) * 4
    d = variant - base
    idx = rng.integers(0, n, size=(n_boot, n))
    paired = d[idx].mean(axis=1)
    idx2 = rng.integers(0, n, size=(n_boot, n))
    unpaired = variant[idx].mean(axis=1) - base[idx2].mean(axis=1)
    lo, hi = np.quantile(paired, [0.025, 0.975])
    ulo, uhi = np.quantile(unpaired, [0.025, 0.975])
    return float(lo), float(hi), float(ulo), float(uhi)


def differences(result: Comparison, n_boot: int = N_BOOT) -> pd.DataFrame:
    """One row per (variant, outcome) against the base: n pairs, means, paired difference with its
    95% CI, the unpaired CI, both widths, and the shares of replicates better / worse."""
    rows = []
    for vi, v in enumerate(result.variants[1:], start=1):
        for oi, o in enumerate(OUTCOMES):
            b = result.values(result.base.label, o.name)
            x = result.values(v.label, o.name)
            both = ~np.isnan(b) & ~np.isnan(x)
            b, x = b[both], x[both]
            rng = np.random.default_rng([result.root_seed, vi, oi, 6])
            lo, hi, ulo, uhi = bootstrap_ci(b, x, n_boot, rng)
            d = x - b
            n = int(both.sum())
            rows.append(
                {
                    "variant": v.label,
                    "outcome": o.name,
                    "n": n,
                    "base_mean": float(b.mean()) if n else np.nan,
                    "variant_mean": float(x.mean()) if n else np.nan,
                    "difference": float(d.mean()) if n else np.nan,
                    "ci_low": lo,
                    "ci_high": hi,
                    "ci_width": hi - lo,
                    "unpaired_ci_low": ulo,
                    "unpaired_ci_high": uhi,
                    "unpaired_ci_width": uhi - ulo,
                    "share_better": float((o.better * d > 0).mean()) if n else np.nan,
                    "share_worse": float((o.better * d < 0).mean()) if n else np.nan,
                }
            )
    return pd.DataFrame(rows)


def levels(result: Comparison) -> pd.DataFrame:
    """Per variant: share sustaining, per phase the share reaching it, the median month it began
    (among those that reached it) and the mean months spent in it, and mean final values."""
    rows = []
    for v in result.variants:
        row: dict = {"variant": v.label, "replicates": result.replicates}
        row["share_sustained"] = float(result.values(v.label, "sustained").mean())
        ph = result.phases[v.label]
        for name in PHASES[1:]:
            t = result.values(v.label, f"t_{name}")
            reached = t[~np.isnan(t)]
            row[f"share_{name}"] = len(reached) / len(t)
            row[f"median_t_{name}"] = float(np.median(reached)) if len(reached) else np.nan
            row[f"months_in_{name}"] = float((ph[:, 1:] == name).sum(axis=1).mean())
        for o in ("final_real_performance", "final_assessed_performance", "final_satisfaction", "gap_closure"):
            row[o] = float(np.mean(result.values(v.label, o)))
        rows.append(row)
    return pd.DataFrame(rows)


def compare(
    variants: Sequence[Variant],
    seed: int = 0,
    replicates: int = 50,
    n_boot: int = N_BOOT,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Run the variants (the first is the base) on common random numbers and compare each with it."""
    summary, series, phases, seeds = run_variants(variants, seed, replicates, progress)
    result = Comparison(list(variants), seed, seeds, variants[0].scenario.steps, summary, series, phases, n_boot=n_boot)
    result.differences = differences(result, n_boot)
    result.levels = levels(result)
    return result
