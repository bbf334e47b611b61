"""The classroom app: one CountyModel per browser session, stepped live (Solara; charts by ECharts).

Served by `county-sim app` (which runs `solara run sim.app.app`). Each browser tab renders its own
`Page`, whose hooks hold that session's settings and its own model: nothing is shared between
students. Mesa's `SolaraViz` is not used because its own controls and labels are English-only and it
starts every session from one model object created at import (see `docs/teaching.md`); the page is
built from plain Solara components around `CountyModel` (Mesa's model class), and every chart is an
ECharts option drawn by the student's browser, so the server only steps models.

Layout: a bar that stays at the top of the window with Step, Play, Reset and the month (reachable at
any width), the settings beside the views on a wide screen and in a panel the bar's Settings button
opens on a narrow one (it pushes the views down, never covers the bar).
"""

from __future__ import annotations

import contextlib
import html
import os
import threading
import time
from functools import partial

import ipyvue
import reacton.core
import solara
import solara.lab
import traitlets

from ..params import PARAMS
from ..record import SUMMARY_COLUMNS
from ..trajectory import PHASES
from . import charts as ch
from .i18n import (
    EXERCISES,
    LANG_NAMES,
    LANGS,
    LEVERS,
    SLIDERS,
    SUBSYSTEM_INFO,
    TABS,
    Info,
    colon,
    lever_name,
    measure_label,
    param_label,
    paren,
    phase_label,
    pick,
    plain,
    scenario_info,
    scenario_label,
    subsystem_label,
    t,
    words,
)
from .session import (
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    EXPERIMENT_SEEDS,
    PLAY_GOVERNOR,
    SLIDER_STEP,
    SUMMARY_ROWS,
    ClassExperiment,
    ClassroomModel,
    base_scenario,
    build_scenario,
    class_experiment,
    experiment_pool,
    parse_seed,
    scenario_names,
    settings_key,
    slider_values,
    snapshot,
    what_if,
)

LANG_ENV = "COUNTY_SIM_LANG"
SPEEDS = (1, 2, 5, 10, 20)
PHASE_COLOURS = {"start": "#fde68a", "build": "#fdba74", "activate": "#86efac", "deliver": "#60a5fa"}
NARROW = 960  # px: below this the settings move into the panel the Settings button opens

CSS = f"""
.cs-top {{ position: sticky; top: 0; z-index: 20; background: #1f4e79; color: #fff; display: flex;
  flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 6px 10px; }}
.cs-top .cs-title {{ font-weight: 700; font-size: 1.05em; margin-right: auto; }}
.cs-top .cs-month {{ font-weight: 700; min-width: 9em; }}
.cs-body {{ display: grid; grid-template-columns: 340px minmax(0, 1fr); gap: 10px; padding: 8px 10px; }}
.cs-controls {{ position: sticky; top: 64px; align-self: start; max-height: calc(100vh - 72px); overflow-y: auto; }}
.cs-main {{ min-width: 0; }}
.cs-subtitle {{ color: #4b5563; }}
.cs-toggle {{ display: none !important; }}
.cs-lever .v-input__slot {{ margin-bottom: 0; }}
.cs-lever .v-messages {{ display: none; }}
.cs-lever .v-slider__thumb-container + .v-label, .cs-lever .v-input__slot > .v-label {{ display: none; }}
.cs-range {{ font-size: 0.9em; color: #4b5563; }}
.cs-lever {{ margin-bottom: 2px; }}
.cs-lever .slider-label {{ font-size: 0.95em; }}
.cs-nowrap {{ white-space: nowrap; }}
.cs-lever-input {{ max-width: 78px; }}
.cs-speed .v-btn {{ min-width: 0 !important; padding: 0 10px !important; }}
.chart {{ margin-bottom: 8px; max-width: 100%; overflow: hidden; }}
/* tabs switch at once: no sliding (a slide keeps both tabs on screen for 0.3 s and redraws charts twice) */
.v-window-x-transition-enter-active, .v-window-x-transition-leave-active,
.v-window-x-reverse-transition-enter-active, .v-window-x-reverse-transition-leave-active,
.v-window__container--is-active {{ transition: none !important; }}
.cs-charts {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.cs-charts > * {{ flex: 1 1 380px; min-width: 0; }}
.cs-tiles {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(118px, 1fr)); gap: 6px; }}
.cs-tile {{ border-radius: 6px; padding: 6px 8px; border: 1px solid #9ca3af; font-size: 0.9em; }}
/* every tab name in sight at every width: the tab bar wraps onto more rows instead of scrolling */
.cs-main .v-tabs-bar {{ height: auto; }}
.cs-main .v-slide-group__prev, .cs-main .v-slide-group__next {{ display: none !important; }}
.cs-main .v-slide-group__wrapper {{ overflow: visible; contain: none; }}
.cs-main .v-slide-group__content {{ flex-wrap: wrap; flex: 1 1 auto; min-width: 0; max-width: 100%;
  transform: none !important; }}
.cs-main .v-slide-group__wrapper {{ flex: 1 1 auto; min-width: 0; }}
.cs-main .v-tabs-slider-wrapper {{ display: none; }}
.cs-main .v-tab {{ min-width: 0; height: 40px; padding: 0 10px; text-transform: none; letter-spacing: 0;
  font-size: 0.95em; border-bottom: 3px solid transparent; }}
.cs-main .v-tab--active {{ border-bottom-color: #1f4e79; font-weight: 700; }}
table.cs-table {{ border-collapse: collapse; max-width: 100%; }}
table.cs-table td, table.cs-table th {{ border: 1px solid #d1d5db; padding: 3px 6px; }}
.cs-scroll {{ overflow-x: auto; max-width: 100%; }}
@media (max-width: {NARROW - 1}px) {{
  .cs-body {{ grid-template-columns: minmax(0, 1fr); }}
  .cs-controls {{ position: static; max-height: none; }}
  .cs-controls.cs-closed {{ display: none; }}
  .cs-toggle {{ display: inline-flex !important; }}
  .cs-top .cs-title {{ font-size: 0.9em; flex-basis: 100%; }}
  .monitors {{ flex-wrap: wrap; }}
  .monitors .monitor {{ flex: 1 1 45% !important; }}
}}
@media (max-width: 600px) {{
  .cs-subtitle {{ display: none; }}
}}
"""


