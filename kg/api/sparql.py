"""``/sparql``: the SPARQL 1.1 Protocol (query operation only), read-only and guarded.

GET and POST (form or ``application/sparql-query``) run a query; anything else is a 4xx with
an ``application/problem+json`` body. With no query, a browser gets the HTML query page and
other clients the SPARQL service description. The web process only parses the HTTP request and
runs the guards; queries run in the executor's worker processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import parse_qsl

import jinja2
import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.api.conneg import HTML, RDF_MEDIA, negotiate
from kg.api.executor import GRAPH_MEDIA, SOLUTION_MEDIA, Job, Outcome, QueryService
from kg.api.guards import QueryLimits, check_query
from kg.api.problems import ProblemError, not_acceptable
from kg.api.settings import Settings
from kg.namedqueries import NamedQuery, ParamError, bind
from kg.vocab import DCTERMS, FORMATS, PREFIXES, RDF, SD, VOID, XSD

__all__ = [
    "SD",
    "answer",
    "choose_media",
    "limits",
    "outcome_response",
    "router",
    "service_description",
]

router = APIRouter(tags=["sparql"])

_FORMAT_IRIS: Final = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}
_SHORT_SOLUTIONS: Final = {
    "json": "application/sparql-results+json", "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml", "srx": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
}  # fmt: skip
_SHORT_GRAPHS: Final = {
    "turtle": "text/turtle", "ttl": "text/turtle", "n3": "text/turtle",
    "nt": "application/n-triples", "ntriples": "application/n-triples",
    "n-triples": "application/n-triples", "json-ld": "application/ld+json",
    "jsonld": "application/ld+json", "json": "application/ld+json",
    "xml": "application/rdf+xml", "rdf": "application/rdf+xml", "rdf+xml": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
}  # fmt: skip
_ALLOW: Final = "GET, HEAD, POST, OPTIONS"
_FORM_TYPE: Final = "application/x-www-form-urlencoded"
_QUERY_TYPE: Final = "application/sparql-query"
_UPDATE_TYPE: Final = "application/sparql-update"
_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("kg.api", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
)
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


def limits(settings: Settings) -> QueryLimits:
    return QueryLimits(settings.max_query_bytes, settings.max_depth, settings.max_operators)


def choose_media(form: str, accept: str | None, forced: Sequence[str] = ()) -> str:
    """The answer type for a query form: a ``format`` parameter wins over Accept."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_MEDIA if graph else SOLUTION_MEDIA
    short = _SHORT_GRAPHS if graph else _SHORT_SOLUTIONS
    for value in forced:
        value = value.strip().lower()
        media = short.get(value, value.split(";")[0].strip())
        if media in offered:
            return media
    if forced and any(v.strip() for v in forced):
        raise not_acceptable(offered)
    chosen = negotiate(accept, offered)
    if chosen is None:
        raise not_acceptable(offered)
    return chosen


def outcome_response(outcome: Outcome, headers: dict[str, str] | None = None) -> Response:
    """The HTTP response for an answer: type, ``Vary``, truncation stated in headers."""
    out = {
        "Vary": "Accept",
        "Server-Timing": f"query;dur={outcome.elapsed * 1000:.1f}",
        **(headers or {}),
    }
    if outcome.truncated:
        out["X-Truncated"] = "true"
        out["Warning"] = f'199 - "results truncated to {outcome.rows} rows"'
    media = outcome.media_type
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(outcome.body, headers=out, media_type=media)


