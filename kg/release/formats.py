"""The RDF files of a release, each made from the sorted quads only when it is written.

Files are produced from sorted quads, so the same inputs give the same bytes whatever
``PYTHONHASHSEED``; they are made, written and dropped one at a time, so a build never holds
every format of a large release in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple

from kg.rdf.serialize import jsonld, ntriples, serialize, sorted_triples
from kg.rdf.vocab import GRAPH_ONTOLOGY
from kg.release import layout

__all__ = ["Producer", "release_producers", "serialize_release"]

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
        producers[layout.OWL] = lambda: serialize(triples(), RdfFormat.RDF_XML)
    return producers


def serialize_release(quads: Sequence[Quad]) -> dict[str, bytes]:
    """Every RDF format of a release from sorted quads, in memory (small graphs and tests)."""
    return {name: make() for name, make in release_producers(quads).items()}