def initial_lang(search: str | None = None) -> str:
    """`?lang=zh` in the address wins, then `county-sim app --lang` (COUNTY_SIM_LANG), then English."""
    for part in (search or "").split("&"):
        key, _, value = part.partition("=")
        if key == "lang" and value in LANGS:
            return value
    value = os.environ.get(LANG_ENV, "en")
    return value if value in LANGS else "en"


def _esc(text: object) -> str:
    return html.escape(str(text))


class _DocumentLang(ipyvue.VueTemplate):
    """Sets `<html lang>` to the page's language (screen readers, and the browser's choice of CJK
    glyphs for Chinese); Solara's page template leaves it empty."""

    lang = traitlets.Unicode("en").tag(sync=True)
    template = traitlets.Unicode(
        """<template>
  <span style="display: none"></span>
</template>

<script>
module.exports = {
  mounted() {
    document.documentElement.lang = this.lang;
  },
  watch: {
    lang(value) {
      document.documentElement.lang = value;
    },
  },
};
</script>
"""
    ).tag(sync=True)


@solara.component
def DocumentLang(lang: str):
    return _DocumentLang.element(lang="zh-CN" if lang == "zh" else "en")


@solara.component
def PhaseBanner(snap, lang: str, scenario: str):
    """The current phase of start–build–activate–deliver, the month each was reached, and a relapse."""
    cells = []
    for ph in PHASES[1:]:
        month = snap.phase_months[ph]
        current = ph == snap.phase and snap.t_relapse is None
        reached = month is not None
        bg = PHASE_COLOURS[ph] if reached else "#f3f4f6"
        border = "3px solid #111827" if current else "1px solid #d1d5db"
        when = t("reached_in", lang, month=month) if reached else t("not_reached", lang)
        note = f' title="{_esc(t("deliver_note", lang))}"' if ph == "deliver" else ""
        cells.append(
            f'<div class="phase-cell" data-phase="{ph}" data-reached="{str(reached).lower()}"{note} '
            f'style="flex:1 1 0;min-width:0;padding:4px 6px;border-radius:6px;background:{bg};border:{border};'
            f'text-align:center"><div style="font-weight:700">{_esc(phase_label(ph, lang))}</div>'
            f'<div style="font-size:0.85em">{_esc(when)}</div></div>'
        )
    if snap.t_relapse is not None:
        cells.append(
            f'<div class="phase-cell relapse" data-phase="relapse" data-reached="true" style="flex:1 1 0;min-width:0;'
            f'padding:4px 6px;border-radius:6px;background:#fecaca;border:3px solid #991b1b;text-align:center">'
            f'<div style="font-weight:700">{_esc(t("relapse", lang))}</div>'
            f'<div style="font-size:0.85em">{_esc(t("relapsed_in", lang, month=snap.t_relapse))}</div></div>'
        )
    now = colon(t("phase_now", lang), phase_label(snap.phase, lang), lang)
    if snap.t_relapse is not None:
        now = colon(t("phase_now", lang), t("relapse", lang), lang)
    body = (
        f'<div class="phase-banner" data-month="{snap.month}" data-phase="{snap.phase}" '
        f'data-relapse="{snap.t_relapse if snap.t_relapse is not None else ""}">'
        f'<div style="display:flex;flex-wrap:wrap;justify-content:space-between;gap:4px;margin-bottom:4px">'
        f'<span class="run-label" style="font-weight:700">{_esc(scenario_label(scenario, lang))}</span>'
        f'<span class="phase-label">{_esc(now)}</span></div>'
        f'<div style="display:flex;gap:3px">{"".join(cells)}</div></div>'
    )
    solara.HTML(tag="div", unsafe_innerHTML=body)


@solara.component
def Monitors(snap, lang: str):
    """Drive vs inertia threshold, engaged departments (Model 2), resources, PM maturity, gaming share
    and the coupling degree D."""
    m = snap.monitors
    items = [(t("drive_vs_threshold", lang), f"{m['drive']:.2f} / {m['inertia_threshold']:.2f}")]
    if "engaged_share" in m:  # the start needs the top leader's launch and departments that engage
        J = len(snap.dept_output)
        items.append((t("engaged_departments", lang), t("k_of_n", lang, k=round(m["engaged_share"] * J), n=J)))
    items += [
        (measure_label("resources", lang), f"{m['resources']:.2f}"),
        (measure_label("pm_maturity", lang), f"{m['pm_maturity']:.2f}"),
        (measure_label("gaming_share", lang), f"{m['gaming_share']:.1%}"),
        (measure_label("coupling_D", lang), f"{m['coupling_D']:.2f}"),
    ]
    cells = "".join(
        '<div class="monitor" style="flex:1 1 0;min-width:0;padding:3px 8px;'
        'border:1px solid #d1d5db;border-radius:6px">'
        f'<div style="font-size:0.8em;color:#374151">{_esc(k)}</div>'
        f'<div style="font-size:1.15em;font-weight:700">{_esc(v)}</div></div>'
        for k, v in items
    )
    solara.HTML(
        tag="div", unsafe_innerHTML=f'<div class="monitors" style="display:flex;gap:6px;margin:6px 0">{cells}</div>'
    )


