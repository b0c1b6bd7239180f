"""Queries run in worker processes that are killed and replaced when they run too long.

Neither pyoxigraph's nor rdflib's Python API can cancel a running query, and pyoxigraph can
crash the whole process on pathological input; so the web process never evaluates a query.
A fixed pool of workers (forked from a clean forkserver, each with the release store open
read-only) takes jobs over pipes; a job that runs past the time limit gets its worker killed
and a fresh one started, and the client gets 503 with Retry-After. Past the pool and a small
bounded queue, requests get 503 at once: no unbounded backlog. Answers are capped at
``max_rows`` (more is flagged, never silent) and, since releases are immutable, cached in a
bounded LRU keyed by release, query, dataset, bindings and format.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import ctypes
import ctypes.util
import io
import itertools
import json
import logging
import multiprocessing
import multiprocessing.connection
import os
import re
import signal
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, QueryTriples, Triple

from kg.api.conneg import RDF_MEDIA, RESULTS_MEDIA
from kg.sparqltext import with_values
from kg.vocab import PREFIXES, XSD

if TYPE_CHECKING:
    from kg.store import QueryableStore

__all__ = [
    "GRAPH_MEDIA",
    "SOLUTION_MEDIA",
    "AdmittingService",
    "Failure",
    "Job",
    "Outcome",
    "QueryService",
    "Term",
    "execute",
    "run_once",
]

Term = NamedNode | BlankNode | Literal | Triple
SOLUTION_MEDIA: Final = tuple(RESULTS_MEDIA)
"""SELECT/ASK answer types, default first."""
GRAPH_MEDIA: Final = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
"""CONSTRUCT/DESCRIBE answer types, default first."""
_XSD_STRING: Final = XSD + "string"
_RESULTS_NS: Final = "http://www.w3.org/2005/sparql-results#"
_WITH_PREFIXES: Final = frozenset({"text/turtle", "application/rdf+xml", "application/trig"})
log = logging.getLogger("kg.api.executor")


@dataclass(frozen=True)
class Job:
    """One query to run. ``default_graphs``/``named_graphs`` come from the protocol and
    override the query's FROM; with neither and no FROM, the union of all graphs is used."""

    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    query_has_dataset: bool = False
    substitutions: tuple[tuple[str, Term], ...] = ()
    offset: int = 0
    limit: int | None = None
    max_rows: int = 10_000
    base_iri: str | None = None
    """Base of relative IRIs in the query (the endpoint's URL, as the protocol allows)."""

    def key(self, release: str) -> tuple[object, ...]:
        subs = tuple((k, str(v)) for k, v in self.substitutions)
        return (release, self.query, self.media_type, self.default_graphs, self.named_graphs,
                subs, self.offset, self.limit, self.max_rows, self.base_iri)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """A serialised answer. ``truncated``: more than ``max_rows`` existed; ``more``: a next
    page exists (paged jobs only)."""

    media_type: str
    body: bytes
    rows: int
    truncated: bool = False
    more: bool = False
    elapsed: float = 0.0
    form: str = "SELECT"


@dataclass(frozen=True)
class Failure:
    """A query the engine refused (syntax or evaluation error), as the client will see it."""

    status: int
    title: str
    detail: str
    extensions: dict[str, object] = field(default_factory=dict)


# --- serialisation (worker side) --------------------------------------------------------------


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    parts = "".join(
        f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object")
    )
    return f"<triple>{parts}</triple>"


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


