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
    for lang in i18n.LANGS:
        opts = [
            charts.line_option(snap, charts.PERFORMANCE, lang, "plot_performance"),
            charts.network_option(snap, lang),
            charts.histogram_option(snap, lang),
            charts.township_option(snap, lang),
        ]
        for o in opts:
            json.dumps(o, allow_nan=False)
    perf = charts.line_option(snap, charts.PERFORMANCE, "en", "plot_performance")["series"][0]["data"]
    assert len(perf) == 13 and perf[-1][1] == pytest.approx(snap.series["real_performance"][-1], abs=1e-4)
    hist = charts.histogram_option(snap, "en")["series"][0]["data"]
    assert sum(hist) == len(snap.motivation)


def test_network_layout_is_cached_and_grouped_by_domain():
    model = stepped("l_county", None, 0, 0)
    domains = tuple(int(d) for d in model.engine.s.dept_domain)
    pos = session.circular_layout(domains)
    assert session.circular_layout(domains) is pos  # computed once
    assert pos.shape == (len(domains), 2) and np.allclose(np.hypot(pos[:, 0], pos[:, 1]), 1.0)


# --- the page, headless -------------------------------------------------------------------------------


def _render():
    import ipyvuetify as v

    box, rc = solara.render(solara.AppLayout(children=[app_module.Page()]), handle_error=False)
    return box, rc, v


def _button(rc, v, label):
    return rc.find(v.Btn, children=[label]).widget


def _choose_language(rc, v, lang: str) -> None:
    """Press a language button (headless, a button group's choice is its v_model index)."""
    toggles = [w for w in rc.find(v.BtnToggle).widgets if any(b.children == ["中文"] for b in w.children)]
    assert len(toggles) == 1
    toggles[0].v_model = list(i18n.LANGS).index(lang)


def _banner(rc) -> str:
    from solara.widgets import HTML

    htmls = [w.unsafe_innerHTML for w in rc.find(HTML).widgets if "phase-banner" in (w.unsafe_innerHTML or "")]
    assert len(htmls) == 1
    return htmls[0]


def test_page_steps_and_switches_language(monkeypatch):
    monkeypatch.delenv(app_module.LANG_ENV, raising=False)
    _box, rc, v = _render()
    assert "Month 0 of 120" in _banner(rc)
    step = _button(rc, v, "Step")
    for _ in range(3):
        step.click()
    banner = _banner(rc)
    assert "Month 3 of 120" in banner and 'data-month="3"' in banner
    _choose_language(rc, v, "zh")
    banner = _banner(rc)
    assert "第 3 个月" in banner and "启动" in banner
    assert rc.find(v.Btn, children=["单步"]).widgets  # the controls are in Chinese too
    rc.close()


def test_page_starts_in_the_language_county_sim_app_was_given(monkeypatch):
    monkeypatch.setenv(app_module.LANG_ENV, "zh")
    _box, rc, _v = _render()
    assert "第 0 个月" in _banner(rc)
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
