"""`county-sim ablate SCENARIO`: Model 2 beside its four ablations and its mean-field twin on common
random numbers (docs/MODEL.md §7 pattern 8): does each kind of individuality the paper names change
what the county achieves, and by at least the effect that would count?

Each ablation is the scenario with one registry switch on (`sim.model2.ablation`). The comparison is
`sim.whatif.compare` (paired differences, 95% percentile bootstrap intervals `ci_low`, `ci_high`);
to it this adds, per outcome, the minimum effect that would count, fixed here before any run, and the
two one-sided tests (TOST, Schuirmann 1987) against that margin, so that "does not differ" is shown by
equivalence and not by a missing difference.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..cli import EXIT_OK, _int_at_least, claim_output_dir
from ..scenario import ScenarioError

#: (label, switch, what it removes, the paper's term)
ABLATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("top leader at the team's mean", "ablate_top_leader", "the particular top leader", "一把手"),
    ("no role models", "ablate_role_models", "recognition of role models", "明树典型"),
    ("task forces at random", "ablate_task_force_targeting", "convening for the problems that need it", "工作专班"),
    ("complaints lose their township", "ablate_townships", "the township a complaint names", "12345热线"),
    ("mean-field twin", "mean_field", "every difference between agents, networks and places", "平均场"),
)

#: The smallest difference that would count, per outcome, fixed before running (docs/MODEL.md §7):
#: levels by the patterns' "clearly" (0.05 of a 0-1 level); the share sustaining by a tenth of
#: counties; phase months by half a year; gap closure by a tenth of the gap; gaming by 0.02.
MIN_EFFECT: dict[str, float] = {
    "sustained": 0.10,
    "t_start": 6.0,
    "t_build": 6.0,
    "t_activate": 6.0,
    "t_deliver": 6.0,
    "final_real_performance": 0.05,
    "final_assessed_performance": 0.05,
    "assessment_gap": 0.02,
    "final_satisfaction": 0.05,
    "gap_closure": 0.10,
}
ALPHA = 0.05  # level of each one-sided test of the TOST pair
OUTPUT_FILES: tuple[str, ...] = ("ablation.csv", "ablation.md", "ablation.png", "summary.csv", "manifest.json")


def tost(d: np.ndarray, margin: float) -> float:
    """p-value of the two one-sided t-tests that the mean paired difference lies inside
    (-margin, +margin) (Schuirmann 1987): the larger of the two one-sided p-values; NaN with fewer
    than two pairs or no spread."""
    d = d[~np.isnan(d)]
    if d.size < 2 or np.std(d) == 0.0:
        return float(np.nan) if d.size < 2 else float(abs(d.mean()) >= margin)
    lower = stats.ttest_1samp(d, -margin, alternative="greater").pvalue
    upper = stats.ttest_1samp(d, margin, alternative="less").pvalue
    return float(max(lower, upper))


def verdict(row: pd.Series) -> str:
    """differs (the interval lies beyond the minimum effect); equivalent (TOST p < ALPHA: within the
    minimum effect), said as "slightly different, equivalent" when the interval also excludes 0;
    differs, below the minimum effect (excludes 0, not equivalent); or inconclusive."""
    lo, hi, m = row["ci_low"], row["ci_high"], row["min_effect"]
    if np.isnan(lo) or np.isnan(hi):
        return "not estimable"
    if lo >= m or hi <= -m:
        return "differs"
    excludes_zero = lo > 0 or hi < 0
    if row["tost_p"] < ALPHA:
        return "slightly different, equivalent" if excludes_zero else "equivalent"
    if excludes_zero:
        return "differs, below the minimum effect"
    return "inconclusive"


def ablate(
    scenario: str, seed: int = 0, replicates: int = 50, sets=None, steps=None, n_boot: int = 2000, progress=None
):
    """Run the scenario (Model 2) and each ablation on the same seeds; return (Comparison, table)."""
    from .compare import compare
    from .variants import build_variants

    texts = [f"full model={scenario}:model_version=2"]
    texts += [f"{label}={scenario}:model_version=2,{switch}=true" for label, switch, _, _ in ABLATIONS]
    variants = build_variants(texts, sets=sets, steps=steps)
    result = compare(variants, seed, replicates, n_boot, progress=progress)
    table = result.differences.copy()
    table["min_effect"] = table["outcome"].map(MIN_EFFECT)
    pvals = []
    for _, row in table.iterrows():
        b = result.values(variants[0].label, row["outcome"])
        x = result.values(row["variant"], row["outcome"])
        pvals.append(tost(x - b, MIN_EFFECT[row["outcome"]]))
    table["tost_p"] = pvals
    table["verdict"] = table.apply(verdict, axis=1)
    return result, table


def markdown(table: pd.DataFrame, result, scenario: str) -> str:
    """The table a reader needs: per ablation and outcome, the paired difference, its interval, the
    minimum effect and the verdict."""
    lines = [
        f"# Ablations of {scenario} (Model 2)",
        "",
        f"{result.replicates} replicate seeds from root seed {result.root_seed}, common to every variant;"
        f" {result.steps} months. Difference = ablation minus full model, paired by seed, with its 95%"
        " bootstrap interval; the minimum effect is fixed before running; TOST: two one-sided tests"
        f" against that margin (equivalent when p < {ALPHA}).",
        "",
        "| ablation | outcome | full | ablated | difference [95% CI] | minimum effect | TOST p | verdict |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for _, r in table.iterrows():
        if r["n"] == 0:  # e.g. a phase month the ablation never reaches: no pair to compare
            lines.append(
                f"| {r['variant']} | {r['outcome']} | - | - | no seed reached it in both | "
                f"{r['min_effect']:g} | - | not estimable |"
            )
            continue
        lines.append(
            f"| {r['variant']} | {r['outcome']} | {r['base_mean']:.3f} | {r['variant_mean']:.3f} |"
            f" {r['difference']:+.3f} [{r['ci_low']:+.3f}, {r['ci_high']:+.3f}] | {r['min_effect']:g} |"
            f" {r['tost_p']:.3f} | {r['verdict']} |"
        )
    return "\n".join(lines) + "\n"


def figure(table: pd.DataFrame, path: str) -> None:
    """One panel per outcome: each ablation's paired difference with its interval, the minimum
    effect shaded around zero."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = ["final_real_performance", "final_satisfaction", "sustained", "t_activate"]
    fig, axes = plt.subplots(1, len(outcomes), figsize=(14, 3.6), sharey=True)
    labels = list(dict.fromkeys(table["variant"]))
    for ax, o in zip(axes, outcomes, strict=True):
        sub = table[table["outcome"] == o].set_index("variant").reindex(labels)
        y = np.arange(len(labels))
        m = MIN_EFFECT[o]
        ax.axvspan(-m, m, color="0.9", label="minimum effect")
        ax.axvline(0, color="0.5", lw=0.8)
        err = np.vstack([sub["difference"] - sub["ci_low"], sub["ci_high"] - sub["difference"]])
        ax.errorbar(sub["difference"], y, xerr=err, fmt="o", color="C0", capsize=3)
        ax.set_title(o.replace("_", " "), fontsize=10)
        ax.set_yticks(y, labels)
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(loc="lower left", fontsize=8)
    fig.suptitle("Ablation minus full model, paired by seed (95% bootstrap intervals)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def register(sub) -> None:
    """Add the `ablate` subcommand."""
    ab = sub.add_parser(
        "ablate",
        help="Model 2 beside its four ablations and mean-field twin on common seeds (pattern 8)",
        description="Run the scenario with Model 2, each of the four ablations (top leader at the team's "
        "mean, no role models, task forces at random, townships merged) and the mean-field twin on the "
        "same replicate seeds; report paired differences with 95% intervals, the minimum effect fixed for "
        "each outcome and the equivalence test (TOST) where no difference is claimed.",
    )
    ab.add_argument("scenario", metavar="SCENARIO", help="a scenario name from scenarios/ or a path")
    ab.add_argument("--replicates", "-r", type=_int_at_least(2, "--replicates"), default=50, help="default 50")
    ab.add_argument("--seed", type=_int_at_least(0, "--seed"), default=0, help="root seed (default 0)")
    ab.add_argument("--steps", type=_int_at_least(1, "--steps"), default=None, help="months (default: scenario's)")
    ab.add_argument(
        "--set", dest="sets", action="append", default=[], metavar="KEY=VALUE", help="override (repeatable)"
    )
    ab.add_argument("--out", type=Path, default=None, help="output folder (default results/ablate/<scenario>/)")
    ab.add_argument("--overwrite", action="store_true", help="replace another job's results in --out")
    ab.set_defaults(func=cmd_ablate)


def cmd_ablate(args: argparse.Namespace, argv: list[str] | None) -> int:
    from tqdm import tqdm

    from .. import manifest as mf

    if any(s.split("=", 1)[0].strip() == "model_version" for s in args.sets):
        raise ScenarioError("--set: model_version: ablate always runs Model 2 (model_version = 2); remove it")
    name = Path(args.scenario).stem
    out = args.out if args.out is not None else Path("results") / "ablate" / name
    # everything is validated, then the folder claimed (claim_output_dir), before the first run
    from .variants import build_variants

    (base,) = build_variants([f"{args.scenario}:model_version=2"], sets=args.sets, steps=args.steps)
    from ..model import replicate_seed

    seeds = [replicate_seed(args.seed, r) for r in range(args.replicates)]

    def same_ablation(m: dict) -> bool:  # the same scenario content and seeds
        return (
            m.get("kind") == "ablate"
            and (m.get("scenario") or {}).get("content_hash") == base.scenario.content_hash()
            and m.get("replicate_seeds") == seeds
        )

    claim_output_dir(out, OUTPUT_FILES, same_ablation, args.overwrite)
    started = mf.now_iso()
    total = (len(ABLATIONS) + 1) * args.replicates
    with tqdm(total=total, desc="ablate", unit="run", file=sys.stderr, disable=None, dynamic_ncols=True) as bar:
        result, table = ablate(args.scenario, args.seed, args.replicates, args.sets, args.steps, progress=bar.update)
    with mf.atomic_open(out / "ablation.csv", "w", encoding="utf-8", newline="") as f:
        table.to_csv(f, index=False, lineterminator="\n")
    with mf.atomic_open(out / "summary.csv", "w", encoding="utf-8", newline="") as f:
        result.summary.to_csv(f, index=False, lineterminator="\n")
    text = markdown(table, result, name)
    with mf.atomic_open(out / "ablation.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    mf.atomic_write(out / "ablation.png", lambda tmp: figure(table, tmp))
    files = [n for n in OUTPUT_FILES if n != "manifest.json"]
    manifest = {
        "package": "county-sim",
        "kind": "ablate",
        "model_version": 2,
        "scenario": mf.scenario_record(result.base.scenario),
        "ablations": [{"label": a[0], "switch": a[1], "removes": a[2], "paper": a[3]} for a in ABLATIONS],
        "min_effect": MIN_EFFECT,
        "root_seed": args.seed,
        "replicate_seeds": result.seeds,
        "command": mf.command_line(argv),
        "started": started,
        "finished": mf.now_iso(),
        **mf.environment(),
        "files": {n: mf.file_sha256(out / n) for n in files},
    }
    mf.write_json(out / "manifest.json", manifest)
    main_rows = table[
        table["outcome"].isin(["final_real_performance", "sustained", "final_satisfaction", "t_activate"])
    ]
    print(markdown(main_rows, result, name))
    print(f"wrote {', '.join(OUTPUT_FILES)} to {out}{os.sep}")
    return EXIT_OK