@solara.component
def Chart(option: dict, testid: str, points: int, last: float | None, height: int = 340):
    """An ECharts view; `data-points` and `data-last` let a test see what is plotted."""
    solara.FigureEcharts(
        option=option,
        attributes={
            "style": f"height: {height}px; width: 100%",
            "class": f"chart chart-{testid}",
            "data-testid": testid,
            "data-points": str(points),
            "data-last": "" if last is None else f"{last:.6f}",
        },
        responsive=True,  # redraw at the container's size (tabs mount charts while they slide in)
    )


def _fmt(name: str, value, lang: str = "en") -> str:
    if value is None:
        return t("not_reached", lang) if name.startswith("t_") else "—"
    if name.startswith("t_"):
        return f"{float(value):g}"  # a month, or the median of an even number of months (8.5)
    if name == "gap_closure":  # a share of the starting gap
        return f"{float(value):.1%}"
    return f"{float(value):.3f}"


def _row_label(name: str, lang: str) -> str:
    if name.startswith("t_"):
        return t("phase_month", lang, phase=phase_label(name[2:], lang))
    if name.startswith("final_"):
        return words(t("final", lang), measure_label(name, lang), lang)
    return measure_label(name, lang)


def _lever_labels(lang: str) -> dict[str, str]:
    """What-if lever list: the label a person reads -> parameter name."""
    return {param_label(name, lang): name for name in SLIDERS}


@solara.component
def WhatIfView(scenario: str, values: dict, seed: int | None, lang: str, lever, new_value, result):
    """The same seed run twice to the horizon, once with one lever changed, side by side."""

    def run():
        if seed is None:
            return
        result.value = (scenario, seed, what_if(scenario, values, seed, lever.value, round(float(new_value.value), 2)))

    def on_lever(label):
        name = _lever_labels(lang)[label]
        lever.value = name
        new_value.value = 0.0 if float(values[name]) >= 0.5 else 1.0

    p = PARAMS[lever.value]
    base = float(values[lever.value])
    # plain HTML, not solara.Markdown: Markdown loads KaTeX from a CDN, which a classroom may not reach
    solara.HTML(tag="p", unsafe_innerHTML=_esc(t("whatif_intro", lang)))
    with solara.Column(style={"max-width": "640px"}):
        solara.Select(
            label=t("whatif_lever", lang),
            values=list(_lever_labels(lang)),
            value=param_label(lever.value, lang),
            on_value=on_lever,
        )
        LeverControl(
            lever.value,
            float(new_value.value),
            lang,
            lambda _name, v: new_value.set(round(float(v), 2)),
            label=f"{t('whatif_value', lang)} {paren(f'{base:.2f} → {float(new_value.value):.2f}', lang)}",
            lo=float(p.low),
            hi=float(p.high),
        )
        solara.Button(t("whatif_run", lang), on_click=run, color="primary", disabled=seed is None)
    if result.value is None:
        solara.HTML(tag="p", unsafe_innerHTML=_esc(t("whatif_none", lang)))
        return
    res_scenario, res_seed, res = result.value
    # short legend entries (a phone's legend has room for little); the lever is named above the charts
    label_a = colon(t("baseline", lang), f"{res.base_value:.2f}", lang)
    label_b = colon(t("variant", lang), f"{res.value:.2f}", lang)
    solara.HTML(
        tag="h3",
        unsafe_innerHTML=_esc(t("whatif_for", lang, scenario=scenario_label(res_scenario, lang), seed=res_seed)),
        classes=["whatif-for"],
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=_esc(colon(param_label(res.lever, lang), f"{res.base_value:.2f} → {res.value:.2f}", lang)),
        style={"font-weight": "700"},
    )
    with solara.Div(classes=["cs-charts"]):
        for name in ch.WHATIF_PANELS:
            option = ch.whatif_option(res.baseline.series, res.variant.series, name, lang, label_a, label_b)
            Chart(option, f"whatif-{name}", len(res.variant.series), float(res.variant.series[name].iloc[-1]), 300)
    rows = [
        f"<tr><td>{_esc(t('sustained', lang))}</td>"
        f"<td>{_esc(t('yes' if res.baseline.summary['sustained'] else 'no', lang))}</td>"
        f"<td>{_esc(t('yes' if res.variant.summary['sustained'] else 'no', lang))}</td></tr>"
    ]
    for name in SUMMARY_ROWS:
        rows.append(
            f"<tr><td>{_esc(_row_label(name, lang))}</td><td>{_esc(_fmt(name, res.baseline.summary[name], lang))}</td>"
            f"<td>{_esc(_fmt(name, res.variant.summary[name], lang))}</td></tr>"
        )
    table = (
        '<div class="cs-scroll"><table class="whatif-table cs-table">'
        f"<tr><th>{_esc(t('whatif_table_measure', lang))}</th>"
        f"<th>{_esc(label_a)}</th><th>{_esc(label_b)}</th></tr>{''.join(rows)}</table></div>"
    )
    solara.HTML(tag="div", unsafe_innerHTML=table)
    solara.FileDownload(
        lambda: whatif_csv(res_scenario, res_seed, res),
        filename=f"whatif_{res_scenario}_seed{res_seed}_{res.lever}_{res.value:.2f}.csv",
        label=t("download_whatif", lang),
    )


