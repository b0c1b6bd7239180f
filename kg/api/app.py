"""Application wiring only: the release, its services, error handlers, CORS and the routers.

Routes live in one router per resource (:mod:`kg.api.routers`); what they share is injected
through :mod:`kg.api.deps`. ``serve`` runs the app under uvicorn with the connection limits of
the settings.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles

from kg.api.deps import Service
from kg.api.http_limits import BodyLimitMiddleware, header_timeout_protocol
from kg.api.problems import install_problem_handlers
from kg.api.routers import dataset, home, linked_data, named, resolve, rest, sparql
from kg.api.settings import Settings
from kg.errors import ReleaseError
from kg.query.named import load_queries
from kg.query.service import QueryService, RemoteQueryService, WorkerPool
from kg.store.embedded import ServedRelease, open_release
from kg.store.remote import RemoteStore, basic_auth, open_remote_release
from kg.views.reader import Reader

__all__ = ["STATIC_DIR", "create_app", "serve"]

STATIC_DIR = Path(__file__).parent / "static"
EXPOSED_HEADERS = [
    "Link",
    "Retry-After",
    "X-Truncated",
    "Warning",
    "ETag",
    "Last-Modified",
    "Location",
]


def _store_auth(settings: Settings) -> httpx.Auth | None:
    value = settings.store_auth.get_secret_value() if settings.store_auth else None
    if settings.store_auth_env:
        value = os.environ.get(settings.store_auth_env)
        if value is None:
            raise ReleaseError(f"--store-auth-env: {settings.store_auth_env} is not set")
    try:
        return basic_auth(value)
    except ValueError as exc:
        raise ReleaseError(f"store authentication: {exc}") from None


def _open(release_dir: Path, settings: Settings) -> tuple[ServedRelease, QueryService]:
    """The release and its query service: embedded (worker pool) or a store `kg publish`
    loaded (remote service)."""
    limits = settings.pool_limits()
    if settings.store is not None:
        release = open_remote_release(
            release_dir, settings.store, auth=_store_auth(settings), timeout=settings.query_timeout
        )
        assert isinstance(release.store, RemoteStore)
        return release, RemoteQueryService(release.id, release.store, limits)
    release = open_release(release_dir, settings.cache_dir)
    assert release.store_path is not None
    return release, WorkerPool(release.id, release.store_path, limits)


def create_app(release_dir: Path, settings: Settings | None = None) -> FastAPI:
    """The service for one release folder (verified against its manifest on start)."""
    settings = settings or Settings(release=release_dir)
    release, queries = _open(release_dir, settings)
    service = Service(
        release, settings, queries, Reader(release.store), load_queries(settings.queries_dir)
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await queries.start()
        try:
            yield
        finally:
            await queries.stop()

    app = FastAPI(
        title="dmkg: Drug Monograph Knowledge Graph",
        version=release.id,
        description="SPARQL 1.1 Protocol endpoint, named queries, REST and Linked Data views "
        "of one immutable release.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc are served from local assets (kg.api.routers.home)
        redoc_url=None,
    )
    app.state.service = service
    install_problem_handlers(app, settings.retry_after)
    app.add_middleware(
        BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout
    )
    # Every route is a public read route: any origin, never with credentials (Starlette would
    # reflect the Origin if credentials were allowed with "*").
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_credentials=False,
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    for module in (home, sparql, named, rest, linked_data, dataset, resolve):
        app.include_router(module.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("paths", {}).update(
                named.openapi_paths(service.named_queries, settings)
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(settings: Settings) -> None:
    """Run the service under uvicorn with the connection limits of ``settings``."""
    import uvicorn

    app = create_app(settings.release, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=header_timeout_protocol(settings.body_timeout),
        timeout_keep_alive=settings.keep_alive,
        limit_concurrency=settings.limit_concurrency,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_graceful_shutdown=5,
        server_header=False,
        proxy_headers=False,
        log_level="info",
    )
    uvicorn.Server(config).run()
