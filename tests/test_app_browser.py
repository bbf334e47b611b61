"""The classroom app in a real browser: Debian's Chromium driven by Playwright (the Python package,
using the system browser, never a downloaded one) against `county-sim app` started as a subprocess.

Skipped, with the command that installs it, where /usr/bin/chromium is missing. CI (.ci/run)
installs Chromium and the CJK font from Debian's packages, so there it always runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest

import sim
from sim.app import loadtest
from sim.app.i18n import TABS
from sim.app.loadtest import free_port

CHROMIUM = Path(loadtest.CHROMIUM)
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
#: Elements of the open tab that reach past the window's right edge (after a resize, a chart that
#: kept its old width pushes its whole tab wider than the window, and the tab's frame hides the rest).
CUT_OFF = """() => { const W = document.documentElement.clientWidth; const out = [];
  for (const el of document.querySelectorAll('.v-window-item--active *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1) out.push(el.tagName + '.' + String(el.className).slice(0, 40));
  }
  return out.slice(0, 5); }"""
#: Console warnings that say nothing is wrong with the page: ipyvue's notice above; and ECharts'
#: when a chart is created in the instant its tab has no size yet (a busy machine, a resize), which
#: its resize observer mends at once: the test checks every chart's drawn size itself.
BENIGN = (
    "Failed to evaluate Vue script and find module.exports, falling back to old method",
    "Can't get DOM width or height.",
)
SERVER_ERRORS = ("Traceback", "ERROR", "Exception", "Error:")

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed (/usr/bin/chromium); install it with: sudo apt-get install chromium",
        allow_module_level=True,
    )
pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")


def county_sim() -> list[str]:
    """The installed `county-sim` next to this Python, else the module."""
    exe = Path(sys.executable).with_name("county-sim")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=loadtest.ARGS)  # the load test's flags


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`county-sim app` on a free port; yields (url, log path); stops it and returns its log."""
    port = free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("COUNTY_SIM_LANG", None)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [*county_sim(), "app", "--port", str(port), "--host", "127.0.0.1"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"county-sim app did not start:\n{log.read_text()}")
        time.sleep(0.3)
    yield url, log
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def month_is(page, month: int) -> None:
    page.locator(f'.phase-banner[data-month="{month}"]').wait_for(timeout=20_000)


def test_the_app_in_chromium(server):
    url, log = server
    problems: list[str] = []
    RESULTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        watch(page, problems)

        page.goto(url)
        # the phase banner: four phases, none reached at month 0
        month_is(page, 0)
        assert page.locator(".phase-cell").count() == 4
        assert page.locator(".month-label").inner_text() == "Month 0 of 120"
        # the page opens on the county view; the performance chart shows month 0's one point
        page.locator(".chart-world canvas").wait_for(timeout=20_000)
        page.get_by_role("tab", name="Performance").click()
        perf = page.locator(".chart-performance")
        page.locator(".chart-performance canvas").wait_for(timeout=20_000)
        assert perf.get_attribute("data-points") == "1"
        first = float(perf.get_attribute("data-last"))

        # move the performance-management slider from 0.70 to 0.50 (keyboard, 0.05 a press); the
        # slider has an accessible name (a screen reader says what it sets)
        slider = page.get_by_role("slider", name="Performance-management strength")
        assert slider.count() == 1
        slider.focus()
        for _ in range(4):
            slider.press("ArrowLeft")
        page.locator(".slider-label", has_text="Performance-management strength: 0.50").wait_for(timeout=10_000)

        # step month by month up to the month this run starts: the month and the plotted values change
        # (what is plotted is the model `county-sim run` runs, with the slider's value)
        ref_run = sim.run(sim.load_scenario("l_county", pm_strength=0.5), seed=0)
        ref, months = ref_run.series, ref_run.summary["t_start"]
        assert months is not None and months >= 2, "the reference run starts after month 1"
        step = page.get_by_role("button", name="Step")
        for month in range(1, months + 1):
            step.click()
            month_is(page, month)
            if month == months - 1:  # the month before the start: nothing reached yet
                assert page.locator('.phase-cell[data-reached="true"]').count() == 0
        page.locator(f'.chart-performance[data-points="{months + 1}"]').wait_for(timeout=10_000)
        last = float(perf.get_attribute("data-last"))
        assert last != first
        assert page.locator(".month-label").inner_text() == f"Month {months} of 120"
        assert last == pytest.approx(ref["real_performance"][months], abs=1e-6)
        assert page.locator('.phase-cell[data-phase="start"][data-reached="true"]').count() == 1
        # the start needs departments that engage: the monitor shows how many (at least start_engaged)
        engaged = round(ref["engaged_share"][months] * 16)
        assert engaged >= 2
        monitor = page.locator(".monitor", has_text="Departments engaged in reform")
        assert monitor.inner_text().endswith(f"{engaged} of 16")

        # a second session has its own model, still at month 0
        other = browser.new_context().new_page()
        watch(other, problems)
        other.goto(url)
        month_is(other, 0)
        other.get_by_role("button", name="Step").click()
        month_is(other, 1)
        month_is(page, months)

        # a scenario change resets at once and the banner names the new scenario
        page.get_by_role("button", name="Scenario defaults").wait_for(timeout=10_000)
        page.locator(".v-select", has_text="L County (baseline)").first.click()
        page.get_by_role("option", name="The low-performance trap (status quo)").click()
        month_is(page, 0)
        assert "The low-performance trap" in page.locator(".phase-banner").inner_text()
        browser.close()

    assert not problems, "\n".join(problems)
    assert_clean(log)


def watch(page, problems: list[str]) -> None:
    # errors, and warnings too (ECharts warns of a legend entry with no series, for one), but for
    # BENIGN ones: ipyvue's notice that it loaded one of Solara's component templates
    # (solara/components/echarts.vue) the old way, and ECharts' note on a chart created before its
    # tab had a size
    def console(m):
        if m.type == "error" or (m.type == "warning" and not m.text.startswith(BENIGN)):
            problems.append(f"console {m.type}: {m.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))


def assert_clean(log: Path) -> None:
    """No error and no missing-glyph warning in the server's log."""
    text = log.read_text()
    bad = [line for line in text.splitlines() if any(e in line for e in (*SERVER_ERRORS, "Glyph", "glyph"))]
    assert not bad, text


#: The tab names in each language, in the page's order (sim.app.app.TABS).
def tab_names(lang: str) -> list[str]:
    from sim.app import app, i18n

    return [i18n.t(f"tab_{k}", lang) for k in app.TABS]


VIEWPORTS = ((1400, 900), (1024, 768), (400, 800))
SHOTS = RESULTS / "app_screenshots"


@pytest.mark.skipif(
    os.environ.get("COUNTY_SIM_LAYOUT_MATRIX") == "once",
    reason="the layout matrix checks the page, not the Python: CI runs it once, on its first Python (.ci/run)",
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_tab_at_every_size(server, lang):
    """Both languages, every tab, at 1400x900, a 1024x768 projector and a 400x800 phone: no horizontal
    overflow, Step and Play in sight (also scrolled to the bottom), every chart drawn with data after
    12 steps; a screenshot of each (results/app_screenshots/, kept by CI)."""
    from sim.app import i18n

    url, log = server
    problems: list[str] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    tr = partial(i18n.t, lang=lang)
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        watch(page, problems)
        page.goto(f"{url}?lang={lang}")
        month_is(page, 0)
        assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")
        step = page.get_by_role("button", name=tr("step"), exact=True)
        for month in range(1, 13):
            step.click()
            month_is(page, month)
        names = tab_names(lang)
        # the class experiment and the what-if have charts once run: run them once (20 seeds; one lever)
        page.get_by_role("tab", name=names[4]).click()
        page.get_by_role("button", name=tr("experiment_run")).click()
        page.locator(".chart-experiment canvas").wait_for(timeout=60_000)
        page.get_by_role("tab", name=names[5]).click()
        page.get_by_role("button", name=tr("whatif_run")).click()
        page.locator(".chart-whatif-real_performance canvas").wait_for(timeout=60_000)
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for k, name in enumerate(names):
                tab = page.get_by_role("tab", name=name)
                if not tab.is_visible():  # a narrow tab bar scrolls: Vuetify's arrows bring it in
                    tab.scroll_into_view_if_needed()
                tab.click()
                page.wait_for_timeout(400)  # the tab slides in; ECharts redraws at the new size
                where = f"{lang} {width}x{height} tab {name}"
                charts = page.locator(".v-window-item--active .chart")
                if k in (0, 1, 2, 3, 4, 5):
                    # on a loaded machine (CI runs test files side by side) the slide can outlast the
                    # 400 ms: wait for the open tab's first chart, as a reader would, before counting
                    charts.first.wait_for(timeout=20_000)
                for c in range(charts.count()):
                    chart = charts.nth(c)
                    canvas = chart.locator("canvas").first
                    canvas.wait_for(timeout=20_000)
                    assert int(chart.get_attribute("data-points") or 0) >= 1, where
                    box = canvas.bounding_box()  # drawn at a size that can be read, within the window
                    assert box and box["width"] >= min(300, width - 40) and box["height"] >= 200, (where, box)
                if k == 0:
                    assert page.locator(".township").count() == 10, where
                    assert charts.count() == 1, where
                if k in (1, 2, 3, 4, 5):
                    assert charts.count() >= 1, where
                if k == 4:  # the class experiment run once at the start is still shown after every tab change
                    assert page.locator(".experiment-share").count() == 1, where
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{where}: {overflow} px of horizontal overflow"
                # nor anything in the open tab cut off at the right (a tab's window hides what sticks out)
                cut = page.evaluate(CUT_OFF)
                assert not cut, f"{where}: cut off at the right: {cut}"
                page.screenshot(path=str(SHOTS / f"{width}x{height}_{lang}_{k}_{TABS[k]}.png"))
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                for label in (tr("step"), tr("play")):
                    box = page.get_by_role("button", name=label, exact=True).bounding_box()
                    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, (where, label)
                page.evaluate("window.scrollTo(0, 0)")
        browser.close()
    assert not problems, "\n".join(problems)
    assert_clean(log)


def test_county_sim_app_rejects_a_bad_language():
    res = subprocess.run([*county_sim(), "app", "--lang", "fr"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "--lang" in res.stderr
