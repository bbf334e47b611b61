"""ECharts options for the live views, built from a `Snapshot`: plain dicts, drawn in the browser.

Why the browser draws: a classroom server steps 30 models at once in one Python process. A
matplotlib PNG costs the server 50–150 ms per figure per month (measured: docs/teaching.md), an
ECharts option a fraction of a millisecond; the students' browsers do the drawing. Solara ships
ECharts 5.4.0 in `solara-assets`, so the page needs no outside network.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..params import DOMAINS
from .i18n import measure_label, subsystem_label, t
from .session import Snapshot, circular_layout

DOMAIN_ZH = {
    "economy": "经济",
    "public_services": "公共服务",
    "infrastructure": "基础设施",
    "administration": "行政服务",
}
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


def _base(title: str) -> dict[str, Any]:
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis"},
    }


def line_option(snap: Snapshot, measures: dict[str, str], lang: str, title_key: str, ymax: float | None = 1.0) -> dict:
    """Time series of `measures` from month 0 to now; the x axis spans the whole horizon."""
    months = list(range(len(snap.series["real_performance"])))
    series = []
    for name, colour in measures.items():
        label = subsystem_label(name[6:], lang) if name.startswith("level_") else measure_label(name, lang)
        series.append(
            {
                "name": label,
                "type": "line",
                "showSymbol": False,
                "data": [[m, _r(v)] for m, v in zip(months, snap.series[name], strict=True)],
                "lineStyle": {"color": colour, "width": 2, "type": "dashed" if name in DASHED else "solid"},
                "itemStyle": {"color": colour},
            }
        )
    opt = _base(t(title_key, lang))
    opt.update(
        {
            "legend": {"top": 24, "textStyle": {"fontSize": 11}},
            "grid": {"left": 48, "right": 20, "top": 78, "bottom": 44},
            "xAxis": {
                "type": "value",
                "min": 0,
                "max": snap.steps,
                "name": t("month", lang),
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {
                "type": "value",
                "min": 0,
                **({"max": ymax} if ymax is not None else {}),
                "name": t("level", lang),
            },
            "series": series,
        }
    )
    return opt


def network_option(snap: Snapshot, lang: str) -> dict:
    """Departments on a fixed circle grouped by domain (cached layout, no force simulation); edge
    width and opacity by tie strength, node colour by real output."""
    domains = tuple(int(d) for d in snap.dept_domain)
    pos = circular_layout(domains)
    J = len(domains)
    names = [DOMAIN_ZH[d] if lang == "zh" else d.replace("_", " ") for d in DOMAINS]
    nodes = [
        {
            "name": f"{j + 1}",
            "x": _r(200 * pos[j, 0]),
            "y": _r(-200 * pos[j, 1]),
            "value": _r(snap.dept_output[j]),
            "category": domains[j],
            "symbolSize": 26,
            "label": {"show": True, "formatter": f"{j + 1}", "fontSize": 10},
            "tooltip": {"formatter": f"{names[domains[j]]} #{j + 1}: {t('output', lang)} {snap.dept_output[j]:.2f}"},
        }
        for j in range(J)
    ]
    ties = 0.5 * (snap.ties + snap.ties.T)
    links = []
    for i in range(J):
        for j in range(i + 1, J):
            w = float(ties[i, j])
            if w > 0.02:
                links.append(
                    {
                        "source": f"{i + 1}",
                        "target": f"{j + 1}",
                        "value": _r(w),
                        "lineStyle": {
                            "width": _r(0.3 + 6.0 * w),
                            "opacity": _r(min(1.0, 0.15 + w)),
                            "color": "#334e80",
                        },
                    }
                )
    hi = max(1.0, float(snap.dept_output.max()))
    opt = _base(t("network_title", lang))
    opt.update(
        {
            "tooltip": {},
            "legend": {"data": names, "top": 24, "textStyle": {"fontSize": 11}},
            "visualMap": {
                "min": 0,
                "max": _r(hi),
                "dimension": 0,
                "seriesIndex": 0,
                "calculable": False,
                "text": [t("output", lang), ""],
                "inRange": {"color": ["#440154", "#21918c", "#fde725"]},
                "right": 0,
                "bottom": 10,
            },
            "series": [
                {
                    "type": "graph",
                    "layout": "none",
                    "top": 60,
                    "bottom": 10,
                    "roam": False,
                    "data": nodes,
                    "links": links,
                    "categories": [{"name": n} for n in names],
                    "itemStyle": {"borderColor": "#000", "borderWidth": 1},
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
    opt = _base(t("motivation_hist", lang))
    opt.update(
        {
            "legend": {"top": 24},
            "grid": {"left": 48, "right": 16, "top": 60, "bottom": 40},
            "xAxis": {
                "type": "category",
                "data": centres,
                "name": t("level", lang),
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {"type": "value", "name": t("cadres", lang)},
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
    opt = _base(t("satisfaction_town", lang))
    opt.update(
        {
            "tooltip": {"trigger": "item"},
            "grid": {"left": 48, "right": 16, "top": 50, "bottom": 40},
            "xAxis": {
                "type": "category",
                "data": [str(k + 1) for k in range(snap.n_townships)],
                "name": t("township", lang),
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {"type": "value", "min": 0, "max": 1, "name": measure_label("satisfaction", lang)},
            "series": [
                {"type": "boxplot", "data": boxes, "itemStyle": {"color": "#c7e9c0", "borderColor": "#2ca02c"}},
                {"type": "scatter", "data": means, "symbolSize": 7, "itemStyle": {"color": "#14532d"}},
            ],
        }
    )
    return opt


def whatif_option(baseline, variant, lang: str, label_a: str, label_b: str) -> dict:
    """Baseline against changed, one panel each for real performance, assessed performance and
    satisfaction; the benchmark dashed."""
    panels = ("real_performance", "assessed_performance", "satisfaction")
    grids, xs, ys, series, titles = [], [], [], [], []
    for k, name in enumerate(panels):
        left = 4 + k * 33
        grids.append({"left": f"{left + 3}%", "width": "26%", "top": 70, "bottom": 40})
        xs.append(
            {
                "type": "value",
                "gridIndex": k,
                "min": 0,
                "max": int(baseline["step"].iloc[-1]),
                "name": t("month", lang),
                "nameLocation": "middle",
                "nameGap": 24,
            }
        )
        ys.append({"type": "value", "gridIndex": k, "min": 0, "max": 1})
        titles.append(
            {"text": measure_label(name, lang), "left": f"{left + 10}%", "top": 44, "textStyle": {"fontSize": 12}}
        )
        for frame, label, colour in ((baseline, label_a, "#1f4e79"), (variant, label_b, "#d62728")):
            series.append(
                {
                    "name": label,
                    "type": "line",
                    "showSymbol": False,
                    "xAxisIndex": k,
                    "yAxisIndex": k,
                    "data": [[int(s), _r(v)] for s, v in zip(frame["step"], frame[name], strict=True)],
                    "lineStyle": {"color": colour, "width": 2},
                    "itemStyle": {"color": colour},
                }
            )
        if name != "satisfaction":
            series.append(
                {
                    "name": measure_label("benchmark", lang),
                    "type": "line",
                    "showSymbol": False,
                    "xAxisIndex": k,
                    "yAxisIndex": k,
                    "data": [[int(s), _r(v)] for s, v in zip(baseline["step"], baseline["benchmark"], strict=True)],
                    "lineStyle": {"color": "#7f7f7f", "type": "dashed"},
                    "itemStyle": {"color": "#7f7f7f"},
                }
            )
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [label_a, label_b, measure_label("benchmark", lang)]},
        "title": titles,
        "grid": grids,
        "xAxis": xs,
        "yAxis": ys,
        "series": series,
    }
