"""ECharts options for the live views, built from a `Snapshot`: plain dicts, drawn in the browser.

Why the browser draws: a classroom server steps 30 models at once in one Python process. A
matplotlib PNG costs the server 50–150 ms per figure per month (measured: docs/teaching.md), an
ECharts option a fraction of a millisecond; the students' browsers do the drawing. Solara ships
ECharts 5.4.0 in `solara-assets`, so the page needs no outside network.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..params import DOMAINS
from .i18n import colon, measure_label, paren, subsystem_label, t
from .session import ClassExperiment, Snapshot

PERFORMANCE: dict[str, str] = {
    "real_performance": "#1f4e79",
    "assessed_performance": "#d62728",
    "benchmark": "#7f7f7f",
    "satisfaction": "#2ca02c",
    "trust": "#9467bd",
}
DRIVE: dict[str, str] = {"drive": "#ff7f0e", "inertia_threshold": "#555555"}
DASHED = ("benchmark", "inertia_threshold")


def _r(x: float) -> float:
    return round(float(x), 4)


#: Type sizes chosen to be read from the back of a classroom on a 1024x768 projector.
TITLE_SIZE, LEGEND_SIZE, AXIS_SIZE = 15, 13, 12


def _base(title: str, filename: str, lang: str) -> dict[str, Any]:
    """What every chart shares: no animation, a title, an axis tooltip, and a "Save as PNG" button
    (ECharts' own toolbox: the browser draws the image, the server does nothing)."""
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": TITLE_SIZE}},
        "tooltip": {"trigger": "axis"},
        "textStyle": {"fontSize": AXIS_SIZE},
        "toolbox": {
            "right": 4,
            "bottom": 0,
            "feature": {"saveAsImage": {"title": t("save_png", lang), "name": filename, "pixelRatio": 2}},
        },
    }


#: A y axis's name beside the axis, turned (at the top it collides with a legend of two rows).
Y_NAME: dict[str, Any] = {"nameLocation": "middle", "nameGap": 38, "nameTextStyle": {"fontSize": AXIS_SIZE}}


def _month_axis(steps: int, lang: str, **extra: Any) -> dict[str, Any]:
    """The month axis every time chart shares: fixed from 0 to the horizon."""
    return {
        "type": "value",
        "min": 0,
        "max": steps,
        "name": t("month", lang),
        "nameLocation": "middle",
        "nameGap": 26,
        "axisLabel": {"fontSize": AXIS_SIZE},
        **extra,
    }


def line_option(snap: Snapshot, measures: dict[str, str], lang: str, title_key: str, ymax: float | None = 1.0) -> dict:
    """Time series of `measures` from month 0 to now; the x axis spans the whole horizon. At month 0
    each line is its one point, drawn as a dot (a line of one point draws nothing)."""
    months = list(range(len(snap.series["real_performance"])))
    series = []
    for name, colour in measures.items():
        label = subsystem_label(name[6:], lang) if name.startswith("level_") else measure_label(name, lang)
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": len(months) == 1,
                "symbolSize": 8,
                "data": [[m, _r(v)] for m, v in zip(months, snap.series[name], strict=True)],
                "lineStyle": {"color": colour, "width": 2.5, "type": "dashed" if name in DASHED else "solid"},
                "itemStyle": {"color": colour},
            }
        )
    opt = _base(t(title_key, lang), title_key.removeprefix("plot_"), lang)
    opt.update(
        {
            "legend": {"top": 26, "textStyle": {"fontSize": LEGEND_SIZE}},
            "grid": {"left": 60, "right": 24, "top": 92, "bottom": 46},
            "xAxis": _month_axis(snap.steps, lang),
            "yAxis": {
                "type": "value",
                "min": 0,
                **({"max": ymax} if ymax is not None else {}),
                "name": t("level", lang),
                **Y_NAME,
                "axisLabel": {"fontSize": AXIS_SIZE},
            },
            "series": series,
        }
    )
    return opt


SUBSYSTEM_COLOURS: dict[str, str] = {
    "level_DI": "#1f77b4",
    "level_CL": "#ff7f0e",
    "level_GC": "#2ca02c",
    "level_ME": "#d62728",
    "level_AI": "#9467bd",
    "coupling_D": "#000000",
}


def subsystem_option(snap: Snapshot, lang: str) -> dict:
    """The five subsystem levels and the coupling coordination degree D (read-outs: no rule reads them)."""
    return line_option(snap, SUBSYSTEM_COLOURS, lang, "plot_subsystems")


