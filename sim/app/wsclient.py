"""A headless student: one Solara session driven over the server's own websocket protocol.

A browser talks to a Solara server over one websocket per page, with Jupyter kernel messages
(Jupyter messaging protocol 5.3; ipywidgets comm messages for the widgets). This client does what
the page's JavaScript does, and nothing more: it loads the page (for the session cookie), opens
`/jupyter/api/kernels/<kernel id>/channels`, opens the `solara.control` comm and asks it to `run`
the app, which builds this session's widgets (and model) on the server and sends them as
`comm_open` messages; a click is the `custom` event ipyvue's buttons send (`{"event": "click"}`);
a tab change is a widget state `update`. The server wraps its handling of every message in
`status: busy` / `status: idle`, so the idle status that answers a click marks the moment the
server has stepped the model, re-rendered the views and sent every change.

That lets a load test open 30 sessions from one small process, so what it measures is the server,
not 30 browsers sharing its cores (`sim.app.loadtest`). Only the protocol is emulated, not the
page's rendering: the latencies are the server's plus the loopback network.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import itertools
import json
import re
import struct
import time
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .i18n import TABS

_MONTH = re.compile(r'data-month=\\"(\d+)\\"')
_POINTS = re.compile(r'"data-points": "(\d+)"')
_EXPERIMENT_DONE = re.compile(r"(\d+) of (\d+) runs done")


def decode(raw: str | bytes) -> dict[str, Any]:
    """One websocket frame as a message: JSON text, or Jupyter's binary framing (a count, offsets,
    the JSON part, then the buffers), as `solara.server.kernel.serialize_binary_message` writes it."""
    if isinstance(raw, str):
        return json.loads(raw)
    n = struct.unpack("!I", raw[:4])[0]
    offsets = [*struct.unpack("!" + "I" * n, raw[4 : 4 * (n + 1)]), len(raw)]
    msg = json.loads(raw[offsets[0] : offsets[1]].decode("utf-8"))
    msg["buffers"] = [raw[a:b] for a, b in itertools.pairwise(offsets[1:])]
    return msg


class Student:
    """One page session: `await open()`, then `await click(label)` / `await tab(name)`."""

    def __init__(self, url: str, timeout: float = 60.0):
        parts = urlsplit(url)
        self.url = url
        self.ws_base = f"ws://{parts.netloc}{parts.path.rstrip('/')}"
        self.timeout = timeout
        self.kernel_id = str(uuid.uuid4())
        self.page_id = str(uuid.uuid4())
        self.widgets: dict[str, dict[str, Any]] = {}  # comm id -> state, kept up to date
        self.month = 0  # the month the phase banner shows, as last sent by the server
        self.points = 0  # points in the performance chart, as last sent by the server
        self.month_seen: dict[int, float] = {}  # month -> perf_counter when the banner first showed it
        self.points_seen: dict[int, float] = {}
        self.experiment_done = 0.0  # perf_counter when a class experiment last reported its last batch
        self.idle: dict[str, float] = {}  # msg id -> perf_counter of the server's idle status for it
        self.messages = 0
        self.errors: list[str] = []
        self._ws = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Event()

    # -- protocol -------------------------------------------------------------------------------
    def _message(self, msg_type: str, content: dict) -> tuple[str, str]:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "session": self.page_id,
            "username": "",
            "date": "",
            "version": "5.3",
        }
        msg = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        return msg_id, json.dumps({**msg, "buffers": []})

    async def _send(self, msg_type: str, content: dict) -> str:
        msg_id, text = self._message(msg_type, content)
        await self._ws.send(text)
        return msg_id

    def _cookie(self) -> str:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(self.url, timeout=self.timeout) as r:
            r.read()
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    async def _read(self) -> None:
        async for raw in self._ws:
            now = time.perf_counter()
            self.messages += 1
            text = raw if isinstance(raw, str) else None
            msg = decode(raw)
            kind = msg["header"]["msg_type"]
            if kind == "status":
                if msg["content"].get("execution_state") == "idle":
                    self.idle[msg["parent_header"].get("msg_id", "")] = now
            elif kind in ("comm_open", "comm_msg"):
                data = msg["content"].get("data", {})
                if kind == "comm_open":
                    self.widgets[msg["content"]["comm_id"]] = data.get("state", {})
                elif data.get("method") == "update" and msg["content"].get("comm_id") in self.widgets:
                    self.widgets[msg["content"]["comm_id"]].update(data.get("state", {}))
                text = text if text is not None else json.dumps(msg["content"])
                for m in _MONTH.findall(text):
                    self.month = int(m)
                    self.month_seen.setdefault(self.month, now)
                for p in _POINTS.findall(text):
                    self.points = int(p)
                    self.points_seen.setdefault(self.points, now)
                for done, n in _EXPERIMENT_DONE.findall(text):
                    if done == n and int(n) > 0:
                        self.experiment_done = now  # a class experiment's last batch is in
                if data.get("method") == "finished":
                    self.idle["finished"] = now
            elif kind == "error":
                self.errors.append(str(msg["content"]))
            self._changed.set()

    async def wait(self, done: Callable[[], bool]) -> None:
        """Until `done()` holds; TimeoutError after `timeout` seconds, or if the connection ends."""
        deadline = time.perf_counter() + self.timeout
        while not done():
            if self._reader is not None and self._reader.done():
                self._reader.result()  # re-raise what ended it
                raise ConnectionError("the server closed the connection")
            self._changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    # -- what a student does ----------------------------------------------------------------------
    async def open(self) -> float:
        """Load the page and run the app in a new session; returns the seconds it took."""
        import websockets

        t0 = time.perf_counter()
        cookie = await asyncio.to_thread(self._cookie)
        self._ws = await websockets.connect(
            f"{self.ws_base}/jupyter/api/kernels/{self.kernel_id}/channels?session_id={self.page_id}",
            additional_headers={"Cookie": cookie},
            max_size=None,
            open_timeout=self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        control = uuid.uuid4().hex
        await self._send("comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}})
        await self._send("comm_msg", {"comm_id": control, "data": {"method": "run", "args": {"path": ""}}})
        await self.wait(lambda: "finished" in self.idle)
        return time.perf_counter() - t0

    def find(self, model: str, **state: Any) -> str:
        """The comm id of the widget of `_model_name` `model` whose state has these values."""
        for cid, s in self.widgets.items():
            if s.get("_model_name") == model and all(s.get(k) == v for k, v in state.items()):
                return cid
        raise LookupError(f"no {model} with {state} among {len(self.widgets)} widgets")

    async def click(self, label: str) -> str:
        """Click the button labelled `label` (ipyvue's click event); returns the message id."""
        cid = self.find("BtnModel", children=[label])
        return await self._send(
            "comm_msg", {"comm_id": cid, "data": {"method": "custom", "content": {"event": "click", "data": {}}}}
        )

    async def toggle(self, label: str) -> None:
        """Choose the button labelled `label` in its toggle group (a `BtnToggle`'s `v_model` is the
        chosen button's index) and wait until the server is done."""
        btn = "IPY_MODEL_" + self.find("BtnModel", children=[label])
        group = [cid for cid, s in self.widgets.items() if btn in (s.get("children") or [])]
        if not group or self.widgets[group[0]].get("_model_name") != "BtnToggleModel":
            raise LookupError(f"no toggle group holds the button {label!r}")
        index = self.widgets[group[0]]["children"].index(btn)
        state = {"method": "update", "state": {"v_model": index}, "buffer_paths": []}
        msg = await self._send("comm_msg", {"comm_id": group[0], "data": state})
        await self.wait(lambda: msg in self.idle)

    async def tab(self, name: str) -> None:
        """Switch the page's tabs to `name` (one of TABS) and wait until the server is done."""
        cid = self.find("TabsModel")
        msg = await self._send(
            "comm_msg",
            {"comm_id": cid, "data": {"method": "update", "state": {"v_model": TABS.index(name)}, "buffer_paths": []}},
        )
        await self.wait(lambda: msg in self.idle)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            # closing: whatever ended the reader no longer matters
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)
