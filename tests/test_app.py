"""The classroom app without a browser: the app's model is `county-sim run`'s model, every text
exists in both languages, and the page renders, steps and switches language headless
(`solara.render`), one model per session."""

from __future__ import annotations

import json
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import sim
from sim.record import MEASURES
from sim.scenario import SCENARIO_DIR

solara = pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Mesa 3.3.1's SolaraViz trips Solara's hook check at import
    from sim.app import app as app_module
    from sim.app import charts, i18n, session

CJK = re.compile(r"[\u4e00-\u9fff]")


def stepped(name: str, values: dict | None, seed: int, months: int) -> session.ClassroomModel:
    model = session.ClassroomModel(session.build_scenario(name, values or session.slider_values(name)), seed=seed)
    for _ in range(months):
        model.step()
    return model


# --- the app's model is the model `county-sim run` runs -----------------------------------------


@pytest.mark.parametrize("name,seed", [("l_county", 3), ("pressure_only", 11)])
def test_app_model_gives_the_series_of_sim_run(name, seed):
    """Stepped T times with seed S, the app's model has exactly `sim.run`'s first T+1 months."""
    months = 30
    model = stepped(name, None, seed, months)
    ref = sim.run(name, seed=seed).series
    got = model.series()
    for m in MEASURES:
        np.testing.assert_array_equal(got[m], ref[m].to_numpy()[: months + 1], err_msg=m)


def test_app_model_with_a_slider_moved_is_the_run_with_that_override():
    values = {**session.slider_values("l_county"), "pm_strength": 0.3, "k_ME_DI": 0.0}
    model = stepped("l_county", values, 5, 40)
    ref = sim.run(sim.load_scenario("l_county", pm_strength=0.3, k_ME_DI=0.0), seed=5).series
    for m in MEASURES:
        np.testing.assert_array_equal(model.series()[m], ref[m].to_numpy()[:41], err_msg=m)


def test_app_model_with_the_seed_column_reproduces_county_sim_run(tmp_path):
    """`county-sim run --seed S` writes each replicate's own seed; the app with that seed agrees."""
    from sim.cli import main

    assert main(["run", "l_county", "--seed", "7", "--out", str(tmp_path)]) == 0
    series = pd.read_csv(tmp_path / "series.csv")
    seed = int(series["seed"].iloc[0])
    model = stepped("l_county", None, seed, 120)
    for m in ("real_performance", "assessed_performance", "satisfaction", "coupling_D", "gaming_share"):
        np.testing.assert_array_equal(model.series()[m], series[m].to_numpy(), err_msg=m)


def test_untouched_sliders_change_nothing():
    for name in session.scenario_names():
        sc = session.build_scenario(name, session.slider_values(name))
        assert sc is session.base_scenario(name)


def test_what_if_runs_are_sim_runs():
    values = session.slider_values("status_quo")
    res = session.what_if("status_quo", values, 2, "reform_resolve", 0.85)
    assert res.base_value == pytest.approx(0.2)
    ref_b = sim.run("status_quo", seed=2).series
    ref_v = sim.run(sim.load_scenario("status_quo", reform_resolve=0.85), seed=2).series
    for m in ("real_performance", "satisfaction", "drive"):
        np.testing.assert_array_equal(res.baseline.series[m], ref_b[m])
        np.testing.assert_array_equal(res.variant.series[m], ref_v[m])
    assert res.baseline.summary["t_start"] is None  # the trap: no start without drive
    # a resolute team drives harder from its first year (the top leader's reform signal, paper §2(一));
    # whether the trap's weak levers then let departments engage varies by seed (about half start)
    assert res.variant.series["drive"][:12].mean() > res.baseline.series["drive"][:12].mean() + 0.2


def test_seed_box_parsing():
    assert session.parse_seed(" 42 ") == 42
    assert session.parse_seed("0") == 0
    for bad in ("", "-1", "1.5", "abc", None):
        assert session.parse_seed(bad) is None


# --- texts in both languages ----------------------------------------------------------------------


def test_every_scenario_file_is_in_the_picker_and_has_an_info_card():
    files = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
    assert sorted(session.scenario_names()) == files
    assert session.scenario_names()[0] == "l_county"
    for name in files:
        assert name in i18n.SCENARIO_INFO, f"no info card for scenarios/{name}.toml"


