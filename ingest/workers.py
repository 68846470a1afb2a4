"""Parallel ingest: workers parse, this process hashes, decides and stores.

Reading and parsing is nearly all of an ingest and needs nothing but the file, so it goes to a
process pool (or a dask.distributed cluster, `ingest/dask_executor.py`); everything that
touches the database stays here, so SQLite never sees two writers and each document is still
stored in its own transaction. At most a few jobs per worker are in flight, so memory does not
grow with the number of files. Ctrl-C drops the queued files and lets the ones being parsed finish
(a second Ctrl-C stops them at once); documents already stored stay.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine

from ingest import pipeline
from ingest.pipeline import FileResult, Pending, RunSummary, finish, parse_file, prepare

IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Executor(Protocol):
    """Where parse jobs run: `submit` returns a future whose result is `parse_file`'s."""

    slots: int

    def submit(self, job: Pending, ocr: bool, timeout: float | None) -> Any: ...

    def wait_any(self, futures: set[Any]) -> set[Any]: ...

    def close(self, cancel: bool) -> None: ...


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops them; a worker interrupted mid-file would
    otherwise break the pool and hide which files were finished.

    A worker also dies with its parent: forked, it holds a copy of the parent's database socket, so
    after a `kill -9` of the parent an orphaned worker would keep the server's session, its open
    transaction and its locks alive, and the next ingest would wait on them (seen on PostgreSQL).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            parent = multiprocessing.parent_process()
            if parent is not None and parent.pid is not None and os.getppid() != parent.pid:
                os._exit(0)  # the parent died before the signal was armed
        except (OSError, AttributeError):
            pass


def _parse_job(path: str, key: str, ocr: bool, timeout: float | None) -> Any:
    return parse_file(Path(path), key, ocr, timeout)


class LocalPool:
    """A process pool on this machine. Forked where possible, so workers start with the parsers
    (and spaCy) already imported instead of importing them again each."""

    def __init__(self, workers: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.slots = workers * IN_FLIGHT_PER_WORKER
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_ignore_sigint)

    def submit(self, job: Pending, ocr: bool, timeout: float | None) -> Future:
        return self.pool.submit(_parse_job, str(job.path), job.key, ocr, timeout)

    def wait_any(self, futures: set[Any]) -> set[Any]:
        return set(wait(futures, return_when=FIRST_COMPLETED).done)

    def close(self, cancel: bool) -> None:
        """Shut the pool down; on `cancel` (Ctrl-C, a database error) drop the queued files and let the
        few being parsed finish, which takes a second or two. A second Ctrl-C stops them at once."""
        try:
            self.pool.shutdown(wait=True, cancel_futures=cancel)
        except KeyboardInterrupt:
            for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                proc.terminate()
            # a worker killed mid-message leaves the pool's reader waiting for the rest of it for ever;
            # closing our end of the result pipe ends that wait, so the interpreter can exit
            queue = getattr(self.pool, "_result_queue", None)
            if queue is not None:
                queue._writer.close()
            raise


def make_executor(executor: str, workers: int, scheduler: str | None) -> Executor:
    if executor == "dask":
        from ingest.dask_executor import DaskExecutor

        return DaskExecutor(scheduler, workers)
    return LocalPool(workers)


def _warm() -> None:
    """Import the parsers and spaCy before forking a pool for many files; a handful of files does not
    wait for them (spaCy loads in a worker only when a paragraph needs it)."""
    from parsers import parse  # noqa: F401
    from parsers.extract import nlp

    nlp.get_nlp()


def _prepared(engine: Engine, paths: list[Path], done: Callable[[Path, FileResult], None], force: bool,
              max_bytes: int, retry: bool, ocr: bool) -> Iterator[Pending]:
    for path in paths:
        job = prepare(engine, path, force=force, max_bytes=max_bytes, retry=retry, ocr=ocr)
        if isinstance(job, FileResult):
            done(path, job)
        else:
            yield job


def ingest_parallel(engine: Engine, paths: list[Path], done: Callable[[Path, FileResult], None],
                    force: bool = False, max_bytes: int = 0, retry: bool = False, ocr: bool = False,
                    timeout: float | None = None, workers: int = 2, executor: str = "local",
                    scheduler: str | None = None) -> None:
    """Parse `paths` on `workers` and store each result here as it arrives; `done` gets each result."""
    jobs = _prepared(engine, paths, done, force, max_bytes, retry, ocr)
    first = next(jobs, None)
    if first is None:
        return
    if executor == "local" and len(paths) >= 8 * workers:
        _warm()  # imported once here, each forked worker starts with them
    pool = make_executor(executor, workers, scheduler)
    running: dict[Any, Pending] = {}
    cancel = True
    try:
        pending_job: Pending | None = first
        while pending_job is not None or running:
            while pending_job is not None and len(running) < pool.slots:
                running[pool.submit(pending_job, ocr, timeout)] = pending_job
                pending_job = next(jobs, None)
            for future in pool.wait_any(set(running)):
                job = running.pop(future)
                try:
                    parsed, note = future.result()
                except Exception as exc:  # the worker died (killed, out of memory): one file's outcome
                    parsed, note = None, ("failed", f"{job.key}: the worker reading it stopped "
                                                    f"({type(exc).__name__}: {exc}); run the ingest again")
                done(job.path, finish(engine, job, parsed, note, force))
        cancel = False
    finally:
        pool.close(cancel)


def ingest_paths(engine: Engine, inputs: Any, **options: Any) -> RunSummary:
    """`pipeline.ingest_paths` with this module's pool (or Dask) for `workers` > 1: the entry point
    for callers that may run in parallel (the CLI), so the pipeline never imports its executors."""
    return pipeline.ingest_paths(engine, inputs, parallel=ingest_parallel, **options)
