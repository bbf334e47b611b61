"""Figures of a comparison, drawn with matplotlib's Agg canvas (no display, no pyplot state).

- `trajectories_figure`: each variant's real performance and satisfaction, median and 10–90% band
  over replicates, on one chart, with the months of interventions marked;
- `forest_figure`: paired differences from the base with 95% intervals, one panel per outcome, the
  unpaired interval drawn thin beside each (what common random numbers save).

Chinese labels need a CJK font (`sim.report.plots.find_cjk_font`); without one the figures fall
back to English with a `CJKFontWarning`, as `trajectory.png` does.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ..interventions import INTERVENTIONS
from ..report.plots import CJKFontWarning, find_cjk_font
from .compare import OUTCOME, Comparison

COLOURS = ("#1f4e9c", "#d9541e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
FOREST_OUTCOMES: tuple[str, ...] = (
    "sustained",
    "t_activate",
    "t_deliver",
    "final_real_performance",
    "final_assessed_performance",
    "assessment_gap",
    "final_satisfaction",
    "gap_closure",
)
_TEXT = {
    "en": {
        "real": "Real performance",
        "satisfaction": "Citizens' satisfaction",
        "month": "month",
        "level": "level (0–1)",
        "band": "lines: median over {n} replicates; bands: 10–90%; vertical lines: interventions (grey: in the base)",
        "forest": "Paired difference from the base (variant − base), 95% bootstrap interval",
        "forest_note": "thick: paired (common random numbers); thin grey: as if unpaired; right of 0: higher",
        "pp": "percentage points",
        "months": "months (negative: earlier)",
        "units": "level units",
        "base": "base",
    },
    "zh": {
        "real": "实际绩效",
        "satisfaction": "群众满意度",
        "month": "月",
        "level": "水平 (0–1)",
        "band": "线: {n} 次重复的中位数; 阴影: 10%–90%; 竖线: 干预时点 (灰色: 基准方案中已有)",
        "forest": "与基准方案的配对差 (方案 − 基准), 95% 自助法置信区间",
        "forest_note": "粗线: 配对 (共同随机数); 细灰线: 若不配对; 0 右侧: 更高",
        "pp": "百分点",
        "months": "月 (负值: 更早)",
        "units": "水平单位",
        "base": "基准",
    },
}


def resolve_language(lang: str, what: str) -> tuple[str, str | None]:
    """(language of the labels, CJK family or None); warns once if Chinese cannot be drawn."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {', '.join(_TEXT)} (got {lang!r})")
    if lang == "en":
        return "en", find_cjk_font()
    font = find_cjk_font()
    if font is None:
        warnings.warn(
            f"no CJK font found (install Debian's fonts-noto-cjk for Chinese labels); {what} uses English labels only",
            CJKFontWarning,
            stacklevel=3,
        )
        return "en", None
    return lang, font


def kind_label(kind: str, lang: str) -> str:
    spec = INTERVENTIONS.get(kind)
    return spec.zh if (lang == "zh" and spec is not None and spec.zh) else kind


def event_label(e, lang: str) -> str:
    """A short label of a scheduled intervention: its kind (Chinese name with lang zh) and lever."""
    lever = dict(e.values).get("lever")
    return kind_label(e.kind, lang) + (f" {lever}" if lever else "")


def _markers(result: Comparison, lang: str) -> list[tuple[int, int, str, str]]:
    """(month, months it lasts, colour, label) of every intervention: the base's in grey, each
    variant's additions in its colour."""
    out = []
    for i, v in enumerate(result.variants):
        events = v.scenario.events if i == 0 else v.added
        colour = "#888888" if i == 0 else COLOURS[i % len(COLOURS)]
        for e in events:
            months = int(dict(e.values).get("months", 1)) if e.kind == "ramp_lever" else 1
            out.append((e.month, months, colour, event_label(e, lang)))
    return out


