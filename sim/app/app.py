"""The classroom app: one CountyModel per browser session, stepped live (Solara; Mesa's plot components).

Served by `county-sim app` (which runs `solara run sim.app.app`). Each browser tab renders its own
`Page`, whose hooks hold that session's settings and its own model: nothing is shared between
students. Mesa's `SolaraViz` is not used because its own controls and labels are English-only and it
starts every session from one model object created at import (see `docs/teaching.md`); the page is
built from plain Solara components around `CountyModel`, with Mesa's `make_plot_component` for the
time series and a matplotlib network drawn on a fixed, cached circular layout.
"""

from __future__ import annotations

import html
import os
import time
from functools import partial

import solara
from mesa.visualization import make_plot_component
from mesa.visualization.utils import force_update

from ..params import PARAMS
from ..trajectory import PHASES
from . import charts as ch
from . import figures as fg
from .i18n import (
    LANG_NAMES,
    LANGS,
    LEVERS,
    SLIDERS,
    SUBSYSTEM_INFO,
    Info,
    measure_label,
    param_label,
    phase_label,
    pick,
    scenario_info,
    subsystem_label,
    t,
)
from .session import (
    DEFAULT_SCENARIO,
    DEFAULT_SEED,
    PLAY_GOVERNOR,
    SLIDER_STEP,
    SUMMARY_ROWS,
    ClassroomModel,
    base_scenario,
    build_scenario,
    parse_seed,
    scenario_names,
    settings_key,
    slider_values,
    snapshot,
    what_if,
)

LANG_ENV = "COUNTY_SIM_LANG"
SPEEDS = (1, 2, 5, 10, 20)
RENDER_INTERVAL = 6
PHASE_COLOURS = {"start": "#fde68a", "build": "#fdba74", "activate": "#86efac", "deliver": "#60a5fa"}


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


@solara.component
def PhaseBanner(snap, lang: str):
    """The current phase of start–build–activate–deliver and the month each was reached."""
    cells = []
    for ph in PHASES[1:]:
        month = snap.phase_months[ph]
        current = ph == snap.phase
        reached = month is not None
        bg = PHASE_COLOURS[ph] if reached else "#f3f4f6"
        border = "3px solid #111827" if current else "1px solid #d1d5db"
        when = t("reached_in", lang, month=month) if reached else t("not_reached", lang)
        cells.append(
            f'<div class="phase-cell" data-phase="{ph}" data-reached="{str(reached).lower()}" '
            f'style="flex:1;padding:6px 10px;border-radius:6px;background:{bg};border:{border};text-align:center">'
            f'<div style="font-weight:700;font-size:1.05em">{_esc(phase_label(ph, lang))}</div>'
            f'<div style="font-size:0.85em">{_esc(when)}</div></div>'
        )
    arrow = '<div style="align-self:center;font-size:1.3em;padding:0 4px">→</div>'
    month_text = t("month_of", lang, month=snap.month, steps=snap.steps)
    now = f"{t('phase_now', lang)}: {phase_label(snap.phase, lang)}"
    body = (
        f'<div class="phase-banner" data-month="{snap.month}" data-phase="{snap.phase}">'
        f'<div style="display:flex;justify-content:space-between;margin-bottom:4px">'
        f'<span class="month-label" style="font-weight:700">{_esc(month_text)}</span>'
        f'<span class="phase-label">{_esc(now)}</span></div>'
        f'<div style="display:flex;gap:2px">{arrow.join(cells)}</div></div>'
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
        f'<div class="monitor" style="flex:1;padding:4px 8px;border:1px solid #d1d5db;border-radius:6px">'
        f'<div style="font-size:0.8em;color:#4b5563">{_esc(k)}</div>'
        f'<div style="font-size:1.2em;font-weight:700">{_esc(v)}</div></div>'
        for k, v in items
    )
    solara.HTML(tag="div", unsafe_innerHTML=f'<div class="monitors" style="display:flex;gap:6px">{cells}</div>')


@solara.component
def Chart(option: dict, testid: str, points: int, last: float | None, height: int = 360):
    """An ECharts view; `data-points` and `data-last` let a test see what is plotted."""
    solara.FigureEcharts(
        option=option,
        attributes={
            "style": f"height: {height}px; width: 100%; min-width: 420px",
            "class": f"chart chart-{testid}",
            "data-testid": testid,
            "data-points": str(points),
            "data-last": "" if last is None else f"{last:.6f}",
        },
        responsive=True,  # redraw at the container's size (tabs mount charts while they slide in)
    )


@solara.component
def SubsystemPlot(model, lang: str):
    """Mesa's plot component (matplotlib) over the model's series: the five levels and D."""
    post = solara.use_memo(lambda: fg.subsystem_post_process(lang), [lang])
    component, _page = make_plot_component(fg.SUBSYSTEM_COLOURS, post_process=post, backend="matplotlib")
    return component(model)