def _check_info(info: i18n.Info) -> None:
    assert "§" in info.section
    assert CJK.search(info.quote)  # the paper's own words
    for en, zh in (info.paper, info.model, *info.questions):
        assert en.strip() and en != zh
        assert CJK.search(zh), zh
    assert info.questions


def test_info_cards_quote_the_paper_in_both_languages():
    for info in [*i18n.SCENARIO_INFO.values(), *i18n.SUBSYSTEM_INFO.values()]:
        _check_info(info)
    assert set(i18n.SUBSYSTEM_INFO) == set(sim.SUBSYSTEMS)


def test_every_label_exists_in_english_and_chinese():
    for key, (en, zh) in i18n.UI.items():
        assert en.strip() and zh.strip(), key
        assert CJK.search(zh), key
    for name in i18n.SLIDERS:
        assert i18n.param_label(name, "en") and CJK.search(i18n.param_label(name, "zh")), name
    for name in i18n.MEASURE_LABELS:
        assert CJK.search(i18n.measure_label(name, "zh")), name
    assert [i18n.phase_label(p, "zh") for p in sim.PHASES[1:]] == ["启动", "蓄力", "激活", "发力"]
    assert [i18n.phase_label(p, "en") for p in sim.PHASES[1:]] == ["start", "build", "activate", "deliver"]
    assert i18n.t("month_of", "zh", month=3, steps=120) == "第 3 个月 / 共 120 个月"


def test_a_new_scenario_file_gets_an_info_card_from_its_own_fields():
    info = i18n.scenario_info("my_county", "one line", "§3(二)")
    assert info.section == "§3(二)" and info.paper == ("one line", "one line")


# --- views ------------------------------------------------------------------------------------------


def test_chart_options_are_json_and_follow_the_model():
    model = stepped("l_county", None, 0, 12)
    snap = session.snapshot(model)
    assert snap.month == 12 and snap.phase in sim.PHASES
    exp = session.class_experiment("l_county", session.slider_values("l_county"), 0, 3)
    wi = session.what_if("l_county", session.slider_values("l_county"), 0, "pm_strength", 0.2)
    for lang in i18n.LANGS:
        opts = [
            charts.line_option(snap, charts.PERFORMANCE, lang, "plot_performance"),
            charts.subsystem_option(snap, lang),
            charts.world_option(snap, lang),
            charts.histogram_option(snap, lang),
            charts.township_option(snap, lang),
            charts.experiment_option(exp, "real_performance", 120, lang),
            *(
                charts.whatif_option(wi.baseline.series, wi.variant.series, m, lang, "a", "b")
                for m in charts.WHATIF_PANELS
            ),
        ]
        for o in opts:
            json.dumps(o, allow_nan=False)
            x = o.get("xAxis", {})
            if x.get("name") == i18n.t("month", lang):  # the month axis never rescales: 0 to the horizon
                span = (x["min"], x["max"]) if x["type"] == "value" else (int(x["data"][0]), int(x["data"][-1]))
                assert span == (0, 120)
            assert o["toolbox"]["feature"]["saveAsImage"]["title"] == i18n.t("save_png", lang)
    perf = charts.line_option(snap, charts.PERFORMANCE, "en", "plot_performance")["series"][0]["data"]
    assert len(perf) == 13 and perf[-1][1] == pytest.approx(snap.series["real_performance"][-1], abs=1e-4)
    hist = charts.histogram_option(snap, "en")["series"][0]["data"]
    assert sum(hist) == len(snap.motivation)
    sub = charts.subsystem_option(snap, "zh")
    assert [x["name"] for x in sub["series"]][:5] == [i18n.subsystem_label(k, "zh") for k in sim.SUBSYSTEMS]


def test_a_chart_at_month_0_draws_its_one_point():
    snap = session.snapshot(stepped("l_county", None, 0, 0))
    series = charts.line_option(snap, charts.PERFORMANCE, "en", "plot_performance")["series"]
    assert all(len(x["data"]) == 1 and x["showSymbol"] for x in series)  # a one-point line alone draws nothing
    later = charts.line_option(
        session.snapshot(stepped("l_county", None, 0, 2)), charts.PERFORMANCE, "en", "plot_performance"
    )
    assert not any(x["showSymbol"] for x in later["series"])


