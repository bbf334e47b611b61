"""Load test of the classroom app: N browser sessions step their own models at once.

    python -m sim.app.loadtest [--sessions 30] [--steps 20] [--url http://127.0.0.1:PORT/]

Without --url it starts `county-sim app` on a free port of 127.0.0.1 and stops it at the end. All
sessions are tabs of one headless Chromium (Debian's, /usr/bin/chromium) in separate browser
contexts, so each is a separate Solara session with its own model. Once every session has loaded,
each presses Step `--steps` times as fast as the page answers; the step latency is the time from the
click to the page showing the new month, and to the performance chart holding the new point.
Prints p50/p90/p99 and writes them as JSON. Only loopback addresses are contacted; the run is bounded
by the number of steps and by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
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


async def session(browser, url: str, steps: int, ready: asyncio.Barrier, out: dict, pid: int | None) -> None:
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


async def run(url: str, sessions: int, steps: int, pid: int | None = None) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"load": [], "month": [], "chart": [], "timeouts": 0}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ready = asyncio.Barrier(sessions)
        started = time.perf_counter()
        await asyncio.gather(*(session(browser, url, steps, ready, out, pid) for _ in range(sessions)))
        out["wall"] = time.perf_counter() - started
        out["cpu1"] = cpu_seconds(pid)
        out["step_phase"] = time.perf_counter() - out["t0"]
        await browser.close()
    return out


def percentiles(xs: list[float]) -> dict[str, float]:
    if not xs:
        return {}
    a = np.asarray(xs) * 1000.0
    return {f"p{q}": round(float(np.percentile(a, q)), 1) for q in (50, 90, 99)} | {"max": round(float(a.max()), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.app.loadtest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--url", default=None, help="a running app on this machine (default: start one)")
    ap.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")
    ap.add_argument("--out", type=Path, default=Path("results/app_load.json"))
    args = ap.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("--url must be a loopback address: the load test only targets this machine")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    proc = None
    url = args.url
    if url is None:
        proc = start_server(free_port(), args.out.with_suffix(".server.log"))
        url = f"http://127.0.0.1:{proc.args[-1]}/"
    try:
        pid = proc.pid if proc is not None else None
        res = asyncio.run(asyncio.wait_for(run(url, args.sessions, args.steps, pid), args.timeout))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
    import mesa

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "sessions": args.sessions,
        "steps_per_session": args.steps,
        "steps_measured": len(res["month"]),
        "timeouts": res["timeouts"],
        "wall_seconds": round(res["wall"], 1),
        "stepping_seconds": round(res["step_phase"], 1),
        "steps_per_second": round(len(res["month"]) / res["step_phase"], 1),
        # the server's own CPU per step (model step + re-render + sending), apart from the browsers
        "server_cpu_ms_per_step": None
        if res.get("cpu0") is None or res.get("cpu1") is None
        else round(1000 * (res["cpu1"] - res["cpu0"]) / max(1, len(res["month"])), 1),
        "load_ms": percentiles(res["load"]),
        "step_to_month_ms": percentiles(res["month"]),
        "step_to_chart_ms": percentiles(res["chart"]),
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0 if res["timeouts"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