def _fmt(name: str, value) -> str:
    if value is None:
        return "—"
    if name.startswith("t_"):
        return str(int(value))
    return f"{float(value):.3f}"


@solara.component
def WhatIfView(scenario: str, values: dict, seed: int | None, lang: str):
    """The same seed run twice to the horizon, once with one lever changed, side by side."""
    lever = solara.use_reactive("pm_strength")
    new_value = solara.use_reactive(0.0 if float(values["pm_strength"]) >= 0.5 else 1.0)
    result = solara.use_reactive(None)

    def run():
        if seed is None:
            return
        result.value = what_if(scenario, values, seed, lever.value, round(float(new_value.value), 2))

    def on_lever(name):
        lever.value = name
        new_value.value = 0.0 if float(values[name]) >= 0.5 else 1.0

    # plain HTML, not solara.Markdown: Markdown loads KaTeX from a CDN, which a classroom may not reach
    solara.HTML(tag="p", unsafe_innerHTML=_esc(t("whatif_intro", lang)))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Column(style={"min-width": "320px"}):
            solara.Select(
                label=t("whatif_lever", lang),
                values=list(SLIDERS),
                value=lever.value,
                on_value=on_lever,
            )
            solara.HTML(tag="div", unsafe_innerHTML=_esc(param_label(lever.value, lang)))
        with solara.Column(style={"min-width": "260px"}):
            solara.SliderFloat(
                label=f"{t('whatif_value', lang)} ({float(values[lever.value]):.2f} → {new_value.value:.2f})",
                value=new_value.value,
                on_value=new_value.set,
                min=0.0,
                max=1.0,
                step=SLIDER_STEP,
            )
        solara.Button(t("whatif_run", lang), on_click=run, color="primary", disabled=seed is None)
    res = result.value
    if res is None:
        solara.HTML(tag="p", unsafe_innerHTML=_esc(t("whatif_none", lang)))
        return
    option = ch.whatif_option(
        res.baseline.series,
        res.variant.series,
        lang,
        f"{t('baseline', lang)}: {res.lever} = {res.base_value:.2f}",
        f"{t('variant', lang)}: {res.lever} = {res.value:.2f}",
    )
    Chart(option, "whatif", len(res.variant.series), float(res.variant.series["real_performance"].iloc[-1]), height=340)
    rows = [
        f"<tr><td>{_esc(t('sustained', lang))}</td>"
        f"<td>{_esc(t('yes' if res.baseline.summary['sustained'] else 'no', lang))}</td>"
        f"<td>{_esc(t('yes' if res.variant.summary['sustained'] else 'no', lang))}</td></tr>"
    ]
    for name in SUMMARY_ROWS:
        if name.startswith("t_"):
            label = t("phase_month", lang, phase=phase_label(name[2:], lang))
        else:
            label = (
                f"{t('final', lang)} {measure_label(name, lang)}"
                if name.startswith("final_")
                else (measure_label(name, lang))
            )
        rows.append(
            f"<tr><td>{_esc(label)}</td><td>{_fmt(name, res.baseline.summary[name])}</td>"
            f"<td>{_fmt(name, res.variant.summary[name])}</td></tr>"
        )
    table = (
        '<table class="whatif-table" style="border-collapse:collapse" cellpadding="4" border="1">'
        f"<tr><th>{_esc(t('whatif_table_measure', lang))}</th>"
        f"<th>{_esc(t('baseline', lang))}: {_esc(res.lever)} = {res.base_value:.2f}</th>"
        f"<th>{_esc(t('variant', lang))}: {_esc(res.lever)} = {res.value:.2f}</th></tr>{''.join(rows)}</table>"
    )
    solara.HTML(tag="div", unsafe_innerHTML=table)


def _info_html(title: str, info: Info, lang: str) -> str:
    questions = "".join(f"<li>{_esc(pick(q, lang))}</li>" for q in info.questions)
    quote = (
        f"<blockquote style='margin:4px 0 4px 12px;color:#374151'>{_esc(info.quote)}</blockquote>" if info.quote else ""
    )
    return (
        f"<div class='info-card' style='margin-bottom:14px'><h3 style='margin:6px 0'>{_esc(title)}</h3>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_paper', lang))} ({_esc(info.section)})</h4>{quote}"
        f"<p>{_esc(pick(info.paper, lang))}</p>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_model', lang))}</h4><p>{_esc(pick(info.model, lang))}</p>"
        f"<h4 style='margin:4px 0'>{_esc(t('info_questions', lang))}</h4><ol>{questions}</ol></div>"
    )