def serialize_solutions(
    variables: Sequence[str], rows: Sequence[Sequence[Term | None]], media: str
) -> bytes:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) for a capped list of rows."""
    if media == "application/sparql-results+json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media == "application/sparql-results+xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in rows
        )
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}"><head>{head}</head>'
                f"<results>{results}</results></sparql>\n").encode()  # fmt: skip
    if media == "text/csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    if media == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"not a results media type: {media}")


def serialize_boolean(value: bool, media: str) -> bytes:
    if media == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media == "application/sparql-results+xml":
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()  # fmt: skip
    if media in ("text/csv", "text/tab-separated-values"):
        return b"true\n" if value else b"false\n"
    raise ValueError(f"not a results media type: {media}")


def serialize_triples(triples: Iterable[Triple], media: str) -> bytes:
    fmt = RDF_MEDIA[media]
    prefixes = PREFIXES if media in _WITH_PREFIXES else None
    return pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes) or b""


# --- evaluation (worker side) ---------------------------------------------------------------------

_POSITION = re.compile(r"error at (\d+):(\d+):?\s*")


def _dataset_options(job: Job) -> dict[str, Any]:
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()],
        }
    if job.query_has_dataset:
        return {}  # the query's FROM / FROM NAMED; graphs not in the release are empty
    return {"use_default_graph_as_union": True}


def execute(store: QueryableStore, job: Job) -> Outcome | Failure:
    """Run ``job`` on ``store`` and serialise at most ``max_rows`` (or one page) of it."""
    start = time.perf_counter()
    try:
        options = _dataset_options(job)
        if job.base_iri is not None:
            options["base_iri"] = job.base_iri
        # parameters pre-bound as a VALUES block: the plan starts from them (kg.sparqltext)
        result = store.query(with_values(job.query, job.substitutions), **options)
        cap = job.limit if job.limit is not None else job.max_rows
        if isinstance(result, QuerySolutions):
            variables = [v.value for v in result.variables]
            items = list(itertools.islice(result, job.offset, job.offset + cap + 1))
            rows = [[sol[v] for v in range(len(variables))] for sol in items[:cap]]
            media = job.media_type if job.media_type in RESULTS_MEDIA else SOLUTION_MEDIA[0]
            body, form = serialize_solutions(variables, rows, media), "SELECT"
        elif isinstance(result, QueryTriples):
            items = list(itertools.islice(result, job.offset, job.offset + cap + 1))
            media = job.media_type if job.media_type in GRAPH_MEDIA else GRAPH_MEDIA[0]
            body, form = serialize_triples(items[:cap], media), "CONSTRUCT"
        else:
            media = job.media_type if job.media_type in RESULTS_MEDIA else SOLUTION_MEDIA[0]
            return Outcome(media, serialize_boolean(bool(result), media), 1,
                           elapsed=time.perf_counter() - start, form="ASK")  # fmt: skip
    except SyntaxError as exc:
        message = str(exc)
        m = _POSITION.search(message)
        ext: dict[str, object] = {"line": int(m[1]), "column": int(m[2])} if m else {}
        where = f"line {m[1]}, column {m[2]}: " if m else ""
        return Failure(400, "Query syntax error", where + _POSITION.sub("", message), ext)
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        return Failure(400, "Query evaluation failed", str(exc)[:500])
    more = len(items) > cap
    paged = job.limit is not None
    return Outcome(media, body, min(len(items), cap), truncated=more and not paged,
                   more=more and paged, elapsed=time.perf_counter() - start, form=form)  # fmt: skip


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
    from kg.store import open_store

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


# --- worker handles (server side) -----------------------------------------------------------------

_CONTEXT: ForkServerContext | None = None


def _context() -> ForkServerContext:
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["kg.api.executor", "kg.store"])
        _CONTEXT = ctx
    return _CONTEXT


class _Worker:
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


def _start_worker(store_path: Path, memory_mb: int) -> _Worker:
    worker = _Worker(store_path, memory_mb)
    worker.wait_ready(60)
    return worker


def _problem(
    status: int, title: str, detail: str, retry_after: int | None = None, **ext: object
) -> Exception:
    from kg.api.problems import ProblemError

    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ProblemError(status, title, detail, headers=headers, **ext)


def _failure_error(failure: Failure, retry_after: int) -> Exception:
    retry = retry_after if failure.status == 503 else None
    return _problem(failure.status, failure.title, failure.detail, retry, **failure.extensions)


class _ResultCache:
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


class AdmittingService(Generic[_Slot]):
    """What every query service shares: the answer cache (releases are immutable) and
    admission: a bounded wait for a free slot, 503 with Retry-After past the queue or the
    wait. Subclasses say what a slot is and how a job is answered on one."""

    slot_name = "slot"

    def __init__(self, release: Any, settings: Any) -> None:
        self.release_id: str = release.id
        self.settings = settings
        self.cache = _ResultCache(settings.cache_entries, settings.cache_bytes)
        self._waiting = 0

    def _free(self) -> bool:
        raise NotImplementedError

    async def _acquire(self) -> _Slot:
        raise NotImplementedError

    async def _answer(self, slot: _Slot, job: Job) -> Outcome | Failure:
        raise NotImplementedError

    async def run(self, job: Job) -> Outcome:
        """The job's answer, from the cache or a slot; raises ``ProblemError`` (4xx/5xx)."""
        key = job.key(self.release_id)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        retry, what = self.settings.retry_after, self.slot_name
        if not self._free() and self._waiting >= self.settings.max_queued:
            raise _problem(503, "Server busy", f"all query {what}s are busy; retry shortly", retry)
        self._waiting += 1
        try:
            slot = await asyncio.wait_for(self._acquire(), self.settings.query_timeout)
        except TimeoutError:
            raise _problem(
                503, "Server busy", f"no query {what} became free in time", retry
            ) from None
        finally:
            self._waiting -= 1
        reply = await self._answer(slot, job)
        if isinstance(reply, Failure):
            raise _failure_error(reply, retry)
        self.cache.put(key, reply)
        return reply