def test_the_world_view_counts_the_models_own_problems_and_task_forces():
    from sim.model2.state import STATUS_OPEN

    model = stepped("l_county", None, 0, 30)
    snap = session.snapshot(model)
    w, s = snap.world, model.engine.s
    n_open = int((s.prob_status[0] == STATUS_OPEN).sum())
    assert n_open > 0 and int(w.town_open.sum()) + w.county_open == n_open
    # township by township, against the engine's own problem table (its township column, -1 county-wide)
    table = model.engine.problems()
    still_open = table[table["status"] == "open"]
    by_town = still_open["township"].value_counts()
    assert w.town_open.tolist() == [int(by_town.get(k, 0)) for k in range(s.T)]
    assert w.county_open == int(by_town.get(-1, 0))
    assert w.dept_backlog.tolist() == [int((still_open["lead"] == j).sum()) for j in range(s.J)]
    assert int(w.dept_backlog.sum()) == n_open  # every open problem has one lead department
    assert w.dept_engaged.tolist() == s.dept_engaged[0].tolist()
    # task-force links: exactly the department pairs of the problems a task force works this month
    expected = set()
    for i in np.flatnonzero(s.prob_taskforce[0]):
        for k in s.prob_partner[0, i]:
            if k >= 0:
                expected.add(tuple(sorted((int(s.prob_lead[0, i]), int(k)))))
    assert {(i, j) for i, j, _ in w.links} == expected and expected  # l_county runs task forces by month 30
    assert sum(n for *_, n in w.links) == sum(
        int((s.prob_partner[0, i] >= 0).sum()) for i in np.flatnonzero(s.prob_taskforce[0])
    )
    opt = charts.world_option(snap, "en")
    nodes = opt["series"][0]["data"]
    assert len(nodes) == s.L + s.J
    orange = [x for x in opt["series"][0]["links"] if x["lineStyle"]["color"] == "#f97316"]
    assert len(orange) == len(w.links)
    # satisfaction per township is the mean over its citizens
    k = 3
    assert w.town_satisfaction[k] == pytest.approx(s.citizen_satisfaction[0][s.citizen_township == k].mean())


def test_the_output_colour_scale_spreads_this_months_differences():
    lo, hi = charts.output_scale(np.array([0.60, 0.64, 0.70]))
    assert (lo, hi) == (0.60, 0.70)  # the range of the month, not 0-1: a 0.1 spread spans the whole scale
    lo, hi = charts.output_scale(np.array([0.5, 0.5]))
    assert hi - lo == pytest.approx(0.05)
    assert charts._lerp_colour(0.0) != charts._lerp_colour(1.0)


def test_portfolio_layout_is_cached_and_puts_departments_beside_their_leader():
    model = stepped("l_county", None, 0, 0)
    dl = tuple(int(x) for x in model.engine.s.dept_leader)
    leaders, depts = charts.portfolio_layout(dl, model.engine.s.L)
    assert charts.portfolio_layout(dl, model.engine.s.L)[0] is leaders  # computed once
    assert np.allclose(np.hypot(depts[:, 0], depts[:, 1]), 1.0) and np.allclose(leaders[0], 0.0)
    for j, lead in enumerate(dl):  # each department is nearer its own leader than any other non-top leader
        d = np.hypot(*(leaders[1:] - depts[j]).T)
        assert int(np.argmin(d)) + 1 == lead


# --- class experiment -----------------------------------------------------------------------------------