def run_csv(model: ClassroomModel) -> str:
    """The session's run so far, month by month (under the model's lock: Play may be stepping it)."""
    with model.lock:
        return model.result()[0].to_csv(index=False)


def whatif_csv(scenario: str, seed: int, res) -> str:
    """Both what-if runs' months as one table, with the scenario, seed, lever and its value per row."""
    import pandas as pd

    frames = []
    for arm, run, value in (("baseline", res.baseline, res.base_value), ("changed", res.variant, res.value)):
        frames.append(run.series.assign(scenario=scenario, arm=arm, lever=res.lever, lever_value=value))
    return pd.concat(frames, ignore_index=True).to_csv(index=False)


def _info_html(title: str, info: Info, lang: str) -> str:
    questions = "".join(f"<li>{_esc(plain(pick(q, lang), lang))}</li>" for q in info.questions)
    quote = (
        f"<blockquote style='margin:4px 0 4px 12px;color:#374151'>{_esc(info.quote)}</blockquote>" if info.quote else ""
    )
    return (
        f"<div class='info-card' style='margin-bottom:14px'><h3 style='margin:6px 0'>{_esc(title)}</h3>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_paper', lang))} {_esc(paren(info.section, lang))}</h4>{quote}"
        f"<p>{_esc(plain(pick(info.paper, lang), lang))}</p>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_model', lang))}</h4><p>{_esc(plain(pick(info.model, lang), lang))}</p>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_questions', lang))}</h4><ol>{questions}</ol></div>"
    )


@solara.component
def InfoView(scenario: str, lang: str):
    """Per scenario and per subsystem: what the paper says, what the model does, questions."""
    sc = base_scenario(scenario)
    info = scenario_info(scenario, sc.description, sc.paper)
    parts = [
        f"<h2 style='margin:4px 0'>{_esc(colon(t('info_scenario', lang), scenario_label(scenario, lang), lang))}</h2>",
        # the description and the file are for those who open the files, in English like the files
        ""
        if lang == "zh"
        else f"<p><i>{_esc(sc.description)}</i> — "
        f"{_esc(colon(t('info_file', lang), f'scenarios/{scenario}.toml', lang))}</p>",
        _info_html(scenario_label(scenario, lang), info, lang),
        f"<h2 style='margin:4px 0'>{_esc(t('info_subsystems', lang))}</h2>",
    ]
    for key, sub in SUBSYSTEM_INFO.items():
        parts.append(_info_html(f"{subsystem_label(key, lang)} {paren(key, lang)}", sub, lang))
    parts.append(f"<p style='font-size:0.85em;color:#6b7280'>{_esc(t('paper_ref', lang))}</p>")
    solara.HTML(tag="div", unsafe_innerHTML="".join(parts))


@solara.component
def LeverControl(
    name: str,
    value: float,
    lang: str,
    on_change,
    label: str | None = None,
    lo: float | None = None,
    hi: float | None = None,
):
    """A slider with its range written at both ends and a box to type a value (NetLogo's sliders);
    a typed value outside the range is refused with a message naming the range."""
    p = PARAMS[name]
    lo = float(p.low) if lo is None else lo
    hi = float(p.high) if hi is None else hi
    error = solara.use_reactive("")
    text = label or colon(param_label(name, lang), f"{value:.2f}", lang)

    def typed(v):
        try:
            x = float(str(v).strip().replace("，", "."))
        except ValueError:
            error.value = t("range_error", lang, lo=f"{lo:g}", hi=f"{hi:g}")
            return
        if not lo <= x <= hi:
            error.value = t("range_error", lang, lo=f"{lo:g}", hi=f"{hi:g}")
            return
        error.value = ""
        on_change(name, round(x, 2))

    with solara.Div(classes=["cs-lever"]):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f'{_esc(text)} <span class="cs-range">{_esc(paren(f"{lo:g}–{hi:g}", lang))}</span>',
            classes=["slider-label"],
        )
        with solara.Row(style={"align-items": "center", "gap": "4px", "flex-wrap": "nowrap"}):
            solara.SliderFloat(
                label=text,  # the slider's accessible name (hidden on screen: the line above shows it)
                value=value,
                on_value=partial(on_change, name),
                min=lo,
                max=hi,
                step=SLIDER_STEP,
                thumb_label=False,
            )
            solara.InputText(
                label="",
                value=f"{value:.2f}",
                on_value=typed,
                continuous_update=False,
                classes=["cs-lever-input"],
                error=error.value or False,
                dense=True,
            )


