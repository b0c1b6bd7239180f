"""REST JSON for people who do not write SPARQL: lists, search and whole monographs.

Lists are searched by label, synonyms and brand names (``?q=``, case-insensitive substring)
and paged (``limit``/``offset``, with ``Link: rel="next"`` only when a next page exists and the
total in the body). Everything is read through the release's :class:`kg.views.reader.Reader`,
cached per release.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Final, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from kg.api.deps import PublicBaseDep, ReaderDep, ReleaseDep
from kg.api.ld_pages import source_text_bytes
from kg.api.pages import with_head
from kg.api.problems import ProblemError
from kg.api.urls import KINDS
from kg.curation.records import ID_PATTERN
from kg.rdf.vocab import entity_iri
from kg.views.models import Claim, Monograph, Note, SourceRecord, Summary
from kg.views.reader import Reader

__all__ = ["Page", "SourceDetail", "router"]

router = APIRouter(tags=["rest"])

MAX_LIMIT: Final = 1000
CACHE_CONTROL: Final = "public, max-age=3600"
"""Source texts change only with a new release; the ETag (their sha256) revalidates."""
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; ``total`` counts every match, not just this page."""

    total: int
    limit: int
    offset: int
    items: list[T]


class SourceDetail(SourceRecord):
    """A source with its curator notes and the claims curated from it."""

    curator_notes: list[Note] = Field([], description="notes on passages, in text order")
    claims_curated: list[Claim] = Field(default_factory=list)


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10**9, description="items to skip")]
Search = Annotated[
    str | None,
    Query(max_length=200, description="case-insensitive substring of a label or synonym"),
]


def _page(
    request: Request, base: str, response: Response, items: Sequence[T], limit: int, offset: int
) -> Page[T]:
    """Slice ``items`` and set ``Link: rel="next"`` when more remain."""
    total = len(items)
    if offset + limit < total:
        query = urlencode({**request.query_params, "offset": offset + limit, "limit": limit})
        response.headers["Link"] = f'<{base}{request.url.path}?{query}>; rel="next"'
    return Page[T](
        total=total, limit=limit, offset=offset, items=list(items[offset : offset + limit])
    )


def _matches(s: Summary, q: str | None) -> bool:
    if not q:
        return True
    needle = q.casefold()
    names = [s.label or "", s.id, *s.synonyms, *s.brand_names]
    return any(needle in n.casefold() for n in names)


def _list(
    kind: str, reader: Reader, request: Request, base: str, response: Response, q: str | None,
    limit: int, offset: int,
) -> Page[Summary]:  # fmt: skip
    items = [s for s in reader.summaries(kind) if _matches(s, q)]
    return _page(request, base, response, items, limit, offset)


def _one(kind: str, reader: Reader, ident: str) -> Monograph:
    # an index lookup, not a scan of every summary of the kind (5.6 s at 10,000 drugs)
    iri = entity_iri(kind, ident)
    found = re.fullmatch(ID_PATTERN, ident) is not None and reader.exists(iri)
    m = reader.monograph(iri) if found else None
    if m is None:
        raise ProblemError(404, "Not Found", f"no {kind} with id {ident!r}", id=ident, kind=kind)
    return m


def _register(collection: str, kind: str) -> None:
    """``GET /<collection>`` and ``GET /<collection>/{id}`` for one entity kind."""
    noun = collection.replace("-", " ")

    def list_route(
        request: Request,
        response: Response,
        reader: ReaderDep,
        base: PublicBaseDep,
        q: Search = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[Summary]:
        return _list(kind, reader, request, base, response, q, limit, offset)

    def one_route(reader: ReaderDep, id: str) -> Monograph:
        return _one(kind, reader, id)

    router.add_api_route(
        f"/{collection}",
        list_route,
        methods=["GET"],
        response_model=Page[Summary],
        summary=f"List or search {noun}",
        operation_id=f"list_{kind.replace('-', '_')}",
        responses={422: {"description": "invalid parameter (problem+json)"}},
    )
    router.add_api_route(
        f"/{collection}/{{id}}",
        one_route,
        methods=["GET"],
        response_model=Monograph,
        summary=f"One {noun[:-1]} with every claim and its evidence",
        operation_id=f"get_{kind.replace('-', '_')}",
        responses={404: {"description": "unknown id (problem+json)"}},
    )


for _collection, _kind in KINDS.items():
    _register(_collection, _kind)


def _source_matches(s: SourceRecord, q: str | None) -> bool:
    if not q:
        return True
    needle = q.casefold()
    return any(needle in (n or "").casefold() for n in (s.id, s.title, s.citation, *s.creators))


@router.get(
    "/sources",
    response_model=Page[SourceRecord],
    summary="List or search source documents (metadata and sha256)",
    operation_id="list_sources",
)
def list_sources(
    request: Request, response: Response, reader: ReaderDep, base: PublicBaseDep,
    q: Search = None, limit: Limit = 50, offset: Offset = 0,
) -> Page[SourceRecord]:  # fmt: skip
    items = [s for s in reader.sources() if _source_matches(s, q)]
    return _page(request, base, response, items, limit, offset)


@router.get(
    "/sources/{id}",
    response_model=SourceDetail,
    summary="One source with its curator notes and the claims curated from it",
    operation_id="get_source",
    responses={404: {"description": "unknown id (problem+json)"}},
)
def get_source(reader: ReaderDep, id: str) -> SourceDetail:
    src = next((s for s in reader.sources() if s.id == id), None)
    if src is None:
        raise ProblemError(404, "Not Found", f"no source with id {id!r}", id=id, kind="source")
    _, named = reader.claims_naming(src.iri)
    claims = [c for c in named if c.source is not None and c.source.iri == src.iri]
    return SourceDetail(
        **src.model_dump(), curator_notes=reader.source_notes(src.iri), claims_curated=claims
    )


@router.get(
    "/sources/{id}/text",
    summary="A source's whole text, byte for byte as curated (its sha256 is the ETag)",
    operation_id="get_source_text",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}, 304: {}, 404: {"description": "unknown id"}},
)
def get_source_text(request: Request, reader: ReaderDep, release: ReleaseDep, id: str) -> Response:
    src = next((s for s in reader.sources() if s.id == id), None)
    if src is None:
        raise ProblemError(404, "Not Found", f"no source with id {id!r}", id=id, kind="source")
    data = source_text_bytes(release, id)
    if data is None:
        raise ProblemError(404, "Not Found", f"release {release.id} carries no text for {id!r} "
                           "(built before sources.tar)", id=id, kind="source")  # fmt: skip
    etag = f'"{src.sha256}"' if src.sha256 else None
    headers = {"Cache-Control": CACHE_CONTROL, "Link": f'<{src.href}>; rel="describedby"'}
    if etag:
        headers["ETag"] = etag
        if etag in {
            t.strip().removeprefix("W/")
            for t in request.headers.get("if-none-match", "").split(",")
        }:
            return Response(status_code=304, headers=headers)
    return Response(data, media_type="text/plain; charset=utf-8", headers=headers)


with_head(router)
