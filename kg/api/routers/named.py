"""``/queries``: the named queries of ``queries/*.rq`` as typed, paged API routes.

Parameters are declared in each file's header, validated by :func:`kg.query.named.bind` (422
naming the parameter) and bound as RDF terms, never pasted into the query text; ``iri``
parameters also take the release's short forms (``age_group=Child``, ``drug=anakinra``). Paging fetches
``limit + 1`` rows so that ``Link: rel="next"`` appears only when a next page exists. Each
query is also its own path in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kg.api.answers import outcome_response
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
    HTML_ROWS,
    PageQuery,
    page_values,
    problem_of,
    render_query_page,
    run,
)  # fmt: skip
from kg.api.settings import Settings
from kg.query.guards import check_query
from kg.query.job import Job
from kg.query.named import Bound, ParamError, bind
from kg.query.service import QueryService
from kg.query.shortforms import ShortForms
from kg.rdf.media import EXTENSIONS, GRAPH_MEDIA, HTML, SOLUTION_MEDIA
from kg.rdf.queryfile import NamedQuery, ParamType
from kg.rdf.sparqltext import with_values
from kg.store.embedded import ServedRelease
from kg.views.reader import Reader

__all__ = ["PAGING", "openapi_paths", "router"]

router = APIRouter(tags=["named queries"])
PAGING: Final = ("limit", "offset")
_MAX_OFFSET: Final = 10_000_000
_SCHEMA: Final[dict[ParamType, dict[str, str]]] = {
    ParamType.IRI: {"type": "string", "format": "iri"},
    ParamType.CURIE: {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9._-]*:\\S*$"},
    ParamType.STRING: {"type": "string", "maxLength": "1000"},
    ParamType.INTEGER: {"type": "integer"},
    ParamType.DECIMAL: {"type": "number"},
    ParamType.LANGUAGE: {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
}


def _offered(query: NamedQuery) -> tuple[str, ...]:
    return GRAPH_MEDIA if query.form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_MEDIA


def _describe(query: NamedQuery, base: str) -> dict[str, Any]:
    path = f"{base}/queries/{query.name}"
    suffixes = ["ttl"] if query.form in ("CONSTRUCT", "DESCRIBE") else ["json", "csv", "tsv"]
    return {
        "name": query.name,
        "summary": query.summary,
        "tags": list(query.tags),
        "form": query.form,
        "parameters": [
            {
                "name": p.name,
                "type": p.type.value,
                "required": p.required,
                "description": p.description,
            }
            for p in query.params
        ],
        "example": dict(query.example),
        "links": {
            "self": path,
            "example": f"{path}?{urlencode(query.example)}" if query.example else path,
            **{s: f"{path}.{s}" for s in suffixes},
        },
    }


@router.get("/queries", summary="The named queries: summary, tags, typed parameters, example")
async def list_queries(named: NamedQueriesDep, base: PublicBaseDep) -> JSONResponse:
    return JSONResponse({"queries": [_describe(q, base) for q in named.values()]})


def _int(params: dict[str, str], name: str, default: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 0 <= int(raw) <= high:
        raise ProblemError(422, "Invalid parameter", f"parameter {name!r}: expected an integer 0..{high}",
                           parameter=name)  # fmt: skip
    return int(raw)


def _split(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    if dot and ext in EXTENSIONS:
        return stem, EXTENSIONS[ext]
    return name, None


@router.get("/queries/{name}", include_in_schema=False)
async def run_named(
    request: Request, name: str, named: NamedQueriesDep, settings: SettingsDep,
    queries: QueriesDep, base: PublicBaseDep, reader: ReaderDep, release: ReleaseDep,
) -> Response:  # fmt: skip
    stem, forced = _split(name)
    query = named.get(stem)
    if query is None:
        raise ProblemError(404, "Not Found", f"no named query {stem!r}; see /queries")
    offered = _offered(query)
    accept = request.headers.get("accept")
    items = list(request.query_params.multi_items())
    if forced is None and negotiate(accept, [*offered, HTML]) == HTML:
        return await _page(request, query, items, settings, queries, reader, release, named, base)
    media = forced if forced is not None else negotiate(accept, offered)
    if media not in offered:
        raise not_acceptable(offered)
    params: dict[str, str] = {}
    for key, value in items:
        if key in params:
            raise ProblemError(
                422, "Invalid parameter", f"parameter {key!r} given twice", parameter=key
            )
        params[key] = value
    limit = _int(params, "limit", min(settings.page_size, settings.max_rows), settings.max_rows)
    offset = _int(params, "offset", 0, _MAX_OFFSET)
    values = {k: v for k, v in params.items() if k not in PAGING}
    forms = reader.cached("short-forms", release.id, lambda: ShortForms.of_store(release.store))
    try:
        terms = bind(query, values, forms=forms)
    except ParamError as exc:
        raise ProblemError(422, "Invalid parameter", str(exc), parameter=exc.name) from None
    job = _job(query, media, terms, offset, limit, settings)
    outcome = await queries.run(job)
    links = []
    path = f"{base}/queries/{name}"
    if outcome.more:
        links.append(
            f'<{path}?{urlencode({**values, "limit": limit, "offset": offset + limit})}>; rel="next"'
        )
    if offset > 0:
        prev = {**values, "limit": limit, "offset": max(offset - limit, 0)}
        links.append(f'<{path}?{urlencode(prev)}>; rel="prev"')
    return outcome_response(outcome, {"Link": ", ".join(links)} if links else None)


def _job(
    query: NamedQuery, media: str, terms: Bound, offset: int, limit: int, settings: Settings
) -> Job:
    """The job of one named-query request: parameters pre-bound, one page of rows."""
    info = check_query(query.text, settings.query_limits())
    return Job(
        query.text, media, query_has_dataset=info.has_dataset,
        substitutions=tuple(terms.items()), offset=offset, limit=limit, max_rows=settings.max_rows,
    )  # fmt: skip


async def _page(
    request: Request, query: NamedQuery, items: list[tuple[str, str]], settings: Settings,
    queries: QueryService, reader: Reader, release: ServedRelease,
    named: dict[str, NamedQuery], base: str,
) -> Response:  # fmt: skip
    """The query page with this named query's form filled in and its answer (a browser's
    permalink): blank fields are left out; ``limit`` defaults to a whole page of HTML rows."""
    values = page_values(items, PAGING)
    page = PageQuery(text=query.text, form=query.form, named=query.name, values=values)
    raw = dict(items)
    try:
        limit = _int(raw, "limit", min(HTML_ROWS, settings.max_rows), settings.max_rows)
        offset = _int(raw, "offset", 0, _MAX_OFFSET)
        forms = reader.cached("short-forms", release.id, lambda: ShortForms.of_store(release.store))
        terms = bind(query, values, forms=forms)
    except ProblemError as exc:
        page.problem, page.status = problem_of(exc), exc.status
        terms = None
    except ParamError as exc:
        page.problem = {"status": 422, "title": "Invalid parameter", "detail": str(exc),
                        "parameter": exc.name}  # fmt: skip
        page.status, terms = 422, None
    if terms is not None:
        page.text = with_values(query.text, list(terms.items()))
        job = _job(query, SOLUTION_MEDIA[0], terms, offset, limit, settings)
        await run(page, queries, reader, job, settings.retry_after)
        url = f"/queries/{query.name}"
        page.permalink = f"{url}?{urlencode(values)}" if values else url
        page.downloads = [
            (label, f"{url}.{ext}?{urlencode({**values, 'limit': settings.max_rows})}")
            for label, ext in (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"), ("XML", "xml"))
        ]
    return render_query_page(
        page, reader=reader, named=named, release=release.id, endpoint=base + "/sparql",
        max_rows=settings.max_rows, ran=terms is not None,
    )  # fmt: skip


def _operation(query: NamedQuery, settings: Settings) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {
            "name": p.name, "in": "query", "required": p.required, "description": p.description,
            "schema": dict(_SCHEMA[p.type]),
            **({"example": query.example[p.name]} if p.name in query.example else {}),
        }
        for p in query.params
    ]  # fmt: skip
    for schema in (p["schema"] for p in params):
        if "maxLength" in schema:
            schema["maxLength"] = int(schema["maxLength"])
    params += [
        {"name": "limit", "in": "query", "required": False, "description": "page size",
         "schema": {"type": "integer", "minimum": 0, "maximum": settings.max_rows, "default": settings.page_size}},
        {"name": "offset", "in": "query", "required": False, "description": "rows to skip",
         "schema": {"type": "integer", "minimum": 0, "maximum": _MAX_OFFSET, "default": 0}},
    ]  # fmt: skip
    problem: dict[str, Any] = {"content": {"application/problem+json": {}}}
    return {
        "summary": query.summary,
        "operationId": f"named_{query.name.replace('-', '_')}",
        "tags": ["named queries", *query.tags],
        "parameters": params,
        "responses": {
            "200": {"description": "answer; `Link: rel=next` when a next page exists",
                    "content": {m: {} for m in _offered(query)}},
            "406": {"description": "no acceptable type", **problem},
            "422": {"description": "invalid parameter (named in the body)", **problem},
            "503": {"description": "timed out or busy (Retry-After)", **problem},
        },
    }  # fmt: skip


def openapi_paths(named: dict[str, NamedQuery], settings: Settings) -> dict[str, Any]:
    """One OpenAPI path per named query, with its typed parameters, for ``/openapi.json``."""
    return {f"/queries/{q.name}": {"get": _operation(q, settings)} for q in named.values()}