@solara.component
def TownshipTiles(snap, lang: str):
    """Townships as tiles (an arrangement, not a map): satisfaction (the tile's colour), share
    complaining, open problems."""
    w = snap.world
    tiles = []
    for k in range(len(w.town_satisfaction)):
        sat = float(w.town_satisfaction[k])
        colour = ch._lerp_colour(sat)
        ink = "#fff" if sat > 0.5 else "#111827"
        tiles.append(
            f'<div class="cs-tile township" data-township="{k + 1}" style="background:{colour};color:{ink}">'
            f'<div style="font-weight:700">{_esc(t("town_n", lang, k=k + 1))}</div>'
            f"<div>{_esc(colon(t('town_sat', lang), f'{sat:.2f}', lang))}</div>"
            f"<div>{_esc(colon(t('town_complaints', lang), f'{w.town_complaints[k]:.0%}', lang))}</div>"
            f"<div>{_esc(colon(t('town_open', lang), int(w.town_open[k]), lang))}</div></div>"
        )
    solara.HTML(tag="h4", unsafe_innerHTML=_esc(t("world_towns", lang)), style={"margin": "4px 0"})
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="cs-tiles">{"".join(tiles)}</div>')
    solara.HTML(
        tag="div",
        unsafe_innerHTML=_esc(t("county_open", lang, n=w.county_open)),
        style={"font-size": "0.85em", "margin": "4px 0"},
    )


@solara.component
def WorldView(snap, lang: str):
    """Model 2's agents: the townships, and the departments under their supervising leaders with
    engagement, backlog, output and this month's task forces."""
    if snap.world is None:
        solara.Info(t("model1_world", lang))
        return
    with solara.Div(classes=["cs-charts"]):
        with solara.Div():
            solara.HTML(tag="h4", unsafe_innerHTML=_esc(t("world_depts", lang)), style={"margin": "4px 0"})
            w = snap.world
            # data-points: the months the run has shown (one per month, as on the time charts)
            Chart(ch.world_option(snap, lang), "world", snap.month + 1, float(w.dept_engaged.mean()), 430)
            lo, hi = ch.output_scale(snap.dept_output)
            bar = "".join(
                f'<span style="display:inline-block;width:18px;height:12px;background:{ch._lerp_colour(i / 9)}"></span>'
                for i in range(10)
            )
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f'<div class="cs-colourbar" style="font-size:0.85em">'
                f'<span class="cs-nowrap">{_esc(colon(t("output", lang), f"{lo:.2f}", lang))} {bar} {hi:.2f}</span> '
                f'<span class="cs-nowrap"><span style="color:#f97316;font-weight:700">━</span> '
                f"{_esc(colon(t('taskforce_links', lang), len(w.links), lang))}</span><br>"
                f"{_esc(t('leaders_note', lang))}</div>",
            )
        with solara.Div():
            TownshipTiles(snap, lang)


@solara.component
def ExperimentView(scenario: str, values: dict, seed: int | None, lang: str, steps: int, lab: dict):
    """Class experiment: the current settings over 20–50 seeds at once, the median and band, the
    share sustaining and the phase months; run in the server's worker process, with progress. Its
    state (`lab`: the task, the seed count, the progress, the result) lives in the page, so that a
    tab change neither loses a result nor lets a second click queue a duplicate."""
    task, n, progress, state, measure = lab["task"], lab["n"], lab["progress"], lab["result"], lab["measure"]
    solara.HTML(tag="p", unsafe_innerHTML=_esc(t("experiment_intro", lang)))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.HTML(tag="span", unsafe_innerHTML=_esc(t("experiment_seeds", lang)))
        solara.ToggleButtonsSingle(
            value=n.value,
            on_value=n.set,
            children=[solara.Button(str(x), value=x, text=True) for x in EXPERIMENT_SEEDS],
            dense=True,
        )
        solara.Button(
            t("experiment_run", lang),
            on_click=lambda: task((scenario, dict(values), seed, n.value)),
            color="primary",
            disabled=seed is None or task.pending,
        )
    if task.pending:
        done, total = progress.value
        solara.ProgressLinear(value=100 * done / max(total, 1))
        solara.HTML(
            tag="div",
            unsafe_innerHTML=_esc(t("experiment_progress", lang, done=done, n=total)),
            classes=["exp-progress"],
        )
    if task.error:
        solara.Error(t("experiment_failed", lang, error=task.exception), dense=True)
    exp: ClassExperiment | None = state.value
    if exp is None:
        if not task.pending:
            solara.HTML(tag="p", unsafe_innerHTML=_esc(t("experiment_none", lang)))
        return
    if (exp.scenario, exp.seed, exp.values) != (scenario, seed, values):
        solara.Warning(t("experiment_stale", lang), dense=True)
    k = int(exp.summary["sustained"].astype(bool).sum())
    solara.HTML(
        tag="h3",
        unsafe_innerHTML=_esc(
            t("experiment_of", lang, scenario=scenario_label(exp.scenario, lang), seed=exp.seed, n=exp.n)
        ),
        classes=["experiment-of"],
    )
    share = _esc(t("experiment_share", lang, k=k, n=exp.n, pct=k / exp.n))
    solara.HTML(tag="div", unsafe_innerHTML=f'<b class="experiment-share">{share}</b>')
    choices = {measure_label(m, lang): m for m in ("real_performance", "assessed_performance", "satisfaction", "trust")}
    solara.Select(
        label=t("experiment_measure", lang),
        values=list(choices),
        value=measure_label(measure.value, lang),
        on_value=lambda label: measure.set(choices[label]),
        style={"max-width": "320px"},
    )
    band = exp.band(measure.value)
    Chart(
        ch.experiment_option(exp, measure.value, steps, lang), "experiment", len(band), float(band["median"].iloc[-1])
    )
    med = exp.medians()
    rows = []
    for name in SUMMARY_ROWS:
        extra = (
            paren(t("experiment_reached", lang, k=exp.reached(name), n=exp.n), lang) if name.startswith("t_") else ""
        )
        value = _fmt(name, med.get(name), lang)
        rows.append(f"<tr><td>{_esc(_row_label(name, lang))}</td><td>{_esc(value)} {_esc(extra)}</td></tr>")
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f'<div class="cs-scroll"><table class="experiment-table cs-table"><tr><th>'
        f"{_esc(t('whatif_table_measure', lang))}</th><th>{_esc(t('median', lang))}</th></tr>{''.join(rows)}"
        "</table></div>",
    )
    solara.FileDownload(
        lambda: experiment_csv(exp),
        filename=f"class_experiment_{exp.scenario}_seed{exp.seed}_{exp.n}.csv",
        label=t("download_experiment", lang),
    )


