"""``/queries``: the named queries of ``queries/*.rq`` as typed, paged API routes.

Parameters are declared in each file's header, validated by ``kg.namedqueries`` (422 naming
the parameter) and bound as RDF terms, never pasted into the query text. Paging fetches
``limit + 1`` rows so that ``Link: rel="next"`` appears only when a next page exists. Each
query is also its own path in ``/openapi.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response

from kg.api.conneg import EXTENSIONS, negotiate
from kg.api.executor import GRAPH_MEDIA, SOLUTION_MEDIA, Job, QueryService
from kg.api.guards import check_query
from kg.api.problems import ProblemError, not_acceptable
from kg.api.settings import Settings
from kg.api.sparql import limits, outcome_response
from kg.namedqueries import NamedQuery, ParamError, ParamType, bind, load_named_queries

__all__ = ["PAGING", "default_queries_dir", "install_openapi", "load_queries", "router"]

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


def default_queries_dir() -> Path:
    """``queries/`` of the source tree this package runs from, else of the working folder."""
    beside = Path(__file__).resolve().parents[2] / "queries"
    return beside if beside.is_dir() else Path("queries")


def load_queries(settings: Settings) -> dict[str, NamedQuery]:
    folder = settings.queries_dir if settings.queries_dir.is_dir() else default_queries_dir()
    return load_named_queries(folder) if folder.is_dir() else {}


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


def _base(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return (settings.base_url or str(request.base_url)).rstrip("/")


@router.get("/queries", summary="The named queries: summary, tags, typed parameters, example")
async def list_queries(request: Request) -> JSONResponse:
    named: dict[str, NamedQuery] = request.app.state.named_queries
    base = _base(request)
    return JSONResponse({"queries": [_describe(q, base) for q in named.values()]})


def _has_space(value: str) -> bool:
    return any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value)


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
async def run_named(request: Request, name: str) -> Response:
    named: dict[str, NamedQuery] = request.app.state.named_queries
    settings: Settings = request.app.state.settings
    stem, forced = _split(name)
    query = named.get(stem)
    if query is None:
        raise ProblemError(404, "Not Found", f"no named query {stem!r}; see /queries")
    offered = _offered(query)
    media = forced if forced is not None else negotiate(request.headers.get("accept"), offered)
    if media not in offered:
        raise not_acceptable(offered)
    items = list(request.query_params.multi_items())
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
    for param in query.params:  # "$" in the validators' patterns lets a trailing newline in
        raw = values.get(param.name)
        if raw is not None and param.type is not ParamType.STRING and _has_space(raw):
            raise ProblemError(
                422,
                "Invalid parameter",
                f"parameter {param.name!r}: white space or control characters in a typed value",
                parameter=param.name,
            )
    try:
        terms = bind(query, values)
    except ParamError as exc:
        raise ProblemError(422, "Invalid parameter", str(exc), parameter=exc.name) from None
    except ValueError as exc:  # a term the engine refuses: still the client's parameter
        raise ProblemError(422, "Invalid parameter", f"invalid parameter value: {exc}") from None
    info = check_query(query.text, limits(settings))
    job = Job(
        query.text, media, query_has_dataset=info.has_dataset,
        substitutions=tuple(terms.items()), offset=offset, limit=limit, max_rows=settings.max_rows,
    )  # fmt: skip
    service: QueryService = request.app.state.queries
    outcome = await service.run(job)
    links = []
    path = f"{_base(request)}/queries/{name}"
    if outcome.more:
        links.append(
            f'<{path}?{urlencode({**values, "limit": limit, "offset": offset + limit})}>; rel="next"'
        )
    if offset > 0:
        prev = {**values, "limit": limit, "offset": max(offset - limit, 0)}
        links.append(f'<{path}?{urlencode(prev)}>; rel="prev"')
    return outcome_response(outcome, {"Link": ", ".join(links)} if links else None)


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


def install_openapi(app: FastAPI) -> None:
    """Load the named queries into ``app.state`` and give each its own OpenAPI path."""
    settings: Settings = app.state.settings
    app.state.named_queries = load_queries(settings)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            for query in app.state.named_queries.values():
                schema.setdefault("paths", {})[f"/queries/{query.name}"] = {
                    "get": _operation(query, settings)
                }
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