def test_class_experiment_medians_equal_run_replicates():
    """The class experiment's seeds are `county-sim run --seed S --replicates N`'s, so its medians are
    exactly those of `sim.run_replicates` (exact equality: the same runs, batched in chunks)."""
    values = {**session.slider_values("l_county"), "pm_strength": 0.4}
    n = 23  # not a multiple of the chunk, so a short last batch is covered
    progress = []
    exp = session.class_experiment("l_county", values, 5, n, progress=lambda d, k: progress.append((d, k)))
    _, summary = sim.run_replicates(sim.load_scenario("l_county", pm_strength=0.4), seed=5, replicates=n)
    assert progress == [(0, n), (10, n), (20, n), (23, n)]
    assert exp.summary["seed"].tolist() == summary["seed"].tolist()
    med = exp.medians()
    for col in ("final_real_performance", "final_satisfaction", "gap_closure", "t_start", "t_deliver"):
        assert med[col] == summary[col].dropna().median(), col
    assert exp.share_sustained == summary["sustained"].mean()
    band = exp.band("real_performance")
    assert len(band) == 121 and (band["low"] <= band["median"]).all() and (band["median"] <= band["high"]).all()
    # the chart's ribbon: its invisible lower edge plus the stacked width give back the 10th and 90th percentiles
    low, width, median = (x["data"] for x in charts.experiment_option(exp, "real_performance", 120, "en")["series"][:3])
    assert np.allclose(np.add(low, width), band["high"], atol=2e-4) and np.allclose(low, band["low"], atol=1e-4)
    assert np.allclose(median, band["median"], atol=1e-4)
    # the tooltip's edges are the percentiles themselves, not the stacked width
    opt = charts.experiment_option(exp, "real_performance", 120, "en")
    edges = {x["name"]: x["data"] for x in opt["series"] if x["name"] in ("10th percentile", "90th percentile")}
    assert np.allclose(edges["10th percentile"], band["low"], atol=1e-4)
    assert np.allclose(edges["90th percentile"], band["high"], atol=1e-4)
    shown = [x["name"] for x in opt["series"] if x.get("tooltip", {}).get("show", True)]
    assert "10–90% band" not in shown and "band-low" not in shown


def test_class_experiment_in_the_worker_process_is_the_same():
    values = session.slider_values("status_quo")
    here = session.class_experiment("status_quo", values, 2, 12)
    there = session.class_experiment("status_quo", values, 2, 12, executor=session.experiment_pool())
    pd.testing.assert_frame_equal(here.summary, there.summary)
    pd.testing.assert_frame_equal(here.series, there.series)


def test_class_experiment_csv_has_every_run_and_month():
    from io import StringIO

    exp = session.class_experiment("l_county", session.slider_values("l_county"), 0, 3)
    df = pd.read_csv(StringIO(app_module.experiment_csv(exp)))
    assert len(df) == 3 * 121 and set(df["replicate"]) == {0, 1, 2}
    assert {"sustained", "t_start", "real_performance", "scenario"} <= set(df.columns)


# --- texts ------------------------------------------------------------------------------------------------


def _zh_texts():
    out = [(k, zh) for k, (_en, zh) in i18n.UI.items()] + [(k, zh) for k, (_en, zh) in i18n.MEASURE_LABELS.items()]
    for d in (i18n.SUBSYSTEM_INFO, i18n.SCENARIO_INFO):
        for k, inf in d.items():
            out += [(k, inf.quote), (k, inf.section), (k, inf.paper[1]), (k, inf.model[1])]
            out += [(k, q[1]) for q in inf.questions]
    out += [(n, zh) for n, (_en, zh) in i18n.SCENARIO_NAMES.items()]
    out += [(n, i18n.param_label(n, "zh")) for n in i18n.SLIDERS]
    for ex in i18n.EXERCISES:
        out += [("exercise", ex.title[1]), ("exercise", ex.paper[1])]
        out += [("exercise", st.text[1]) for st in ex.steps] + [("exercise", q[1]) for q in ex.questions]
    return out


def test_chinese_texts_use_full_width_punctuation():
    """Chinese text takes full-width ，：；？！（）; half-width ones are allowed only inside {format}
    fields and between digits (0.85, 1:2)."""
    bad = []
    for key, text in _zh_texts():
        stripped = re.sub(r"\{[^}]*\}", "", text)
        stripped = re.sub(r"(?<=\d)[,:](?=\d)", "", stripped)
        found = re.findall(r"[,;:?!()]", stripped)
        if found:
            bad.append(f"{key}: {found} in {text[:60]!r}")
    assert not bad, "\n".join(bad)


def test_every_scenario_and_lever_has_a_name_for_people_in_both_languages():
    for name in session.scenario_names():
        en, zh = i18n.scenario_label(name, "en"), i18n.scenario_label(name, "zh")
        assert en != name and zh != name and en != zh, name
    for name in i18n.SLIDERS:
        assert i18n.param_label(name, "en") != name and i18n.param_label(name, "zh") != name
    assert len({i18n.scenario_label(n, "zh") for n in session.scenario_names()}) == len(session.scenario_names())


