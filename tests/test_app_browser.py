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
from pathlib import Path

import pytest

import sim
from sim.app import loadtest
from sim.app.loadtest import free_port

CHROMIUM = Path(loadtest.CHROMIUM)
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
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
        page = browser.new_page(viewport={"width": 1400, "height": 1050})
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))

        page.goto(url)
        # the phase banner: four phases, none reached at month 0
        month_is(page, 0)
        assert page.locator(".phase-cell").count() == 4
        assert page.locator(".month-label").inner_text() == "Month 0 of 120"
        # the plots render (ECharts draws on a canvas) with the one point of month 0
        perf = page.locator(".chart-performance")
        page.locator(".chart-performance canvas").wait_for(timeout=20_000)
        page.locator(".chart-drive canvas").wait_for(timeout=20_000)
        assert perf.get_attribute("data-points") == "1"
        first = float(perf.get_attribute("data-last"))

        # move the performance-management slider from 0.70 to 0.50 (keyboard, 0.05 a press)
        slider = page.locator('[role="slider"]').nth(3)
        slider.focus()
        for _ in range(4):
            slider.press("ArrowLeft")
        page.get_by_text("Performance-management strength: 0.50").wait_for(timeout=10_000)

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

        # the other views render: Mesa's plot, the network, the distributions, the info tab
        page.get_by_role("tab", name="Subsystems").click()
        page.locator(".v-window-item--active img, .v-tabs-items img").first.wait_for(timeout=20_000)
        page.get_by_role("tab", name="Departments").click()
        page.locator(".chart-network canvas").wait_for(timeout=20_000)
        page.get_by_role("tab", name="Cadres & citizens").click()
        page.locator(".chart-townships canvas").wait_for(timeout=20_000)
        page.get_by_role("tab", name="Info").click()
        page.get_by_text("What the paper says").first.wait_for(timeout=10_000)
        page.get_by_role("tab", name="Performance").click()
        page.locator(".chart-performance canvas").wait_for(timeout=20_000)
        time.sleep(0.8)  # the tab slides in; ECharts redraws at the final size
        page.screenshot(path=str(RESULTS / "app_screenshot_en.png"), full_page=True)

        # a second session has its own model, still at month 0
        other = browser.new_context().new_page()
        other.on("console", lambda m: m.type == "error" and problems.append(f"console (2nd): {m.text}"))
        other.goto(url)
        month_is(other, 0)
        other.get_by_role("button", name="Step").click()
        month_is(other, 1)
        month_is(page, months)

        # switch to Chinese
        page.get_by_role("button", name="中文").click()
        page.get_by_text(f"第 {months} 个月 / 共 120 个月").wait_for(timeout=10_000)
        page.get_by_role("button", name="单步").wait_for(timeout=10_000)
        assert "启动" in page.locator(".phase-banner").inner_text()
        page.get_by_text("绩效管理投入: 0.50").wait_for(timeout=10_000)
        page.locator(".chart-performance canvas").wait_for(timeout=20_000)
        time.sleep(0.5)  # let ECharts finish drawing the relabelled chart
        page.screenshot(path=str(RESULTS / "app_screenshot.png"), full_page=True)
        browser.close()

    assert (RESULTS / "app_screenshot.png").stat().st_size > 10_000
    assert not problems, "\n".join(problems)
    text = log.read_text()
    bad = [line for line in text.splitlines() if any(e in line for e in SERVER_ERRORS)]
    assert not bad, text


def test_county_sim_app_rejects_a_bad_language():
    res = subprocess.run([*county_sim(), "app", "--lang", "fr"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "--lang" in res.stderr
