"""Do two calibrations of the same question agree? (issue 11: where a sampler schedules its draws
dynamically, "a two-sample test shows the posteriors agree".) `county-sim posterior-agreement A B`
reads two calibration folders (rejection on a Latin hypercube and ABC-SMC, one worker and several,
local and Dask) and compares them parameter by parameter and pattern by pattern.

For each parameter: the two weighted posteriors' medians and 90% intervals, the shift of the medians
as a share of the prior's width, and a two-sample Kolmogorov-Smirnov test of the two weighted samples
at their effective sizes (1 / sum w^2; Monahan 2011). A parameter *differs* when its p-value is below
ALPHA over the number of parameters (Bonferroni, as for "constrained" in `sim.calibrate.abc`). A test
that finds no difference is not proof of sameness, so the table also gives the KS distance and the
shift, the effect sizes a reader can judge. For each pattern: the two shares reproduced (on fresh
seeds where both calibrations ran that check) with their intervals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..scenario import ScenarioError
from .abc import CONSTRAINED_ALPHA, _wquantile, weighted_ks2
from .priors import Calibrated

#: The family-wise level of the per-parameter tests (Bonferroni over the parameters): the same level
#: as the calibration's "constrained" test, so a difference counts as much as a constraint does.
ALPHA = CONSTRAINED_ALPHA
#: Parameters drawn in the figure: those with the largest KS distance.
FIGURE_PARAMS = 8
FILES = ("agreement.csv", "agreement_patterns.csv", "agreement.png", "agreement.md")


def _weights(c: Calibrated) -> np.ndarray:
    w = c.accepted["weight"].to_numpy(float)
    return w / w.sum()


def check(a: Calibrated, b: Calibrated) -> list[str]:
    """The two must answer the same question: the same parameters over the same prior ranges, the same
    target and held-back patterns. Returns the parameters; one clear error otherwise."""
    pa, pb = a.posterior.set_index("parameter"), b.posterior.set_index("parameter")
    if set(pa.index) != set(pb.index):
        only_a, only_b = sorted(set(pa.index) - set(pb.index)), sorted(set(pb.index) - set(pa.index))
        raise ScenarioError(
            f"{a.folder} and {b.folder} vary different parameters (only in the first: {', '.join(only_a) or '-'};"
            f" only in the second: {', '.join(only_b) or '-'}); compare calibrations of the same question"
        )
    for name in pa.index:
        ra = (float(pa.at[name, "prior_low"]), float(pa.at[name, "prior_high"]))
        rb = (float(pb.at[name, "prior_low"]), float(pb.at[name, "prior_high"]))
        if not np.allclose(ra, rb, rtol=1e-9, atol=1e-12):
            raise ScenarioError(
                f"{b.folder}: parameter {name!r} has prior range {rb[0]:g}..{rb[1]:g}, {a.folder} has"
                f" {ra[0]:g}..{ra[1]:g}; compare calibrations at the same prior (prior-sensitivity compares scales)"
            )
    for key in ("targets", "holdout"):
        ta, tb = sorted(a.info.get(key) or {}), sorted(b.info.get(key) or {})
        if ta != tb:
            raise ScenarioError(f"{b.folder}: {key} {', '.join(tb) or '-'}; {a.folder} has {', '.join(ta) or '-'}")
    if a.info.get("tolerance") != b.info.get("tolerance"):
        raise ScenarioError(
            f"{b.folder}: tolerance {b.info.get('tolerance')}; {a.folder} has {a.info.get('tolerance')}:"
            " the two target different posteriors"
        )
    for c in (a, b):
        if len(c.accepted) < 2:
            raise ScenarioError(f"{c.folder}: {len(c.accepted)} accepted sets; a comparison needs at least 2")
    return list(pa.index)


def compare(a: Calibrated, b: Calibrated) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-parameter table (sorted by KS distance, largest first) and the per-pattern table."""
    names = check(a, b)
    wa, wb = _weights(a), _weights(b)
    prior = a.posterior.set_index("parameter")
    rows = []
    for name in names:
        ya, yb = a.accepted[name].to_numpy(float), b.accepted[name].to_numpy(float)
        qa, qb = _wquantile(ya, wa, [0.05, 0.5, 0.95]), _wquantile(yb, wb, [0.05, 0.5, 0.95])
        width = float(prior.at[name, "prior_high"]) - float(prior.at[name, "prior_low"])
        d, p = weighted_ks2(ya, wa, yb, wb)
        rows.append(
            {
                "parameter": name,
                "group": prior.at[name, "group"],
                "prior_low": float(prior.at[name, "prior_low"]),
                "prior_high": float(prior.at[name, "prior_high"]),
                "a_q05": qa[0],
                "a_median": qa[1],
                "a_q95": qa[2],
                "b_q05": qb[0],
                "b_median": qb[1],
                "b_q95": qb[2],
                "median_shift": (qb[1] - qa[1]) / width if width > 0 else float("nan"),
                "ks_d": d,
                "ks_p": p,
                "differ": bool(p < ALPHA / len(names)),
            }
        )
    table = pd.DataFrame(rows).sort_values("ks_d", ascending=False, kind="stable").reset_index(drop=True)
    pats = []
    for pattern in [*(a.info.get("targets") or {}), *(a.info.get("holdout") or {})]:
        row: dict[str, Any] = {"pattern": pattern}
        for tag, c in (("a", a), ("b", b)):
            v = c.validation[c.validation["pattern"] == pattern].set_index("sets")
            fresh = "accepted, same seeds" in v.index  # both checks ran: "accepted" is on fresh seeds
            for sets, col in (("accepted", "fresh"), ("accepted, same seeds" if fresh else "accepted", "same")):
                if col == "fresh" and not fresh:
                    row.update({f"{tag}_fresh": np.nan, f"{tag}_fresh_low": np.nan, f"{tag}_fresh_high": np.nan})
                    continue
                r = v.loc[sets]
                row.update(
                    {f"{tag}_{col}": r["share"], f"{tag}_{col}_low": r["ci_low"], f"{tag}_{col}_high": r["ci_high"]}
                )
        for col in ("fresh", "same"):
            lo_a, hi_a, lo_b, hi_b = (row[f"{t}_{col}_{e}"] for t in "ab" for e in ("low", "high"))
            row[f"{col}_intervals_overlap"] = (
                bool(lo_a <= hi_b and lo_b <= hi_a) if np.isfinite([lo_a, hi_a, lo_b, hi_b]).all() else None
            )
        pats.append(row)
    return table, pd.DataFrame(pats)


