"""Load test of the classroom app: N sessions, each with its own model, step at once.

    python -m sim.app.loadtest [--sessions 30] [--steps 20] [--pace S] [--tab NAME] [--url URL]
    python -m sim.app.loadtest --play SECONDS [--speed 5]
    python -m sim.app.loadtest --suite          # every measurement of docs/teaching.md (SUITE)
    python -m sim.app.loadtest --client browser  # the same with Chromium tabs (Playwright)

Without --url it starts `county-sim app` on a free port of 127.0.0.1 and stops it at the end.

The default client (`--client ws`, `sim.app.wsclient`) opens every session over the server's own
websocket protocol from this one process, as 30 students' browsers would over the network, so the
figures are the server's: from a click until the page would show the new month, until the
performance chart would hold the new point, and until the server has sent every change for that
click (its `idle` status). With `--client browser` all sessions are tabs of one headless Chromium
(Debian's, /usr/bin/chromium) on this machine, which then measures the browsers more than the server.

Stepping: once every session has loaded, each presses Step `--steps` times, either as fast as its
page answers (`--pace 0`, the worst case) or one click every `--pace` seconds (a student's pace;
sessions start at random offsets within the first interval). Playing (`--play S`): each session
picks `--speed` months a second, presses Play, watches for S seconds and presses Pause; reported are
the months a second each session actually got and the Pause latency. Prints p50/p90/p99 and writes
them as JSON. Only loopback addresses are contacted; the run is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc), or None."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(port: int, log: Path) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("county-sim")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "sim.cli"]
    out = open(log, "w")  # noqa: SIM115  (closed with the process)
    proc = subprocess.Popen([*cmd, "app", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the app did not start; see {log}")


async def browser_session(browser, url: str, steps: int, ready: asyncio.Barrier, out: dict, pid: int | None) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    ctx = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await ctx.new_page()
    t0 = time.perf_counter()
    await page.goto(url, timeout=120_000)
    await page.locator('.phase-banner[data-month="0"]').wait_for(timeout=120_000)
    await page.locator(".chart-performance canvas").wait_for(timeout=120_000)
    out["load"].append(time.perf_counter() - t0)
    if await ready.wait() == 0:
        out["cpu0"] = cpu_seconds(pid)
        out["t0"] = time.perf_counter()
    step = page.get_by_role("button", name="Step")
    for month in range(1, steps + 1):
        t = time.perf_counter()
        await step.click()
        try:
            await page.locator(f'.phase-banner[data-month="{month}"]').wait_for(timeout=60_000)
            out["month"].append(time.perf_counter() - t)
            await page.locator(f'.chart-performance[data-points="{month + 1}"]').wait_for(timeout=60_000)
            out["chart"].append(time.perf_counter() - t)
        except PlaywrightTimeout:
            out["timeouts"] += 1
            break
    await ctx.close()


async def run_browser(url: str, sessions: int, steps: int, pid: int | None = None) -> dict:
    """All sessions as tabs of one headless Chromium, each pressing Step as fast as it answers."""
    from playwright.async_api import async_playwright

    out: dict = {"load": [], "month": [], "chart": [], "done": [], "timeouts": 0, "errors": 0}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ready = asyncio.Barrier(sessions)
        started = time.perf_counter()
        await asyncio.gather(*(browser_session(browser, url, steps, ready, out, pid) for _ in range(sessions)))
        out["wall"] = time.perf_counter() - started
        out["cpu1"] = cpu_seconds(pid)
        out["step_phase"] = time.perf_counter() - out["t0"]
        await browser.close()
    return out


async def ws_ready(url: str, ready: asyncio.Barrier, out: dict, pid: int | None, setup):
    """Open a headless student (`wsclient.Student`), run `await setup(student)`, then wait until every
    session is ready (the first one through starts the clock and the server's CPU count). Returns
    the student, or None (counted in `out["errors"]`) if it could not be opened or set up."""
    from .wsclient import Student

    st = Student(url)
    try:
        out["load"].append(await st.open())
        await setup(st)
    except (TimeoutError, ConnectionError, OSError, LookupError) as e:
        out["errors"] += 1
        out.setdefault("error_text", []).append(repr(e))
        await ready.wait()
        await st.close()
        return None
    if await ready.wait() == 0:
        out["cpu0"] = cpu_seconds(pid)
        out["t0"] = time.perf_counter()
    return st


async def ws_session(
    url: str, steps: int, pace: float, tab: str | None, ready: asyncio.Barrier, out: dict, pid: int | None, seed: int
) -> None:
    """One headless student (`wsclient.Student`): load, optionally open a tab, then step."""
    st = await ws_ready(url, ready, out, pid, lambda st: st.tab(tab) if tab else asyncio.sleep(0))
    if st is None:
        return
    rng = random.Random(seed)
    if pace > 0:
        await asyncio.sleep(rng.uniform(0, pace))
    try:
        for month in range(st.month + 1, st.month + steps + 1):
            t = time.perf_counter()
            msg = await st.click("Step")
            await st.wait(lambda msg=msg: msg in st.idle)
            # the banner is on every tab; a chart only on its own tab (tabs are lazy). The county view
            # (the tab a page opens on) and the performance chart show months + 1 as data-points
            chart = tab in (None, "world", "performance")
            if month not in st.month_seen or (chart and (month + 1) not in st.points_seen):
                out["errors"] += 1  # the server answered without showing the new month
                break
            out["month"].append(st.month_seen[month] - t)
            if chart:
                out["chart"].append(st.points_seen[month + 1] - t)
            out["done"].append(st.idle[msg] - t)
            if pace > 0:
                await asyncio.sleep(max(0.0, pace - (time.perf_counter() - t)))
    except (TimeoutError, ConnectionError):
        out["timeouts"] += 1
    out["messages"] = out.get("messages", 0) + st.messages
    await st.close()


async def ws_experiment_session(url: str, ready: asyncio.Barrier, out: dict, pid: int | None, stop) -> None:
    """One headless student running class experiments (50 seeds) back to back until `stop` is set:
    each from the click until its last batch is shown."""
    st = await ws_ready(url, ready, out, pid, lambda st: st.tab("experiment"))
    if st is None:
        return
    try:
        await st.toggle("50")
        while not stop.is_set():
            t = time.perf_counter()
            msg = await st.click("Run the class experiment")
            await st.wait(lambda t=t: st.experiment_done > t)
            out["experiment"].append(st.experiment_done - t)
            await st.wait(lambda msg=msg: msg in st.idle)
    except (TimeoutError, ConnectionError, LookupError):
        out["timeouts"] += 1
    out["messages"] = out.get("messages", 0) + st.messages
    await st.close()


async def ws_play_session(
    url: str, seconds: float, speed: int, ready: asyncio.Barrier, out: dict, pid: int | None
) -> None:
    """One headless student on Play: choose the speed, play for `seconds`, pause."""
    st = await ws_ready(url, ready, out, pid, lambda st: st.toggle(str(speed)))
    if st is None:
        return
    try:
        msg = await st.click("Play")
        await st.wait(lambda: msg in st.idle)
        t_play, m0 = time.perf_counter(), st.month
        await asyncio.sleep(seconds)
        m1, t1 = st.month, time.perf_counter()
        msg = await st.click("Pause")
        await st.wait(lambda: msg in st.idle)
        out["pause"].append(st.idle[msg] - t1)
        out["rate"].append((m1 - m0) / (t1 - t_play))
    except (TimeoutError, ConnectionError, LookupError):
        out["timeouts"] += 1
    out["messages"] = out.get("messages", 0) + st.messages
    await st.close()


async def run_ws(
    url: str,
    sessions: int,
    steps: int,
    pace: float = 0.0,
    tab: str | None = None,
    play: float = 0.0,
    speed: int = 5,
    pid: int | None = None,
    observers: int = 0,
    experimenters: int = 0,
) -> dict:
    """All sessions over the websocket protocol from this process (see the module docstring).
    `experimenters` of the sessions run class experiments back to back while the others step."""
    out: dict = {"load": [], "month": [], "chart": [], "done": [], "pause": [], "rate": [], "timeouts": 0, "errors": 0}
    out["experiment"] = []
    ready = asyncio.Barrier(sessions)
    stop = asyncio.Event()
    started = time.perf_counter()
    cpu_client = time.process_time()
    if play > 0:
        # `observers` sessions do not play: they press Step every `pace` seconds meanwhile, to
        # measure what a click costs while the others play
        jobs = [ws_play_session(url, play, speed, ready, out, pid) for _ in range(sessions - observers)]
        steps = int(play / pace) if pace > 0 else 0
        jobs += [ws_session(url, steps, pace, tab, ready, out, pid, seed=k) for k in range(observers)]
    else:
        jobs = [ws_session(url, steps, pace, tab, ready, out, pid, seed=k) for k in range(sessions - experimenters)]
    if experimenters:

        async def steppers(jobs=jobs):
            await asyncio.gather(*jobs)
            stop.set()

        jobs = [steppers(), *(ws_experiment_session(url, ready, out, pid, stop) for _ in range(experimenters))]
    await asyncio.gather(*jobs)
    out["wall"] = time.perf_counter() - started
    out["cpu1"] = cpu_seconds(pid)
    out["step_phase"] = time.perf_counter() - out.get("t0", started)
    out["client_cpu"] = time.process_time() - cpu_client
    return out


def percentiles(xs: list[float], scale: float = 1000.0) -> dict[str, float]:
    """p50, p90, p99 and max of `xs` times `scale` (seconds to milliseconds by default)."""
    if not xs:
        return {}
    a = np.asarray(xs) * scale
    return {f"p{q}": round(float(np.percentile(a, q)), 1) for q in (50, 90, 99)} | {"max": round(float(a.max()), 1)}


def measure(url: str, pid: int | None, client: str, sessions: int, steps: int, pace: float = 0.0,
            tab: str | None = None, play: float = 0.0, speed: int = 5, observers: int = 0,
            timeout: float = 600.0, experimenters: int = 0) -> dict:  # fmt: skip
    """Run one load test against `url` and summarise it (the JSON that `main` prints)."""
    if client == "browser":
        res = asyncio.run(asyncio.wait_for(run_browser(url, sessions, steps, pid), timeout))
    else:
        job = run_ws(url, sessions, steps, pace, tab, play, speed, pid, observers, experimenters)
        res = asyncio.run(asyncio.wait_for(job, timeout))
    measured = len(res["month"]) if play <= 0 else None
    server_cpu = None
    if res.get("cpu0") is not None and res.get("cpu1") is not None:
        server_cpu = res["cpu1"] - res["cpu0"]
    report: dict = {
        "client": client,
        "sessions": sessions,
        "timeouts": res["timeouts"],
        "errors": res["errors"],
        "load_ms": percentiles(res["load"]),
        "wall_seconds": round(res["wall"], 1),
    }
    if res.get("error_text"):
        report["error_text"] = res["error_text"][:5]
    if play > 0:
        report |= {
            "play_seconds": play,
            "speed_asked": speed,
            "months_per_second_got": percentiles(res["rate"], 1.0),
            "pause_ms": percentiles(res["pause"]),
            "server_cpu_share": None if server_cpu is None else round(server_cpu / res["step_phase"], 2),
        }
        if observers:
            report |= {
                "observers": observers,
                "observer_pace_seconds": pace,
                "observer_steps": len(res["month"]),
                "observer_step_to_month_ms": percentiles(res["month"]),
                "observer_step_to_server_done_ms": percentiles(res["done"]),
            }
    else:
        report |= {
            "steps_per_session": steps,
            "pace_seconds": pace,
            "tab": tab or "world",
            "steps_measured": measured,
            "stepping_seconds": round(res["step_phase"], 1),
            "steps_per_second": round(measured / res["step_phase"], 1) if res["step_phase"] > 0 else None,
            # the server's own CPU per step (model step + re-render + sending), apart from the clients
            "server_cpu_ms_per_step": None if server_cpu is None else round(1000 * server_cpu / max(1, measured), 1),
            "step_to_month_ms": percentiles(res["month"]),
            "step_to_chart_ms": percentiles(res["chart"]),
        }
        if res["done"]:
            report["step_to_server_done_ms"] = percentiles(res["done"])
        if experimenters:
            report |= {
                "experimenters": experimenters,
                "experiments_done": len(res["experiment"]),
                "experiment_50_seeds_s": percentiles(res["experiment"], 1.0),
            }
    if "client_cpu" in res:
        report["client_cpu_seconds"] = round(res["client_cpu"], 1)
    return report


#: The measurements of docs/teaching.md: (label, options).
SUITE: tuple[tuple[str, dict], ...] = (
    ("step as fast as answered", {"steps": 20}),
    ("a click every 2 s", {"steps": 10, "pace": 2.0}),
    ("a click every 2 s, performance tab", {"steps": 10, "pace": 2.0, "tab": "performance"}),
    ("25 clicking every 2 s, 5 running class experiments of 50 seeds", {"steps": 10, "pace": 2.0,
                                                                         "experimenters": 5}),
    ("28 on Play at speed 1 for 20 s, 2 clicking Step every second", {"steps": 0, "play": 20.0, "speed": 1,
                                                                      "observers": 2, "pace": 1.0}),
    ("28 on Play at speed 5 for 20 s, 2 clicking Step every second", {"steps": 0, "play": 20.0, "speed": 5,
                                                                      "observers": 2, "pace": 1.0}),
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from .wsclient import TABS

    ap = argparse.ArgumentParser(prog="python -m sim.app.loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--steps", type=int, default=20, help="Step clicks per session (default 20)")
    ap.add_argument("--pace", type=float, default=0.0, help="seconds between clicks (0: as fast as answered)")
    ap.add_argument("--tab", choices=TABS, default=None, help="the tab every session looks at (default world)")
    ap.add_argument("--play", type=float, default=0.0, help="press Play for this many seconds instead of stepping")
    ap.add_argument("--speed", type=int, default=5, help="months a second asked with --play (1, 2, 5, 10, 20)")
    ap.add_argument("--observers", type=int, default=0, help="with --play: sessions that press Step every --pace s")
    ap.add_argument(
        "--experimenters", type=int, default=0, help="sessions that run class experiments (50 seeds) meanwhile"
    )
    ap.add_argument("--client", choices=("ws", "browser"), default="ws", help="websocket (default) or Chromium")
    ap.add_argument("--suite", action="store_true", help="run the measurements of docs/teaching.md, one server each")
    ap.add_argument("--url", default=None, help="a running app on this machine (default: start one)")
    ap.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")
    ap.add_argument("--out", type=Path, default=Path("results/app_load.json"))
    args = ap.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("--url must be a loopback address: the load test only targets this machine")
    if args.client == "browser" and (args.pace or args.tab or args.play):
        raise SystemExit("--pace, --tab and --play need the websocket client (--client ws)")
    if args.play and args.speed not in (1, 2, 5, 10, 20):
        raise SystemExit("--speed must be one of the page's speeds: 1, 2, 5, 10, 20")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.observers and (not args.play or args.pace <= 0 or args.observers > args.sessions):
        raise SystemExit("--observers needs --play, a --pace above 0, and at most --sessions sessions")
    opts = {"steps": args.steps, "pace": args.pace, "tab": args.tab, "play": args.play, "speed": args.speed}
    if args.experimenters and (args.play or args.experimenters >= args.sessions):
        raise SystemExit("--experimenters needs stepping sessions (no --play) and fewer than --sessions")
    runs = [(None, opts | {"observers": args.observers, "experimenters": args.experimenters})]
    if args.suite:
        runs = list(SUITE)
    import mesa

    report: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "runs": [],
    }
    failed = False
    for label, opts in runs:
        proc = None
        url = args.url
        if url is None:  # a fresh server for each measurement: no sessions left over from the last
            proc = start_server(free_port(), args.out.with_suffix(".server.log"))
            url = f"http://127.0.0.1:{proc.args[-1]}/"
        try:
            pid = proc.pid if proc is not None else None
            res = measure(url, pid, args.client, args.sessions, timeout=args.timeout, **opts)
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)
        if label:
            res = {"label": label} | res
        report["runs"].append(res)
        failed |= bool(res["timeouts"] or res["errors"])
        print(json.dumps(res, ensure_ascii=False), flush=True)
    if not args.suite:
        report |= report.pop("runs")[0]
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