def experiment_csv(exp: ClassExperiment) -> str:
    """Every run of a class experiment: its summary, then its months (one row per replicate and month)."""
    cols = ["replicate", *[c for c in SUMMARY_COLUMNS if c in exp.summary.columns]]
    merged = exp.series.merge(exp.summary[cols].drop(columns="seed"), on="replicate", how="left")
    return merged.assign(scenario=exp.scenario).to_csv(index=False)


@solara.component
def ExercisesView(lang: str, on_setup):
    """The exercises of docs/teaching.md: each step's "Set up" sets the scenario (at its defaults),
    the what-if lever and the tab; the questions follow."""
    done = solara.use_reactive("")
    for number, ex in enumerate(EXERCISES, start=1):
        with solara.Card(pick(ex.title, lang), classes=["exercise"]):
            solara.HTML(
                tag="p",
                unsafe_innerHTML=_esc(colon(t("exercise_paper", lang), pick(ex.paper, lang), lang)),
                style={"color": "#374151"},
            )
            for k, step in enumerate(ex.steps):
                with solara.Div(classes=["exercise-step"], style={"margin": "4px 0 8px"}):
                    solara.HTML(tag="div", unsafe_innerHTML=_esc(f"{k + 1}. {plain(pick(step.text, lang), lang)}"))

                    def setup(step=step, where=(number, k + 1)):
                        on_setup(step, where)
                        what = scenario_label(step.scenario, lang)
                        if step.whatif:
                            what += f" · {lever_name(step.whatif[0], lang)} → {step.whatif[1]:g}"
                        done.value = what

                    solara.Button(t("exercise_setup", lang), on_click=setup, outlined=True, dense=True)
            solara.HTML(tag="h4", unsafe_innerHTML=_esc(t("info_questions", lang)), style={"margin": "6px 0 2px"})
            solara.HTML(
                tag="ol", unsafe_innerHTML="".join(f"<li>{_esc(plain(pick(q, lang), lang))}</li>" for q in ex.questions)
            )
    if done.value:
        solara.Success(t("exercise_done", lang, what=done.value), dense=True)


