"""Serving a release from a remote SPARQL store (``kg serve --store URL``).

The release folder still gives the manifest, dumps and ``/void``; the triples come from the
store ``kg publish`` loaded, through ``kg.remote.RemoteStore``. On start the store's recorded
release id must equal the folder's: a service never answers from one release while describing
another.

Queries bypass the worker pool. The pool exists because an embedded pyoxigraph query cannot be
cancelled and may crash the process; a remote query runs in another process already, and the
web process only waits on a socket. So each query runs in a thread with an HTTP deadline of
``query_timeout``: past it the connection is closed and the client gets the same 503 (with
``Retry-After``) as when a worker is killed. Stopping the work on the store itself is the
store's business (set its own query timeout, see README "Remote stores"). The bounds are
otherwise the pool's: ``max_concurrent`` queries at once, ``max_queued`` waiting, then 503;
answers capped at ``max_rows`` and cached in the same bounded LRU.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from kg.api.executor import AdmittingService, Failure, Job, Outcome, execute
from kg.api.problems import problem_response
from kg.api.settings import Settings
from kg.errors import ReleaseError
from kg.remote import RemoteError, RemoteStore, RemoteTimeout, basic_auth, published
from kg.store import Release, pin_release
from kg.vocab import GRAPH_INFERRED

__all__ = ["RemoteQueryService", "install_remote_handlers", "open_remote_release"]


def _auth(settings: Settings) -> Any:
    value = settings.store_auth.get_secret_value() if settings.store_auth else None
    if settings.store_auth_env:
        value = os.environ.get(settings.store_auth_env)
        if value is None:
            raise ReleaseError(f"--store-auth-env: {settings.store_auth_env} is not set")
    try:
        return basic_auth(value)
    except ValueError as exc:
        raise ReleaseError(f"store authentication: {exc}") from None


def open_remote_release(release_dir: Path, settings: Settings) -> Release:
    """The verified release folder with a ``RemoteStore`` that must hold that very release."""
    url = settings.store
    assert url is not None
    release_dir = release_dir.absolute()
    manifest, pinned = pin_release(release_dir)
    auth = _auth(settings)
    try:
        release_id, graphs = published(url, auth=auth, timeout=max(settings.query_timeout, 10))
    except RemoteError as exc:
        raise ReleaseError(f"cannot read the published release: {exc}") from None
    wanted = str(manifest.get("release", "unknown"))
    if release_id is None:
        raise ReleaseError(f"{url}: no dmkg release is published there (run `kg publish`)")
    if release_id != wanted:
        raise ReleaseError(
            f"{url} holds release {release_id}, but {release_dir} is release {wanted}: "
            "publish this folder (`kg publish`) or serve the matching one"
        )
    expected = set(manifest.get("graphs", {}))
    if (release_dir / "kg-inferred.ttl").is_file():
        expected.add(GRAPH_INFERRED)
    if not expected <= set(graphs):
        missing = ", ".join(sorted(expected - set(graphs)))
        raise ReleaseError(f"{url}: the published release lacks graphs: {missing}")
    store = RemoteStore(url, graphs, auth=auth, timeout=settings.query_timeout)
    return Release(release_dir, manifest, store, Path(), frozenset(graphs), pinned)


async def _on_remote(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RemoteError)
    if isinstance(exc, RemoteTimeout):
        retry = str(request.app.state.settings.retry_after)
        return problem_response(503, "Query timed out", str(exc), {"Retry-After": retry})
    return problem_response(502, "Remote store failed", str(exc))


def install_remote_handlers(app: FastAPI) -> None:
    """Remote failures in the in-process reads (REST, Linked Data): 503 on time-out, else 502."""
    app.add_exception_handler(RemoteError, _on_remote)


class RemoteQueryService(AdmittingService[None]):
    """``QueryService`` for a remote store: ``await run(job)`` -> ``Outcome`` or ``ProblemError``.
    A slot is a thread waiting on the store, with an HTTP deadline (no process to kill)."""

    def __init__(self, release: Release, settings: Settings) -> None:
        super().__init__(release, settings)
        assert isinstance(release.store, RemoteStore)
        self.store: RemoteStore = release.store
        self._slots = asyncio.Semaphore(settings.max_concurrent)
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
            timeout = self.settings.query_timeout
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