@solara.component
def InfoView(scenario: str, lang: str):
    """Per scenario and per subsystem: what the paper says, what the model does, questions."""
    sc = base_scenario(scenario)
    info = scenario_info(scenario, sc.description, sc.paper)
    parts = [
        f"<h2 style='margin:4px 0'>{_esc(t('info_scenario', lang))}: {_esc(scenario)}</h2>",
        f"<p>{'' if lang == 'zh' else f'<i>{_esc(sc.description)}</i> — '}"
        f"{_esc(t('info_file', lang))}: scenarios/{_esc(scenario)}.toml</p>",
        _info_html(scenario, info, lang),
        f"<h2 style='margin:4px 0'>{_esc(t('info_subsystems', lang))}</h2>",
    ]
    for key, sub in SUBSYSTEM_INFO.items():
        parts.append(_info_html(f"{subsystem_label(key, lang)} ({key})", sub, lang))
    parts.append(f"<p style='font-size:0.85em;color:#6b7280'>{_esc(t('paper_ref', lang))}</p>")
    solara.HTML(tag="div", unsafe_innerHTML="".join(parts))


@solara.component
def Page():
    """One browser session: its own settings, its own model, its own play loop."""
    fg.configure_fonts()
    router = solara.use_router()
    lang = solara.use_reactive(initial_lang(router.search))
    scenario = solara.use_reactive(DEFAULT_SCENARIO)
    values = solara.use_reactive(solara.use_memo(lambda: slider_values(DEFAULT_SCENARIO), []))
    seed_text = solara.use_reactive(str(DEFAULT_SEED))
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(5)
    version = solara.use_reactive(0)  # read only by LiveViews: a step re-renders the views, not the page
    running = solara.use_reactive(True)
    tab = solara.use_reactive(0)
    # The session's own model, built when this session first renders (never at import, never shared).
    box = solara.use_memo(
        lambda: {
            "model": ClassroomModel(DEFAULT_SCENARIO, seed=DEFAULT_SEED),
            "key": settings_key(DEFAULT_SCENARIO, slider_values(DEFAULT_SCENARIO), DEFAULT_SEED),
        },
        [],
    )
    L = lang.value
    seed = parse_seed(seed_text.value)
    pending = seed is not None and settings_key(scenario.value, values.value, seed) != box["key"]

    def bump(redraw_server_plots: bool = True):
        version.value += 1
        if running.value != box["model"].running:
            running.value = box["model"].running
        if redraw_server_plots:
            force_update()  # Mesa's plot component redraws on Mesa's per-session counter

    def rebuild():
        seed_now = parse_seed(seed_text.value)
        if seed_now is None:
            return
        playing.value = False
        box["model"] = ClassroomModel(build_scenario(scenario.value, values.value), seed=seed_now)
        box["key"] = settings_key(scenario.value, values.value, seed_now)
        bump()

    def settings_changed():
        if box["model"].month == 0:  # nothing to lose yet: apply at once
            rebuild()

    def on_scenario(name):
        scenario.value = name
        values.value = slider_values(name)
        settings_changed()

    def on_slider(name, v):
        values.value = {**values.value, name: round(float(v), 2)}
        settings_changed()

    def on_seed(text):
        seed_text.value = text or ""
        settings_changed()

    def do_step():
        m = box["model"]
        if m.running:
            m.step()
            bump()

    def play_step():
        m = box["model"]
        m.step()
        # like SolaraViz's render interval: Mesa's matplotlib plot is drawn on the server, so
        # while playing it is redrawn every RENDER_INTERVAL months (and at the end)
        bump(m.month % RENDER_INTERVAL == 0 or not m.running)

    def play_loop(cancel):
        while playing.value and not cancel.is_set():
            if not box["model"].running:
                playing.value = False
                break
            started = time.perf_counter()
            # all sessions' play steps take turns, so that clicks stay responsive (PlayGovernor)
            if not PLAY_GOVERNOR.step(play_step, cancel):
                break
            wait = 1.0 / speed.value - (time.perf_counter() - started)
            if wait > 0 and cancel.wait(wait):
                break

    solara.use_thread(play_loop, dependencies=[playing.value], intrusive_cancel=False)

    solara.Title(t("title", L))
    solara.Style(".chart { margin-bottom: 8px; }")
    with solara.AppBar():
        solara.AppBarTitle(t("title", L))
    with solara.Sidebar():
        with solara.Card(t("controls", L)):
            solara.Select(label=t("scenario", L), values=scenario_names(), value=scenario.value, on_value=on_scenario)
            solara.InputText(
                label=t("seed", L),
                value=seed_text.value,
                on_value=on_seed,
                error=t("seed_error", L) if seed is None else False,
                continuous_update=False,
            )
            with solara.Row():
                solara.Button(
                    t("step", L), on_click=do_step, disabled=playing.value or not running.value, color="primary"
                )
                if playing.value:
                    solara.Button(t("pause", L), on_click=lambda: playing.set(False), color="warning")
                else:
                    solara.Button(
                        t("play", L), on_click=lambda: playing.set(True), disabled=not running.value, color="primary"
                    )
                solara.Button(t("reset", L), on_click=rebuild, disabled=seed is None)
            solara.HTML(tag="div", unsafe_innerHTML=_esc(t("speed", L)), style={"font-size": "0.85em"})
            solara.ToggleButtonsSingle(
                value=speed.value,
                on_value=speed.set,
                children=[solara.Button(str(x), value=x, text=True) for x in SPEEDS],
                dense=True,
            )
            if pending:
                solara.Warning(t("pending", L), dense=True)
            if not running.value:
                solara.Info(t("finished", L), dense=True)
        with solara.Card(t("levers", L)):
            for name in LEVERS:
                _slider(name, values.value[name], L, on_slider)
        with solara.Card(t("couplings", L)):
            for name in SLIDERS[len(LEVERS) :]:
                _slider(name, values.value[name], L, on_slider)

    with solara.Column(style={"padding": "4px 12px"}):
        with solara.Row(style={"align-items": "center", "justify-content": "space-between"}):
            solara.HTML(tag="div", unsafe_innerHTML=_esc(t("subtitle", L)), style={"color": "#6b7280"})
            solara.ToggleButtonsSingle(
                value=L,
                on_value=lang.set,
                children=[solara.Button(LANG_NAMES[x], value=x, text=True) for x in LANGS],
                dense=True,
            )
        LiveViews(box, version, L, tab, scenario.value, values.value, seed)