def experiment_option(exp: ClassExperiment, measure: str, steps: int, lang: str) -> dict:
    """A class experiment's `measure` over months: the median line and the 10–90% band of the runs,
    drawn as ECharts' confidence band: an invisible lower edge, and the band's width stacked on it
    with a filled area (on a category month axis, where stacking is by month)."""
    band = exp.band(measure)
    label = measure_label(measure, lang)
    colour = PERFORMANCE.get(measure, "#1f4e79")
    series = [
        {
            "name": "band-low",
            "type": "line",
            "stack": "band",
            "symbol": "none",
            "silent": True,
            "data": [_r(v) for v in band["low"]],
            "lineStyle": {"opacity": 0},
            "tooltip": {"show": False},
        },
        {
            "name": t("band", lang),
            "type": "line",
            "stack": "band",
            "symbol": "none",
            "silent": True,
            "data": [_r(h - lw) for h, lw in zip(band["high"], band["low"], strict=True)],
            "tooltip": {"show": False},
            "lineStyle": {"opacity": 0},
            "areaStyle": {"color": colour, "opacity": 0.25},
            "itemStyle": {"color": colour},
        },
        {
            "name": t("median", lang),
            "type": "line",
            "symbol": "none",
            "data": [_r(v) for v in band["median"]],
            "lineStyle": {"color": colour, "width": 3},
            "itemStyle": {"color": colour},
        },
    ]
    # the band's edges as the tooltip shows them (the stacked pieces hold a low edge and a width)
    for key, edge in (("p10", "low"), ("p90", "high")):
        series.append(
            {
                "name": t(key, lang),
                "type": "line",
                "symbol": "none",
                "data": [_r(v) for v in band[edge]],
                "lineStyle": {"opacity": 0},
                "itemStyle": {"color": colour},
            }
        )
    legend = [t("median", lang), t("band", lang)]
    if measure in ("real_performance", "assessed_performance"):
        legend.append(measure_label("benchmark", lang))
        series.append(
            {
                "name": measure_label("benchmark", lang),
                "type": "line",
                "symbol": "none",
                "data": [_r(v) for v in exp.band("benchmark")["median"]],
                "lineStyle": {"color": "#7f7f7f", "type": "dashed", "width": 2},
                "itemStyle": {"color": "#7f7f7f"},
            }
        )
    opt = _base(t("experiment_band", lang, measure=label, n=exp.n), f"class_experiment_{measure}", lang)
    opt.update(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 26, "data": legend, "textStyle": {"fontSize": LEGEND_SIZE}},
            "grid": {"left": 60, "right": 24, "top": 80, "bottom": 46},
            "xAxis": {
                "type": "category",
                "boundaryGap": False,
                "data": [str(int(m)) for m in band.index],
                "name": t("month", lang),
                "nameLocation": "middle",
                "nameGap": 26,
                "axisLabel": {"fontSize": AXIS_SIZE, "interval": 11},
            },
            "yAxis": {
                "type": "value",
                "min": 0,
                "max": 1,
                "name": label,
                **Y_NAME,
                "axisLabel": {"fontSize": AXIS_SIZE},
            },
            "series": series,
        }
    )
    return opt


def _items(head: str, items: list[str], lang: str) -> str:
    """'head: a; b; c' with the language's own colon and separators (full width in Chinese)."""
    return colon(head, ("；" if lang == "zh" else "; ").join(items), lang)


def _lerp_colour(x: float) -> str:
    """A colour on a light-to-dark blue scale for x in [0, 1] (readable in print and on a projector)."""
    x = min(1.0, max(0.0, float(x)))
    lo, hi = (0xE0, 0xEC, 0xF4), (0x08, 0x30, 0x6B)
    return "#" + "".join(f"{round(a + (b - a) * x):02x}" for a, b in zip(lo, hi, strict=True))


def output_scale(output: np.ndarray) -> tuple[float, float]:
    """The colour scale's ends for this month's department output: from the lowest to the highest
    output (a difference of a few hundredths still shows), never narrower than 0.05."""
    lo, hi = float(np.min(output)), float(np.max(output))
    if hi - lo < 0.05:
        mid = 0.5 * (lo + hi)
        lo, hi = max(0.0, mid - 0.025), mid + 0.025
    return lo, hi


