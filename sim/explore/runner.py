"""The sweep driver: plan every (point, replicate), send the missing runs in chunks to a backend,
commit each chunk's results to the store as it arrives, export `runs.csv` and the manifest.

Only this driver writes the store. Correctness rests on run ids and the store, not on the
backend: rerunning after any interruption runs exactly the runs the store lacks.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import manifest as mf
from ..record import MEASURES
from ..runner import DEFAULT_CHUNK, balanced_chunk  # noqa: F401 (DEFAULT_CHUNK: the sweep's largest chunk, re-exported)
from ..scenario import ScenarioError
from .design import Design, all_seeds, build_design, run_ids
from .experiment import Experiment
from .models import ChunkTask, output_row, unpack_series
from .store import STORE_NAME, Store, remove_store, sweep_lock

EXPORTS: tuple[str, ...] = ("runs.csv", "series.csv", "manifest.json")
#: Runs of series.csv formatted and written together (about 100 kB of text a 120-month run).
SERIES_BATCH = 16
#: Fewer runs with a series than this are formatted in-process: starting a pool would cost more.
SERIES_POOL_MIN = 256
PHASE_NAMES: tuple[str, ...] = ("none", "start", "build", "activate", "deliver")


@dataclass
class SweepOutcome:
    """What a sweep did."""

    out: Path
    total: int
    new: int
    reused: int
    seconds: float
    backend: str
    workers: int
    chunks: int
    files: list[str] = field(default_factory=list)
    rebuilds: int = 0

    @property
    def rate(self) -> float:
        """New runs per second."""
        return self.new / self.seconds if self.seconds > 0 else float("nan")


def encode_array(a: np.ndarray) -> str:
    """An array as base64 .npy text (for the meta table)."""
    buf = io.BytesIO()
    np.save(buf, a, allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode()


def decode_array(text: str) -> np.ndarray:
    """The inverse of `encode_array`."""
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def design_key(exp: Experiment) -> str:
    """What must match for a stored plan to be reused: the runs' definition and the model version."""
    return f"{exp.content_hash()}|{exp.spec.version()}"


def experiment_meta(exp: Experiment, design: Design) -> dict[str, str]:
    """The meta entries analysis needs to read a store without the experiment file."""
    kinds = [v.kind for v in exp.varied]
    ranges = [
        [v.low, v.high] if v.low is not None else [min(v.values or [0]), max(v.values or [0])] for v in exp.varied
    ]
    info = {
        "name": exp.name,
        "path": exp.path,
        "description": exp.description,
        "model": exp.model,
        "model_version": exp.spec.version(),
        "scenario": exp.scenario.name if exp.scenario else None,
        "scenario_path": exp.scenario.path if exp.scenario else None,
        "steps": exp.steps,
        "replicates": exp.replicates,
        "seed": exp.seed,
        "outputs": list(exp.outputs),
        "save_series": exp.save_series,
        "fixed": exp.fixed,
        "method": exp.method,
        "design": exp.design,
        "names": list(exp.names),
        "kinds": kinds,
        "ranges": ranges,
        "distributions": [v.distribution for v in exp.varied],
        "points": len(design),
        "content_hash": exp.content_hash(),
        "raw": exp.raw,
    }
    meta = {"experiment": json.dumps(info, default=str), "design_key": design_key(exp)}
    if design.unit is not None:
        meta["unit"] = encode_array(design.unit)
    return meta


def plan(exp: Experiment, store: Store) -> Design:
    """Write the points and the (point, replicate) plan unless the stored one is this design's; the
    experiment's description (outputs, name) is refreshed either way."""
    design = build_design(exp)
    if store.meta("design_key") != design_key(exp):
        rseeds, seeds = all_seeds(exp, len(design))
        ids = run_ids(exp, design, seeds)
        meta = experiment_meta(exp, design)
        store.write_plan(exp.names, [v.kind for v in exp.varied], design.values, rseeds, seeds, ids, meta)
    else:
        with store.transaction():
            store.set_meta(**experiment_meta(exp, design))
    return design


