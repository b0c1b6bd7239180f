"""Finding things by the names people type: labels, synonyms, brand names, ids, ontology
terms, source titles, and external identifiers (CURIEs or IRIs) through the SKOS mappings.

One search for the search box of every page, ``/search`` and ``/resolve``, so a name or an
identifier finds the same entity wherever it is typed.

>>> from pyoxigraph import Store
>>> from kg.store.embedded import EmbeddedStore
>>> from kg.views.reader import Reader
>>> search(Reader(EmbeddedStore(Store())), "kineret")
[]
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, Field
from pyoxigraph import NamedNode

from kg.curation.records import EntityKind
from kg.rdf import prefixes
from kg.rdf.vocab import ID, SKOS_MATCHES
from kg.views.base import href
from kg.views.reader import Reader

__all__ = ["MAX_QUERY", "Hit", "external_iri", "mapped_to", "search"]

MAX_QUERY: Final = 200
"""Longest search text (characters)."""
_KINDS: Final = tuple(k.value for k in EntityKind)


class Hit(BaseModel):
    """One thing found, with the name that matched and how well."""

    iri: str
    label: str | None
    kind: str = Field(description="`drug`, `condition`, ..., `vocab`, `source`")
    href: str
    matched: str = Field(description="the name or identifier that matched")
    via: str | None = Field(
        default=None, description="mapping predicate, for an external identifier"
    )
    rank: int = Field(description="0 exact name or identifier, 1 name starts so, 2 contains")


def external_iri(text: str) -> tuple[str, str | None] | None:
    """``(IRI, standard CURIE)`` when ``text`` is a CURIE of our prefix map or an http(s) IRI,
    else None (``prefixes.CurieError`` for a CURIE of a known prefix that breaks its pattern)."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return text, prefixes.compress(text)
    prefix, sep, local = text.partition(":")
    if not sep or not local or " " in text:
        return None
    if prefixes.converter().standardize_prefix(prefix) is None:
        return None
    standard = prefixes.standardize(text)
    return prefixes.expand(standard), standard


def mapped_to(reader: Reader, iri: str) -> list[tuple[str, str]]:
    """``(our entity, predicate)`` for each entity mapped to ``iri`` by a ``skos:*Match`` (the
    entity itself, predicate ``self``, when the IRI is ours), exact matches first."""
    try:
        target = NamedNode(iri)
    except ValueError:
        return []
    found: list[tuple[str, str]] = []
    if iri.startswith(ID) and reader.exists(iri):
        found.append((iri, "self"))
    for match in SKOS_MATCHES:
        for q in reader.store.quads_for_pattern(None, match, target):
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(ID):
                found.append((q.subject.value, prefixes.shorten(match.value)))
    return list(dict.fromkeys(found))


def _rank(needle: str, names: list[str]) -> tuple[int, str] | None:
    best: tuple[int, str] | None = None
    for name in names:
        folded = name.casefold()
        rank = 0 if folded == needle else 1 if folded.startswith(needle) else 2
        if needle in folded and (best is None or rank < best[0]):
            best = (rank, name)
    return best


def _by_name(reader: Reader, needle: str) -> list[Hit]:
    hits = []
    for kind in _KINDS:
        for s in reader.summaries(kind):
            found = _rank(needle, [s.label or "", s.id, *s.synonyms, *s.brand_names])
            if found is not None:
                hits.append(Hit(iri=s.iri, label=s.label, kind=kind, href=s.href,
                                matched=found[1], rank=found[0]))  # fmt: skip
    for refs in reader.terms().values():
        for r in refs:
            found = _rank(needle, [r.label or "", r.id or "", f"dmkg:{r.id}"])
            if found is not None and r.href:
                hits.append(Hit(iri=r.iri, label=r.label, kind="vocab", href=r.href,
                                matched=found[1], rank=found[0]))  # fmt: skip
    for src in reader.sources():
        found = _rank(needle, [src.title or "", src.id])
        if found is not None:
            hits.append(Hit(iri=src.iri, label=src.title, kind="source", href=src.href,
                            matched=found[1], rank=found[0]))  # fmt: skip
    return hits


def search(reader: Reader, text: str, limit: int = 100) -> list[Hit]:
    """Entities, terms and sources whose names contain ``text`` (case-insensitive), and the
    entities an external identifier maps to; best first, at most ``limit``."""
    text = " ".join(text.split())[:MAX_QUERY]
    if not text:
        return []
    hits: list[Hit] = []
    try:
        external = external_iri(text)
    except prefixes.CurieError:
        external = None
    if external is not None:
        iri, curie = external
        labels = reader.labels(e for e, _ in mapped_to(reader, iri))
        for entity, predicate in mapped_to(reader, iri):
            kind = entity[len(ID) :].split("/", 1)[0]
            hits.append(Hit(iri=entity, label=labels[entity], kind=kind, href=href(entity) or entity,
                            matched=curie or iri, via=predicate, rank=0))  # fmt: skip
    seen = {h.iri for h in hits}
    hits += [h for h in _by_name(reader, text.casefold()) if h.iri not in seen]
    hits.sort(key=lambda h: (h.rank, h.via is None, (h.label or h.iri).casefold(), h.iri))
    return hits[:limit]
