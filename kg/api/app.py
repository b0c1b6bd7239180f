"""Application wiring only: release, settings, executor, error handlers, CORS and routers.

Routes live in one router per resource (``sparql``, ``named``; REST, Linked Data and metadata
routers from ``rest``, ``linked_data``, ``meta``). ``serve`` runs it under uvicorn with the
connection limits of the settings.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from kg.api import linked_data, meta, named, resolve, rest, sparql
from kg.api.executor import QueryService
from kg.api.guards import BodyLimitMiddleware
from kg.api.problems import install_problem_handlers
from kg.api.settings import Settings
from kg.store import open_release

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
log = logging.getLogger("kg.api")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    service: QueryService = app.state.queries  # or kg.api.remote.RemoteQueryService
    await service.start()
    try:
        yield
    finally:
        await service.stop()


def create_app(release_dir: Path, settings: Settings | None = None) -> FastAPI:
    """The service for one release folder (verified against its manifest on start)."""
    settings = settings or Settings(release=release_dir)
    queries: Any
    if settings.store is not None:  # a store `kg publish` loaded; see kg.api.remote
        from kg.api.remote import RemoteQueryService, open_remote_release

        release = open_remote_release(release_dir, settings)
        queries = RemoteQueryService(release, settings)
    else:
        release = open_release(release_dir, settings.cache_dir)
        queries = QueryService(release, settings)
    app = FastAPI(
        title="dmkg: Drug Monograph Knowledge Graph",
        version=release.id,
        description="SPARQL 1.1 Protocol endpoint, named queries, REST and Linked Data views "
        "of one immutable release.",
        lifespan=_lifespan,
    )
    app.state.release = release
    app.state.settings = settings
    app.state.queries = queries
    install_problem_handlers(app)
    if settings.store is not None:
        from kg.api.remote import install_remote_handlers

        install_remote_handlers(app)
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
    for module in (sparql, named, rest, linked_data, meta, resolve):
        app.include_router(module.router)
    named.install_openapi(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def serve(settings: Settings) -> None:
    """Run the service under uvicorn with the connection limits of ``settings``."""
    import uvicorn

    from kg.api.guards import header_timeout_protocol

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
