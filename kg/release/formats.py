"""The RDF files of a release, each made from the sorted quads only when it is written.

Files are produced from sorted quads, so the same inputs give the same bytes whatever
``PYTHONHASHSEED``; they are made, written and dropped one at a time, so a build never holds
every format of a large release in memory at once.

``kg.owl`` (RDF/XML, the OWL export) is the graph plus the ``owl:NamedIndividual``
declarations OWL 2's RDF mapping asks of a DL ontology (:func:`named_individuals`): without
them OWL tools (owlready2, the OWL API) see the individuals' types but no individuals.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from kg.rdf.serialize import jsonld, ntriples, serialize, sorted_triples
from kg.rdf.vocab import (
    GRAPH_ONTOLOGY,
    OWL,
    OWL_NAMED_INDIVIDUAL,
    OWL_OBJECT_PROPERTY,
    RDF,
    RDF_TYPE,
    RDFS,
)
from kg.release import layout

__all__ = ["Producer", "named_individuals", "release_producers", "serialize_release"]

_BUILTIN = (RDF, RDFS, OWL)


def named_individuals(triples: Sequence[Triple]) -> list[Triple]:
    """``x rdf:type owl:NamedIndividual`` for every individual of the graph, sorted: each IRI
    typed with a class outside the RDF, RDFS and OWL vocabularies, and each untyped IRI an
    object property points to (a unit such as ``unit:MilliGM``); classes and properties are
    declared by the ontology already."""
    types = [t for t in triples if t.predicate == RDF_TYPE]
    typed = {t.subject for t in types}
    object_properties = {t.subject for t in types if t.object == OWL_OBJECT_PROPERTY}
    found: set[NamedNode] = set()
    for t in triples:
        if t.predicate == RDF_TYPE:
            cls = t.object
            builtin = isinstance(cls, NamedNode) and cls.value.startswith(_BUILTIN)
            if isinstance(t.subject, NamedNode) and not builtin:
                found.add(t.subject)
        elif (
            t.predicate in object_properties
            and isinstance(t.object, NamedNode)
            and t.object not in typed
        ):
            found.add(t.object)
    return sorted((Triple(i, RDF_TYPE, OWL_NAMED_INDIVIDUAL) for i in found), key=str)


def _owl(triples: list[Triple]) -> bytes:
    declarations = named_individuals(triples)
    merged = list(heapq.merge(triples, declarations, key=str))
    return serialize(merged, RdfFormat.RDF_XML)


Producer = Callable[[], bytes]
"""Makes one release file when called."""


def release_producers(quads: Sequence[Quad], *, rdfxml: bool = False) -> dict[str, Producer]:
    """Every RDF format of a release from sorted quads, each made only when asked for; with
    ``rdfxml`` also ``kg.owl`` (the OWL export, from the same sorted triples)."""
    cache: list[list[Triple]] = []

    def triples() -> list[Triple]:
        if not cache:
            cache.append(sorted_triples(quads))
        return cache[0]

    def ontology() -> bytes:
        g = NamedNode(GRAPH_ONTOLOGY)
        return serialize(sorted_triples(q for q in quads if q.graph_name == g), RdfFormat.TURTLE)

    producers: dict[str, Producer] = {
        layout.TTL: lambda: serialize(triples(), RdfFormat.TURTLE),
        layout.NT: lambda: ntriples(triples()),
        layout.JSONLD: lambda: jsonld(triples()),
        layout.TRIG: lambda: serialize(quads, RdfFormat.TRIG),
        layout.ONTOLOGY: ontology,
    }
    if rdfxml:
        producers[layout.OWL] = lambda: _owl(triples())
    return producers


def serialize_release(quads: Sequence[Quad]) -> dict[str, bytes]:
    """Every RDF format of a release from sorted quads, in memory (small graphs and tests)."""
    return {name: make() for name, make in release_producers(quads).items()}
