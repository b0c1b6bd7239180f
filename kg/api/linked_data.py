"""Linked Data: every IRI the graph mints resolves, for browsers and for RDF clients.

``/id/...`` (entities, claims, evidence, notes, sources), ``/vocab/...`` (ontology terms) and
``/graph/...`` (named graphs) answer HTML or RDF by ``Accept`` or by a file extension
(``/id/drug/anakinra.ttl``). The RDF is the resource's concise bounded description, extended
the way a reader needs it: an entity comes with the claims about it, a claim with its evidence
and selectors, so one request gives the statements *and* the quotes that back them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib.resources import files
from typing import Any, Final

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from kg.api.conneg import EXTENSIONS, HTML, RDF_MEDIA, negotiate
from kg.api.monograph import (
    HAS_EVIDENCE,
    HAS_OBJECT,
    HAS_SUBJECT,
    Claim,
    Reader,
    curie,
    href,
    reader_for,
)
from kg.api.problems import ProblemError, not_acceptable
from kg.release import jsonld_context
from kg.store import QueryableStore
from kg.vocab import BASE, DMKG, GRAPH, ID, OA, PREFIXES, PROV, RDF, RDFS, VOID, XSD, entity_iri

__all__ = [
    "DATASET",
    "LD_MEDIA",
    "VOID",
    "describe",
    "rdf_bytes",
    "rdf_response",
    "render",
    "router",
    "templates",
    "with_head",
]

router = APIRouter(tags=["linked data"])

LD_MEDIA: Final = (
    "text/turtle",
    HTML,
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
)
"""What a resource is offered as; Turtle first, so ``*/*`` (curl) gets Turtle and browsers,
which ask for ``text/html`` explicitly, get the page."""
_LD_EXT: Final = {ext: EXTENSIONS[ext] for ext in ("ttl", "jsonld", "nt", "rdf", "html")}
_FOLLOW: Final = {HAS_EVIDENCE, OA + "hasSelector", OA + "hasTarget"}
_VARY: Final = {"Vary": "Accept"}
_INT: Final = NamedNode(XSD + "integer")
DATASET: Final = BASE + "void#dmkg"
"""IRI of the dataset in the VoID description (``/void``)."""

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(files("kg.api").joinpath("templates"))),
    autoescape=True,  # every literal is data: never trust it as markup (hardening item 12)
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _by_type(claims: list[Claim]) -> list[tuple[str, list[Claim]]]:
    """Claims (already in ``CLAIM_ORDER``) as ``(type label, claims)`` groups."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.type_label or c.type, []).append(c)
    return list(groups.items())


def _words(camel: str) -> str:
    """``PageFurniture`` -> ``page furniture``, for vocabulary names shown as text."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", camel).lower()


templates.filters["by_type"] = _by_type
templates.filters["words"] = _words
templates.filters["curie"] = curie
templates.filters["href"] = href


def with_head(router: APIRouter) -> None:
    """Answer ``HEAD`` wherever ``GET`` is answered (FastAPI does not), hidden from OpenAPI."""
    for route in list(router.routes):
        if isinstance(route, APIRoute) and route.methods == {"GET"}:
            router.add_api_route(
                route.path,
                route.endpoint,
                methods=["HEAD"],
                include_in_schema=False,
                response_class=route.response_class,
                name=f"{route.name}_head",
            )


def render(
    name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A page from ``kg/api/templates`` (autoescaped)."""
    body = templates.get_template(name).render(**context)
    return HTMLResponse(body, status_code=status, headers=headers)


# -------------------------------------------------------------------- RDF
def describe(store: QueryableStore, iri: str) -> list[Triple]:
    """The triples a client gets for ``iri``, sorted: its own (blank nodes followed), those
    of the claims whose subject or object it is, and of their evidence, selectors and notes."""
    start = NamedNode(iri)
    todo: list[NamedNode | BlankNode] = [start]
    for pred in (HAS_SUBJECT, HAS_OBJECT):
        for q in store.quads_for_pattern(None, NamedNode(pred), start):
            if isinstance(q.subject, NamedNode | BlankNode):
                todo.append(q.subject)
    seen: set[NamedNode | BlankNode] = set()
    out: dict[tuple[str, str, str], Triple] = {}
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None):
            out[(str(q.subject), str(q.predicate), str(q.object))] = q.triple
            o = q.object
            if isinstance(o, BlankNode) or (
                isinstance(o, NamedNode) and q.predicate.value in _FOLLOW
            ):
                todo.append(o)
    return [out[k] for k in sorted(out)]


def rdf_bytes(triples: list[Triple], media: str) -> bytes:
    """Serialise sorted triples; JSON-LD gets our prefix map as its context."""
    fmt = RDF_MEDIA[media]
    data = serialize(triples, format=fmt, prefixes=PREFIXES) or b""
    if fmt == RdfFormat.JSON_LD:
        doc = {**jsonld_context(), "@graph": json.loads(data or b"[]")}
        return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == RdfFormat.N_TRIPLES:
        lines = data.decode("utf-8").splitlines()
        return "".join(line + "\n" for line in sorted(lines)).encode("utf-8")
    return data


def rdf_response(
    triples: list[Triple], media: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        rdf_bytes(triples, media), media_type=media, headers={**_VARY, **(headers or {})}
    )


def _media(request: Request, ext: str | None, offered: Iterable[str] = LD_MEDIA) -> str:
    offered = tuple(offered)
    if ext is not None:
        return _LD_EXT[ext]
    media = negotiate(request.headers.get("accept"), offered)
    if media is None:
        raise not_acceptable(offered)
    return media


def _split(reader: Reader, base: str, path: str) -> tuple[str, str | None]:
    """``(IRI, extension)``: a known suffix is an extension unless the IRI with it exists."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in _LD_EXT and not _exists(reader, base + path):
        return base + stem, ext
    return base + path, None


def _exists(reader: Reader, iri: str) -> bool:
    try:
        return reader.exists(iri)
    except ValueError:  # not an IRI at all (spaces, brackets ...)
        return False


def _not_found(media: str, iri: str) -> Response:
    detail = f"{iri} is not described by this release"
    if media == HTML:
        return render("error.html", status=404, headers=_VARY, title="Not found", detail=detail)
    raise ProblemError(404, "Not Found", detail, headers=_VARY, iri=iri)


def _alternates(path: str) -> dict[str, str]:
    links = [f'<{path}.{ext}>; rel="alternate"; type="{m}"' for ext, m in _LD_EXT.items()]
    return {"Link": ", ".join(links), **_VARY}


def _reader(request: Request) -> Reader:
    return reader_for(request.app.state.release.store)


# -------------------------------------------------------------------- pages
def _page(request: Request, reader: Reader, iri: str, media: str, path: str) -> Response:
    if not _exists(reader, iri):
        return _not_found(media, iri)
    headers = _alternates(path)
    if media != HTML:
        return rdf_response(describe(reader.store, iri), media, headers)
    kind = iri[len(ID) :].split("/", 1)[0] if iri.startswith(ID) else "vocab"
    ctx: dict[str, Any] = {"iri": iri, "path": path, "request": request}
    claims = reader.claims([iri]) if kind == "claim" else []
    if claims:
        return render("claim.html", headers=headers, claim=claims[0], **ctx)
    ev = reader.evidence([iri]).get(iri) if kind == "evidence" else None
    if ev is not None and ev.quote:
        _, citing = reader.claims_naming(iri)
        return render("evidence.html", headers=headers, ev=ev, claims=citing, **ctx)
    if kind == "source":
        src = next((s for s in reader.sources() if s.iri == iri), None)
        if src is not None:
            _, claims = reader.claims_naming(iri)
            claims = [c for c in claims if c.source is not None and c.source.iri == iri]
            return render(
                "source.html",
                headers=headers,
                src=src,
                claims=claims,
                notes=reader.source_notes(iri),
                **ctx,
            )
    m = None if kind in ("note", "evidence", "claim") else reader.monograph(iri)
    if m is None:
        return render(
            "resource.html",
            headers=headers,
            rows=_rows(reader, iri),
            label=reader.labels([iri])[iri],
            **ctx,
        )
    extra: dict[str, Any] = {}
    if kind == "vocab":
        extra["instances"] = reader.instances(iri)
        if iri == DMKG:
            extra["terms"] = reader.terms()
    return render("entity.html", headers=headers, m=m, **extra, **ctx)


def _rows(reader: Reader, iri: str) -> list[dict[str, Any]]:
    """Property/value rows of a resource for the generic page."""
    pairs = reader.triples_of(iri)
    reader.labels(o.value for _, o in pairs if isinstance(o, NamedNode))
    rows = []
    for p, o in pairs:
        row: dict[str, Any] = {"p": p, "text": o.value, "iri": None, "label": None, "lang": None}
        if isinstance(o, NamedNode):
            row.update(iri=o.value, label=reader.labels([o.value])[o.value])
        elif isinstance(o, Literal):
            row["lang"] = o.language
        rows.append(row)
    return rows


INDEX_KINDS: Final = (
    ("Drugs", "drug"),
    ("Vaccines", "vaccine"),
    ("Molecular targets", "target"),
    ("Conditions", "condition"),
    ("Adverse events", "adverse-event"),
    ("Populations", "population"),
    ("Clinical studies", "study"),
)


@router.get("/id/", summary="Browse every entity and source (HTML)", response_class=HTMLResponse)
def browse(request: Request) -> Response:
    if negotiate(request.headers.get("accept"), (HTML,)) is None:
        raise ProblemError(
            406, "Not Acceptable", "this page is available as: text/html", supported=[HTML]
        )
    reader = _reader(request)
    groups: list[tuple[str, list[Any]]] = [(t, reader.summaries(k)) for t, k in INDEX_KINDS]
    groups.append(
        (
            "Sources",
            [
                {"href": s.href, "label": s.title, "id": s.id, "brand_names": []}
                for s in reader.sources()
            ],
        )
    )
    return render("index.html", groups=[g for g in groups if g[1]])


@router.get(
    "/id/{path:path}",
    summary="Dereference an IRI we mint (entity, claim, evidence, note, source)",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_id(request: Request, path: str) -> Response:
    reader = _reader(request)
    iri, ext = _split(reader, ID, path)
    media = _media(request, ext)
    return _page(request, reader, iri, media, "/id/" + (path.rsplit(".", 1)[0] if ext else path))


@router.get(
    "/vocab/{term:path}",
    summary="Dereference an ontology term (or, with no term, the ontology)",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_vocab(request: Request, term: str) -> Response:
    reader = _reader(request)
    iri, ext = _split(reader, DMKG, term)
    media = _media(request, ext)
    return _page(request, reader, iri, media, "/vocab/" + iri[len(DMKG) :])


@router.get("/vocab", include_in_schema=False, response_class=Response)
def vocab_root(request: Request) -> Response:
    return resolve_vocab(request, "")


# -------------------------------------------------------------------- named graphs
def graph_description(request: Request, iri: str) -> list[Triple] | None:
    """A short description of one named graph (what it holds, how big, where from)."""
    release = request.app.state.release
    counts: dict[str, int] = dict(release.manifest.get("graphs", {}))
    if iri not in counts and iri in release.graphs:  # served beside the release: inferred
        counts[iri] = sum(
            1 for _ in release.store.quads_for_pattern(None, None, None, NamedNode(iri))
        )
    if iri not in counts:
        return None
    g = NamedNode(iri)
    rdf_type, label = NamedNode(RDF + "type"), NamedNode(RDFS + "label")
    out = [
        Triple(g, rdf_type, NamedNode(VOID + "Dataset")),
        Triple(g, NamedNode(VOID + "triples"), Literal(str(counts[iri]), datatype=_INT)),
        Triple(g, NamedNode(VOID + "inDataset"), NamedNode(DATASET)),
    ]
    name = iri[len(GRAPH) :]
    if name.startswith("source/"):
        source = entity_iri("source", name[len("source/") :])
        title = reader_for(release.store).labels([source])[source] or source
        out += [
            Triple(g, label, Literal(f"claims and notes curated from {title}", language="en")),
            Triple(g, NamedNode(PROV + "wasDerivedFrom"), NamedNode(source)),
        ]
    else:
        out.append(Triple(g, label, Literal(f"dmkg {name}", language="en")))
    return sorted(out, key=lambda t: (str(t.predicate), str(t.object)))


@router.get(
    "/graph/{path:path}",
    summary="Describe a named graph of the release",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_graph(request: Request, path: str) -> Response:
    stem, dot, ext = path.rpartition(".")
    iri, suffix = (GRAPH + stem, ext) if dot and ext in _LD_EXT else (GRAPH + path, None)
    media = _media(request, suffix)
    triples = graph_description(request, iri)
    if triples is None:
        return _not_found(media, iri)
    headers = _alternates("/graph/" + iri[len(GRAPH) :])
    if media != HTML:
        return rdf_response(triples, media, headers)
    reader = _reader(request)
    rows = []
    for t in triples:
        o = t.object
        if isinstance(o, Triple):
            continue
        is_iri = isinstance(o, NamedNode)
        rows.append(
            {
                "p": t.predicate.value,
                "text": o.value,
                "lang": getattr(o, "language", None),
                "iri": o.value if is_iri else None,
                "label": reader.labels([o.value])[o.value] if is_iri else None,
            }
        )
    return render(
        "resource.html",
        headers=headers,
        iri=iri,
        path=f"/graph/{iri[len(GRAPH) :]}",
        rows=rows,
        label=None,
        request=request,
    )


with_head(router)