def figure(a: Calibrated, b: Calibrated, table: pd.DataFrame, path: Path) -> None:
    """The weighted posterior ECDFs of the parameters the two differ most on (largest KS distance),
    each against the uniform prior's, with D and p in each panel's title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = table.head(FIGURE_PARAMS)
    cols = min(4, max(1, len(shown)))
    rows = max(1, -(-len(shown) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.7 * rows), squeeze=False)
    for ax in axes.flat[len(shown) :]:
        ax.set_visible(False)
    la, lb = _label(a), _label(b)
    for ax, r in zip(axes.flat, shown.itertuples(), strict=False):
        for c, label, colour in ((a, la, "tab:blue"), (b, lb, "tab:orange")):
            y, w = c.accepted[r.parameter].to_numpy(float), _weights(c)
            order = np.argsort(y, kind="stable")
            ax.step(y[order], np.cumsum(w[order]), where="post", color=colour, label=label)
        ax.plot([r.prior_low, r.prior_high], [0, 1], color="0.6", ls=":", label="prior")
        ax.set_title(f"{r.parameter}\nD = {r.ks_d:.2f}, p = {r.ks_p:.2g}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, 1)
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(
        f"Posterior agreement: the {len(shown)} parameters with the largest KS distance (weighted ECDFs)", fontsize=10
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def _label(c: Calibrated) -> str:
    return f"{_name(c)} ({len(c.accepted)} sets)"


def _name(c: Calibrated) -> str:
    """The folder's last two parts: enough to tell results/x from results/y and a/cal from b/cal."""
    return "/".join(c.folder.resolve().parts[-2:])