@solara.component
def LiveViews(box: dict, version, lang: str, tab, scenario: str, values: dict, seed: int | None):
    """What changes as the model steps: the only part of the page a step re-renders."""
    L = lang
    model = box["model"]
    snap = solara.use_memo(lambda: snapshot(model), [version.value, id(model)])
    PhaseBanner(snap, L)
    Monitors(snap, L)
    # Tabs are lazy and each tab's views are their own component, so a step computes the chart
    # options of the open tab only (30 sessions share one server: see docs/teaching.md).
    with solara.lab.Tabs(value=tab.value, on_value=tab.set, lazy=True):
        with solara.lab.Tab(t("tab_performance", L)):
            PerformanceViews(snap, L)
        with solara.lab.Tab(t("tab_subsystems", L)):
            SubsystemPlot(model, L)
        with solara.lab.Tab(t("tab_network", L)):
            NetworkView(snap, L)
        with solara.lab.Tab(t("tab_distributions", L)):
            DistributionViews(snap, L)
        with solara.lab.Tab(t("tab_whatif", L)):
            WhatIfView(scenario, values, seed, L)
        with solara.lab.Tab(t("tab_info", L)):
            InfoView(scenario, L)


@solara.component
def PerformanceViews(snap, lang: str):
    """Real against assessed performance, satisfaction and trust; drive against the threshold."""
    perf = snap.series["real_performance"]
    Chart(ch.line_option(snap, ch.PERFORMANCE, lang, "plot_performance"), "performance", len(perf), perf[-1])
    drive = snap.series["drive"]
    Chart(ch.line_option(snap, ch.DRIVE, lang, "plot_drive", ymax=None), "drive", len(drive), drive[-1], 280)


@solara.component
def NetworkView(snap, lang: str):
    """The department network: edges by tie strength, nodes coloured by output."""
    Chart(ch.network_option(snap, lang), "network", len(snap.dept_output), float(snap.dept_output.mean()), 460)


@solara.component
def DistributionViews(snap, lang: str):
    """Cadres' motivation and competence; citizens' satisfaction by township."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        with solara.Column(style={"flex": "1"}):
            Chart(ch.histogram_option(snap, lang), "cadres", len(snap.motivation), float(snap.motivation.mean()))
        with solara.Column(style={"flex": "1"}):
            Chart(ch.township_option(snap, lang), "townships", snap.n_townships, float(snap.satisfaction.mean()))


def _slider(name: str, value: float, lang: str, on_slider) -> None:
    p = PARAMS[name]
    label = f"{param_label(name, lang)}: {value:.2f}"
    solara.HTML(tag="div", unsafe_innerHTML=_esc(label), classes=["slider-label"], style={"font-size": "0.85em"})
    solara.SliderFloat(
        label="",
        value=value,
        on_value=partial(on_slider, name),
        min=float(p.low),
        max=float(p.high),
        step=SLIDER_STEP,
        thumb_label=False,
    )


page = Page()
page  # noqa: B018  (as in Mesa's examples: the module ends with the page element)
