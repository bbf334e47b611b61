"""The same experiment across a calibration's accepted region (issue 11): `county-sim sweep EXPERIMENT
--ensemble accepted.csv --sets K` runs the experiment's design once per accepted parameter set (the
set's values fixed, the design's parameters varied), each into its own resumable store; `county-sim
analyze` on that folder analyses each set and then asks how the answer varies across the sets.

For a Sobol' design over the couplings this answers the project's question where it can be trusted:
not at one hand-set point, but at every sampled county that reproduces the calibration patterns. The
summary classes each varied parameter by how often its total index lies credibly (95% interval) above
`MATTERS_ST`: robustly (in at least `ROBUST_SHARE` of the sets), never (credibly below it in at least
that share), never shown (credibly above it in no set, without being credibly below it often enough
to say "never"), or only under some sets (or undecided); and it reports how often the ranking of the top
parameters holds and which parameters the PRIM boxes for sustaining restrict, set by set.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..scenario import ScenarioError
from .params_file import load_param_row

ENSEMBLE_FILE = "ensemble.json"
#: Sets an ensemble uses unless told (`--sets`): 20, or every accepted set if fewer.
DEFAULT_SETS = 20
#: A total Sobol' index from which a parameter "matters" for an output: 0.05, the threshold SALib's
#: documentation and Saltelli et al. (2008) use for screening out unimportant inputs.
MATTERS_ST = 0.05
#: Robust: its ST credibly above MATTERS_ST (95% interval) in at least 90% of the accepted sets; never:
#: credibly below it in at least 90%; never shown: credibly above it in no set (but not "never"); the
#: rest: "some sets" (or undecided at this design's size).
ROBUST_SHARE = 0.9
#: How many top parameters (by median total index) the ranking check compares set by set.
TOP_K = 2


def set_folder(out: Path, row: int) -> Path:
    return out / f"set_{row:03d}"


def rows_of(table: Path, sets: int | None) -> list[int]:
    """`sets` rows of an accepted.csv (default: 20, or all if fewer). Rejection's rows weigh the same and
    are in prior-draw order, so the first K are a random sample of the accepted region. Weighted rows
    (ABC-SMC's particles) are drawn by systematic resampling on their weights (seeded by the file's
    hash); a row drawn twice is used once, so ask for fewer sets than particles of note."""
    if not table.exists():
        raise ScenarioError(f"--ensemble {table}: file not found")
    df = pd.read_csv(table)
    n = len(df)
    if n == 0:
        raise ScenarioError(f"--ensemble {table}: no accepted sets in it")
    k = min(DEFAULT_SETS, n) if sets is None else sets
    if k > n:
        raise ScenarioError(f"--sets {k}: {table} has {n} accepted sets")
    rows = df["row"].astype(int).tolist() if "row" in df else list(range(n))
    w = df["weight"].to_numpy(float) if "weight" in df else np.full(n, 1.0 / n)
    if np.allclose(w, w[0]):
        return rows[:k]
    rng = np.random.default_rng(int(mf.file_sha256(table)[:12], 16))
    u = (rng.random() + np.arange(k)) / k
    picked = list(dict.fromkeys(int(i) for i in np.minimum(np.searchsorted(np.cumsum(w / w.sum()), u), n - 1)))
    return [rows[i] for i in picked]


def experiment_for(exp: Any, theta: dict[str, Any], where: str) -> Any:
    """The experiment with one parameter set fixed (its scenario and [set] carry the values)."""
    clash = sorted(set(theta) & set(exp.names))
    if clash:
        raise ScenarioError(
            f"{where}: sets {', '.join(clash)}, which {exp.path} varies; vary other parameters or drop those columns"
        )
    scenario = exp.scenario.with_overrides(where=where, **theta)
    return dataclasses.replace(exp, scenario=scenario, fixed={**exp.fixed, **theta})


def prepare(exp: Any, table: Path, sets: int) -> list[tuple[int, Any]]:
    """Validate every set before anything runs: [(row, experiment with that set fixed)]."""
    if exp.scenario is None:
        raise ScenarioError(f"{exp.path}: model '{exp.model}' takes no parameter sets; --ensemble needs the county")
    return [
        (row, experiment_for(exp, load_param_row(table, row), f"--ensemble {table} row {row}"))
        for row in rows_of(table, sets)
    ]


def run(
    exp: Any,
    table: Path,
    sets: int,
    out: Path,
    argv: list[str] | None = None,
    **sweep_kwargs: Any,
) -> list[Any]:
    """Sweep the experiment once per set into out/set_<row>/ (each resumable) and record the ensemble."""
    from ..explore.runner import sweep

    planned = prepare(exp, table, sets)
    out.mkdir(parents=True, exist_ok=True)
    info = {
        "experiment": exp.name,
        "experiment_path": exp.path,
        "ensemble": str(table),
        "ensemble_sha256": mf.file_sha256(table),
        "rows": [row for row, _ in planned],
        "varied": list(exp.names),
        "command": mf.command_line(argv),
        "started": mf.now_iso(),
    }
    mf.write_json(out / ENSEMBLE_FILE, info)
    outcomes = []
    for i, (row, exp_k) in enumerate(planned):
        print(f"set {i + 1} of {len(planned)}: row {row} of {table.name}", flush=True)
        outcomes.append(sweep(exp_k, set_folder(out, row), argv=argv, **sweep_kwargs))
    info["finished"] = mf.now_iso()
    info["seconds"] = round(sum(o.seconds for o in outcomes), 3)
    info["runs"] = sum(o.total for o in outcomes)
    mf.write_json(out / ENSEMBLE_FILE, info)
    return outcomes


def is_ensemble(folder: Path) -> bool:
    return (folder / ENSEMBLE_FILE).is_file()


def analyze(folder: Path, resamples: int = 1000) -> list[str]:
    """Analyse each set's sweep, then write the robust summary into folder/analysis/."""
    from ..explore.sensitivity import analyze_dir

    info = json.loads((folder / ENSEMBLE_FILE).read_text())
    rows = info["rows"]
    missing = [r for r in rows if not (set_folder(folder, r) / "runs.sqlite").exists()]
    if missing:
        raise ScenarioError(f"{folder}: sets {missing} have not run; run the same `county-sim sweep` again")
    per_set = []
    for row in rows:
        sub = set_folder(folder, row)
        analyze_dir(sub, resamples=resamples)
        per_set.append((row, json.loads((sub / "analysis" / "analysis.json").read_text())))
    out = folder / "analysis"
    out.mkdir(exist_ok=True)
    sobol, prim = _tables(per_set, info["varied"])
    files = []
    if len(sobol):
        summary = _robust(sobol)
        ranking = _ranking(sobol)
        mf.atomic_write(out / "robust_sobol.csv", lambda p: summary.to_csv(p, index=False))
        mf.atomic_write(out / "robust_ranking.csv", lambda p: ranking.to_csv(p, index=False))
        mf.atomic_write(out / "sobol_by_set.csv", lambda p: sobol.to_csv(p, index=False))
        files += ["robust_sobol.csv", "robust_ranking.csv", "sobol_by_set.csv", _figure(sobol, summary, out)]
    else:
        summary = ranking = pd.DataFrame()
    if len(prim):
        mf.atomic_write(out / "prim_by_set.csv", lambda p: prim.to_csv(p, index=False))
        files.append("prim_by_set.csv")
    text = robust_paragraph(summary, ranking, prim, len(rows))
    (out / "robust.md").write_text(text + "\n", encoding="utf-8")
    text_zh = robust_paragraph(summary, ranking, prim, len(rows), lang="zh")
    (out / "robust.zh.md").write_text(text_zh + "\n", encoding="utf-8")
    files += ["robust.md", "robust.zh.md"]
    mf.write_json(
        out / "ensemble_analysis.json",
        {
            "sets": len(rows),
            "rows": rows,
            "matters_st": MATTERS_ST,
            "robust_share": ROBUST_SHARE,
            "top_k": TOP_K,
            "paragraph": text,
        },
    )
    files.append("ensemble_analysis.json")
    return files