def chunk_tasks(
    exp: Experiment, design: Design, missing: dict[str, np.ndarray], chunk_size: int
) -> tuple[int, Iterator[tuple[ChunkTask, list[str]]]]:
    """Chunks of the missing runs, made lazily: runs that share the size parameters (agent counts)
    go together, in (point, replicate) order. Returns the number of chunks and an iterator of
    (task, the chunk's run ids)."""
    spec = exp.spec
    size_idx = [j for j, n in enumerate(design.names) if spec.params[n].group == "size"]
    points = missing["point"]
    if size_idx:
        keys = [tuple(design.values[int(p)][j] for j in size_idx) for p in points]
        order: dict[tuple[Any, ...], list[int]] = {}
        for i, key in enumerate(keys):
            order.setdefault(key, []).append(i)
        groups = [np.array(v, dtype=np.int64) for v in order.values()]
    else:
        groups = [np.arange(len(points))]
    n_chunks = sum(-(-len(g) // chunk_size) for g in groups)

    base = spec.extra["task_base"](exp) if "task_base" in spec.extra else exp.scenario

    def tasks() -> Iterator[tuple[ChunkTask, list[str]]]:
        index = 0
        for g in groups:
            for start in range(0, len(g), chunk_size):
                part = g[start : start + chunk_size]
                task = ChunkTask(
                    index=index,
                    model=exp.model,
                    base=base,
                    names=design.names,
                    values=tuple(design.values[int(points[i])] for i in part),
                    seeds=tuple(int(missing["seed"][i]) for i in part),
                    steps=exp.steps,
                    save_series=exp.save_series,
                )
                yield task, [rid.decode() for rid in missing["run_id"][part]]
                index += 1

    return n_chunks, tasks()


def runs_frame(store: Store, names: list[str], kinds: list[str], int_outputs: Any, bool_outputs: Any) -> pd.DataFrame:
    """The store as runs.csv's table: typed columns, (point, replicate) order."""
    return typed(store.frame(names), store, names, kinds, int_outputs, bool_outputs)


def typed(
    df: pd.DataFrame, store: Store, names: list[str], kinds: list[str], int_outputs: Any, bool_outputs: Any
) -> pd.DataFrame:
    """Column types of runs.csv: ints, bools, nullable ints for phase months, floats."""
    for col in ("point", "replicate", "run_seed", "seed"):
        df[col] = df[col].astype("int64")
    for name, kind in zip(names, kinds, strict=True):
        if kind == "bool":
            df[name] = df[name].astype(bool)
        elif kind == "int":
            df[name] = df[name].astype("int64")
        else:
            df[name] = df[name].astype("float64")
    for col in store.outputs:
        if col in bool_outputs:
            df[col] = df[col].astype(bool)
        elif col in int_outputs:
            df[col] = pd.array([None if v is None or v != v else int(v) for v in df[col]], dtype="Int64")
        else:
            df[col] = df[col].astype("float64")
    return df


def export(exp: Experiment, store: Store, out: Path, workers: int = 1) -> list[str]:
    """Write runs.csv (and series.csv when the experiment saves series) atomically; `workers`
    local processes may format series.csv."""
    spec = exp.spec
    names, kinds = list(exp.names), [v.kind for v in exp.varied]
    with mf.atomic_open(out / "runs.csv", "w", encoding="utf-8", newline="") as f:
        for i, piece in enumerate(store.frames(names)):
            df = typed(piece, store, names, kinds, spec.int_outputs, spec.bool_outputs)
            df.to_csv(f, index=False, header=i == 0, lineterminator="\n")
    files = ["runs.csv"]
    if exp.save_series:
        with mf.atomic_open(out / "series.csv", "w", encoding="utf-8", newline="") as f:
            write_series_csv(store, f, workers=workers)
        files.append("series.csv")
    return files


def write_series_csv(store: Store, f: Any, workers: int = 1) -> None:
    """One row per run and month: point, replicate, seed, step, the measures, gap_closure, phase.

    Runs are read and formatted SERIES_BATCH at a time, so memory does not grow with the number of
    runs. Nearly all the time goes into Python's float repr (about 0.5 us a value, 4,840 values a
    120-month run), so with `workers` > 1 and at least SERIES_POOL_MIN runs the batches are
    formatted on local worker processes and written in order: the same bytes either way."""
    header = ["point", "replicate", "seed", "step", *MEASURES, "gap_closure", "phase"]
    f.write(",".join(header) + "\n")
    runs = store.iter_series()
    batches = iter(lambda: list(itertools.islice(runs, SERIES_BATCH)), [])
    if workers > 1 and store.series_count() >= SERIES_POOL_MIN:
        from .backends import ordered_map

        texts = ordered_map(series_text, batches, workers)
    else:
        texts = map(series_text, batches)
    for text in texts:
        f.write(text)


def series_text(runs: list[tuple[int, int, int, bytes]]) -> str:
    """series.csv's lines for runs given as (point, replicate, seed, series blob): floats as their
    shortest round-trip repr, NaN as an empty field, the phase by name."""
    lines: list[str] = []
    for point, rep, seed, blob in runs:
        numeric, phases = unpack_series(blob)
        rows = numeric.tolist()
        if np.isnan(numeric).any():
            values = [",".join([repr(x) if x == x else "" for x in row]) for row in rows]
        else:
            values = [",".join(map(repr, row)) for row in rows]
        head = f"{point},{rep},{seed}"
        names = [PHASE_NAMES[c] for c in phases.tolist()]
        lines.extend(f"{head},{t},{v},{name}\n" for t, (v, name) in enumerate(zip(values, names, strict=True)))
    return "".join(lines)


def sweep(
    exp: Experiment,
    out: Path,
    backend: str = "local",
    workers: int = 1,
    scheduler: str | None = None,
    fresh: bool = False,
    chunk_size: int | None = None,
    progress: bool | None = None,
    argv: list[str] | None = None,
) -> SweepOutcome:
    """Run every missing (point, replicate) of `exp` into the store in `out`; export and write the
    manifest. `progress=None` shows the bar on a terminal only."""
    from tqdm import tqdm

    from .backends import make_backend

    started = mf.now_iso()
    runner = None
    if backend == "dask" and scheduler:  # a cluster that cannot be reached is bad input: fail before writing
        try:
            runner = make_backend(backend, workers, scheduler)
        except (OSError, TimeoutError) as e:
            raise ScenarioError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({e})") from None
    out.mkdir(parents=True, exist_ok=True)
    with sweep_lock(out):
        if fresh:
            remove_store(out)
            for name in EXPORTS:
                (out / name).unlink(missing_ok=True)
        store = Store(out / STORE_NAME, exp.spec.outputs)
        try:
            design = plan(exp, store)
            missing = store.missing()
            total, done = store.count()
            if chunk_size is None:  # as many runs a chunk as keep every worker busy, up to DEFAULT_CHUNK
                # (a Dask scheduler's cluster has the workers it has, whatever --workers says)
                chunk_size = balanced_chunk(total - done, runner.workers if runner is not None else workers)
            n_chunks, tasks = chunk_tasks(exp, design, missing, chunk_size)
            ids: dict[int, list[str]] = {}

            def feed() -> Iterator[ChunkTask]:
                for task, run_ids_ in tasks:
                    ids[task.index] = run_ids_
                    yield task

            t0 = time.perf_counter()
            new = 0
            if runner is None and n_chunks:
                runner = make_backend(backend, workers, scheduler)
            try:
                with tqdm(
                    total=total,
                    initial=done,
                    desc=exp.name,
                    unit="run",
                    file=sys.stderr,
                    disable=(not progress) if progress is not None else None,
                    dynamic_ncols=True,
                    smoothing=0.1,
                ) as bar:
                    for task, res in _results(runner, feed()):
                        rows = [output_row(exp.spec, r) for r in res.outputs]
                        new += store.add(ids.pop(task.index), rows, res.perf, res.series)
                        bar.update(len(rows))
            finally:
                if runner is not None:
                    runner.close()
                    runner_name, runner_workers = runner.name, runner.workers
            seconds = time.perf_counter() - t0
            files = export(exp, store, out, workers=min(workers, os.cpu_count() or 1))
            outcome = SweepOutcome(
                out,
                total,
                new,
                done,
                seconds,
                backend if runner is None else runner_name,
                workers if runner is None else runner_workers,
                n_chunks,
                files,
                getattr(runner, "rebuilds", 0),
            )
            write_manifest(exp, out, outcome, chunk_size, started, argv)
            outcome.files.append("manifest.json")
        finally:
            store.close()
    return outcome


def _results(runner: Any, tasks: Iterator[ChunkTask]) -> Iterator[Any]:
    if runner is None:
        return iter(())
    return runner.results(tasks)


def write_manifest(
    exp: Experiment, out: Path, outcome: SweepOutcome, chunk_size: int, started: str, argv: list[str] | None
) -> None:
    """manifest.json: provenance of the results folder (sim.manifest's fields plus the design)."""
    from .. import __version__

    spec = exp.spec
    path = Path(exp.path)
    manifest = {
        "package": "county-sim",
        "version": __version__,
        "git_commit": mf.git_commit(),
        "git_dirty": mf.git_dirty(),
        "model_version": spec.version(),
        "experiment": {
            "name": exp.name,
            "path": exp.path,
            "file_sha256": mf.file_sha256(path) if path.is_file() else None,
            "content_hash": exp.content_hash(),
            "description": exp.description,
            "model": exp.model,
            "method": exp.method,
            "design": exp.design,
            "varied": [
                {k: v for k, v in vv.__dict__.items() if v is not None and not (k == "distribution" and vv.values)}
                for vv in exp.varied
            ],
            "fixed": exp.fixed,
            "outputs": list(exp.outputs),
            "save_series": exp.save_series,
        },
        "scenario": mf.scenario_record(exp.scenario) if exp.scenario is not None else None,
        "root_seed": exp.seed,
        "replicates": exp.replicates,
        "seed_derivation": (
            "run (point i, replicate r): run_seed = SeedSequence(root_seed, spawn_key=(i, r)) as 63 bits; "
            "model seed = sim.replicate_seed(run_seed, 0). Rerun one alone with "
            "`county-sim run <scenario> --steps <steps> --seed <run_seed> --set <param>=<value> ...`"
        ),
        "steps": exp.steps,
        "points": outcome.total // max(exp.replicates, 1),
        "runs": outcome.total,
        "runs_new": outcome.new,
        "runs_already_stored": outcome.reused,
        "backend": outcome.backend,
        "workers": outcome.workers,
        "chunk_size": chunk_size,
        "chunks": outcome.chunks,
        "pool_rebuilds": outcome.rebuilds,
        "seconds": round(outcome.seconds, 3),
        "command": mf.command_line(argv),
        "cwd": str(Path.cwd()),
        "started": started,
        "finished": mf.now_iso(),
        **mf.environment(),
        "files": {name: mf.file_sha256(out / name) for name in outcome.files},
    }
    mf.write_json(out / "manifest.json", manifest)
