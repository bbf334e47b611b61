"""Where chunks run: in-process, on local worker processes, or on a Dask cluster.

Every backend is an iterator of (task, result) in completion order; the driver stores each result
as it arrives. Backends keep at most a small window of chunks in flight (twice the workers), so
memory does not grow with the size of the design and the progress bar tells the truth.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .models import ChunkResult, ChunkTask, evaluate_chunk

#: A chunk in flight while its worker pool broke this many times is declared the culprit.
MAX_STRIKES = 3


class ChunkFailed(RuntimeError):
    """A chunk could not be evaluated (it raised, or it kept killing workers)."""


class SerialBackend:
    """Run chunks one after another in this process (`--workers 1`)."""

    name = "serial"

    def __init__(self) -> None:
        self.workers = 1

    def results(self, tasks: Iterable[ChunkTask]) -> Iterator[tuple[ChunkTask, ChunkResult]]:
        """Evaluate each chunk in turn."""
        for task in tasks:
            yield task, evaluate_chunk(task)[1]

    def close(self) -> None:
        """Nothing to release."""


def _worker_init() -> None:
    """Workers ignore Ctrl-C: the driver decides what to do with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` local processes that ignore Ctrl-C."""
    # forkserver: workers fork from a clean server that has already imported the model, so they
    # start fast and never inherit the driver's threads (tqdm's monitor, SQLite) or open store.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.explore.models", "sim.model"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init)


def ordered_map(fn: Callable[[Any], Any], items: Iterable[Any], workers: int) -> Iterator[Any]:
    """`fn(item)` for each item, computed on `local_pool(workers)` and yielded in the items' order,
    with at most twice the workers' items in flight, so memory does not grow with the number of
    items. `fn` must be a module-level function. If the pool breaks (a worker died), the items not
    yet done are computed in this process instead."""
    pool = local_pool(workers)
    broken = False
    window: deque[tuple[Any, Future | None]] = deque()

    def result(item: Any, fut: Future | None) -> Any:
        nonlocal broken
        if fut is not None:
            try:
                return fut.result()
            except BrokenProcessPool:
                broken = True
        return fn(item)

    try:
        for item in items:
            fut = None
            if not broken:
                try:
                    fut = pool.submit(fn, item)
                except BrokenProcessPool:
                    broken = True
            window.append((item, fut))
            if len(window) >= 2 * workers:
                yield result(*window.popleft())
        while window:
            yield result(*window.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class LocalBackend:
    """`concurrent.futures.ProcessPoolExecutor` on this machine. A worker that dies breaks the
    pool (BrokenProcessPool, unlike `multiprocessing.Pool`, which hangs): the backend then builds
    a new pool and resubmits every chunk whose result it has not handed out."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self.rebuilds = 0
        self.pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        return local_pool(self.workers)

    def results(self, tasks: Iterable[ChunkTask]) -> Iterator[tuple[ChunkTask, ChunkResult]]:
        """Evaluate chunks on the pool; yield each result as it completes."""
        source = iter(tasks)
        retry: deque[ChunkTask] = deque()
        strikes: dict[int, int] = {}
        pending: dict[Future, ChunkTask] = {}
        window = 2 * self.workers
        self.pool = self._new_pool()
        try:
            while True:
                while len(pending) < window:
                    task = retry.popleft() if retry else next(source, None)
                    if task is None:
                        break
                    pending[self.pool.submit(evaluate_chunk, task)] = task
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    task = pending.pop(fut)
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        broken = True
                        retry.append(task)
                    elif exc is not None:
                        raise ChunkFailed(f"chunk {task.index} failed: {exc!r}") from exc
                    else:
                        yield task, fut.result()[1]
                if broken:
                    # every chunk still in flight failed with the pool (or finished just before)
                    for fut, task in list(pending.items()):
                        if fut.done() and fut.exception() is None:
                            yield task, fut.result()[1]
                        else:
                            retry.append(task)
                    pending.clear()
                    for task in retry:
                        strikes[task.index] = strikes.get(task.index, 0) + 1
                        if strikes[task.index] >= MAX_STRIKES:
                            raise ChunkFailed(
                                f"chunk {task.index} was running each of the {MAX_STRIKES} times a worker died; "
                                "stopping (everything finished so far is stored)"
                            )
                    self._shutdown()
                    self.rebuilds += 1
                    self.pool = self._new_pool()
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        procs = list(getattr(pool, "_processes", {}).values())  # no public API to stop busy workers before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(5)

    def close(self) -> None:
        """Stop the workers."""
        self._shutdown()


class DaskBackend:
    """A Dask cluster: `scheduler` is its address (tcp://host:8786); without one, a `LocalCluster`
    of `workers` single-threaded processes. Dask reruns the chunks of a worker that dies; a task
    may run twice, which the store absorbs (INSERT OR IGNORE on the run id)."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, retries: int = 2):
        from distributed import Client, LocalCluster

        self.retries = retries
        self.cluster: Any = None
        if scheduler:
            self.client = Client(scheduler, timeout="10s")
        else:
            import dask

            # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers, which also switches off
            # glibc's adaptive mmap threshold: every large NumPy temporary is then mapped and unmapped
            # anew, and this model runs at half speed (24 vs 12 ms a run, measured). Unset it.
            with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                self.cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster)
        self.workers = max(1, sum(self.client.nthreads().values()))

    def results(self, tasks: Iterable[ChunkTask]) -> Iterator[tuple[ChunkTask, ChunkResult]]:
        """Submit chunks (a window of twice the cluster's threads) and yield them as they complete."""
        from distributed import as_completed

        source = iter(tasks)
        futures: dict[str, tuple[Any, ChunkTask]] = {}
        ac = as_completed()

        def submit() -> bool:
            task = next(source, None)
            if task is None:
                return False
            fut = self.client.submit(evaluate_chunk, task, pure=False, retries=self.retries)
            futures[fut.key] = (fut, task)
            ac.add(fut)
            return True

        for _ in range(2 * self.workers):
            if not submit():
                break
        for fut in ac:
            _, task = futures.pop(fut.key)
            try:
                _, result = fut.result()
            except Exception as exc:
                raise ChunkFailed(f"chunk {task.index} failed on the Dask cluster: {exc!r}") from exc
            fut.release()
            yield task, result
            submit()

    def close(self) -> None:
        """Close the client (and the LocalCluster it started)."""
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def make_backend(name: str, workers: int, scheduler: str | None = None) -> Any:
    """The backend for `--backend` and `--workers` (`local` with 1 worker runs in-process)."""
    if name == "dask":
        return DaskBackend(workers, scheduler)
    if workers <= 1:
        return SerialBackend()
    return LocalBackend(workers)