def test_every_exercise_step_names_a_scenario_a_lever_and_a_tab_that_exist():
    for ex in i18n.EXERCISES:
        for st in ex.steps:
            assert st.scenario in session.scenario_names() and st.tab in app_module.TABS
            if st.whatif:
                lever, value = st.whatif
                p = sim.PARAMS[lever]
                assert lever in i18n.SLIDERS and p.low <= value <= p.high


# --- the page, headless -------------------------------------------------------------------------------


def _render():
    import ipyvuetify as v

    box, rc = solara.render(app_module.Layout(children=[app_module.Page()]), handle_error=False)
    return box, rc, v


def _button(rc, v, label):
    return rc.find(v.Btn, children=[label]).widget


def _choose_language(rc, v, lang: str) -> None:
    """Press a language button (headless, a button group's choice is its v_model index)."""
    toggles = [w for w in rc.find(v.BtnToggle).widgets if any(b.children == ["中文"] for b in w.children)]
    assert len(toggles) == 1
    toggles[0].v_model = list(i18n.LANGS).index(lang)


def _html(rc, cls: str) -> str:
    from solara.widgets import HTML

    htmls = [w.unsafe_innerHTML for w in rc.find(HTML).widgets if f'class="{cls}' in (w.unsafe_innerHTML or "")]
    assert len(htmls) == 1, cls
    return htmls[0]


def _banner(rc) -> str:
    return _html(rc, "phase-banner")


def _month(rc) -> str:
    return re.sub(r"<[^>]+>", "", _html(rc, "cs-month month-label"))


def _select(rc, v, label: str):
    return rc.find(v.Select, label=label).widget


