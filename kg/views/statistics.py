"""Statistics of a served release for its VoID and service descriptions: four queries over
the store, so every count said equals what a COUNT query through the endpoint answers."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode

from kg.rdf.vocab import GRAPH, source_iri
from kg.release.describe import DatasetStatistics
from kg.store.embedded import ServedRelease
from kg.views.reader import Reader

__all__ = ["dataset_statistics", "served_statistics"]


def served_statistics(reader: Reader, release: ServedRelease) -> DatasetStatistics:
    """:func:`dataset_statistics` of the served release, computed once per release."""
    return reader.cached(
        "statistics",
        release.id,
        lambda: dataset_statistics(reader, release.graphs),
    )


def _int(term: object) -> int:
    assert isinstance(term, Literal)
    return int(term.value)


def dataset_statistics(reader: Reader, graphs: Iterable[str]) -> DatasetStatistics:
    """Distinct triples, subjects, objects, properties (of the union default graph, where a
    triple stated in two graphs counts once); instances per class and triples per property;
    the triples of every served graph, counted in the store (the manifest does not count the
    inferred graph); the titles of the sources whose graphs are described."""
    [(triples, subjects, objects, props)] = reader.select(
        """SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_)
                  (COUNT(DISTINCT ?p) AS ?p_) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"""
    )
    classes = reader.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
    )
    properties = reader.select(
        """SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }
           GROUP BY ?p"""
    )
    per_graph = reader.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    sizes = {g.value: _int(k) for g, k in per_graph if isinstance(g, NamedNode)}
    counted = {g: sizes.get(g, 0) for g in sorted(set(graphs))}
    sources = [
        source_iri(g[len(GRAPH) + len("source/") :])
        for g in graphs
        if g.startswith(GRAPH + "source/")
    ]
    titles = {s: t for s, t in reader.labels(sources).items() if t is not None}

    return DatasetStatistics(
        triples=_int(triples),
        subjects=_int(subjects),
        objects=_int(objects),
        properties=_int(props),
        classes={c.value: _int(k) for c, k in classes},
        property_triples={p.value: _int(k) for p, k in properties},
        graph_triples=counted,
        source_titles=titles,
    )
