"""Prior sensitivity of a calibration (issue 11): the same calibration run with every plausible range
halved and doubled about its default (`county-sim calibrate EXP --prior-scale 0.5` and `2`), read side
by side by `county-sim prior-sensitivity`.

The question is which parts of the posterior the patterns decide and which the ranges we chose decide
(Hartig et al. 2011 §"priors"; van der Vaart et al. 2015 report the same check). Every calibration
draws the same Latin-hypercube quantiles (same root seed), so the runs differ by their ranges alone.

For each parameter and each scale s the table gives the posterior median and 90% interval, and two
numbers measured against the reference calibration (scale 1):

- `prior_ratio` = the prior's width at s / at 1 (0.5 or 2, less where the registry's range clips it);
- `elasticity` = log(posterior 90% width ratio) / log(prior_ratio): about 1 when the posterior only
  stretches with the prior (the patterns leave the parameter free), about 0 when it keeps its width
  whatever the prior (the patterns decide it). Undefined where the prior did not change.

Each elasticity carries a bootstrap interval (the accepted sets of both calibrations resampled, by
their weights). A parameter is *decided by the patterns* when the interval lies below ELASTIC_MID at
every scale where its prior changed by at least PRIOR_CHANGE_MIN, *set by the prior* when it lies
above at every such scale, *mixed* when the scales disagree and *undetermined* otherwise (an
interval across the midpoint, a posterior width of 0). A prior that moved less than
PRIOR_CHANGE_MIN (clipped by the registry's range) says nothing and is labelled so. Integer
parameters count their values (width + 1). The per-scale summary gives the acceptance rate, the
parameters constrained at the calibration's Bonferroni level, and every pattern's reproduction on
fresh seeds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..scenario import ScenarioError

#: The elasticity that separates "decided by the patterns" (0: the posterior keeps its width whatever
#: the prior) from "set by the prior" (1: it stretches with it): the midpoint. A verdict needs the
#: elasticity's bootstrap interval wholly on one side.
ELASTIC_MID = 0.5
#: Bootstrap resamples and the interval's coverage (5% to 95%).
BOOTSTRAP, BOOT_Q = 1000, (0.05, 0.95)
#: The bootstrap's seed: fixed, so that the same folders give the same table.
BOOT_SEED = 20251130
#: A prior must change its width by at least this factor for the elasticity to mean anything: at 1.06
#: (a range clipped by the registry), 5% of Monte Carlo noise in a posterior width reads as e = 0.8.
PRIOR_CHANGE_MIN = 1.5
#: Fewer accepted sets than this and a posterior's 90% width is too noisy to compare (its 5% quantile
#: rests on one or two sets): such a calibration is refused by name.
MIN_ACCEPTED = 30
#: Parameters drawn in the figure: the most constrained at any scale first.
FIGURE_PARAMS = 12
FILES = ("prior_sensitivity.csv", "prior_sensitivity_summary.csv", "prior_sensitivity.png", "prior_sensitivity.md")
_SCALE = re.compile(r"_prior([0-9.eE+-]+)$")


@dataclass
class Calibrated:
    """One calibration folder as read back."""

    folder: Path
    base_name: str
    scale: float
    info: dict[str, Any]
    posterior: pd.DataFrame
    validation: pd.DataFrame
    accepted: pd.DataFrame


def scale_of(name: str) -> tuple[str, float]:
    """`calibrate_patterns_prior0.5` -> ("calibrate_patterns", 0.5); no suffix -> scale 1."""
    m = _SCALE.search(name)
    if not m:
        return name, 1.0
    return name[: m.start()], float(m.group(1))


def load(folder: Path) -> Calibrated:
    """Read a calibration folder; one clear error naming what is missing."""
    need = ("calibration.json", "posterior.csv", "validation.csv", "accepted.csv")
    if not folder.is_dir():
        raise ScenarioError(f"{folder}: no such folder (give folders written by `county-sim calibrate`)")
    missing = [n for n in need if not (folder / n).exists()]
    if missing:
        raise ScenarioError(
            f"{folder}: not a finished calibration (missing {', '.join(missing)}); run `county-sim calibrate` into it"
        )
    info = json.loads((folder / "calibration.json").read_text(encoding="utf-8"))
    base, scale = scale_of(str(info["experiment"]))
    return Calibrated(
        folder,
        base,
        float(info.get("prior_scale", scale)),
        info,
        pd.read_csv(folder / "posterior.csv"),
        pd.read_csv(folder / "validation.csv"),
        pd.read_csv(folder / "accepted.csv"),
    )


def check(cals: list[Calibrated]) -> Calibrated:
    """The folders must be one calibration at different prior scales; returns the reference (scale 1)."""
    if len(cals) < 2:
        raise ScenarioError("prior-sensitivity needs at least two calibration folders (the reference and a rerun)")
    ref = [c for c in cals if c.scale == 1.0]
    if len(ref) != 1:
        got = ", ".join(f"{c.folder} (scale {c.scale:g})" for c in cals)
        raise ScenarioError(f"prior-sensitivity needs exactly one calibration at prior scale 1 among: {got}")
    r = ref[0]
    scales = [c.scale for c in cals]
    if len(set(scales)) != len(scales):
        raise ScenarioError(f"two folders have the same prior scale: {sorted(scales)}")
    for c in cals:
        if c.base_name != r.base_name:
            raise ScenarioError(f"{c.folder}: calibrates {c.base_name}, not {r.base_name} as {r.folder} does")
        if len(c.accepted) < MIN_ACCEPTED:
            raise ScenarioError(
                f"{c.folder}: only {len(c.accepted)} accepted sets; comparing posteriors needs at least"
                f" {MIN_ACCEPTED} (more draws, or a wider tolerance)"
            )
        keys = ("model", "sampler", "draws", "targets", "holdout", "tolerance", "replicates_per_draw", "root_seed")
        for key in (*keys, "refine_settings"):
            if key == "refine_settings":
                mine, theirs = _refine_settings(c.info), _refine_settings(r.info)
            else:
                mine, theirs = c.info.get(key), r.info.get(key)
            if mine != theirs:
                raise ScenarioError(
                    f"{c.folder}: its {key} ({mine!r}) differs from {r.folder}'s ({theirs!r}):"
                    " only the prior's ranges may differ"
                )
        if set(c.posterior["parameter"]) != set(r.posterior["parameter"]):
            raise ScenarioError(f"{c.folder}: varies other parameters than {r.folder}")
    return r


def _refine_settings(info: dict[str, Any]) -> Any:
    r = info.get("refine")
    return None if not r else (r.get("replicates_added"), r.get("keep"), r.get("continue"))


def _width(q05: float, q95: float, is_int: bool) -> float:
    """A 90% interval's width; an integer parameter's counts its values."""
    return float(q95 - q05) + (1.0 if is_int else 0.0)


def _boot_widths(c: Calibrated, names: list[str], ints: set[str], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Bootstrap 90% widths of each parameter's posterior: the accepted sets resampled by weight."""
    acc = c.accepted
    w = acc["weight"].to_numpy(float) if "weight" in acc else np.ones(len(acc))
    idx = rng.choice(len(acc), size=(BOOTSTRAP, len(acc)), p=w / w.sum())
    out = {}
    for name in names:
        x = acc[name].to_numpy(float)[idx]
        q = np.quantile(x, [0.05, 0.95], axis=1)
        out[name] = q[1] - q[0] + (1.0 if name in ints else 0.0)
    return out


