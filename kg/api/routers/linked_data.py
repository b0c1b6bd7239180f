"""Linked Data: every IRI the graph mints resolves, for browsers and for RDF clients.

``/id/...`` (entities, claims, evidence, notes, sources), ``/vocab/...`` (ontology terms) and
``/graph/...`` (named graphs) answer HTML or RDF by ``Accept`` or by a file extension
(``/id/drug/anakinra.ttl``). The RDF is the resource's concise bounded description, extended
the way a reader needs it (:mod:`kg.views.describe`): one request gives the statements *and*
the quotes that back them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pyoxigraph import NamedNode, Triple

from kg.api.answers import rdf_response
from kg.api.conneg import negotiate
from kg.api.deps import ReaderDep, ReleaseDep
from kg.api.ld_pages import INDEX_KINDS, alternates, ld_media, not_found, page, split_iri
from kg.api.pages import render, with_head
from kg.api.problems import ProblemError
from kg.rdf.media import HTML, LD_EXTENSIONS, LD_MEDIA
from kg.rdf.vocab import DMKG, GRAPH, ID
from kg.release.describe import graph_description
from kg.store.embedded import ServedRelease
from kg.views.reader import Reader

__all__ = ["graph_triples", "router"]

router = APIRouter(tags=["linked data"])


@router.get("/id/", summary="Browse every entity and source (HTML)", response_class=HTMLResponse)
def browse(request: Request, reader: ReaderDep) -> Response:
    if negotiate(request.headers.get("accept"), (HTML,)) is None:
        raise ProblemError(
            406, "Not Acceptable", "this page is available as: text/html", supported=[HTML]
        )
    groups: list[tuple[str, str, list[Any]]] = [(t, k, reader.summaries(k)) for t, k in INDEX_KINDS]
    sources: list[dict[str, Any]] = [
        {"href": s.href, "label": s.title, "id": s.id, "brand_names": []} for s in reader.sources()
    ]
    groups.append(("Sources", "source", sources))
    return render("index.html", groups=[g for g in groups if g[2]])


@router.get(
    "/id/{path:path}",
    summary="Dereference an IRI we mint (entity, claim, evidence, note, source)",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_id(request: Request, path: str, reader: ReaderDep, release: ReleaseDep) -> Response:
    iri, ext = split_iri(reader, ID, path)
    media = ld_media(request, ext)
    stem = "/id/" + (path.rsplit(".", 1)[0] if ext else path)
    return page(request, reader, iri, media, stem, release)


@router.get(
    "/vocab/{term:path}",
    summary="Dereference an ontology term (or, with no term, the ontology)",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_vocab(request: Request, term: str, reader: ReaderDep) -> Response:
    iri, ext = split_iri(reader, DMKG, term)
    media = ld_media(request, ext)
    return page(request, reader, iri, media, "/vocab/" + iri[len(DMKG) :])


@router.get("/vocab", include_in_schema=False, response_class=Response)
def vocab_root(request: Request, reader: ReaderDep) -> Response:
    return resolve_vocab(request, "", reader)


def graph_triples(release: ServedRelease, reader: Reader, iri: str) -> list[Triple] | None:
    """The description of one served graph (its size counted in the store when the manifest
    does not give it: the inferred graph)."""
    counts: dict[str, int] = dict(release.manifest.get("graphs", {}))
    if iri not in counts and iri in release.graphs:
        counts[iri] = sum(
            1 for _ in release.store.quads_for_pattern(None, None, None, NamedNode(iri))
        )
    titles: dict[str, str] = {}
    if iri.startswith(GRAPH + "source/"):
        source = ID + "source/" + iri[len(GRAPH + "source/") :]
        titles = {s: t for s, t in reader.labels([source]).items() if t is not None}
    return graph_description(iri, counts, titles)


@router.get(
    "/graph/{path:path}",
    summary="Describe a named graph of the release",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 404: {}, 406: {}},
    response_class=Response,
)
def resolve_graph(request: Request, path: str, release: ReleaseDep, reader: ReaderDep) -> Response:
    stem, dot, ext = path.rpartition(".")
    iri, suffix = (GRAPH + stem, ext) if dot and ext in LD_EXTENSIONS else (GRAPH + path, None)
    media = ld_media(request, suffix)
    triples = graph_triples(release, reader, iri)
    if triples is None:
        return not_found(media, iri)
    headers = alternates("/graph/" + iri[len(GRAPH) :])
    if media != HTML:
        return rdf_response(triples, media, headers)
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