@solara.component
def Page():
    """One browser session: its own settings, its own model, its own play loop."""
    router = solara.use_router()
    lang = solara.use_reactive(initial_lang(router.search))
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    values = solara.use_reactive(solara.use_memo(lambda: slider_values(DEFAULT_SCENARIO), []))
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    # The month counter the live views follow. Not `use_reactive`: a reactive made by use_reactive
    # re-renders the component that made it (the whole page) whenever it changes; this one re-renders
    # only the components that read it (the month label, banner and monitors, the open tab).
    version = solara.use_memo(lambda: solara.reactive(0), [])
    running = solara.use_reactive(True)
    tab = solara.use_reactive(0)
    tabs_epoch = solara.use_reactive(0)
    show_couplings = solara.use_reactive(False)
    exercise_step = solara.use_reactive(None)  # (step, (exercise, step number)) last set up, shown above the tabs
    controls_open = solara.use_reactive(False)  # the settings panel on a narrow screen
    # what-if and class-experiment state lives here, so that it survives tab changes and exercises can set it
    lever = solara.use_reactive("pm_strength")
    new_value = solara.use_reactive(0.0)
    whatif_result = solara.use_reactive(None)
    experiment = solara.use_reactive(None)
    exp_n = solara.use_reactive(EXPERIMENT_SEEDS[0])
    exp_progress = solara.use_reactive((0, 0))
    exp_measure = solara.use_reactive("real_performance")
    # set when this session's page goes away: its class experiment stops taking the worker's time
    gone = solara.use_memo(threading.Event, [])
    solara.use_effect(lambda: gone.set, [])

    def experiment_work(request):
        name, vals, exp_seed, n = request
        exp = class_experiment(
            name,
            vals,
            exp_seed,
            n,
            progress=lambda d, k: exp_progress.set((d, k)),
            executor=experiment_pool(),
            cancel=gone,
        )
        if exp is not None:
            experiment.value = exp
        return exp

    experiment_task = solara.lab.use_task(experiment_work, dependencies=None, raise_error=False)
    lab = {"task": experiment_task, "n": exp_n, "progress": exp_progress, "result": experiment, "measure": exp_measure}
    # The session's own model, built when this session first renders (never at import, never shared).
    box = solara.use_memo(
        lambda: {
            "model": ClassroomModel(DEFAULT_SCENARIO, seed=DEFAULT_SEED),
            "key": settings_key(DEFAULT_SCENARIO, slider_values(DEFAULT_SCENARIO), DEFAULT_SEED),
            "scenario": DEFAULT_SCENARIO,
        },
        [],
    )
    render_context = reacton.core.get_render_context(required=False)  # this session's (for bump's batch)
    L = lang.value
    seed = parse_seed(seed_text.value)
    pending = seed is not None and settings_key(scenario.value, values.value, seed) != box["key"]

    def bump():
        # one render for every view that follows the month (the month label, the banner and
        # monitors, the open tab): inside the render context, each would otherwise re-render the
        # page's tree on its own (reacton renders when the outermost context exits)
        with render_context if render_context is not None else contextlib.nullcontext():
            version.value += 1
            if running.value != box["model"].running:
                running.value = box["model"].running

    def rebuild(name=None, vals=None):
        seed_now = parse_seed(seed_text.value)
        if seed_now is None:
            return
        name = name or scenario.value
        vals = vals or values.value
        playing.value = False
        box["model"] = ClassroomModel(build_scenario(name, vals), seed=seed_now)
        box["key"] = settings_key(name, vals, seed_now)
        box["scenario"] = name
        bump()

    def settings_changed():
        if box["model"].month == 0:  # nothing to lose yet: apply at once
            rebuild()

    def on_scenario(label):
        # a new scenario resets at once: the screen never mixes one scenario's settings with another's run
        name = {scenario_label(n, L): n for n in scenario_names()}[label]
        scenario.value = name
        values.value = slider_values(name)
        rebuild(name, values.value)

    def on_slider(name, v):
        values.value = {**values.value, name: round(float(v), 2)}
        settings_changed()

    def on_seed(text):
        seed_text.value = text or ""
        settings_changed()

    def defaults():
        values.value = slider_values(scenario.value)
        rebuild(scenario.value, values.value)

    def do_step():
        m = box["model"]
        if m.running:
            m.step()
            bump()

    def play_loop(cancel):
        while playing.value and not cancel.is_set():
            if not box["model"].running:
                playing.value = False
                break
            started = time.perf_counter()
            # all sessions' play steps take turns, so that clicks stay responsive (PlayGovernor)
            if not PLAY_GOVERNOR.step(lambda: (box["model"].step(), bump()), cancel):
                break
            wait = 1.0 / speed.value - (time.perf_counter() - started)
            if wait > 0 and cancel.wait(wait):
                break

    def exercise_setup(step, where):
        exercise_step.value = (step, where)
        scenario.value = step.scenario
        values.value = slider_values(step.scenario)
        rebuild(step.scenario, values.value)
        if step.whatif:
            lever.value, new_value.value = step.whatif[0], float(step.whatif[1])
            whatif_result.value = None
        tab.value = TABS.index(step.tab)
        tabs_epoch.value += 1

    solara.use_thread(play_loop, dependencies=[playing.value], intrusive_cancel=False)

    DocumentLang(L)
    solara.Title(t("title", L))
    solara.Style(CSS)
    with solara.Div(classes=["cs-top"]):
        solara.HTML(tag="span", unsafe_innerHTML=_esc(t("title", L)), classes=["cs-title"])
        solara.Button(
            t("settings", L),
            icon_name="mdi-tune",
            on_click=lambda: controls_open.set(not controls_open.value),
            classes=["cs-toggle"],
            color="white",
            outlined=True,
            dense=True,
        )
        # an invalid seed stops Step and Play too: the run shown would not be the seed box's run
        stuck = not running.value or seed is None
        solara.Button(t("step", L), on_click=do_step, disabled=playing.value or stuck, color="white")
        if playing.value:
            solara.Button(t("pause", L), on_click=lambda: playing.set(False), color="warning")
        else:
            solara.Button(t("play", L), on_click=lambda: playing.set(True), disabled=stuck, color="white")
        solara.Button(t("reset", L), on_click=lambda: rebuild(), disabled=seed is None, color="white", outlined=True)
        MonthLabel(box, version, L)
        solara.ToggleButtonsSingle(
            value=L,
            on_value=lang.set,
            children=[solara.Button(LANG_NAMES[x], value=x, text=True) for x in LANGS],
            dense=True,
            style={"background": "white", "border-radius": "4px"},
        )
    with solara.Div(classes=["cs-body"]):
        with solara.Div(classes=["cs-controls", "cs-open" if controls_open.value else "cs-closed"]):
            with solara.Card(t("controls", L)):
                labels = [scenario_label(n, L) for n in scenario_names()]
                solara.Select(
                    label=t("scenario", L), values=labels, value=scenario_label(scenario.value, L), on_value=on_scenario
                )
                solara.InputText(
                    label=t("seed", L),
                    value=seed_text.value,
                    on_value=on_seed,
                    error=t("seed_error", L) if seed is None else False,
                    continuous_update=False,
                )
                solara.HTML(tag="div", unsafe_innerHTML=_esc(t("speed", L)), style={"font-size": "0.85em"})
                solara.ToggleButtonsSingle(
                    value=speed.value,
                    on_value=speed.set,
                    children=[solara.Button(str(x), value=x, text=True) for x in SPEEDS],
                    dense=True,
                    classes=["cs-speed"],
                )
                solara.Button(t("defaults", L), on_click=defaults, outlined=True, dense=True, disabled=seed is None)
                if pending:
                    solara.Warning(t("pending", L), dense=True)
                if not running.value:
                    solara.Info(t("finished", L), dense=True)
                solara.FileDownload(
                    lambda: run_csv(box["model"]),
                    filename=f"{box['scenario']}_seed{box['key'][2]}_run.csv",
                    label=t("download_run", L),
                )
            with solara.Card(t("levers", L)):
                for name in LEVERS:
                    LeverControl(name, values.value[name], L, on_slider)
            with solara.Card(t("couplings", L)):
                # folded by default: few lessons move a coupling, and every slider costs each step
                # a little server time (reacton revisits the whole page's widgets: docs/teaching.md)
                solara.Button(
                    t("hide_couplings" if show_couplings.value else "show_couplings", L),
                    on_click=lambda: show_couplings.set(not show_couplings.value),
                    text=True,
                    dense=True,
                    classes=["cs-couplings-toggle"],
                )
                if show_couplings.value:
                    for name in SLIDERS[len(LEVERS) :]:
                        LeverControl(name, values.value[name], L, on_slider)
        with solara.Div(classes=["cs-main"]):
            solara.HTML(tag="div", unsafe_innerHTML=_esc(t("subtitle", L)), classes=["cs-subtitle"])
            if pending:
                solara.Warning(t("pending_banner", L), dense=True, classes=["pending-banner"])
            LiveViews(box, version, L, tab)
            if exercise_step.value is not None and TABS[tab.value] != "exercises":
                # the step being done stays in sight on the tab it opened, with the way back
                step, (ex_k, step_k) = exercise_step.value
                with solara.Div(
                    classes=["exercise-now"],
                    style={"border-left": "4px solid #1f4e79", "padding": "2px 8px", "margin": "4px 0"},
                ):
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML=f"<b>{_esc(t('exercise_now', L, k=ex_k, step=step_k))}</b> "
                        f"{_esc(plain(pick(step.text, L), L))}",
                    )
                    solara.Button(
                        t("back_to_exercises", L),
                        on_click=lambda: tab.set(TABS.index("exercises")),
                        text=True,
                        dense=True,
                        icon_name="mdi-arrow-left",
                    )
            # keyed by `tabs_epoch`: an exercise that opens a tab rebuilds the tab bar (reacton does not
            # move a v-tabs bar the student has clicked to a value set from Python)
            with solara.lab.Tabs(value=tab.value, on_value=tab.set, lazy=True).key(f"tabs-{tabs_epoch.value}"):
                with solara.lab.Tab(t("tab_world", L)):
                    TabViews(box, version, L, "world")
                with solara.lab.Tab(t("tab_performance", L)):
                    TabViews(box, version, L, "performance")
                with solara.lab.Tab(t("tab_subsystems", L)):
                    TabViews(box, version, L, "subsystems")
                with solara.lab.Tab(t("tab_distributions", L)):
                    TabViews(box, version, L, "distributions")
                with solara.lab.Tab(t("tab_experiment", L)):
                    ExperimentView(scenario.value, values.value, seed, L, box["model"].county_scenario.steps, lab)
                with solara.lab.Tab(t("tab_whatif", L)):
                    WhatIfView(scenario.value, values.value, seed, L, lever, new_value, whatif_result)
                with solara.lab.Tab(t("tab_exercises", L)):
                    ExercisesView(L, exercise_setup)
                with solara.lab.Tab(t("tab_info", L)):
                    InfoView(scenario.value, L)