def compare(cals: list[Calibrated]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per parameter and scale, per scale) tables; see the module docstring."""
    from ..explore.models import MODELS

    ref = check(cals)
    cals = sorted(cals, key=lambda c: c.scale)
    base = ref.posterior.set_index("parameter")
    names = list(ref.posterior["parameter"])
    params = MODELS[ref.info["model"]].params if ref.info.get("model") in MODELS else {}
    ints = {n for n in names if n in params and params[n].kind == "int"}
    rng = np.random.default_rng(BOOT_SEED)
    boot = {c.scale: _boot_widths(c, names, ints, rng) for c in cals}
    rows = []
    for c in cals:
        post = c.posterior.set_index("parameter")
        for name in names:
            p, b = post.loc[name], base.loc[name]
            is_int = name in ints
            width = _width(p["post_q05"], p["post_q95"], is_int)
            bwidth = _width(b["post_q05"], b["post_q95"], is_int)
            prior_ratio = _width(p["prior_low"], p["prior_high"], is_int) / _width(
                b["prior_low"], b["prior_high"], is_int
            )
            post_ratio = width / bwidth if bwidth > 0 else float("nan")
            e = e_lo = e_hi = float("nan")
            changed = prior_ratio > 0 and abs(math.log(prior_ratio)) >= math.log(PRIOR_CHANGE_MIN)
            if changed and width > 0 and bwidth > 0:
                e = math.log(post_ratio) / math.log(prior_ratio)
                with np.errstate(divide="ignore", invalid="ignore"):
                    eb = np.log(boot[c.scale][name] / boot[1.0][name]) / math.log(prior_ratio)
                eb = eb[np.isfinite(eb)]
                if len(eb) >= 0.9 * BOOTSTRAP:
                    e_lo, e_hi = (float(v) for v in np.quantile(eb, BOOT_Q))
            rows.append(
                {
                    "parameter": name,
                    "group": p["group"],
                    "prior_scale": c.scale,
                    "default": p["default"],
                    "prior_low": p["prior_low"],
                    "prior_high": p["prior_high"],
                    "post_q05": p["post_q05"],
                    "post_median": p["post_median"],
                    "post_q95": p["post_q95"],
                    "width_ratio": p["width_ratio"],
                    "ks_p": p["ks_p"],
                    "constrained": bool(p["constrained"]),
                    "prior_ratio": prior_ratio,
                    "prior_changed": bool(changed),
                    "posterior_ratio": post_ratio,
                    "elasticity": e,
                    "elasticity_low": e_lo,
                    "elasticity_high": e_hi,
                    "median_shift": (float(p["post_median"]) - float(b["post_median"])) / bwidth
                    if bwidth > 0
                    else float("nan"),
                }
            )
    table = pd.DataFrame(rows)
    verdict = {}
    for name, g in table.groupby("parameter", sort=False):
        g = g[g["prior_changed"]]
        if not len(g):
            verdict[name] = "prior barely changed"
            continue
        lo, hi = g["elasticity_low"].to_numpy(), g["elasticity_high"].to_numpy()
        below, above = hi < ELASTIC_MID, lo > ELASTIC_MID  # NaN compares False: undetermined
        if below.all():
            verdict[name] = "decided by the patterns"
        elif above.all():
            verdict[name] = "set by the prior"
        elif below.any() and above.any():
            verdict[name] = "mixed"
        else:
            verdict[name] = "undetermined"
    table["verdict"] = table["parameter"].map(verdict)
    summary = []
    for c in cals:
        acc_lo, acc_hi = c.info["acceptance_interval"]
        row: dict[str, Any] = {
            "prior_scale": c.scale,
            "folder": str(c.folder),
            "draws": c.info["draws"],
            "accepted": c.info["accepted"],
            "acceptance_rate": c.info["acceptance_rate"],
            "acceptance_ci_low": acc_lo,
            "acceptance_ci_high": acc_hi,
            "constrained": " ".join(c.info.get("constrained", [])),
        }
        val = c.validation
        for pat in [*c.info["targets"], *c.info["holdout"]]:
            nan = float("nan")
            row.update({f"{pat}_fresh": nan, f"{pat}_fresh_ci_low": nan, f"{pat}_fresh_ci_high": nan})
            row[f"{pat}_prior"] = nan
            for sets, key in (("accepted", "fresh"), ("prior", "prior")):
                hit = val[(val["pattern"] == pat) & (val["sets"] == sets)]
                if len(hit):
                    h = hit.iloc[0]
                    row[f"{pat}_{key}"] = h["share"]
                    if key == "fresh":
                        row[f"{pat}_fresh_ci_low"], row[f"{pat}_fresh_ci_high"] = h["ci_low"], h["ci_high"]
        summary.append(row)
    return table, pd.DataFrame(summary)


def shown(table: pd.DataFrame, k: int = FIGURE_PARAMS) -> list[str]:
    """The k parameters the figure and the report show: smallest KS p at any scale first."""
    best = table.groupby("parameter", sort=False)["ks_p"].min().sort_values(kind="stable")
    return list(best.index[:k])


def figure(table: pd.DataFrame, summary: pd.DataFrame, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = shown(table)
    scales = sorted(table["prior_scale"].unique())
    colours = {s: f"C{i}" for i, s in enumerate(scales)}
    fig, (ax, bx) = plt.subplots(
        1, 2, figsize=(13, 0.55 * len(names) + 2.2), gridspec_kw={"width_ratios": [2.2, 1]}, squeeze=True
    )
    # left: each parameter's posterior (median, 5-95%) at each scale, over its priors, in the units of the
    # widest prior so that the scales share an axis
    for i, name in enumerate(names):
        g = table[table["parameter"] == name].set_index("prior_scale")
        lo, hi = float(g["prior_low"].min()), float(g["prior_high"].max())
        span = hi - lo if hi > lo else 1.0
        for j, s in enumerate(scales):
            r = g.loc[s]
            y = i + (j - (len(scales) - 1) / 2) * 0.22
            ax.plot([(r.prior_low - lo) / span, (r.prior_high - lo) / span], [y, y], color=colours[s], lw=6, alpha=0.18)
            ax.plot([(r.post_q05 - lo) / span, (r.post_q95 - lo) / span], [y, y], color=colours[s], lw=2)
            ax.plot((r.post_median - lo) / span, y, "o", color=colours[s], ms=4)
        d = float(g["default"].iloc[0])
        ax.plot([(d - lo) / span] * 2, [i - 0.4, i + 0.4], color="0.3", lw=0.8, ls=":")
        verdict = g["verdict"].iloc[0]
        ax.text(1.02, i, verdict, va="center", fontsize=7, transform=ax.get_yaxis_transform())
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("position within the widest prior (0 = its low end, 1 = its high end); dotted: registry default")
    ax.set_title("Posterior median and 90% interval (line) over the prior (shaded), by prior scale", fontsize=9)
    for s in scales:
        ax.plot([], [], color=colours[s], lw=2, label=f"prior x{s:g}")
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=len(scales))
    # right: each pattern's reproduction by the accepted sets on fresh seeds (bars) and by all prior
    # draws (black ticks), by scale; the acceptance rate is in the legend
    pats = [c[: -len("_fresh")] for c in summary.columns if c.endswith("_fresh")]
    x = np.arange(len(pats))
    width = 0.8 / len(scales)
    for j, s in enumerate(scales):
        r = summary[summary["prior_scale"] == s].iloc[0]
        vals = np.array([r[f"{p}_fresh"] for p in pats], float)
        lo = np.array([r[f"{p}_fresh_ci_low"] for p in pats], float)
        hi = np.array([r[f"{p}_fresh_ci_high"] for p in pats], float)
        err = np.clip(np.vstack([vals - lo, hi - vals]), 0.0, None)
        xs = x + (j - (len(scales) - 1) / 2) * width
        label = f"prior x{s:g}: {int(r['accepted'])} accepted ({_pct(r['acceptance_rate'])})"
        bx.bar(xs, vals, width, yerr=err, color=colours[s], capsize=2, label=label)
        prior = np.array([r[f"{p}_prior"] for p in pats], float)
        bx.plot(xs, prior, "_", color="k", ms=12, mew=2, label="prior draws" if j == 0 else None)
    bx.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    bx.set_xticks(x, pats, fontsize=7, rotation=30)
    bx.set_ylim(0, 1.05)
    bx.set_ylabel("share of sets reproducing it (95% Wilson interval)", fontsize=8)
    bx.set_title("Patterns reproduced by the accepted sets\non fresh seeds, and by the prior draws", fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, format="png")
    plt.close(fig)


def _names(text: Any) -> str:
    names = str(text).split() if isinstance(text, str) else []
    return ", ".join(f"`{n}`" for n in names) or "-"


def _pct(v: float) -> str:
    return "-" if v != v else f"{100 * v:.1f}%"


TEXT = {
    "en": {
        "title": "## Prior sensitivity",
        "intro": "The calibration was run again with every varied range {scales} about its registry default "
        "(clipped to the registry's range), on the same Latin-hypercube quantiles and seeds. Elasticity is "
        "log(posterior 90% width ratio) / log(prior width ratio) against the reference: about 0 when the "
        "patterns decide a parameter whatever its prior, about 1 when its posterior only stretches with the prior. "
        "Its 90% bootstrap interval (the accepted sets resampled) must lie wholly below or above 0.5 for a verdict.",
        "head": "| prior | draws | accepted | acceptance (95% interval) | constrained (Bonferroni) |",
        "val_head": "| pattern | role | {cols} |",
        "val_intro": "Patterns reproduced by the accepted sets on fresh seeds (prior draws in brackets):",
        "par_intro": "The {k} parameters with the smallest KS p at any scale: posterior median [5%, 95%], and "
        "elasticity e [90% bootstrap interval] where the prior changed (bold: constrained at that scale).",
        "par_head": "| parameter | {cols} | verdict |",
        "counts": "Over all {n} parameters: {decided} decided by the patterns, {free} set by the prior, {mixed} "
        "mixed (the scales disagree), {open_} undetermined (an interval across 0.5), {same} whose prior barely "
        "changed (clipped by the registry's range).",
        "halved": "halved",
        "doubled": "doubled",
        "scaled": "scaled by",
        "verdicts": {},
    },
    "zh": {
        "title": "## 先验敏感性",
        "intro": "将每个变动区间以其登记默认值为中心{scales}（不超出登记的取值范围），"
        "使用相同的拉丁超立方分位数与随机种子，重新校准。"
        "弹性 = log（后验 90% 区间宽度之比）/ log（先验宽度之比），以参照校准为基准："
        "约为 0 表示无论先验如何，模式都决定了该参数；约为 1 表示后验只是随先验一起伸缩。"
        "只有当其 90% 自助法区间（对接受组重抽样）完全低于或高于 0.5 时才下结论。",
        "head": "| 先验 | 抽样数 | 接受数 | 接受率（95% 区间） | 受约束参数（Bonferroni） |",
        "val_head": "| 模式 | 角色 | {cols} |",
        "val_intro": "接受组在新种子上再现各模式的比例（括号内为先验抽样）：",
        "par_intro": "在任一尺度下 KS 检验 p 值最小的 {k} 个参数：后验中位数［5%，95%］，"
        "以及先验变化时的弹性 e［90% 自助法区间］（粗体：该尺度下受约束）。",
        "par_head": "| 参数 | {cols} | 结论 |",
        "counts": "全部 {n} 个参数中：{decided} 个由模式决定，{free} 个由先验决定，{mixed} 个在不同尺度下结论相反，"
        "{open_} 个尚无定论（区间跨过 0.5），{same} 个的先验几乎未变（受登记范围限制）。",
        "halved": "缩小一半",
        "doubled": "扩大一倍",
        "scaled": "缩放",
        "verdicts": {
            "decided by the patterns": "由模式决定",
            "set by the prior": "由先验决定",
            "mixed": "各尺度结论相反",
            "undetermined": "尚无定论",
            "prior barely changed": "先验几乎未变",
        },
    },
}


def markdown(table: pd.DataFrame, summary: pd.DataFrame, info: dict[str, Any], lang: str = "en") -> str:
    """The prior-sensitivity section of the calibration report (`info`: the reference calibration.json)."""
    t = TEXT[lang]
    scales = sorted(float(s) for s in summary["prior_scale"])
    others = [s for s in scales if s != 1.0]
    sep = "、" if lang == "zh" else " and "
    words = sep.join(t["halved"] if s == 0.5 else t["doubled"] if s == 2 else f"{t['scaled']} {s:g}" for s in others)
    out = [t["title"], "", t["intro"].format(scales=words), "", t["head"], "|---|---|---|---|---|"]
    for r in summary.itertuples():
        out.append(
            f"| x{r.prior_scale:g} | {r.draws} | {r.accepted} | {_pct(r.acceptance_rate)} "
            f"({_pct(r.acceptance_ci_low)}-{_pct(r.acceptance_ci_high)}) | "
            f"{_names(r.constrained)} |"
        )
    cols = " | ".join(f"x{s:g}" for s in scales)
    out += ["", t["val_intro"], "", t["val_head"].format(cols=cols), "|---|---|" + "---|" * len(scales)]
    for pat in [*info["targets"], *info["holdout"]]:
        role = "target" if pat in info["targets"] else "held back"
        if lang == "zh":
            role = "目标" if pat in info["targets"] else "保留"
        cells = []
        for s in scales:
            r = summary[summary["prior_scale"] == s].iloc[0]
            cells.append(
                f"{_pct(r[f'{pat}_fresh'])} ({_pct(r[f'{pat}_fresh_ci_low'])}-{_pct(r[f'{pat}_fresh_ci_high'])}) "
                f"[{_pct(r[f'{pat}_prior'])}]"
            )
        out.append(f"| {pat} | {role} | " + " | ".join(cells) + " |")
    names = shown(table)
    out += [
        "",
        t["par_intro"].format(k=len(names)),
        "",
        t["par_head"].format(cols=cols),
        "|---|" + "---|" * (len(scales) + 1),
    ]
    for name in names:
        g = table[table["parameter"] == name].set_index("prior_scale")
        cells = []
        for s in scales:
            r = g.loc[s]
            cell = f"{r.post_median:.3g} [{r.post_q05:.3g}, {r.post_q95:.3g}]"
            if r.constrained:
                cell = f"**{cell}**"
            if r.elasticity == r.elasticity:
                cell += f" e={r.elasticity:.2f}"
                if r.elasticity_low == r.elasticity_low:
                    cell += f" [{r.elasticity_low:.2f}, {r.elasticity_high:.2f}]"
            cells.append(cell)
        verdict = str(g["verdict"].iloc[0])
        out.append(f"| `{name}` | " + " | ".join(cells) + f" | {t['verdicts'].get(verdict, verdict)} |")
    per = table.drop_duplicates("parameter")["verdict"].value_counts()
    out += [
        "",
        t["counts"].format(
            n=int(per.sum()),
            decided=int(per.get("decided by the patterns", 0)),
            free=int(per.get("set by the prior", 0)),
            mixed=int(per.get("mixed", 0)),
            open_=int(per.get("undetermined", 0)),
            same=int(per.get("prior barely changed", 0)),
        ),
        "",
    ]
    return "\n".join(out)


def write(cals: list[Calibrated], out: Path) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Write the tables, the figure and the Markdown sections into `out`; return the files written and
    the two tables (the bootstrap runs once)."""
    table, summary = compare(cals)
    ref = check(cals)
    with mf.atomic_open(out / FILES[0], "w", encoding="utf-8", newline="") as f:
        table.to_csv(f, index=False, lineterminator="\n")
    with mf.atomic_open(out / FILES[1], "w", encoding="utf-8", newline="") as f:
        summary.to_csv(f, index=False, lineterminator="\n")
    scales = ", ".join(f"x{s:g}" for s in sorted(summary["prior_scale"]))
    mf.atomic_write(
        out / FILES[2],
        lambda tmp: figure(table, summary, Path(tmp), f"{ref.base_name}: the calibration at prior scales {scales}"),
    )
    for lang, name in (("en", FILES[3]), ("zh", "prior_sensitivity.zh.md")):
        with mf.atomic_open(out / name, "w", encoding="utf-8", newline="\n") as f:
            f.write(markdown(table, summary, ref.info, lang))
    return [*FILES, "prior_sensitivity.zh.md"], table, summary


def summary_lines(table: pd.DataFrame, summary: pd.DataFrame) -> list[str]:
    lines = []
    for r in summary.itertuples():
        lines.append(
            f"prior x{r.prior_scale:g}: {r.accepted} of {r.draws} accepted ({_pct(r.acceptance_rate)}); "
            f"constrained: {_names(r.constrained).replace('`', '') if _names(r.constrained) != '-' else 'none'}"
        )
    per = table.drop_duplicates("parameter")["verdict"].value_counts()
    lines.append("parameters: " + ", ".join(f"{int(v)} {k}" for k, v in per.items()))
    return lines
