"""Worker processes that evaluate queries, so the web process never does.

Neither pyoxigraph's nor rdflib's Python API can cancel a running query, and pyoxigraph can
crash the whole process on pathological input; each worker (forked from a clean forkserver,
with the release store open read-only) takes jobs over a pipe and is killed and replaced
when a job runs too long. A worker dies with its parent (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
from multiprocessing.context import ForkServerContext
from pathlib import Path

from kg.query.job import Failure, Job, Outcome, QueryRefused, execute

__all__ = ["Worker", "run_once", "start_worker"]


def _die_with_parent() -> None:
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:  # pragma: no cover - not Linux
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(libc_name, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _worker_main(
    conn: multiprocessing.connection.Connection, store_path: str, memory_mb: int
) -> None:
    """Worker loop: open the store read-only, answer jobs until the pipe closes."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which kills us
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from kg.store.embedded import open_store

    store = open_store(Path(store_path))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: Outcome | Failure = execute(store, job)
        except MemoryError:
            reply = Failure(503, "Query too large to answer", "the query ran out of memory")
        conn.send(reply)


_CONTEXT: ForkServerContext | None = None


def _context() -> ForkServerContext:
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["kg.query.workers", "kg.store.embedded"])
        _CONTEXT = ctx
    return _CONTEXT


class Worker:
    """One worker process and the pipe to it (server side)."""

    def __init__(self, store_path: Path, memory_mb: int) -> None:
        ctx = _context()
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main, args=(child, str(store_path), memory_mb), daemon=True,
            name="dmkg-query-worker",
        )  # fmt: skip
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError("query worker did not start in time")
        self.conn.recv()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.join(2)
        with contextlib.suppress(Exception):
            self.conn.close()


def start_worker(store_path: Path, memory_mb: int) -> Worker:
    worker = Worker(store_path, memory_mb)
    worker.wait_ready(60)
    return worker


def run_once(store_path: Path, job: Job, timeout: float, memory_mb: int = 0) -> Outcome:
    """Run one job in a fresh worker with a time limit; raises :class:`QueryRefused`."""
    worker = start_worker(store_path, memory_mb)
    try:
        worker.conn.send(job)
        if not worker.conn.poll(timeout):
            raise QueryRefused(
                503, "Query timed out", f"the query ran longer than {timeout:g} s and was cancelled"
            )
        try:
            reply: Outcome | Failure = worker.conn.recv()
        except EOFError:
            raise QueryRefused(500, "Query engine failed", "the query worker stopped") from None
    finally:
        worker.kill()
    if isinstance(reply, Failure):
        raise reply.refusal()
    return reply
