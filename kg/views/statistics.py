"""Statistics of a served release for its VoID description: three queries over the store."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode

from kg.rdf.vocab import GRAPH, source_iri
from kg.release.describe import DatasetStatistics
from kg.views.reader import Reader

__all__ = ["dataset_statistics"]


def dataset_statistics(
    reader: Reader, graphs: Iterable[str], manifest_graphs: Iterable[str]
) -> DatasetStatistics:
    """Distinct triples, subjects, objects, properties; instances per class and triples per
    property; the size of served graphs the manifest does not count (the inferred graph) and
    the titles of the sources whose graphs are described."""
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
    counted = set(manifest_graphs)
    extra = {
        g: sum(1 for _ in reader.store.quads_for_pattern(None, None, None, NamedNode(g)))
        for g in sorted(set(graphs) - counted)
    }
    sources = [
        source_iri(g[len(GRAPH) + len("source/") :])
        for g in graphs
        if g.startswith(GRAPH + "source/")
    ]
    titles = {s: t for s, t in reader.labels(sources).items() if t is not None}

    def n(term: object) -> int:
        assert isinstance(term, Literal)
        return int(term.value)

    return DatasetStatistics(
        triples=n(triples),
        subjects=n(subjects),
        objects=n(objects),
        properties=n(props),
        classes={c.value: n(k) for c, k in classes},
        property_triples={p.value: n(k) for p, k in properties},
        graph_triples=extra,
        source_titles=titles,
    )