def trajectories_figure(result: Comparison, path: str | Path, lang: str = "en", dpi: int = 110) -> Path:
    """Write the trajectories chart (PNG) and return its path."""
    from matplotlib.figure import Figure

    lang, cjk = resolve_language(lang, "trajectories.png")
    text = _TEXT[lang]
    family = ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]
    fig = Figure(figsize=(9.0, 7.2), dpi=dpi, layout="constrained")
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    x = np.arange(result.steps + 1)
    for ax, measure, title in ((ax1, "real_performance", text["real"]), (ax2, "satisfaction", text["satisfaction"])):
        for i, v in enumerate(result.variants):
            data = result.series[v.label][measure]
            lo, med, hi = np.quantile(data, [0.1, 0.5, 0.9], axis=0)
            colour = COLOURS[i % len(COLOURS)]
            name = f"{v.label} ({text['base']})" if i == 0 else v.label
            ax.fill_between(x, lo, hi, color=colour, alpha=0.15, linewidth=0)
            ax.plot(x, med, color=colour, lw=2.0 if i == 0 else 1.6, label=name)
        ax.set_title(title, family=family, loc="left")
        ax.set_ylabel(text["level"], family=family)
        ax.grid(True, color="#e6e6e6", linewidth=0.6)
        ax.set_xlim(0, result.steps)
    ax1.legend(loc="lower right", prop={"family": family, "size": 8})
    # intervention months: a line per month and colour, labelled once, ramps shaded over their months
    seen: dict[tuple[int, str], list[str]] = {}
    for month, months, colour, label in _markers(result, lang):
        seen.setdefault((month, colour), []).append(label)
        for ax in (ax1, ax2):
            ax.axvline(month, color=colour, lw=1.0, ls=":" if colour != "#888888" else "--", zorder=1)
            if months > 1:
                ax.axvspan(month, month + months - 1, color=colour, alpha=0.07, linewidth=0)
    for k, ((month, colour), labels) in enumerate(sorted(seen.items())):
        names = sorted(set(labels))
        ax1.text(
            month + 0.6,
            0.98 - 0.06 * (k % 4),
            ", ".join(names),
            transform=ax1.get_xaxis_transform(),
            color=colour,
            fontsize=7,
            va="top",
            family=family,
        )
    ax2.set_xlabel(text["month"], family=family)
    fig.supxlabel(
        text["band"].format(n=result.replicates), x=0.99, ha="right", fontsize=7, color="#555555", family=family
    )
    path = Path(path)
    fig.savefig(path, format="png", dpi=dpi)
    return path


def forest_figure(result: Comparison, path: str | Path, lang: str = "en", dpi: int = 110) -> Path:
    """Write the forest plot of paired differences (PNG) and return its path."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    lang, cjk = resolve_language(lang, "forest.png")
    text = _TEXT[lang]
    family = ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]
    alts = result.variants[1:]
    rows = (len(FOREST_OUTCOMES) + 1) // 2
    height = 1.3 + rows * (0.55 + 0.32 * len(alts))
    fig = Figure(figsize=(10.0, height), dpi=dpi, layout="constrained")
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    d = result.differences
    for ax, name in zip(axes, FOREST_OUTCOMES, strict=False):
        o = OUTCOME[name]
        scale = 100.0 if o.kind == "share" else 1.0
        unit = text["pp"] if o.kind == "share" else text["months"] if o.kind == "month" else text["units"]
        for j, v in enumerate(alts):
            row = d[(d["variant"] == v.label) & (d["outcome"] == name)].iloc[0]
            y = len(alts) - 1 - j
            colour = COLOURS[(j + 1) % len(COLOURS)]
            if np.isfinite(row["unpaired_ci_low"]):
                ax.plot(
                    [row["unpaired_ci_low"] * scale, row["unpaired_ci_high"] * scale],
                    [y - 0.22, y - 0.22],
                    color="#9a9a9a",
                    lw=1.0,
                )
            if np.isfinite(row["ci_low"]):
                ax.plot(
                    [row["ci_low"] * scale, row["ci_high"] * scale], [y, y], color=colour, lw=3.0, solid_capstyle="butt"
                )
            if np.isfinite(row["difference"]):
                ax.plot([row["difference"] * scale], [y], "o", color=colour, ms=5)
        ax.axvline(0.0, color="#444444", lw=0.8)
        ax.set_yticks(range(len(alts)), [v.label for v in reversed(alts)], family=family, fontsize=7)
        ax.set_ylim(-0.7, len(alts) - 0.4)
        ax.set_title(o.zh if lang == "zh" else o.en, family=family, loc="left", fontsize=9)
        ax.set_xlabel(unit, family=family, fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.grid(True, axis="x", color="#e6e6e6", linewidth=0.6)
    for ax in axes[len(FOREST_OUTCOMES) :]:
        ax.set_visible(False)
    fig.suptitle(text["forest"], family=family, fontsize=10, x=0.01, ha="left")
    fig.supxlabel(text["forest_note"], x=0.99, ha="right", fontsize=7, color="#555555", family=family)
    path = Path(path)
    fig.savefig(path, format="png", dpi=dpi)
    return path