TEXT = {
    "en": {
        "title": "# Posterior agreement: {a} and {b}",
        "intro": "Two calibrations of the same question ({targets} as targets, {holdout} held back, the same "
        "prior ranges) compared parameter by parameter: a two-sample Kolmogorov-Smirnov test of the two "
        "weighted posteriors at their effective sizes, a difference counting at p < {alpha:g} / {k} "
        "(Bonferroni). A test that finds no difference does not prove sameness: the KS distance D and the shift "
        "of the medians (as a share of the prior's width) are the effect sizes.",
        "sets": "- **A** `{a}`: {na} sets (effective size {ea:.0f}), sampler: {sa}\n"
        "- **B** `{b}`: {nb} sets (effective size {eb:.0f}), sampler: {sb}",
        "verdict": "**{n} of {k} parameters differ** at that level. Largest KS distance {dmax:.2f} ({pmax}); largest "
        "shift of the medians {smax:.2f} of a prior width ({psmax}); median KS distance {dmed:.2f}.",
        "head": "| parameter | A median (90%) | B median (90%) | shift | D | p |",
        "patterns": "## Patterns reproduced\n\nShares of the accepted sets (weighted) that reproduce each pattern, "
        "with 95% intervals; on fresh seeds where both calibrations ran that check, else on the seeds they were "
        "accepted on.",
        "phead": "| pattern | A | B | intervals overlap |",
        "figure": "![the parameters with the largest KS distance](agreement.png)",
    },
    "zh": {
        "title": "# 后验一致性：{a} 与 {b}",
        "intro": "对同一问题的两次校准（目标模式 {targets}，保留模式 {holdout}，先验范围相同）"
        "逐参数比较：两组加权后验样本在有效样本量下的双样本 Kolmogorov-Smirnov 检验，"
        "p < {alpha:g} / {k}（Bonferroni）时计为有差异。未发现差异并不证明相同："
        "KS 距离 D 与中位数的位移（以先验宽度为单位）才是效应量。",
        "sets": "- **A** `{a}`：{na} 组（有效样本量 {ea:.0f}），抽样方法：{sa}\n"
        "- **B** `{b}`：{nb} 组（有效样本量 {eb:.0f}），抽样方法：{sb}",
        "verdict": "在该水平下，**{k} 个参数中有 {n} 个存在差异**。最大 KS 距离 {dmax:.2f}（{pmax}）；"
        "中位数最大位移为先验宽度的 {smax:.2f}（{psmax}）；KS 距离中位数 {dmed:.2f}。",
        "head": "| 参数 | A 中位数（90%） | B 中位数（90%） | 位移 | D | p |",
        "patterns": "## 模式的再现\n\n接受的参数组（加权）再现各模式的比例及 95% 区间；"
        "两次校准都做了新种子检验时用新种子，否则用接受时的种子。",
        "phead": "| 模式 | A | B | 区间重叠 |",
        "figure": "![KS 距离最大的参数](agreement.png)",
    },
}


