"""``/sparql``: the SPARQL 1.1 Protocol (query operation only), read-only and guarded.

GET and POST (form or ``application/sparql-query``) run a query; anything else is a 4xx with
an ``application/problem+json`` body. With no query, a browser gets the HTML query page and
other clients the SPARQL service description. The web process only parses the HTTP request and
runs the guards; queries run in the query service (:mod:`kg.query.service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any, Final
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pyoxigraph import NamedNode

from kg.api.answers import choose_media, outcome_response, rdf_response
from kg.api.conneg import negotiate
from kg.api.deps import (
    NamedQueriesDep,
    PublicBaseDep,
    QueriesDep,
    ReaderDep,
    ReleaseDep,
    SettingsDep,
)
from kg.api.problems import ProblemError, not_acceptable
from kg.api.query_page import (
    DEFAULT_QUERY,
    HTML_ROWS,
    PageQuery,
    downloads,
    render_query_page,
    run,
)  # fmt: skip
from kg.query.guards import check_query, update_refused
from kg.query.job import Job
from kg.rdf.media import GRAPH_MEDIA, HTML, RDF_MEDIA, SOLUTION_MEDIA
from kg.release.describe import service_description
from kg.views.statistics import served_statistics

__all__ = ["router"]

router = APIRouter(tags=["sparql"])

_ALLOW: Final = "GET, HEAD, POST, OPTIONS"
_FORM_TYPE: Final = "application/x-www-form-urlencoded"
_QUERY_TYPE: Final = "application/sparql-query"
_UPDATE_TYPE: Final = "application/sparql-update"
_MAX_PERMALINK: Final = 8000
"""Longest permalink written (browsers and proxies cut longer URLs; POST has no permalink)."""
_PROTOCOL_DOC: Final[dict[str, Any]] = {
    "parameters": [
        {"name": "query", "in": "query", "schema": {"type": "string"},
         "description": "SPARQL 1.1 query; without it: service description or HTML query page"},
        {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
         "style": "form", "explode": True, "description": "graphs of the release merged as default graph"},
        {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
         "style": "form", "explode": True, "description": "graphs of the release available to GRAPH"},
        {"name": "format", "in": "query", "schema": {"type": "string"},
         "description": "force the answer type: json, xml, csv, tsv, turtle, nt, jsonld or a media type"},
    ],
    "responses": {
        "200": {"description": "query answer", "content": {m: {} for m in (*SOLUTION_MEDIA, *GRAPH_MEDIA)}},
        **{str(s): {"description": d, "content": {"application/problem+json": {}}} for s, d in (
            (400, "syntax error, SERVICE, too deep"), (403, "update"), (406, "no acceptable type"),
            (413, "query or body too large"), (415, "unsupported Content-Type"),
            (503, "timed out or busy (Retry-After)"))},
    },
}  # fmt: skip
_POST_DOC: Final[dict[str, Any]] = {
    **_PROTOCOL_DOC,
    "requestBody": {"content": {
        _FORM_TYPE: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}}},
        _QUERY_TYPE: {"schema": {"type": "string"}},
    }},
}  # fmt: skip


class _Context:
    """What one ``/sparql`` request needs of the service."""

    def __init__(
        self, request: Request, settings: SettingsDep, queries: QueriesDep, base: PublicBaseDep,
        release: ReleaseDep, named: NamedQueriesDep, reader: ReaderDep,
    ) -> None:  # fmt: skip
        self.request, self.settings, self.queries = request, settings, queries
        self.endpoint = base + "/sparql"
        self.release, self.named, self.reader = release, named, reader


async def answer(
    ctx: _Context,
    query: str,
    *,
    forced: Sequence[str] = (),
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
) -> Response:
    """Guard, negotiate, run and render one query: the answer, or for a browser (HTML
    preferred, no ``format``) the query page showing it."""
    info = check_query(query, ctx.settings.query_limits())
    job = Job(
        query, SOLUTION_MEDIA[0], default_graphs, named_graphs, info.has_dataset,
        max_rows=ctx.settings.max_rows, base_iri=_base_iri(ctx.endpoint),
    )  # fmt: skip
    accept = ctx.request.headers.get("accept")
    offered = GRAPH_MEDIA if info.form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_MEDIA
    if not any(v.strip() for v in forced) and negotiate(accept, [*offered, HTML]) == HTML:
        return await _page(
            ctx, query, info.form, replace(job, max_rows=min(job.max_rows, HTML_ROWS))
        )
    media = choose_media(info.form, accept, forced)
    return outcome_response(await ctx.queries.run(replace(job, media_type=media)))


def _permalink(ctx: _Context, query: str) -> str | None:
    """The GET address of this query and its dataset (None when too long for a URL)."""
    params = [(k, v) for k, v in ctx.request.query_params.multi_items() if k.endswith("graph-uri")]
    url = "/sparql?" + urlencode([("query", query), *params])
    return url if len(url) <= _MAX_PERMALINK else None


async def _page(ctx: _Context, query: str, form: str, job: Job) -> Response:
    page = PageQuery(text=query, form=form, permalink=_permalink(ctx, query))
    await run(page, ctx.queries, ctx.reader, job, ctx.settings.retry_after)
    if page.permalink is not None:
        page.downloads = downloads(form, page.permalink)
    return _render(ctx, page, ran=True)


def _render(ctx: _Context, page: PageQuery, ran: bool) -> Response:
    return render_query_page(
        page, reader=ctx.reader, named=ctx.named, release=ctx.release.id,
        endpoint=ctx.endpoint, max_rows=ctx.settings.max_rows, ran=ran,
    )  # fmt: skip


def _params_answer_kwargs(params: list[tuple[str, str]]) -> dict[str, Any]:
    defaults = tuple(v for k, v in params if k == "default-graph-uri")
    named = tuple(v for k, v in params if k == "named-graph-uri")
    protocol = bool(defaults or named)
    return {
        "forced": [v for k, v in params if k in ("format", "output")],
        "default_graphs": defaults if protocol else None,
        "named_graphs": named if protocol else None,
    }


async def _dispatch(
    ctx: _Context, params: list[tuple[str, str]], body_query: str | None = None
) -> Response:
    if any(k == "update" for k, _ in params):
        raise update_refused("update")
    queries = [v for k, v in params if k == "query"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise ProblemError(400, "Bad Request", "exactly one query is allowed per request")
    if not queries:
        return _describe(ctx)
    if not queries[0].strip():
        raise ProblemError(400, "Bad Request", "the query is empty")
    return await answer(ctx, queries[0], **_params_answer_kwargs(params))


@router.api_route(
    "/sparql", methods=["GET", "HEAD"], summary="SPARQL 1.1 query (GET)", openapi_extra=_PROTOCOL_DOC,
    response_class=Response,
)  # fmt: skip
async def sparql_get(ctx: Annotated[_Context, Depends()]) -> Response:
    return await _dispatch(ctx, list(ctx.request.query_params.multi_items()))


def _decode(body: bytes, charset: str | None) -> str:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise ProblemError(
            415, "Unsupported Media Type", f"charset {charset!r}: only UTF-8 is accepted"
        )
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProblemError(
            415, "Unsupported Media Type", "UTF-16 bodies are not accepted; send UTF-8"
        )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            400, "Bad Request", f"the body is not valid UTF-8 (byte {exc.start})"
        ) from None


def _content_type(request: Request) -> tuple[str, str | None]:
    raw = request.headers.get("content-type", "")
    media, *params = (p.strip() for p in raw.split(";"))
    charset = next(
        (p.split("=", 1)[1].strip().strip('"') for p in params if p.lower().startswith("charset=")),
        None,
    )
    return media.lower(), charset


@router.post("/sparql", summary="SPARQL 1.1 query (POST form or body)", openapi_extra=_POST_DOC,
             response_class=Response)  # fmt: skip
async def sparql_post(ctx: Annotated[_Context, Depends()]) -> Response:
    request = ctx.request
    media, charset = _content_type(request)
    url_params = list(request.query_params.multi_items())
    if media == _UPDATE_TYPE:
        raise update_refused(_UPDATE_TYPE)
    if media not in (_FORM_TYPE, _QUERY_TYPE):
        raise ProblemError(
            415, "Unsupported Media Type", f"send {_FORM_TYPE} or {_QUERY_TYPE}",
            supported=[_FORM_TYPE, _QUERY_TYPE],
        )  # fmt: skip
    text = _decode(await request.body(), charset)
    if media == _QUERY_TYPE:
        return await _dispatch(ctx, url_params, text)
    try:
        form = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(400, "Bad Request", "malformed form body") from None
    return await _dispatch(ctx, url_params + form)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    raise ProblemError(
        405, "Method Not Allowed", f"{request.method}: this endpoint only answers queries",
        headers={"Allow": _ALLOW},
    )  # fmt: skip


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": _ALLOW})


# --- without a query: service description or HTML page -------------------------------------------


def _base_iri(endpoint: str) -> str | None:
    """The endpoint URL as the base of relative IRIs in queries; None if it is no valid IRI
    (the Host header is the client's)."""
    try:
        NamedNode(endpoint)
    except ValueError:
        return None
    return endpoint


def _describe(ctx: _Context) -> Response:
    rdf = [m for m in RDF_MEDIA if m in GRAPH_MEDIA]
    chosen = negotiate(ctx.request.headers.get("accept"), [*rdf, HTML])
    if chosen is None:
        raise not_acceptable([*rdf, HTML])
    if chosen == HTML:
        return query_page(ctx)
    stats = served_statistics(ctx.reader, ctx.release)
    return rdf_response(service_description(ctx.endpoint, stats), chosen)


def query_page(ctx: _Context) -> Response:
    """The HTML query page with the default query and no answer yet."""
    return _render(ctx, PageQuery(text=DEFAULT_QUERY), ran=False)