@solara.component
def MonthLabel(box: dict, version, lang: str):
    """The month in the top bar (re-rendered by each step, like the views)."""
    _ = version.value
    m = box["model"]
    text = _esc(t("month_of", lang, month=m.month, steps=m.county_scenario.steps))
    solara.HTML(tag="span", unsafe_innerHTML=f'<span class="cs-month month-label">{text}</span>')


def live_snapshot(box: dict, month_counter: int):
    """The session's snapshot for this month, taken once however many views draw it."""
    key = (month_counter, id(box["model"]))
    if box.get("snap_key") != key:
        box["snap"], box["snap_key"] = snapshot(box["model"]), key
    return box["snap"]


@solara.component
def LiveViews(box: dict, version, lang: str, tab):
    """The banner and monitors: re-rendered by each step (the page itself is not)."""
    snap = live_snapshot(box, version.value)
    PhaseBanner(snap, lang, box["scenario"])
    Monitors(snap, lang)
    if snap.month >= snap.steps:  # Step and Play are greyed out: say why, where the student looks
        solara.Info(t("finished", lang), dense=True, classes=["finished-note"])


@solara.component
def TabViews(box: dict, version, lang: str, which: str):
    """One tab's charts. Tabs are lazy and each is its own component, so a step computes the chart
    options of the open tab only (30 sessions share one server: see docs/teaching.md)."""
    snap = live_snapshot(box, version.value)
    if which == "world":
        WorldView(snap, lang)
    elif which == "performance":
        with solara.Div(classes=["cs-charts"]):
            drive = snap.series["drive"]
            Chart(ch.line_option(snap, ch.DRIVE, lang, "plot_drive", ymax=None), "drive", len(drive), drive[-1])
            perf = snap.series["real_performance"]
            Chart(ch.line_option(snap, ch.PERFORMANCE, lang, "plot_performance"), "performance", len(perf), perf[-1])
    elif which == "subsystems":
        d = snap.series["coupling_D"]
        Chart(ch.subsystem_option(snap, lang), "subsystems", len(d), d[-1], 380)
    elif which == "distributions":
        with solara.Div(classes=["cs-charts"]):
            Chart(ch.histogram_option(snap, lang), "cadres", len(snap.motivation), float(snap.motivation.mean()))
            Chart(ch.township_option(snap, lang), "townships", snap.n_townships, float(snap.satisfaction.mean()))


@solara.component
def Layout(children=[]):  # noqa: B006  (Solara's layout signature)
    """The page is its own layout: no Solara app bar or drawer (ours never covers its own button)."""
    return solara.Div(children=children)


page = Page()
page  # noqa: B018  (as in Mesa's examples: the module ends with the page element)