def markdown(a: Calibrated, b: Calibrated, table: pd.DataFrame, pats: pd.DataFrame, lang: str = "en") -> str:
    t = TEXT[lang]
    wa, wb = _weights(a), _weights(b)
    k = len(table)
    top, shift = table.iloc[0], table.iloc[int(np.nanargmax(np.abs(table["median_shift"].to_numpy())))]
    lines = [
        t["title"].format(a=_name(a), b=_name(b)),
        "",
        t["intro"].format(
            targets=", ".join(a.info.get("targets") or {}),
            holdout=", ".join(a.info.get("holdout") or {}) or "-",
            alpha=ALPHA,
            k=k,
        ),
        "",
        t["sets"].format(
            a=a.folder,
            b=b.folder,
            na=len(a.accepted),
            nb=len(b.accepted),
            ea=1.0 / float(np.sum(wa**2)),
            eb=1.0 / float(np.sum(wb**2)),
            sa=a.info.get("sampler", "?"),
            sb=b.info.get("sampler", "?"),
        ),
        "",
        t["verdict"].format(
            n=int(table["differ"].sum()),
            k=k,
            dmax=float(top["ks_d"]),
            pmax=f"`{top['parameter']}`, p = {float(top['ks_p']):.2g}",
            smax=abs(float(shift["median_shift"])),
            psmax=f"`{shift['parameter']}`",
            dmed=float(table["ks_d"].median()),
        ),
        "",
        t["figure"],
        "",
        t["head"],
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def g(v: float) -> str:
        return f"{v:.3g}"

    for r in table.head(FIGURE_PARAMS * 2).itertuples():
        lines.append(
            f"| `{r.parameter}`{' ⚠' if r.differ else ''} | {g(r.a_median)} ({g(r.a_q05)}–{g(r.a_q95)}) | "
            f"{g(r.b_median)} ({g(r.b_q05)}–{g(r.b_q95)}) | {r.median_shift:+.2f} | {r.ks_d:.2f} | {r.ks_p:.2g} |"
        )
    lines += ["", t["patterns"], "", t["phead"], "| --- | --- | --- | --- |"]

    def share(r: Any, tag: str) -> str:
        col = "fresh" if np.isfinite(r["a_fresh"]) and np.isfinite(r["b_fresh"]) else "same"
        return f"{r[f'{tag}_{col}']:.0%} ({r[f'{tag}_{col}_low']:.0%}–{r[f'{tag}_{col}_high']:.0%})"

    for _, r in pats.iterrows():
        col = "fresh" if np.isfinite(r["a_fresh"]) and np.isfinite(r["b_fresh"]) else "same"
        lines.append(f"| {r['pattern']} | {share(r, 'a')} | {share(r, 'b')} | {r[f'{col}_intervals_overlap']} |")
    return "\n".join(lines) + "\n"


def write(a: Calibrated, b: Calibrated, out: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    table, pats = compare(a, b)
    with mf.atomic_open(out / FILES[0], "w", encoding="utf-8", newline="") as f:
        table.to_csv(f, index=False, lineterminator="\n")
    with mf.atomic_open(out / FILES[1], "w", encoding="utf-8", newline="") as f:
        pats.to_csv(f, index=False, lineterminator="\n")
    mf.atomic_write(out / FILES[2], lambda tmp: figure(a, b, table, Path(tmp)))
    for lang, name in (("en", FILES[3]), ("zh", "agreement.zh.md")):
        with mf.atomic_open(out / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(markdown(a, b, table, pats, lang))
    return [*FILES, "agreement.zh.md"], table, pats


def summary_lines(table: pd.DataFrame, pats: pd.DataFrame) -> list[str]:
    top = table.iloc[0]
    lines = [
        f"{int(table['differ'].sum())} of {len(table)} parameters differ (KS, p < {ALPHA:g} / {len(table)});"
        f" largest D {top['ks_d']:.2f} ({top['parameter']}, p = {top['ks_p']:.2g}),"
        f" median D {table['ks_d'].median():.2f}"
    ]
    for _, r in pats.iterrows():
        col = "fresh" if np.isfinite(r["a_fresh"]) and np.isfinite(r["b_fresh"]) else "same"
        where = "fresh seeds" if col == "fresh" else "same seeds"
        lines.append(
            f"{r['pattern']}: A {r[f'a_{col}']:.0%} ({r[f'a_{col}_low']:.0%}-{r[f'a_{col}_high']:.0%}),"
            f" B {r[f'b_{col}']:.0%} ({r[f'b_{col}_low']:.0%}-{r[f'b_{col}_high']:.0%}) on {where}"
        )
    return lines


def manifest(a: Calibrated, b: Calibrated, out: Path, files: list[str], argv: list[str] | None, started: str) -> None:
    mf.write_json(
        out / "manifest.json",
        {
            "kind": "posterior_agreement",
            "folders": [str(a.folder.resolve()), str(b.folder.resolve())],
            "calibrations": {
                str(c.folder.resolve()): {"calibration_sha256": mf.file_sha256(c.folder / "calibration.json")}
                for c in (a, b)
            },
            "alpha": ALPHA,
            "command": mf.command_line(argv),
            "started": started,
            "finished": mf.now_iso(),
            **mf.environment(),
            "files": {n: mf.file_sha256(out / n) for n in files},
        },
    )


def same_job(folders: list[str]):
    def same(m: dict) -> bool:
        return m.get("kind") == "posterior_agreement" and m.get("folders") == folders

    return same
