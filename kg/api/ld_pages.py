"""Linked Data pages of the IRIs we mint: which page an IRI gets, and its RDF.

Shared by the Linked Data routes (``/id/...``, ``/vocab/...``, ``/graph/...``) and the dataset
routes (``/ontology`` as HTML), so the page of an IRI is the same wherever it is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import Literal, NamedNode

from kg.api.answers import VARY, rdf_response
from kg.api.conneg import negotiate
from kg.api.pages import render
from kg.api.problems import ProblemError, not_acceptable
from kg.rdf.media import HTML, LD_EXTENSIONS, LD_MEDIA
from kg.rdf.vocab import DMKG, ID, OWL, vocab
from kg.release import layout
from kg.release.sources import read_source_text
from kg.store.embedded import ServedRelease
from kg.views.describe import describe
from kg.views.keyfacts import SHORTCUTS, key_facts
from kg.views.models import Monograph, SourceRecord
from kg.views.overview import ENTITY_GROUPS
from kg.views.pictures import claim_model, dosing_chart, neighbourhood
from kg.views.reader import Reader
from kg.views.schema import class_tree, properties, term_info
from kg.views.sourcetext import source_evidence, source_text

__all__ = [
    "INDEX_KINDS", "alternates", "entity_page", "exists", "ld_media", "not_found", "page",
    "source_page", "source_text_bytes", "split_iri", "term_page",
]  # fmt: skip


def ld_media(request: Request, ext: str | None, offered: Iterable[str] = LD_MEDIA) -> str:
    offered = tuple(offered)
    if ext is not None:
        return LD_EXTENSIONS[ext]
    media = negotiate(request.headers.get("accept"), offered)
    if media is None:
        raise not_acceptable(offered)
    return media


def split_iri(reader: Reader, base: str, path: str) -> tuple[str, str | None]:
    """``(IRI, extension)``: a known suffix is an extension unless the IRI with it exists."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in LD_EXTENSIONS and not exists(reader, base + path):
        return base + stem, ext
    return base + path, None


def exists(reader: Reader, iri: str) -> bool:
    """Whether the release says anything about ``iri``; False for what is no IRI."""
    try:
        return reader.exists(iri)
    except ValueError:  # not an IRI at all (spaces, brackets ...)
        return False


def not_found(media: str, iri: str) -> Response:
    detail = f"{iri} is not described by this release"
    if media == HTML:
        return render("error.html", status=404, headers=VARY, title="Not found", detail=detail)
    raise ProblemError(404, "Not Found", detail, headers=VARY, iri=iri)


def alternates(path: str) -> dict[str, str]:
    links = [f'<{path}.{ext}>; rel="alternate"; type="{m}"' for ext, m in LD_EXTENSIONS.items()]
    return {"Link": ", ".join(links), **VARY}


def page(
    request: Request, reader: Reader, iri: str, media: str, path: str,
    release: ServedRelease | None = None,
) -> Response:  # fmt: skip
    """The page (or the RDF) of one IRI we mint; ``release`` gives source pages their text."""
    if not exists(reader, iri):
        return not_found(media, iri)
    headers = alternates(path)
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
            return source_page(reader, src, release, headers, ctx)
    m = None if kind in ("note", "evidence", "claim") else reader.monograph(iri)
    if m is None:
        return render(
            "resource.html",
            headers=headers,
            rows=_rows(reader, iri),
            label=reader.labels([iri])[iri],
            **ctx,
        )
    if kind == "vocab":
        return term_page(reader, iri, m, headers, ctx)
    return entity_page(reader, m, headers, ctx)


def source_text_bytes(release: ServedRelease | None, source_id: str) -> bytes | None:
    """One source text from the release's archive; None when the release carries none (a
    release built before ``sources.tar``) or not this one."""
    if release is None or layout.SOURCES not in release.manifest.get("files", {}):
        return None
    return read_source_text(release.file_path(layout.SOURCES), source_id)


def source_page(
    reader: Reader, src: SourceRecord, release: ServedRelease | None, headers: dict[str, str],
    ctx: dict[str, Any],
) -> Response:  # fmt: skip
    """A source: metadata, the whole text with every quoted passage and curator note marked
    and linked to its claims, the passages in text order, the claims curated from it.

    Hook for imported labels: a ``sections`` list in the context (title, start, children) is
    drawn as the text's section tree; nothing fills it yet."""
    _, named = reader.claims_naming(src.iri)
    claims = [c for c in named if c.source is not None and c.source.iri == src.iri]
    raw = source_text_bytes(release, src.id)
    text = None
    if raw is not None:
        evidence = source_evidence(reader, src.iri)
        text = source_text(raw.decode("utf-8"), evidence, claims)
    return render(
        "source.html", headers=headers, src=src, claims=claims, text=text,
        notes=reader.source_notes(src.iri), sections=[], **ctx,
    )  # fmt: skip


def entity_page(
    reader: Reader, m: Monograph, headers: dict[str, str], ctx: dict[str, Any]
) -> Response:
    """An entity: key facts first (with the neighbourhood and the dosing chart), then every
    claim with its quotes; shortcut triples are left to the facts, which carry the status."""
    facts = key_facts(reader, m)
    picture = neighbourhood(m, facts)
    statements = [q for q in m.statements if q.property_iri not in SHORTCUTS]
    shortcuts = sorted({q.property for q in m.statements if q.property_iri in SHORTCUTS})
    return render(
        "entity.html", headers=headers, m=m, facts=facts, chart=dosing_chart(facts),
        neighbours=picture.model_dump() if picture else None, statements=statements,
        shortcuts=shortcuts, **ctx,
    )  # fmt: skip


def term_page(
    reader: Reader, iri: str, m: Monograph, headers: dict[str, str], ctx: dict[str, Any]
) -> Response:
    """The ontology index (``/vocab/``: class tree, claim model, properties) or one term's
    page (its place in the tree; for a claim class, what such a claim holds)."""
    if iri == DMKG:
        return render(
            "vocab.html", headers=headers, m=m, nodes=class_tree(reader), props=properties(reader),
            model=claim_model().model_dump(), individuals=reader.terms().get("NamedIndividual", []),
            **ctx,
        )  # fmt: skip
    info = term_info(reader, iri)
    model = claim_model().model_dump() if iri == vocab("Claim") else None
    owl_terms = [OWL + k for k in ("Class", "ObjectProperty", "DatatypeProperty",
                                   "AnnotationProperty", "NamedIndividual")]  # fmt: skip
    return render("term.html", headers=headers, m=m, info=info, model=model,
                  instances=reader.instances(iri), owl_terms=owl_terms, **ctx)  # fmt: skip


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


INDEX_KINDS: Final = ENTITY_GROUPS
"""The entity kinds of the ``/id/`` index, as people name them."""