def test_page_steps_and_switches_language(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    assert _month(rc) == "Month 0 of 120" and 'data-month="0"' in _banner(rc)
    step = _button(rc, v, "Step")
    for _ in range(3):
        step.click()
    assert _month(rc) == "Month 3 of 120" and 'data-month="3"' in _banner(rc)
    _choose_language(rc, v, "zh")
    assert "第 3 个月" in _month(rc) and "启动" in _banner(rc)
    assert rc.find(v.Btn, children=["单步"]).widgets and rc.find(v.Btn, children=["连续运行"]).widgets
    assert "L县（基线）" in _banner(rc)  # the scenario's name for people, not its file name
    rc.close()


def test_a_scenario_change_resets_at_once(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    for _ in range(4):
        _button(rc, v, "Step").click()
    scen = _select(rc, v, "Scenario")
    assert scen.items == [i18n.scenario_label(n, "en") for n in session.scenario_names()]
    scen.v_model = i18n.scenario_label("frozen_pm", "en")
    banner = _banner(rc)
    assert 'data-month="0"' in banner and i18n.scenario_label("frozen_pm", "en") in banner
    assert _month(rc) == "Month 0 of 120"
    rc.close()


def test_a_slider_moved_mid_run_is_labelled_pending_and_defaults_restore(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    _button(rc, v, "Step").click()
    inputs = [w for w in rc.find(v.TextField).widgets if "cs-lever-input" in (w.class_ or "")]
    assert len(inputs) == len(i18n.LEVERS)  # the couplings are folded until asked for
    _button(rc, v, "Show the ten couplings").click()
    inputs = [w for w in rc.find(v.TextField).widgets if "cs-lever-input" in (w.class_ or "")]
    assert len(inputs) == len(i18n.SLIDERS)
    pm = inputs[list(i18n.SLIDERS).index("pm_strength")]
    pm.v_model = "1.7"  # outside 0-1: refused, with the range named
    pm.fire_event("keyup.enter", None)
    assert pm.error and "between 0 and 1" in str(pm.messages) and not _pending(rc)
    pm.v_model = "0.3"
    pm.fire_event("focusout", None)
    assert _pending(rc)  # the run shown is the old settings' run, and the page says so
    _button(rc, v, "Scenario defaults").click()
    assert not _pending(rc) and 'data-month="0"' in _banner(rc)
    rc.close()


def _pending(rc) -> bool:
    import ipyvuetify as v

    return any("pending-banner" in (w.class_ or "") for w in rc.find(v.Alert).widgets)


def test_an_exercise_sets_the_scenario_the_lever_and_the_tab(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    tabs = rc.find(v.Tabs).widget
    tabs.v_model = app_module.TABS.index("exercises")
    buttons = rc.find(v.Btn, children=["Set up"]).widgets
    assert len(buttons) == sum(len(ex.steps) for ex in i18n.EXERCISES)
    buttons[1].click()  # exercise 1, step 2: status quo, What if reform resolve 0.85
    assert i18n.scenario_label("status_quo", "en") in _banner(rc)
    assert rc.find(v.Tabs).widget.v_model == app_module.TABS.index("whatif")
    lever = _select(rc, v, "Lever to change")
    assert lever.v_model == i18n.param_label("reform_resolve", "en")
    # the what-if value is set to the exercise's (the step's own text, shown above the tab, says 0.85 too)
    assert any("New value (0.20 → 0.85)" in (w.unsafe_innerHTML or "") for w in rc.find(solara.widgets.HTML).widgets)
    rc.close()


def test_the_banner_shows_a_relapse():
    model = stepped("l_county", None, 0, 0)
    snap = session.snapshot(model)
    snap.t_relapse = 57
    _box, rc = solara.render(app_module.PhaseBanner(snap, "en", "l_county"), handle_error=False)
    html = _banner(rc)
    assert 'data-phase="relapse"' in html and "fell back in month 57" in html and "Phase: relapse" in html
    rc.close()


def test_page_starts_in_the_language_county_sim_app_was_given(monkeypatch):
    monkeypatch.setenv(app_module.LANG_ENV, "zh")
    _box, rc, _v = _render()
    assert "第 0 个月" in _month(rc)
    rc.close()
    assert app_module.initial_lang("lang=en") == "en"


def test_each_session_has_its_own_model(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _b1, rc1, v = _render()
    _b2, rc2, _ = _render()
    for _ in range(2):
        _button(rc1, v, "Step").click()
    assert 'data-month="2"' in _banner(rc1)
    assert 'data-month="0"' in _banner(rc2)
    _button(rc2, v, "Step").click()
    assert 'data-month="1"' in _banner(rc2) and 'data-month="2"' in _banner(rc1)
    rc1.close()
    rc2.close()


def test_the_exercise_figures_are_the_apps_runs():
    """`python -m sim.app.exercises` (the figures of docs/teaching.md) measures what the app shows:
    seed S's run is `sim.run(scenario, seed=S)`."""
    from sim.app.exercises import RUNS, measure

    assert {name for _, name, _ in RUNS} <= set(session.scenario_names())
    row = measure("status_quo", {"reform_resolve": 0.85}, seeds=(0, 1))
    alone = [sim.run(sim.load_scenario("status_quo", reform_resolve=0.85), seed=s).summary for s in (0, 1)]
    assert row["real"] == pytest.approx(np.median([a["final_real_performance"] for a in alone]), abs=1e-12)
    reached = sum(a["t_start"] is not None for a in alone)
    assert row["start"].startswith(f"{reached}/2")


def _page_texts(rc) -> list[str]:
    """Every text the page shows now: HTML (tags stripped), button labels, select items, slider labels."""
    import ipyvuetify as v
    from solara.widgets import HTML

    out = [re.sub(r"<[^>]+>", " ", w.unsafe_innerHTML or "") for w in rc.find(HTML).widgets]
    out += [str(c) for w in rc.find(v.Btn).widgets for c in w.children if isinstance(c, str)]
    out += [str(i) for w in rc.find(v.Select).widgets for i in (w.items or [])]
    out += [str(w.label or "") for w in rc.find(v.Slider).widgets]
    out += [str(c) for w in rc.find(v.Alert).widgets for c in w.children if isinstance(c, str)]
    # and what the charts write: titles, series and legend names, axis names, tooltips
    from solara.components.echarts import EchartsWidget

    def strings(node, key=""):
        if isinstance(node, dict):
            for k, x in node.items():
                yield from strings(x, k)
        elif isinstance(node, list):
            for x in node:
                yield from strings(x, key)
        elif isinstance(node, str) and key in ("text", "name", "formatter", "title"):
            yield node

    out += [x for w in rc.find(EchartsWidget).widgets for x in strings(w.option)]
    return out


def test_the_chinese_page_shows_full_width_punctuation_on_every_tab(monkeypatch):
    """What the page composes at run time (labels with values, ranges, table cells) in Chinese takes
    full-width punctuation too; half-width is allowed between digits (0.85, 1:2) and in '→', '/'."""
    import ipyvuetify as v

    monkeypatch.setenv(app_module.LANG_ENV, "zh")
    _box, rc, _v = _render()
    for _ in range(3):
        _button(rc, v, "单步").click()
    _button(rc, v, "显示十个耦合").click()
    bad = []
    for k in range(len(app_module.TABS)):
        rc.find(v.Tabs).widget.v_model = k
        if app_module.TABS[k] == "whatif":
            _button(rc, v, "运行对比").click()
        for text in _page_texts(rc):
            stripped = re.sub(r"(?<=\d)[,:.](?=\d)", "", text)
            if re.search(r"[,;:?!()]", stripped):
                bad.append(f"{app_module.TABS[k]}: {text.strip()[:80]!r}")
    rc.close()
    assert not bad, "\n".join(bad)


def test_an_exercise_step_stays_in_sight_with_the_way_back(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    rc.find(v.Tabs).widget.v_model = app_module.TABS.index("exercises")
    rc.find(v.Btn, children=["Set up"]).widgets[0].click()  # exercise 1, step 1: the County tab
    assert rc.find(v.Tabs).widget.v_model == app_module.TABS.index("world")
    assert any("Exercise 1, step 1" in (w.unsafe_innerHTML or "") for w in rc.find(solara.widgets.HTML).widgets)
    back = [w for w in rc.find(v.Btn).widgets if "Back to the exercises" in w.children]  # an icon and the label
    assert len(back) == 1
    back[0].click()
    assert rc.find(v.Tabs).widget.v_model == app_module.TABS.index("exercises")
    rc.close()


def test_the_end_of_the_run_is_said_where_the_student_looks(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    step = _button(rc, v, "Step")
    for _ in range(120):
        step.click()
    assert step.disabled and _month(rc) == "Month 120 of 120"
    notes = [w for w in rc.find(v.Alert).widgets if "finished-note" in (w.class_ or "")]
    assert len(notes) == 1  # in the main column, not only in the settings panel
    rc.close()


def test_an_invalid_seed_stops_step_and_play_until_corrected(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    seed_box = rc.find(v.TextField, label="Seed").widget
    seed_box.v_model = "-3"
    seed_box.fire_event("keyup.enter", None)
    assert _button(rc, v, "Step").disabled and _button(rc, v, "Play").disabled
    assert "whole number" in str(seed_box.messages)
    seed_box.v_model = "7"
    seed_box.fire_event("focusout", None)
    assert not _button(rc, v, "Step").disabled
    _button(rc, v, "Step").click()
    # the run is seed 7's (applied at once at month 0): its resources at month 1 differ from seed 0's
    res = {k: sim.run("l_county", seed=k).series["resources"].iloc[1] for k in (0, 7)}
    assert f"{res[0]:.2f}" != f"{res[7]:.2f}"
    assert f">{res[7]:.2f}<" in _html(rc, "monitors")
    rc.close()


def test_a_failed_batch_takes_the_rest_of_the_experiment_off_the_worker(monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    release = threading.Event()
    calls = []

    def chunk(sc, seeds):
        calls.append(seeds[0])
        if len(calls) == 1:
            raise RuntimeError("batch failed")
        release.wait(5)
        return []

    monkeypatch.setattr(session, "_experiment_chunk", chunk)
    submitted = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        real_submit = pool.submit
        pool.submit = lambda *a, **k: submitted.append(real_submit(*a, **k)) or submitted[-1]
        with pytest.raises(RuntimeError, match="batch failed"):
            session.class_experiment("l_county", session.slider_values("l_county"), 0, 50, executor=pool)
        release.set()
    # 5 batches: the first failed, the second had started; the three still queued never ran
    assert len(submitted) == 5 and all(f.cancelled() for f in submitted[2:]) and len(calls) <= 2


def test_a_broken_worker_pool_is_replaced():
    import os
    import signal

    pool = session.experiment_pool()
    assert session.experiment_pool() is pool  # one per server
    pid = pool.submit(os.getpid).result(timeout=60)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(Exception):  # noqa: B017  (BrokenProcessPool, whatever its module calls it)
        pool.submit(os.getpid).result(timeout=60)
    fresh = session.experiment_pool()
    assert fresh is not pool and fresh.submit(os.getpid).result(timeout=60) != pid
