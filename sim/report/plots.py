"""Figures of a batch of runs, drawn with matplotlib's Agg canvas (no display, no pyplot state).

`trajectory_figure` is the `trajectory.png` of `county-sim run`: real vs assessed performance with
the phases of the trajectory (start–build–activate–deliver, 启动—蓄力—激活—发力) shaded, the five
subsystem levels, and the coupling coordination degree; replicates as thin lines, their median bold.
"""

from __future__ import annotations

import functools
import glob
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..params import SUBSYSTEM_NAMES, SUBSYSTEMS
from ..trajectory import PHASES, PHASES_ZH

#: Shading of each phase (none is left blank).
PHASE_COLOURS: dict[str, str] = {
    "start": "#fdd9a0",
    "build": "#c9e7b8",
    "activate": "#a9d0ea",
    "deliver": "#d4c4e6",
}
SUBSYSTEM_COLOURS: dict[str, str] = {
    "DI": "#d62728",
    "CL": "#1f77b4",
    "GC": "#2ca02c",
    "ME": "#9467bd",
    "AI": "#ff7f0e",
}
#: Font families that carry Chinese glyphs, best first (Debian's fonts-noto-cjk provides the first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
    "Droid Sans Fallback",
)
#: Where Debian and friends put Noto CJK; matplotlib's font cache may predate their installation.
CJK_FONT_GLOBS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK*.tt[cf]",
    "/usr/share/fonts/noto-cjk/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK*.tt[cf]",
    "/usr/share/fonts/truetype/wqy/wqy-*.tt[cf]",
)

_TEXT = {
    "en": {
        "performance": "Performance",
        "real": "real performance",
        "assessed": "assessed performance",
        "benchmark": "benchmark county",
        "levels": "Subsystem levels",
        "coupling": "Coupling coordination",
        "D": "coordination degree D",
        "C": "coupling C",
        "T": "development T",
        "month": "month",
        "level": "level (0–1)",
        "phase": "phase (modal)",
        "median": "bold: median of {n} replicate(s); thin: each replicate",
        "handover": "new top leader",
    },
    "zh": {
        "performance": "绩效",
        "real": "实际绩效",
        "assessed": "考核绩效",
        "benchmark": "标杆县",
        "levels": "子系统水平",
        "coupling": "耦合协调度",
        "D": "耦合协调度 D",
        "C": "耦合度 C",
        "T": "综合发展 T",
        "month": "月",
        "level": "水平 (0–1)",
        "phase": "阶段 (众数)",
        "median": "粗线: {n} 次重复的中位数; 细线: 每次重复",
        "handover": "换届",
    },
}


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs was found; the figure falls back to English labels."""


@functools.lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None.

    Looks in matplotlib's font list first, then registers Noto CJK files from the usual system
    folders (matplotlib's font cache may have been built before the fonts were installed).
    """
    from matplotlib import font_manager

    def known() -> str | None:
        """The best CJK family matplotlib already knows, or None."""
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((fam for fam in CJK_FAMILIES if fam in names), None)

    found = known()
    if found:
        return found
    for pattern in CJK_FONT_GLOBS:
        for path in sorted(glob.glob(pattern)):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


def modal_phase(series: pd.DataFrame) -> pd.Series:
    """The most common phase across replicates at each step (ties go to the earlier phase)."""
    counts = pd.crosstab(series["step"], series["phase"])
    counts = counts.reindex(columns=[p for p in PHASES if p in counts.columns] or list(counts.columns))
    return counts.idxmax(axis=1)


def phase_spans(phase: pd.Series) -> list[tuple[str, float, float]]:
    """Contiguous runs of one phase as (phase, first step - 0.5, last step + 0.5)."""
    spans: list[tuple[str, float, float]] = []
    steps = phase.index.to_numpy()
    values = phase.to_numpy()
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            spans.append((str(values[start]), float(steps[start]) - 0.5, float(steps[i - 1]) + 0.5))
            start = i
    return spans


