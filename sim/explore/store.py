"""The embedded, crash-safe store of a sweep: one SQLite file in WAL mode (`runs.sqlite`).

Tables: `meta` (experiment, design, model version), `points` (the varied values of each design
point), `plan` ((point, replicate) -> seed and run id) and `runs` (outputs keyed by run id, plus
the real-performance trajectory as a float32 blob and, if asked, the full series). Only the
sweep's driver writes; each chunk of results is one transaction, and `INSERT OR IGNORE` on the
run id makes storing idempotent (a result that arrives twice is stored once). A run is done when
its run id is in `runs`, so an interrupted sweep resumes with exactly what is missing.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..scenario import ScenarioError

STORE_NAME = "runs.sqlite"
LOCK_NAME = ".sweep.lock"
SCHEMA_VERSION = "1"
#: Rows per piece when exporting: an export holds one piece in memory, whatever the number of runs.
EXPORT_ROWS = 10_000


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A sweep's SQLite store (see the module docstring)."""

    def __init__(self, path: str | Path, outputs: Sequence[str] | None = None, readonly: bool = False):
        self.path = Path(path)
        if readonly:
            if not self.path.exists():
                raise ScenarioError(f"{self.path}: no store here (run `county-sim sweep` first)")
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        else:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash of the process loses nothing committed
            self.db.execute("PRAGMA busy_timeout=10000")
        if outputs is not None:
            self._create(outputs)
        self.outputs = tuple(outputs) if outputs is not None else tuple(json.loads(self.meta("outputs") or "[]"))

    def _create(self, outputs: Sequence[str]) -> None:
        cols = ", ".join(f"{_q(c)}" for c in outputs)
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS plan (point INTEGER, replicate INTEGER, run_seed INTEGER, seed INTEGER,"
                " run_id TEXT,"
                " PRIMARY KEY (point, replicate))"
            )
            self.db.execute(f"CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, {cols}, perf BLOB)")
            self.db.execute("CREATE TABLE IF NOT EXISTS series (run_id TEXT PRIMARY KEY, data BLOB)")
            stored = self.meta("outputs")
            if stored is None:
                self.set_meta(outputs=json.dumps(list(outputs)), schema=SCHEMA_VERSION)
            elif json.loads(stored) != list(outputs):
                raise ScenarioError(f"{self.path}: the store holds other output columns; start over with --fresh")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN ... COMMIT (ROLLBACK on any exception)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        """A value of the meta table, or None."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:
            return None
        return None if row is None else row[0]

    def set_meta(self, **values: str) -> None:
        """Set meta values (inside the caller's transaction if any)."""
        self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def write_plan(
        self,
        names: Sequence[str],
        kinds: Sequence[str],
        values: list[tuple[Any, ...]],
        run_seeds: np.ndarray,
        seeds: np.ndarray,
        ids: list[str],
        meta: dict[str, str] | None = None,
    ) -> None:
        """Replace the points and the plan (the runs stay: they are keyed by content), and set `meta`
        in the same transaction, so a plan and the design key it belongs to never disagree."""
        n, reps = seeds.shape
        with self.transaction() as db:
            self.set_meta(**(meta or {}))
            db.execute("DROP TABLE IF EXISTS points")
            types = {"float": "REAL", "int": "INTEGER", "bool": "INTEGER"}
            cols = ", ".join(f"{_q(c)} {types[k]}" for c, k in zip(names, kinds, strict=True))
            db.execute(f"CREATE TABLE points (point INTEGER PRIMARY KEY, {cols})")
            marks = ", ".join("?" * (len(names) + 1))
            db.executemany(f"INSERT INTO points VALUES ({marks})", ((i, *v) for i, v in enumerate(values)))
            db.execute("DELETE FROM plan")
            db.executemany(
                "INSERT INTO plan VALUES (?, ?, ?, ?, ?)",
                (
                    (i, r, int(run_seeds[i, r]), int(seeds[i, r]), ids[i * reps + r])
                    for i in range(n)
                    for r in range(reps)
                ),
            )

    def missing(self) -> dict[str, np.ndarray]:
        """Every planned run not yet stored, in (point, replicate) order, as compact arrays:
        point, replicate, seed (int64) and run_id (32-byte strings), about 56 bytes a run."""
        cur = self.db.execute(
            "SELECT p.point, p.replicate, p.seed, p.run_id FROM plan p LEFT JOIN runs r ON r.run_id = p.run_id"
            " WHERE r.run_id IS NULL ORDER BY p.point, p.replicate"
        )
        parts: list[dict[str, np.ndarray]] = []
        while rows := cur.fetchmany(4096):
            cols = list(zip(*rows, strict=True))
            parts.append(
                {
                    "point": np.array(cols[0], dtype=np.int64),
                    "replicate": np.array(cols[1], dtype=np.int64),
                    "seed": np.array(cols[2], dtype=np.int64),
                    "run_id": np.array(cols[3], dtype="S32"),
                }
            )
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return {"point": empty, "replicate": empty, "seed": empty, "run_id": np.empty(0, dtype="S32")}
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    def count(self) -> tuple[int, int]:
        """(planned runs, planned runs stored)."""
        total = self.db.execute("SELECT COUNT(*) FROM plan").fetchone()[0]
        done = self.db.execute("SELECT COUNT(*) FROM plan p JOIN runs r ON r.run_id = p.run_id").fetchone()[0]
        return int(total), int(done)

    def add(self, ids: Sequence[str], rows: Sequence[Sequence[Any]], perf: np.ndarray | None, series: Any) -> int:
        """Store a chunk of results in one transaction; returns how many were new."""
        cols = ", ".join(_q(c) for c in self.outputs)
        marks = ", ".join("?" * (len(self.outputs) + 2))
        sql = f"INSERT OR IGNORE INTO runs (run_id, {cols}, perf) VALUES ({marks})"
        blobs = [None] * len(ids) if perf is None else [np.asarray(p, dtype=np.float32).tobytes() for p in perf]
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(sql, ((rid, *row, b) for rid, row, b in zip(ids, rows, blobs, strict=True)))
            new = db.total_changes - before
            if series is not None:
                db.executemany("INSERT OR IGNORE INTO series VALUES (?, ?)", zip(ids, series, strict=True))
        return new

    def frame(self, names: Sequence[str]) -> pd.DataFrame:
        """One row per planned and stored run, ordered by (point, replicate): point, replicate,
        run_seed, seed, the varied values, every output."""
        return next(self.frames(names, 0))

    def frames(self, names: Sequence[str], size: int | None = None) -> Iterator[pd.DataFrame]:
        """`frame` in pieces of `size` rows (default EXPORT_ROWS; 0: all at once), so an export holds
        one piece at a time."""
        size = EXPORT_ROWS if size is None else size
        varied = ", ".join(f"pt.{_q(c)}" for c in names)
        outs = ", ".join(f"r.{_q(c)}" for c in self.outputs)
        sql = (
            f"SELECT p.point, p.replicate, p.run_seed, p.seed, {varied}, {outs} FROM plan p"
            " JOIN runs r ON r.run_id = p.run_id JOIN points pt ON pt.point = p.point"
            " ORDER BY p.point, p.replicate"
        )
        cur = self.db.execute(sql)
        columns = [d[0] for d in cur.description]
        if size == 0:
            yield pd.DataFrame(cur.fetchall(), columns=columns)
            return
        first = True
        while True:
            rows = cur.fetchmany(size)
            if not rows and not first:
                return
            first = False
            yield pd.DataFrame(rows, columns=columns)
            if not rows:
                return

    def perf(self) -> tuple[np.ndarray, np.ndarray]:
        """(point, replicate) pairs and the real-performance trajectories (runs x steps+1, float32),
        in (point, replicate) order."""
        rows = self.db.execute(
            "SELECT p.point, p.replicate, r.perf FROM plan p JOIN runs r ON r.run_id = p.run_id"
            " WHERE r.perf IS NOT NULL ORDER BY p.point, p.replicate"
        ).fetchall()
        if not rows:
            return np.empty((0, 2), dtype=np.int64), np.empty((0, 0), dtype=np.float32)
        keys = np.array([(a, b) for a, b, _ in rows], dtype=np.int64)
        return keys, np.stack([np.frombuffer(blob, dtype=np.float32) for _, _, blob in rows])

    def iter_series(self) -> Iterator[tuple[int, int, int, bytes]]:
        """(point, replicate, seed, series blob) of every stored run with a series, in order."""
        yield from self.db.execute(
            "SELECT p.point, p.replicate, p.seed, s.data FROM plan p JOIN series s ON s.run_id = p.run_id"
            " ORDER BY p.point, p.replicate"
        )

    def series_count(self) -> int:
        """Number of runs `iter_series` yields."""
        sql = "SELECT COUNT(*) FROM plan p JOIN series s ON s.run_id = p.run_id"
        return int(self.db.execute(sql).fetchone()[0])

    def close(self) -> None:
        """Close the connection (checkpointing the WAL if writable)."""
        self.db.close()


@contextlib.contextmanager
def sweep_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the results folder: two sweeps must not write one store."""
    fd = os.open(folder / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ScenarioError(f"{folder}: another sweep is writing to this folder") from None
        yield
    finally:
        os.close(fd)


def remove_store(folder: Path) -> None:
    """Delete the store and its WAL files (for --fresh)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            (folder / f"{STORE_NAME}{suffix}").unlink()
