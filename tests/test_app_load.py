"""The classroom load test's headless students (`sim.app.wsclient`) against a real `county-sim app`.

These check that the tool measures what it says: every session gets its own model (each sees its
own months 1, 2, 3 in order, which interleaved steps of a shared model could not give), clicks are
answered, the server log stays clean. The latency figures themselves are measured by
`python -m sim.app.loadtest --suite` and written into docs/teaching.md, never asserted here.
"""

from __future__ import annotations

import itertools
import json

import pytest

pytest.importorskip("solara", reason="the app extra is not installed: pip install -e '.[app]'")
pytest.importorskip("websockets", reason="the app extra is not installed: pip install -e '.[app]'")

from sim.app import loadtest
from sim.app.wsclient import decode

SERVER_ERRORS = ("Traceback", "ERROR", "Exception", "Error:")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("load") / "server.log"
    proc = loadtest.start_server(loadtest.free_port(), log)
    yield f"http://127.0.0.1:{proc.args[-1]}/", proc.pid, log
    proc.terminate()
    proc.wait(timeout=20)


def test_binary_frames_decode_as_solara_encodes_them():
    from solara.server.kernel import deserialize_binary_message, serialize_binary_message

    msg = {"header": {"msg_type": "comm_msg"}, "content": {"data": {"x": "中文"}}, "buffers": [b"\x00\x01", b"abc"]}
    raw = serialize_binary_message(msg)
    ours, theirs = decode(raw), deserialize_binary_message(raw)
    assert ours["content"] == theirs["content"] == msg["content"]
    assert [bytes(b) for b in ours["buffers"]] == [bytes(b) for b in theirs["buffers"]] == msg["buffers"]
    assert decode(json.dumps({"a": 1})) == {"a": 1}


def test_sessions_step_their_own_models(server):
    url, pid, log = server
    res = loadtest.measure(url, pid, "ws", sessions=4, steps=3)
    assert res["timeouts"] == 0 and res["errors"] == 0, res
    assert res["steps_measured"] == 12  # every click of every session showed that session's next month
    for key in ("step_to_month_ms", "step_to_chart_ms", "step_to_server_done_ms"):
        assert set(res[key]) == {"p50", "p90", "p99", "max"}
    assert res["server_cpu_ms_per_step"] > 0
    assert not [line for line in log.read_text().splitlines() if any(e in line for e in SERVER_ERRORS)]


def test_a_session_on_another_tab_and_on_play(server):
    url, pid, log = server
    res = loadtest.measure(url, pid, "ws", sessions=2, steps=2, tab="subsystems")
    assert res["timeouts"] == 0 and res["errors"] == 0 and res["steps_measured"] == 4, res
    assert res["step_to_chart_ms"] == {}  # the measured charts are on tabs nobody looks at
    res = loadtest.measure(url, pid, "ws", sessions=2, steps=0, play=2.0, speed=2)
    assert res["timeouts"] == 0 and res["errors"] == 0, res
    # asked for 2 months a second; 2 sessions are far below what the server can give
    assert 1.0 <= res["months_per_second_got"]["p50"] <= 3.0, res
    assert set(res["pause_ms"]) == {"p50", "p90", "p99", "max"}
    assert not [line for line in log.read_text().splitlines() if any(e in line for e in SERVER_ERRORS)]


def test_sessions_running_class_experiments_while_others_step(server):
    url, pid, log = server
    res = loadtest.measure(url, pid, "ws", sessions=3, steps=3, pace=0.5, experimenters=1)
    assert res["timeouts"] == 0 and res["errors"] == 0, res
    assert res["steps_measured"] == 6  # the two steppers' clicks all answered meanwhile
    assert res["experiments_done"] >= 1 and res["experiment_50_seeds_s"]["p50"] > 0
    assert not [line for line in log.read_text().splitlines() if any(e in line for e in SERVER_ERRORS)]


def test_play_governor_takes_turns_keeps_the_duty_cycle_and_lets_a_paused_session_go():
    import threading
    import time

    from sim.app.session import PlayGovernor

    gov = PlayGovernor(share=0.5)
    order: list[int] = []
    step_s = 0.01
    never = threading.Event()

    def play(k: int) -> None:
        for _ in range(8):
            assert gov.step(lambda k=k: (order.append(k), time.sleep(step_s)), never)

    threads = [threading.Thread(target=play, args=(k,)) for k in range(4)]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    assert sorted(order) == sorted(list(range(4)) * 8)
    # play may use at most half the wall-clock time: 32 steps of >= 10 ms need >= 31 x 20 ms
    # (sleep never returns early, so this bound cannot fail by the machine being slow)
    assert elapsed >= 31 * step_s / 0.5, elapsed
    # first in, first out: once all four are queued, sessions alternate (a plain lock would let the
    # thread that just stepped take it again: runs of 8); <= 2 allows one late re-queue on a slow machine
    runs = [len(list(g)) for _, g in itertools.groupby(order[4:])]
    assert max(runs) <= 2, order

    # a session paused while it waits for its turn leaves the queue without stepping
    busy, cancel, ran = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=lambda: gov.step(lambda: busy.wait(5), never))
    holder.start()
    time.sleep(0.05)  # the holder has its turn and is inside its step
    waiter_result: list[bool] = []
    waiter = threading.Thread(target=lambda: waiter_result.append(gov.step(lambda: ran.append(1), cancel)))
    waiter.start()
    time.sleep(0.05)
    cancel.set()
    waiter.join(timeout=2)
    assert not waiter.is_alive() and waiter_result == [False] and ran == []
    busy.set()
    holder.join(timeout=5)
    assert gov.step(lambda: ran.append(2), never) and ran == [2]  # the queue still moves
