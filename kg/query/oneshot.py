"""One query in a forked child, with the service's time limit and memory cap: ``kg query``.

The query service starts its workers from a forkserver (a fresh interpreter that imports the
package and opens the store: about 3 s), so that a web process never evaluates a query. One
query on the command line needs none of that: a plain ``fork`` of the process that already
holds the open, read-only store costs milliseconds, and the child is still capped in memory
and killed at the time limit as a worker is; a crash of the engine kills the child only.
The answer comes back pickled over a pipe from our own child.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import select
import signal
import time

from kg.query.job import Failure, Job, Outcome, QueryRefused, execute
from kg.store.protocol import QueryableStore

__all__ = ["run_forked"]


def _child(store: QueryableStore, job: Job, memory_mb: int, out: int) -> None:
    """In the child: cap the address space, answer, write the pickled reply. A crash is the
    parent's to report (no interpreter dump of the child's threads)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    faulthandler.disable()
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        reply: Outcome | Failure = execute(store, job)
    except MemoryError:
        reply = Failure(503, "Query too large to answer", "the query ran out of memory")
    data = memoryview(pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL))
    while data:
        data = data[os.write(out, data) :]


def _read(fd: int, timeout: float) -> bytes:
    """Everything the child writes, until it closes the pipe or the time is up."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryRefused(
                503, "Query timed out", f"the query ran longer than {timeout:g} s and was cancelled"
            )
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def run_forked(store: QueryableStore, job: Job, timeout: float, memory_mb: int = 0) -> Outcome:
    """Answer ``job`` on ``store`` in a forked child within ``timeout`` seconds (and
    ``memory_mb`` of address space; 0: no cap); raises :class:`QueryRefused`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its work is checked through the parent)
        status = 1
        try:
            os.close(read_end)
            _child(store, job, memory_mb, write_end)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        data = _read(read_end, timeout)
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not data:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else "no answer"
        raise QueryRefused(500, "Query engine failed", f"the query process stopped ({how})")
    reply: Outcome | Failure = pickle.loads(data)
    if isinstance(reply, Failure):
        raise reply.refusal()
    return reply