def _tables(per_set: list[tuple[int, dict[str, Any]]], varied: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every set's indices (an output that does not vary across a set's design: every index 0, since no
    varied parameter moves it there) and its PRIM boxes for sustaining."""
    rows, prim = [], []
    for row, a in per_set:
        for output, entry in a.get("outputs", {}).items():
            if "no variance" in entry.get("note", ""):
                rows += [
                    {"set": row, "output": output, "parameter": p, "S1": 0.0, "ST": 0.0, "ST_conf": 0.0} for p in varied
                ]
            for rec in entry.get("sobol", []):
                rows.append(
                    {
                        "set": row,
                        "output": output,
                        "parameter": rec["parameter"],
                        "S1": rec["S1"],
                        "ST": rec["ST"],
                        "ST_conf": rec.get("ST_conf", float("nan")),
                    }
                )
        for k, box in enumerate(a.get("discovery", [])):
            prim.append(
                {
                    "set": row,
                    "box": k + 1,
                    "rule": box["rule"],
                    "coverage": box["coverage"],
                    "density": box["density"],
                    "restricts": " ".join(sorted(box.get("limits", {}))),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(prim)


def _robust(sobol: pd.DataFrame) -> pd.DataFrame:
    """Per output and parameter: the distribution of its total index over the sets and its class. In a
    set, a parameter matters when its ST's 95% interval lies above MATTERS_ST, is negligible when it
    lies below, and is undecided otherwise (the sets' own estimation noise is not read as a difference
    between sets)."""
    sobol = sobol.assign(
        _matters=(sobol["ST"] - sobol["ST_conf"].fillna(0.0)) >= MATTERS_ST,
        _negligible=(sobol["ST"] + sobol["ST_conf"].fillna(0.0)) < MATTERS_ST,
    )
    g = sobol.groupby(["output", "parameter"], sort=False)
    df = pd.DataFrame(
        {
            "sets": g.size(),
            "ST_median": g["ST"].median(),
            "ST_q10": g["ST"].quantile(0.1),
            "ST_q90": g["ST"].quantile(0.9),
            "share_matters": g["_matters"].mean().astype(float),
            "share_negligible": g["_negligible"].mean().astype(float),
        }
    ).reset_index()
    df["verdict"] = np.select(
        [df["share_matters"] >= ROBUST_SHARE, df["share_negligible"] >= ROBUST_SHARE, df["share_matters"] == 0.0],
        ["robust", "never", "never shown"],
        default="some sets",
    )
    return df.sort_values(["output", "ST_median"], ascending=[True, False], kind="stable").reset_index(drop=True)


def _ranking(sobol: pd.DataFrame) -> pd.DataFrame:
    """Per output: the top parameters by median ST, and the share of sets whose own top TOP_K are they."""
    out = []
    for output, df in sobol.groupby("output", sort=False):
        df = df[df.groupby("set")["ST"].transform("max") > 0]  # a set where nothing moves it has no ranking
        if df.empty:
            continue
        med = df.groupby("parameter")["ST"].median().sort_values(ascending=False, kind="stable")
        top = list(med.index[:TOP_K])
        holds = []
        for _, one in df.groupby("set"):
            own = list(one.sort_values("ST", ascending=False, kind="stable")["parameter"][:TOP_K])
            holds.append(own == top)
        first = df.loc[df.groupby("set")["ST"].idxmax(), "parameter"].value_counts(normalize=True)
        out.append(
            {
                "output": output,
                "top": " > ".join(top),
                "share_same_top": float(np.mean(holds)),
                "most_often_first": first.index[0],
                "share_first": float(first.iloc[0]),
            }
        )
    return pd.DataFrame(out)


def robust_paragraph(
    summary: pd.DataFrame, ranking: pd.DataFrame, prim: pd.DataFrame, sets: int, lang: str = "en"
) -> str:
    """One quotable paragraph per output analysed: what matters robustly, under some sets, in no set
    (never shown), never (`lang` "en" or "zh")."""
    zh = lang == "zh"
    if summary.empty:
        return (
            f"在 {sets} 个接受的参数组上：没有 Sobol 指数（该实验不是 Sobol 设计）。"
            if zh
            else f"Across {sets} accepted parameter sets: no Sobol' indices (the experiment is not a Sobol' design)."
        )
    parts = []
    for output, df in summary.groupby("output", sort=False):

        def names(verdict: str, df: pd.DataFrame = df) -> str:
            sel = df[df["verdict"] == verdict]
            if zh:
                parts = [
                    f"{r.parameter}（ST 中位数 {r.ST_median:.2f}，"
                    f"{r.share_matters:.0%} 的参数组中确定高于 {MATTERS_ST}）"
                    for r in sel.itertuples()
                ]
                return "、".join(parts) or "无"
            parts = [
                f"{r.parameter} (median ST {r.ST_median:.2f}; credibly above {MATTERS_ST} in {r.share_matters:.0%})"
                for r in sel.itertuples()
            ]
            return ", ".join(parts) or "none"

        ranked = ranking[ranking["output"] == output] if len(ranking) else ranking
        n = int(df["sets"].max())
        if zh:
            across = f"{sets}" if n == sets else f"{sets} 个中的 {n}"
            text = (
                f"**{output}。** 在 {across} 个接受的参数组上，稳健起作用（总效应指数连同其 95% 区间高于"
                f" {MATTERS_ST} 的参数组占 {ROBUST_SHARE:.0%} 以上）：{names('robust')}。"
                f"仅在部分参数组上起作用或无法判定：{names('some sets')}。"
                f"在任何参数组中都未显示起作用（但也未确定低于 {MATTERS_ST}）：{names('never shown')}。"
                f"从不起作用（连同区间低于 {MATTERS_ST} 的参数组占 {ROBUST_SHARE:.0%} 以上）：{names('never')}。"
            )
            if not ranked.empty:
                r = ranked.iloc[0]
                text += (
                    f"按中位数排名前 {TOP_K} 位（{r['top']}）在 {r['share_same_top']:.0%} 的参数组中也是前 {TOP_K} 位；"
                    f"{r['most_often_first']} 在 {r['share_first']:.0%} 的参数组中排第一。"
                )
        else:
            across = f"{sets}" if n == sets else f"{n} of {sets} (the others could not be analysed)"
            text = (
                f"**{output}.** Across {across} accepted parameter sets, robustly (total index above {MATTERS_ST},"
                f" its 95% interval included, in at least {ROBUST_SHARE:.0%} of the sets): {names('robust')}. Only"
                f" under some sets, or undecided: {names('some sets')}. Never shown to matter (credibly above"
                f" {MATTERS_ST} in no set, yet not credibly below it often enough to say never):"
                f" {names('never shown')}. Never (below {MATTERS_ST}, interval"
                f" included, in at least {ROBUST_SHARE:.0%}): {names('never')}."
            )
            if not ranked.empty:
                r = ranked.iloc[0]
                text += (
                    f" The top {TOP_K} by median ({r['top']}) are the top {TOP_K} of {r['share_same_top']:.0%} of the"
                    f" sets where anything moves it; {r['most_often_first']} ranks first in {r['share_first']:.0%}."
                )
        parts.append(text)
    if len(prim):
        first = prim[prim["box"] == 1]
        counts = pd.Series(" ".join(first["restricts"]).split()).value_counts()
        if zh:
            parts.append(
                "**PRIM（持续改进）。** 第一个规则框限定了："
                + "；".join(f"{k}（{len(first)} 个参数组中的 {v} 个）" for k, v in counts.items())
                + "。"
            )
        else:
            parts.append(
                "**PRIM (sustained).** The first box restricts "
                + ", ".join(f"{k} in {v} of {len(first)} sets" for k, v in counts.items())
                + "."
            )
    return "\n\n".join(parts)


def _figure(sobol: pd.DataFrame, summary: pd.DataFrame, out: Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outputs = list(dict.fromkeys(sobol["output"]))
    cols = min(2, len(outputs))
    rows = -(-len(outputs) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6.0 * cols + 0.5, 4.0 * rows + 0.6), squeeze=False)
    for ax in list(axes.flat)[len(outputs) :]:
        ax.axis("off")
    for ax, output in zip(axes.flat, outputs, strict=False):
        order = list(summary[summary["output"] == output]["parameter"])
        data = [sobol[(sobol["output"] == output) & (sobol["parameter"] == p)]["ST"].to_numpy() for p in order]
        sideways = (  # Matplotlib 3.10 renamed vert=False to orientation="horizontal"
            {"orientation": "horizontal"}
            if "orientation" in inspect.signature(ax.boxplot).parameters
            else {"vert": False}
        )
        ax.boxplot(data, whis=(10, 90), showfliers=True, **sideways)
        ax.set_yticks(range(1, len(order) + 1), order)
        ax.axvline(MATTERS_ST, color="C3", ls="--", lw=1)
        ax.set_title(output, fontsize=10)
        ax.set_xlabel("total Sobol' index (ST)")
        ax.invert_yaxis()
        ax.tick_params(labelsize=8)
    sets = sobol["set"].nunique()
    fig.suptitle(
        f"Total indices across {sets} accepted parameter sets (box: quartiles; whiskers: 10-90%; "
        f"red: ST = {MATTERS_ST})",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(out / "robust_ST.png", dpi=110)
    plt.close(fig)
    return "robust_ST.png"


# ---------------------------------------------------------------------------------------------
# What-if across the accepted region: `county-sim compare BASE ALT --ensemble accepted.csv`
# ---------------------------------------------------------------------------------------------

#: Files `compare --ensemble` writes.
COMPARE_FILES = ("ensemble_effects.csv", "ensemble_by_set.csv", "ensemble_effects.png", "manifest.json")


def check_variants(variants: list[Any], table: Path) -> None:
    """A variant may not set a parameter the accepted sets carry: the set's value would silently replace
    the variant's, and the comparison would not be the one asked."""
    from .params_file import load_param_row

    carried = set(load_param_row(table, rows_of(table, 1)[0]))
    for v in variants:
        own = set(v.overrides) | {k for p in v.policies for k in p.params}
        clash = sorted(own & carried)
        if clash:
            raise ScenarioError(
                f"--ensemble {table}: variant '{v.label}' sets {', '.join(clash)}, which every accepted set sets too;"
                " compare on parameters the calibration did not vary"
            )