async def answer(
    request: Request,
    query: str,
    *,
    forced: Sequence[str] = (),
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
) -> Response:
    """Guard, negotiate, run and render one query (used by ``/sparql``)."""
    settings: Settings = request.app.state.settings
    info = check_query(query, limits(settings))
    media = choose_media(info.form, request.headers.get("accept"), forced)
    job = Job(
        query, media, default_graphs, named_graphs, info.has_dataset, max_rows=settings.max_rows,
        base_iri=_base_iri(request),
    )  # fmt: skip
    service: QueryService = request.app.state.queries
    return outcome_response(await service.run(job))


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
    request: Request, params: list[tuple[str, str]], body_query: str | None = None
) -> Response:
    if any(k == "update" for k, _ in params):
        raise ProblemError(
            403, "Update refused", "this is a read-only endpoint; SPARQL Update is not allowed"
        )
    queries = [v for k, v in params if k == "query"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise ProblemError(400, "Bad Request", "exactly one query is allowed per request")
    if not queries:
        return _describe(request)
    if not queries[0].strip():
        raise ProblemError(400, "Bad Request", "the query is empty")
    return await answer(request, queries[0], **_params_answer_kwargs(params))


@router.api_route(
    "/sparql", methods=["GET", "HEAD"], summary="SPARQL 1.1 query (GET)", openapi_extra=_PROTOCOL_DOC,
    response_class=Response,
)  # fmt: skip
async def sparql_get(request: Request) -> Response:
    return await _dispatch(request, list(request.query_params.multi_items()))


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
async def sparql_post(request: Request) -> Response:
    media, charset = _content_type(request)
    url_params = list(request.query_params.multi_items())
    if media == _UPDATE_TYPE:
        raise ProblemError(
            403, "Update refused", "this is a read-only endpoint; SPARQL Update is not allowed"
        )
    if media not in (_FORM_TYPE, _QUERY_TYPE):
        raise ProblemError(
            415, "Unsupported Media Type", f"send {_FORM_TYPE} or {_QUERY_TYPE}",
            supported=[_FORM_TYPE, _QUERY_TYPE],
        )  # fmt: skip
    text = _decode(await request.body(), charset)
    if media == _QUERY_TYPE:
        return await _dispatch(request, url_params, text)
    try:
        form = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(400, "Bad Request", "malformed form body") from None
    return await _dispatch(request, url_params + form)


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


def _base_iri(request: Request) -> str | None:
    """The endpoint URL as the base of relative IRIs in queries; None if it is no valid IRI
    (the Host header is the client's)."""
    endpoint = _endpoint(request)
    try:
        NamedNode(endpoint)
    except ValueError:
        return None
    return endpoint


def _endpoint(request: Request) -> str:
    settings: Settings = request.app.state.settings
    base = settings.base_url or str(request.base_url)
    return base.rstrip("/") + "/sparql"


def service_description(endpoint: str, manifest: dict[str, Any]) -> list[Triple]:
    """The sd: description of this endpoint and its default dataset (named graphs with
    their triple counts; the default graph is their union)."""
    me = NamedNode(endpoint)
    ds, dg = BlankNode("dataset"), BlankNode("default")

    def sd(local: str) -> NamedNode:
        return NamedNode(SD + local)

    a = NamedNode(RDF + "type")
    count = NamedNode(VOID + "triples")
    out = [
        Triple(me, a, sd("Service")),
        Triple(me, sd("endpoint"), me),
        Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        Triple(me, NamedNode(DCTERMS + "title"), Literal("dmkg SPARQL endpoint (read-only)")),
        Triple(me, sd("defaultDataset"), ds),
        Triple(ds, a, sd("Dataset")),
        Triple(ds, sd("defaultGraph"), dg),
        Triple(dg, a, sd("Graph")),
        Triple(dg, count, _integer(int(manifest.get("triples", 0)))),
    ]
    out += [Triple(me, sd("resultFormat"), NamedNode(FORMATS + f)) for f in _FORMAT_IRIS.values()]
    for i, (graph, n) in enumerate(sorted(manifest.get("graphs", {}).items())):
        node, body = BlankNode(f"ng{i}"), BlankNode(f"g{i}")
        out += [
            Triple(ds, sd("namedGraph"), node),
            Triple(node, a, sd("NamedGraph")),
            Triple(node, sd("name"), NamedNode(graph)),
            Triple(node, sd("graph"), body),
            Triple(body, a, sd("Graph")),
            Triple(body, count, _integer(int(n))),
        ]
    return out


def _integer(n: int) -> Literal:
    return Literal(str(n), datatype=NamedNode(XSD + "integer"))


def _describe(request: Request) -> Response:
    rdf = [m for m in RDF_MEDIA if m not in ("application/trig", "application/n-quads")]
    chosen = negotiate(request.headers.get("accept"), [*rdf, HTML])
    if chosen is None:
        raise not_acceptable([*rdf, HTML])
    if chosen == HTML:
        return query_page(request)
    triples = service_description(_endpoint(request), request.app.state.release.manifest)
    prefixes = {"sd": SD, "void": VOID, "formats": FORMATS, "dcterms": DCTERMS, "xsd": XSD}
    body = pyoxigraph.serialize(triples, format=RDF_MEDIA[chosen], prefixes=prefixes) or b""
    media = chosen + ("; charset=utf-8" if chosen.startswith("text/") else "")
    return Response(body, media_type=media, headers={"Vary": "Accept"})


_DEFAULT_QUERY: Final = (
    "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("dmkg", "dmkgid", "rdfs"))
    + "SELECT ?drug ?label WHERE {\n  ?drug a dmkg:Drug ; rdfs:label ?label .\n}\nORDER BY ?label\nLIMIT 100\n"
)


def _example_text(query: NamedQuery) -> str:
    """The query text with its example values appended as a VALUES block, for the editor."""
    try:
        terms = bind(query, query.example, PREFIXES)
    except ParamError:
        return query.text
    if not terms or query.form not in ("SELECT",):
        return query.text
    names = " ".join(f"?{k}" for k in terms)
    values = " ".join(str(v) for v in terms.values())
    return f"{query.text.rstrip()}\nVALUES ({names}) {{ ({values}) }}\n"


def query_page(request: Request) -> HTMLResponse:
    """The HTML query page: editor, examples from ``queries/``, results table (static JS)."""
    named: dict[str, NamedQuery] = getattr(request.app.state, "named_queries", {})
    examples = [
        {"name": q.name, "summary": q.summary, "text": _example_text(q)} for q in named.values()
    ]
    html = _TEMPLATES.get_template("query.html").render(
        examples=examples,
        release=request.app.state.release.id,
        endpoint=_endpoint(request),
        default_query=_DEFAULT_QUERY,
        max_rows=request.app.state.settings.max_rows,
    )
    return HTMLResponse(html, headers={"Vary": "Accept"})
