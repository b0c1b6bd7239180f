"""Typed dependencies of the routes: the one place that reads the application's state.

``create_app`` puts one :class:`Service` on ``app.state``; routes ask for its parts with
``Annotated[..., Depends(...)]`` (FastAPI's "bigger applications" way), so a test can swap
any of them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kg.api.settings import Settings
from kg.query.service import QueryService
from kg.rdf.queryfile import NamedQuery
from kg.store.embedded import ServedRelease
from kg.views.reader import Reader

__all__ = [
    "NamedQueriesDep",
    "PublicBaseDep",
    "QueriesDep",
    "ReaderDep",
    "ReleaseDep",
    "Service",
    "ServiceDep",
    "SettingsDep",
    "public_base",
]


@dataclass
class Service:
    """Everything the routes of one served release share, built once by ``create_app``."""

    release: ServedRelease
    settings: Settings
    queries: QueryService
    reader: Reader
    named_queries: dict[str, NamedQuery]


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_settings(service: ServiceDep) -> Settings:
    return service.settings


def get_release(service: ServiceDep) -> ServedRelease:
    return service.release


def get_reader(service: ServiceDep) -> Reader:
    return service.reader


def get_queries(service: ServiceDep) -> QueryService:
    return service.queries


def get_named_queries(service: ServiceDep) -> dict[str, NamedQuery]:
    return service.named_queries


SettingsDep = Annotated[Settings, Depends(get_settings)]
ReleaseDep = Annotated[ServedRelease, Depends(get_release)]
ReaderDep = Annotated[Reader, Depends(get_reader)]
QueriesDep = Annotated[QueryService, Depends(get_queries)]
NamedQueriesDep = Annotated[dict[str, NamedQuery], Depends(get_named_queries)]


def public_base(request: Request, settings: SettingsDep) -> str:
    """The public base URL of every link the service writes, without a trailing slash:
    ``DMKG_BASE_URL`` when set (a service behind a proxy), else the URL the request came in
    on. One rule for ``/sparql``, named queries, ``/void``, ``/resolve`` and paging links."""
    return (settings.base_url or str(request.base_url)).rstrip("/")


PublicBaseDep = Annotated[str, Depends(public_base)]
