"""Matplotlib for the app: fonts, and the post-processing of Mesa's plot component.

The subsystem plot is Mesa's `make_plot_component` (matplotlib, drawn on the server). Chinese
labels need a CJK font (Debian: fonts-noto-cjk). `figure_lang` says which language figures can be
labelled in: without a CJK font, Chinese falls back to English with one logged warning (the page's
own text and the ECharts views are drawn by the browser, with the browser's fonts).
"""

from __future__ import annotations

import logging
import threading

from ..report.plots import find_cjk_font
from .i18n import measure_label, subsystem_label, t

log = logging.getLogger("county-sim.app")

SUBSYSTEM_COLOURS: dict[str, str] = {
    "level_DI": "#1f77b4",
    "level_CL": "#ff7f0e",
    "level_GC": "#2ca02c",
    "level_ME": "#d62728",
    "level_AI": "#9467bd",
    "coupling_D": "#000000",
}
FIGSIZE = (6.0, 3.4)
DPI = 80

_fonts_lock = threading.Lock()
_fonts: dict[str, str | None] = {}


def configure_fonts() -> str | None:
    """Let matplotlib fall back to a CJK font for Chinese glyphs (DejaVu Sans first, so Latin text
    looks as usual). Once per process; returns the CJK family or None (with one warning logged)."""
    import matplotlib

    with _fonts_lock:
        if "cjk" not in _fonts:
            font = find_cjk_font()
            _fonts["cjk"] = font
            if font is None:
                log.warning("no CJK font found (install Debian's fonts-noto-cjk): figures use English labels")
            else:
                families = list(matplotlib.rcParams["font.sans-serif"])
                matplotlib.rcParams["font.family"] = ["sans-serif"]
                matplotlib.rcParams["font.sans-serif"] = ["DejaVu Sans", font, *families]
        return _fonts["cjk"]


def figure_lang(lang: str) -> str:
    """The language figures can be labelled in: Chinese only where a CJK font exists."""
    return lang if lang != "zh" or configure_fonts() is not None else "en"


def _label(name: str, lang: str) -> str:
    if name.startswith("level_"):
        return subsystem_label(name[len("level_") :], lang)
    return measure_label(name, lang)


def style_axes(ax, lang: str, names: list[str], title_key: str, ylim: tuple[float, float] | None = (0.0, 1.0)) -> None:
    """Post-process a Mesa plot component's axes: labels and legend in `lang`, size, limits.

    Mesa's `PlotMatplotlib` labels the legend with the measure names; this relabels it in the
    paper's terms and keeps the figure small enough to redraw every month."""
    flang = figure_lang(lang)
    ax.figure.set_size_inches(*FIGSIZE)
    ax.figure.set_dpi(DPI)
    for line, name in zip(ax.get_lines(), names, strict=False):
        line.set_label(_label(name, flang))
        if name in ("benchmark", "inertia_threshold"):
            line.set_linestyle("--")
        if name == "coupling_D":
            line.set_linewidth(2.2)
    ax.legend(loc="upper left", fontsize=7, ncol=2, frameon=False)
    ax.set_title(t(title_key, flang), fontsize=9)
    ax.set_xlabel(t("month", flang), fontsize=8)
    ax.set_ylabel(t("level", flang), fontsize=8)
    ax.tick_params(labelsize=7)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.grid(alpha=0.3)


def subsystem_post_process(lang: str):
    """The `post_process` for Mesa's plot of the five levels and D, labelled in `lang`."""
    names = list(SUBSYSTEM_COLOURS)

    def post(ax) -> None:
        style_axes(ax, lang, names, "plot_subsystems")
        ax.xaxis.label.set_visible(False)  # Mesa sets the x label to "Step" after post-processing
        ax.text(0.5, -0.14, t("month", figure_lang(lang)), transform=ax.transAxes, ha="center", fontsize=8)

    return post
