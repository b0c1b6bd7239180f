"""Query services: admission, the answer cache, and who evaluates a job.

Every service shares the answer cache (releases are immutable, so answers never go stale)
and admission: at most ``max_concurrent`` queries run, at most ``max_queued`` wait, for at
most ``query_timeout``; past that, :class:`~kg.query.job.QueryRefused` 503 with Retry-After,
never an unbounded backlog. :class:`WorkerPool` evaluates on the embedded store in worker
processes it kills past the time limit; :class:`RemoteQueryService` sends the job to a remote
store, whose own process does the work, with an HTTP deadline instead of a kill.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from kg.query.job import Failure, Job, Outcome, QueryRefused, execute
from kg.query.workers import Worker, start_worker
from kg.store.remote import RemoteError, RemoteStore, RemoteTimeout

__all__ = ["PoolLimits", "QueryService", "RemoteQueryService", "ResultCache", "WorkerPool"]

log = logging.getLogger("kg.query")


@dataclass(frozen=True)
class PoolLimits:
    """The bounds of a query service (``kg serve`` options and ``DMKG_*`` settings)."""

    query_timeout: float = 10.0
    max_concurrent: int = 2
    max_queued: int = 8
    worker_memory_mb: int = 2_048
    retry_after: int = 5
    cache_entries: int = 256
    cache_bytes: int = 64_000_000


class QueryService(Protocol):
    """What the API and the command line need of a query service."""

    @property
    def busy(self) -> int: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def run(self, job: Job) -> Outcome:
        """The job's answer; raises :class:`~kg.query.job.QueryRefused`."""
        ...


class ResultCache:
    """Bounded LRU of outcomes (entries and total bytes)."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries, self.max_bytes, self.size = entries, max_bytes, 0
        self.data: OrderedDict[tuple[object, ...], Outcome] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> Outcome | None:
        hit = self.data.get(key)
        if hit is not None:
            self.data.move_to_end(key)
        return hit

    def put(self, key: tuple[object, ...], value: Outcome) -> None:
        if self.entries <= 0 or len(value.body) > self.max_bytes // 4 or key in self.data:
            return
        self.data[key] = value
        self.size += len(value.body)
        while len(self.data) > self.entries or self.size > self.max_bytes:
            _, old = self.data.popitem(last=False)
            self.size -= len(old.body)


_Slot = TypeVar("_Slot")


class _Admitting(Generic[_Slot]):
    """Cache and admission; subclasses say what a slot is and how a job is answered on one."""

    slot_name = "slot"

    def __init__(self, release_id: str, limits: PoolLimits) -> None:
        self.release_id = release_id
        self.limits = limits
        self.cache = ResultCache(limits.cache_entries, limits.cache_bytes)
        self._waiting = 0

    def _free(self) -> bool:
        raise NotImplementedError

    async def _acquire(self) -> _Slot:
        raise NotImplementedError

    async def _answer(self, slot: _Slot, job: Job) -> Outcome | Failure:
        raise NotImplementedError

    def _busy(self, detail: str) -> QueryRefused:
        return QueryRefused(503, "Server busy", detail, retry_after=self.limits.retry_after)

    async def run(self, job: Job) -> Outcome:
        """The job's answer, from the cache or a slot; raises ``QueryRefused``."""
        key = job.key(self.release_id)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        what = self.slot_name
        if not self._free() and self._waiting >= self.limits.max_queued:
            raise self._busy(f"all query {what}s are busy; retry shortly")
        self._waiting += 1
        try:
            slot = await asyncio.wait_for(self._acquire(), self.limits.query_timeout)
        except TimeoutError:
            raise self._busy(f"no query {what} became free in time") from None
        finally:
            self._waiting -= 1
        reply = await self._answer(slot, job)
        if isinstance(reply, Failure):
            raise reply.refusal(self.limits.retry_after)
        self.cache.put(key, reply)
        return reply


class WorkerPool(_Admitting[Worker]):
    """The worker processes of one embedded release store."""

    slot_name = "worker"

    def __init__(self, release_id: str, store_path: Path, limits: PoolLimits) -> None:
        super().__init__(release_id, limits)
        self.store_path = store_path
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._workers: set[Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False

    @property
    def busy(self) -> int:
        return len(self._workers) - self._idle.qsize()

    async def start(self) -> None:
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.limits.max_concurrent)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def stop(self) -> None:
        self._stopped = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
        self._workers.clear()

    async def _spawn(self) -> Worker:
        worker = await asyncio.to_thread(
            start_worker, self.store_path, self.limits.worker_memory_mb
        )
        self._workers.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self._workers.discard(worker)

        async def respawn() -> None:
            try:
                new = await self._spawn()
            except Exception:  # pragma: no cover - logged, capacity shrinks by one
                log.exception("could not start a replacement query worker")
                return
            if self._stopped:
                new.kill()
            else:
                self._idle.put_nowait(new)

        if not self._stopped:
            task = asyncio.get_running_loop().create_task(respawn())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _free(self) -> bool:
        return not self._idle.empty()

    async def _acquire(self) -> Worker:
        return await self._idle.get()

    async def _answer(self, worker: Worker, job: Job) -> Outcome | Failure:
        loop = asyncio.get_running_loop()
        timeout = self.limits.query_timeout
        try:
            worker.conn.send(job)
            readable: asyncio.Future[None] = loop.create_future()
            fd = worker.conn.fileno()

            def wake() -> None:
                if not readable.done():
                    readable.set_result(None)

            loop.add_reader(fd, wake)
            try:
                await asyncio.wait_for(readable, timeout)
            finally:
                loop.remove_reader(fd)
            reply: Outcome | Failure = await asyncio.to_thread(worker.conn.recv)
        except TimeoutError:
            self._replace(worker)
            raise QueryRefused(
                503, "Query timed out", f"the query ran longer than {timeout:g} s and was cancelled",
                retry_after=self.limits.retry_after,
            ) from None  # fmt: skip
        except (EOFError, OSError, asyncio.CancelledError) as exc:
            self._replace(worker)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise QueryRefused(
                500, "Query engine failed", "the query worker stopped; it was restarted"
            ) from None
        self._idle.put_nowait(worker)
        return reply


class RemoteQueryService(_Admitting[None]):
    """Queries to a remote store: a slot is a thread waiting on the store with an HTTP
    deadline of ``query_timeout`` (past it the connection is closed and the client gets the
    same 503 as when a worker is killed; stopping the work on the store itself is the store's
    business: set its own query timeout)."""

    def __init__(self, release_id: str, store: RemoteStore, limits: PoolLimits) -> None:
        super().__init__(release_id, limits)
        self.store = store
        self._slots = asyncio.Semaphore(limits.max_concurrent)
        self._running = 0

    @property
    def busy(self) -> int:
        return self._running

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        await asyncio.to_thread(self.store.close)

    def _run(self, job: Job) -> Outcome | Failure:
        try:
            return execute(self.store, job)
        except RemoteTimeout:
            timeout = self.limits.query_timeout
            return Failure(503, "Query timed out",
                           f"the query ran longer than {timeout:g} s and was cancelled")  # fmt: skip
        except RemoteError as exc:
            return Failure(502, "Remote store failed", str(exc)[:500])

    def _free(self) -> bool:
        return not self._slots.locked()

    async def _acquire(self) -> None:
        await self._slots.acquire()

    async def _answer(self, slot: None, job: Job) -> Outcome | Failure:
        self._running += 1
        try:
            return await asyncio.to_thread(self._run, job)
        finally:
            self._running -= 1
            self._slots.release()