def _replicate_lines(ax, series: pd.DataFrame, column: str, colour: str, alpha: float, width: float = 0.6) -> None:
    """Draw one thin line per replicate for `column` as a single LineCollection (fast)."""
    from matplotlib.collections import LineCollection

    wide = series.pivot_table(index="step", columns="replicate", values=column, aggfunc="first")
    x = wide.index.to_numpy(dtype=float)
    segments = [np.column_stack([x, wide[r].to_numpy(dtype=float)]) for r in wide.columns]
    ax.add_collection(LineCollection(segments, colors=colour, linewidths=width, alpha=alpha, zorder=2))


def _resolve_language(lang: str) -> tuple[str, str | None]:
    """(language of the labels, CJK font family or None); warns once if Chinese cannot be drawn."""
    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {', '.join(_TEXT)} (got {lang!r})")
    font = find_cjk_font()
    if font is None:
        warnings.warn(
            "no CJK font found (install Debian's fonts-noto-cjk for Chinese labels); "
            "trajectory.png uses English labels only",
            CJKFontWarning,
            stacklevel=3,
        )
        return "en", None
    return lang, font


def handover_months(params: dict, events: Sequence, steps: int) -> list[float]:
    """Where a new top leader takes over, for the figure: at the end of each of the top leader's terms
    (`term_length`, which staggering does not move for the top leader) and at a scheduled
    `leadership_change` or top-leader `leader_change`; each between the last month of the old and
    the first of the new (a change in month m acts at its start: m - 0.5)."""
    term = int(params.get("term_length", 0) or 0)
    months = {k * term + 0.5 for k in range(1, steps // term + 1) if k * term < steps} if term > 0 else set()
    for e in events:
        values = dict(e.values)
        if e.kind == "leadership_change" or (e.kind == "leader_change" and int(values.get("leader", 0)) == 0):
            months.add(e.month - 0.5)
    return sorted(m for m in months if 0 < m < steps)


def trajectory_figure(
    series: pd.DataFrame,
    path: str | Path,
    lang: str = "en",
    title: str | None = None,
    dpi: int = 110,
    handovers: Sequence[float] = (),
) -> Path:
    """Write the three-panel trajectory figure of a batch of runs to `path` (PNG) and return it.

    `series` has the columns of `series.csv` (one row per replicate and step; a single run without
    a `replicate` column is fine). `lang="en"` labels in English and adds the Chinese phase names
    to the legend; `lang="zh"` labels in Chinese. Without a CJK font both fall back to English
    with a `CJKFontWarning`. `handovers`: months at which a new top leader takes over (between two
    recorded months, e.g. 60.5), drawn as dotted lines on every panel (see `handover_months`).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    if "replicate" not in series.columns:
        series = series.assign(replicate=0)
    lang, cjk = _resolve_language(lang)
    text = _TEXT[lang]
    family = ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]

    n_rep = int(series["replicate"].nunique())
    thin = float(np.clip(3.0 / max(n_rep, 1), 0.08, 0.5))
    columns = [
        "real_performance",
        "assessed_performance",
        "benchmark",
        "coupling_C",
        "coupling_T",
        "coupling_D",
        *(f"level_{k}" for k in SUBSYSTEMS),
    ]
    median = series.groupby("step")[[c for c in columns if c in series.columns]].median()
    x = median.index.to_numpy(dtype=float)

    fig = Figure(figsize=(9.0, 10.5), dpi=dpi, layout="constrained")
    ax1, ax2, ax3 = fig.subplots(3, 1, sharex=True)
    for ax in (ax1, ax2, ax3):
        ax.set_xlim(x[0], x[-1])
        ax.grid(True, color="#e6e6e6", linewidth=0.6, zorder=0)
        for m in handovers:
            ax.axvline(m, color="#555555", lw=1.0, ls=":", zorder=2)
    for m in handovers:  # labelled once, at the top of the performance panel
        ax1.annotate(
            text["handover"],
            (m, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            va="top",
            fontsize=8,
            color="#555555",
            family=family,
        )

    # Panel 1: real vs assessed performance, phases shaded.
    handles = []
    if "phase" in series.columns:
        for phase, lo, hi in phase_spans(modal_phase(series)):
            if phase in PHASE_COLOURS:
                ax1.axvspan(lo, hi, color=PHASE_COLOURS[phase], alpha=0.55, linewidth=0, zorder=0.5)
        for phase in PHASES[1:]:
            label = phase if lang == "en" else PHASES_ZH[phase]
            if cjk and lang == "en":
                label = f"{phase} {PHASES_ZH[phase]}"
            handles.append(Patch(facecolor=PHASE_COLOURS[phase], alpha=0.55, label=label))
    for col, colour in (("real_performance", "#1f4e9c"), ("assessed_performance", "#d9541e")):
        _replicate_lines(ax1, series, col, colour, thin)
    (real,) = ax1.plot(x, median["real_performance"], color="#1f4e9c", lw=2.2, label=text["real"], zorder=3)
    (assessed,) = ax1.plot(x, median["assessed_performance"], color="#d9541e", lw=2.2, label=text["assessed"], zorder=3)
    lines = [real, assessed]
    if "benchmark" in median.columns:
        (bench,) = ax1.plot(x, median["benchmark"], color="#444444", lw=1.4, ls="--", label=text["benchmark"], zorder=3)
        lines.append(bench)
    ax1.set_ylabel(text["performance"], family=family)
    ax1.set_title(
        text["performance"] if title is None else f"{title}: {text['performance']}", family=family, loc="left"
    )
    first = ax1.legend(handles=lines, loc="upper left", prop={"family": family, "size": 8})
    if handles:
        ax1.add_artist(first)
        ax1.legend(
            handles=handles,
            loc="lower right",
            title=text["phase"],
            prop={"family": family, "size": 8},
            title_fontproperties={"family": family, "size": 8},
        )

    # Panel 2: the five subsystem levels.
    level_lines = []
    for k in SUBSYSTEMS:
        col = f"level_{k}"
        if col not in median.columns:
            continue
        _replicate_lines(ax2, series, col, SUBSYSTEM_COLOURS[k], thin * 0.8)
        en, zh = SUBSYSTEM_NAMES[k]
        name = zh if lang == "zh" else en
        (ln,) = ax2.plot(x, median[col], color=SUBSYSTEM_COLOURS[k], lw=2.0, label=f"{k} {name}", zorder=3)
        level_lines.append(ln)
    ax2.set_ylim(0.0, 1.0)
    ax2.set_ylabel(text["level"], family=family)
    ax2.set_title(text["levels"], family=family, loc="left")
    ax2.legend(handles=level_lines, loc="lower right", ncols=2, prop={"family": family, "size": 8})

    # Panel 3: coupling coordination degree D (with C and T thinner).
    _replicate_lines(ax3, series, "coupling_D", "#222222", thin)
    (d_line,) = ax3.plot(x, median["coupling_D"], color="#222222", lw=2.2, label=text["D"], zorder=3)
    (c_line,) = ax3.plot(x, median["coupling_C"], color="#8c564b", lw=1.1, ls="-.", label=text["C"], zorder=3)
    (t_line,) = ax3.plot(x, median["coupling_T"], color="#17becf", lw=1.1, ls=":", label=text["T"], zorder=3)
    ax3.set_ylim(0.0, 1.0)
    ax3.set_ylabel(text["level"], family=family)
    ax3.set_title(text["coupling"], family=family, loc="left")
    ax3.set_xlabel(text["month"], family=family)
    ax3.legend(handles=[d_line, c_line, t_line], loc="lower right", prop={"family": family, "size": 8})
    fig.text(
        0.99, 0.001, text["median"].format(n=n_rep), ha="right", va="bottom", fontsize=7, color="#555555", family=family
    )

    path = Path(path)
    fig.savefig(path, format="png", dpi=dpi)
    return path