def compare_ensemble(
    variants: list[Any], table: Path, sets: int, seed: int, replicates: int, n_boot: int, progress: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every variant at each of the first `sets` accepted sets, on the same replicate seeds within
    a set (common random numbers), and return (per set: paired mean difference of each alternative
    against the base; pooled: mean over sets with a two-level bootstrap interval, resampling sets and
    then replicates within them, so that it includes parameter uncertainty; the share of sets in
    which the alternative is better)."""
    from ..whatif.compare import OUTCOMES, run_variants

    rows_ = rows_of(table, sets)
    per_run = []
    for row in rows_:
        theta = load_param_row(table, row)
        where = f"--ensemble {table} row {row}"
        here = [dataclasses.replace(v, scenario=v.scenario.with_overrides(where=where, **theta)) for v in variants]
        summary, _, _, _ = run_variants(here, seed, replicates, progress)
        summary.insert(0, "set", row)
        per_run.append(summary)
    runs = pd.concat(per_run, ignore_index=True)
    base = variants[0].label
    by_set, pooled = [], []
    for vi, v in enumerate(variants[1:], start=1):
        for oi, o in enumerate(OUTCOMES):
            rng = np.random.default_rng([seed, vi, oi, 11])  # each row's interval independent of the others
            diffs = []  # per set: the replicates' paired differences
            for row in rows_:
                one = runs[runs["set"] == row]
                b = _values(one[one["variant"] == base], o.name)
                x = _values(one[one["variant"] == v.label], o.name)
                ok = ~np.isnan(b) & ~np.isnan(x)
                d = (x - b)[ok]
                diffs.append(d)
                by_set.append(
                    {
                        "set": row,
                        "variant": v.label,
                        "outcome": o.name,
                        "n": int(ok.sum()),
                        "difference": float(d.mean()) if len(d) else np.nan,
                    }
                )
            means = np.array([d.mean() if len(d) else np.nan for d in diffs])
            usable = [d for d in diffs if len(d)]
            if not usable:
                continue
            boot = np.empty(n_boot)
            for i in range(n_boot):
                pick = rng.integers(0, len(usable), len(usable))
                boot[i] = np.mean([usable[j][rng.integers(0, len(usable[j]), len(usable[j]))].mean() for j in pick])
            lo, hi = np.quantile(boot, [0.025, 0.975])
            m = means[~np.isnan(means)]
            pooled.append(
                {
                    "variant": v.label,
                    "outcome": o.name,
                    "sets": len(m),
                    "replicates": replicates,
                    "difference": float(m.mean()),
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "set_q10": float(np.quantile(m, 0.1)),
                    "set_q90": float(np.quantile(m, 0.9)),
                    "share_sets_better": float((o.better * m > 0).mean()),
                    "share_sets_worse": float((o.better * m < 0).mean()),
                }
            )
    return pd.DataFrame(pooled), pd.DataFrame(by_set)


def _values(rows: pd.DataFrame, outcome: str) -> np.ndarray:
    rows = rows.sort_values("replicate")
    if outcome == "assessment_gap":
        return (rows["final_assessed_performance"] - rows["final_real_performance"]).to_numpy(float)
    return pd.to_numeric(rows[outcome].astype(float), errors="coerce").to_numpy(float)


def effects_figure(pooled: pd.DataFrame, by_set: pd.DataFrame, path: Path) -> None:
    """Per alternative: each set's mean difference (dots) and the pooled difference with its interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = ("sustained", "final_real_performance", "final_satisfaction", "assessment_gap")
    alts = list(dict.fromkeys(pooled["variant"]))
    fig, axes = plt.subplots(1, len(shown), figsize=(3.4 * len(shown), 1.0 + 0.7 * len(alts) + 1.2), squeeze=False)
    for ax, outcome in zip(axes[0], shown, strict=True):
        for i, alt in enumerate(alts):
            d = by_set[(by_set["variant"] == alt) & (by_set["outcome"] == outcome)]["difference"]
            ax.scatter(d, np.full(len(d), i) + np.linspace(-0.15, 0.15, len(d)), s=9, color="0.6", zorder=2)
            p = pooled[(pooled["variant"] == alt) & (pooled["outcome"] == outcome)]
            if len(p):
                r = p.iloc[0]
                ax.errorbar(
                    r["difference"],
                    i,
                    xerr=[[r["difference"] - r["ci_low"]], [r["ci_high"] - r["difference"]]],
                    fmt="o",
                    color="C0",
                    capsize=4,
                    zorder=3,
                )
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(range(len(alts)), alts if ax is axes[0][0] else [""] * len(alts), fontsize=8)
        ax.set_ylim(-0.6, len(alts) - 0.4)
        ax.set_title(f"{outcome}\n(alternative - base)", fontsize=9)
        ax.tick_params(labelsize=8)
    fig.suptitle(
        "Paired effects at each accepted parameter set (grey) and pooled, with a 95% interval over sets and seeds"
        " (blue)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)