class QueryService(AdmittingService[_Worker]):
    """The worker pool of one release: ``await run(job)`` -> ``Outcome`` or ``ProblemError``."""

    slot_name = "worker"

    def __init__(self, release: Any, settings: Any) -> None:
        super().__init__(release, settings)
        self.store_path: Path = release.store_path
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopped = False

    @property
    def busy(self) -> int:
        return len(self._workers) - self._idle.qsize()

    async def start(self) -> None:
        size = self.settings.max_concurrent
        workers = await asyncio.gather(*(self._spawn() for _ in range(size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def stop(self) -> None:
        self._stopped = True
        for task in list(self._tasks):
            task.cancel()
        for worker in list(self._workers):
            worker.kill()
        self._workers.clear()

    async def _spawn(self) -> _Worker:
        worker = await asyncio.to_thread(
            _start_worker, self.store_path, self.settings.worker_memory_mb
        )
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
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

    async def _acquire(self) -> _Worker:
        return await self._idle.get()

    async def _answer(self, worker: _Worker, job: Job) -> Outcome | Failure:
        loop = asyncio.get_running_loop()
        timeout = self.settings.query_timeout
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
            raise _problem(
                503, "Query timed out", f"the query ran longer than {timeout:g} s and was cancelled",
                self.settings.retry_after,
            ) from None  # fmt: skip
        except (EOFError, OSError, asyncio.CancelledError) as exc:
            self._replace(worker)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise _problem(
                500, "Query engine failed", "the query worker stopped; it was restarted"
            ) from None
        self._idle.put_nowait(worker)
        return reply


def run_once(store_path: Path, job: Job, timeout: float, memory_mb: int = 0) -> Outcome:
    """Run one job in a fresh worker with a time limit (the CLI's path); raises ProblemError."""
    worker = _start_worker(store_path, memory_mb)
    try:
        worker.conn.send(job)
        if not worker.conn.poll(timeout):
            raise _problem(
                503, "Query timed out", f"the query ran longer than {timeout:g} s and was cancelled"
            )
        try:
            reply: Outcome | Failure = worker.conn.recv()
        except EOFError:
            raise _problem(500, "Query engine failed", "the query worker stopped") from None
    finally:
        worker.kill()
    if isinstance(reply, Failure):
        raise _failure_error(reply, 0)
    return reply