@lru_cache(maxsize=16)
def portfolio_layout(dept_leader: tuple[int, ...], n_leaders: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed positions: the top leader in the centre, the other leaders on an inner ring, each
    leader's departments (分管) on the outer ring next to it. Cached: it depends only on who
    supervises whom, never on the state. Returns (leader positions (L, 2), department positions (J, 2))."""
    J = len(dept_leader)
    order = sorted(range(J), key=lambda j: (dept_leader[j], j))
    slots = J + n_leaders  # a gap between portfolios
    dept = np.zeros((J, 2))
    angle_of: dict[int, list[float]] = {}
    k, last = 0, None
    for j in order:
        if last is not None and dept_leader[j] != last:
            k += 1
        last = dept_leader[j]
        a = np.pi / 2 - 2 * np.pi * k / slots
        dept[j] = (np.cos(a), np.sin(a))
        angle_of.setdefault(dept_leader[j], []).append(a)
        k += 1
    leaders = np.zeros((n_leaders, 2))
    spare = [lead for lead in range(1, n_leaders) if lead not in angle_of]
    for lead in range(1, n_leaders):
        if lead in angle_of:
            a = float(np.mean(angle_of[lead]))
        else:  # a leader without departments: spread evenly
            a = np.pi / 2 - 2 * np.pi * (spare.index(lead) + 0.5) / max(len(spare), 1)
        leaders[lead] = (0.55 * np.cos(a), 0.55 * np.sin(a))
    return leaders, dept


def world_option(snap: Snapshot, lang: str) -> dict:
    """The departments grouped by supervising leader, as a graph on a fixed layout: department
    colour = real output this month (scale: this month's lowest to highest), size = backlog, a dark
    ring = engaged in reform; leaders as squares (green = committed); orange curves = the task forces
    working this month; thin grey lines = who supervises whom."""
    w = snap.world
    L = len(w.leader_committed)
    J = len(w.dept_leader)
    lpos, dpos = portfolio_layout(tuple(int(x) for x in w.dept_leader), L)
    lo, hi = output_scale(snap.dept_output)
    nodes = []
    for lead in range(L):
        name = t("top_leader", lang) if lead == 0 else t("leader_n", lang, k=lead)
        state = t("committed" if w.leader_committed[lead] else "not_committed", lang)
        nodes.append(
            {
                "name": f"L{lead}",
                "x": _r(260 * lpos[lead, 0]),
                "y": _r(-260 * lpos[lead, 1]),
                "symbol": "rect",
                "symbolSize": 34 if lead == 0 else 26,
                "itemStyle": {
                    "color": "#16a34a" if w.leader_committed[lead] else "#e5e7eb",
                    "borderColor": "#111827",
                    "borderWidth": 1,
                },
                "label": {"show": True, "formatter": name, "fontSize": 12, "position": "bottom"},
                "tooltip": {
                    "formatter": _items(name, [state, f"{t('resolve', lang)} {w.leader_resolve[lead]:.2f}"], lang)
                },
            }
        )
    for j in range(J):
        out = float(snap.dept_output[j])
        engaged = bool(w.dept_engaged[j])
        name = t("dept_n", lang, k=j + 1) + paren(t(f"domain_{DOMAINS[int(snap.dept_domain[j])]}", lang), lang)
        nodes.append(
            {
                "name": f"D{j}",
                "x": _r(260 * dpos[j, 0]),
                "y": _r(-260 * dpos[j, 1]),
                "symbolSize": _r(16 + 5 * np.sqrt(w.dept_backlog[j])),
                "itemStyle": {
                    "color": _lerp_colour((out - lo) / (hi - lo)),
                    "borderColor": "#b45309" if engaged else "#9ca3af",
                    "borderWidth": 4 if engaged else 1,
                    "borderType": "solid" if engaged else "dashed",
                },
                "label": {
                    "show": True,
                    "formatter": str(j + 1),
                    "fontSize": 11,
                    "color": "#111827",
                    "position": "right",
                },
                "tooltip": {
                    "formatter": _items(
                        name,
                        [
                            t("engaged" if engaged else "not_engaged", lang),
                            f"{t('output', lang)} {out:.2f}",
                            f"{t('backlog', lang)} {int(w.dept_backlog[j])}",
                        ],
                        lang,
                    )
                },
            }
        )
    links = [
        {
            "source": f"L{int(w.dept_leader[j])}",
            "target": f"D{j}",
            "lineStyle": {"color": "#9ca3af", "width": 1, "type": "dotted", "curveness": 0},
        }
        for j in range(J)
    ]
    links += [
        {
            "source": "L0",
            "target": f"L{lead}",
            "lineStyle": {"color": "#9ca3af", "width": 1, "type": "dotted", "curveness": 0},
        }
        for lead in range(1, L)
    ]
    links += [
        {
            "source": f"D{i}",
            "target": f"D{j}",
            "value": n,
            "lineStyle": {"color": "#f97316", "width": 2 + 1.5 * n, "opacity": 0.9, "curveness": 0.35},
            "tooltip": {
                "formatter": _items(
                    t("taskforce_links", lang),
                    [f"{t('dept_n', lang, k=i + 1)} – {t('dept_n', lang, k=j + 1)}", t("problems_n", lang, n=n)],
                    lang,
                )
            },
        }
        for i, j, n in w.links
    ]
    opt = _base("", "county_departments", lang)
    opt.update(
        {
            "tooltip": {},
            "series": [
                {
                    "type": "graph",
                    "layout": "none",
                    "top": 20,
                    "bottom": 30,
                    "left": 40,
                    "right": 60,
                    "roam": False,
                    "data": nodes,
                    "links": links,
                    "emphasis": {"focus": "adjacency"},
                }
            ],
        }
    )
    return opt


def histogram_option(snap: Snapshot, lang: str, bins: int = 20) -> dict:
    """Cadres' motivation and competence as histograms over [0, 1]."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    centres = [f"{x:.2f}" for x in (edges[:-1] + edges[1:]) / 2]
    opt = _base(t("motivation_hist", lang), "cadres", lang)
    opt.update(
        {
            "legend": {"top": 26, "textStyle": {"fontSize": LEGEND_SIZE}},
            "grid": {"left": 60, "right": 16, "top": 70, "bottom": 44},
            "xAxis": {
                "type": "category",
                "data": centres,
                "name": t("level", lang),
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {"type": "value", "name": t("cadres", lang), **Y_NAME},
            "series": [
                {
                    "name": measure_label(name, lang),
                    "type": "bar",
                    "barGap": "0%",
                    "data": [int(c) for c in np.histogram(values, bins=edges)[0]],
                    "itemStyle": {"color": colour, "opacity": 0.75},
                }
                for name, values, colour in (
                    ("motivation", snap.motivation, "#ff7f0e"),
                    ("competence", snap.competence, "#1f77b4"),
                )
            ],
        }
    )
    return opt


def township_option(snap: Snapshot, lang: str) -> dict:
    """Citizens' satisfaction by township: box plots (min, quartiles, max) and the mean."""
    boxes, means = [], []
    for k in range(snap.n_townships):
        x = snap.satisfaction[snap.township == k]
        if x.size:
            boxes.append([_r(v) for v in np.quantile(x, [0.0, 0.25, 0.5, 0.75, 1.0])])
            means.append(_r(x.mean()))
        else:
            boxes.append([0, 0, 0, 0, 0])
            means.append(None)
    opt = _base(t("satisfaction_town", lang), "townships", lang)
    opt.update(
        {
            "tooltip": {"trigger": "item"},
            "grid": {"left": 60, "right": 16, "top": 50, "bottom": 44},
            "xAxis": {
                "type": "category",
                "data": [str(k + 1) for k in range(snap.n_townships)],
                "name": t("township", lang),
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {"type": "value", "min": 0, "max": 1, "name": measure_label("satisfaction", lang), **Y_NAME},
            "series": [
                {"type": "boxplot", "data": boxes, "itemStyle": {"color": "#c7e9c0", "borderColor": "#2ca02c"}},
                {"type": "scatter", "data": means, "symbolSize": 7, "itemStyle": {"color": "#14532d"}},
            ],
        }
    )
    return opt


#: The what-if measures, one chart each (side by side where the window is wide, stacked where not).
WHATIF_PANELS: tuple[str, ...] = ("real_performance", "assessed_performance", "satisfaction")


def whatif_option(baseline, variant, name: str, lang: str, label_a: str, label_b: str) -> dict:
    """Baseline against changed for one measure over the whole horizon; the benchmark dashed."""
    series = []
    arms = ((baseline, label_a, "#1f4e79"), (variant, label_b, "#d62728"))
    for frame, label, colour in arms:
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "data": [[int(s), _r(v)] for s, v in zip(frame["step"], frame[name], strict=True)],
                "lineStyle": {"color": colour, "width": 2.5},
                "itemStyle": {"color": colour},
            }
        )
    if name != "satisfaction":
        series.append(
            {
                "name": measure_label("benchmark", lang),
                "type": "line",
                "showSymbol": False,
                "data": [[int(s), _r(v)] for s, v in zip(baseline["step"], baseline["benchmark"], strict=True)],
                "lineStyle": {"color": "#7f7f7f", "type": "dashed"},
                "itemStyle": {"color": "#7f7f7f"},
            }
        )
    opt = _base(measure_label(name, lang), f"whatif_{name}", lang)
    opt.update(
        {
            "legend": {"top": 26, "textStyle": {"fontSize": LEGEND_SIZE}, "type": "scroll"},
            "grid": {"left": 48, "right": 16, "top": 84, "bottom": 46},
            "xAxis": _month_axis(int(baseline["step"].iloc[-1]), lang),
            "yAxis": {"type": "value", "min": 0, "max": 1, "axisLabel": {"fontSize": AXIS_SIZE}},
            "series": series,
        }
    )
    return opt
