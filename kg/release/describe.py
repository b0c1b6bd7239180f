"""Descriptions of a release for machines: VoID + DCAT, the SPARQL service description, and
one named graph's description.

Pure functions of the manifest, the served graphs and statistics computed from the store
(:mod:`kg.views.statistics`); no HTTP, so the same description comes out of every front end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.rdf.media import FORMAT_IRIS
from kg.rdf.terms import english, integer
from kg.rdf.vocab import (
    BASE,
    DCAT,
    DCTERMS_DESCRIPTION,
    DCTERMS_FORMAT,
    DCTERMS_IDENTIFIER,
    DCTERMS_LICENSE,
    DCTERMS_TITLE,
    DMKG,
    FOAF,
    FORMATS,
    GRAPH,
    IANA_MEDIA,
    ID,
    LICENSE,
    OWL_VERSION_INFO,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    RDFS_LABEL,
    SD,
    SPDX,
    VOID,
    source_iri,
)
from kg.release import layout

__all__ = [
    "DATASET",
    "DatasetStatistics",
    "graph_description",
    "service_description",
    "sorted_unique",
    "void_triples",
]

DATASET: Final = BASE + "void#dmkg"
"""IRI of the dataset in the VoID description (``/void``)."""


@dataclass(frozen=True)
class DatasetStatistics:
    """VoID statistics of the served dataset (distinct triples over all served graphs)."""

    triples: int
    subjects: int
    objects: int
    properties: int
    classes: Mapping[str, int] = field(default_factory=dict)
    """class IRI -> distinct instances"""
    property_triples: Mapping[str, int] = field(default_factory=dict)
    """property IRI -> distinct triples"""
    graph_triples: Mapping[str, int] = field(default_factory=dict)
    """served graph -> its triples, counted in the store (the inferred graph included)"""
    source_titles: Mapping[str, str] = field(default_factory=dict)
    """source IRI -> title, for the description of its graph"""


def sorted_unique(triples: Iterable[Triple]) -> list[Triple]:
    """Triples without duplicates, in (s, p, o) order."""
    unique = {(str(t.subject), str(t.predicate), str(t.object)): t for t in triples}
    return [unique[k] for k in sorted(unique)]


def graph_description(
    iri: str, counts: Mapping[str, int], source_titles: Mapping[str, str]
) -> list[Triple] | None:
    """A short description of one named graph (what it holds, how big, where from); None for
    a graph not in ``counts`` (graph -> triples)."""
    if iri not in counts:
        return None
    g = NamedNode(iri)
    out = [
        Triple(g, RDF_TYPE, NamedNode(VOID + "Dataset")),
        Triple(g, NamedNode(VOID + "triples"), integer(counts[iri])),
        Triple(g, NamedNode(VOID + "inDataset"), NamedNode(DATASET)),
    ]
    name = iri[len(GRAPH) :]
    if name.startswith("source/"):
        source = source_iri(name[len("source/") :])
        title = source_titles.get(source) or source
        out += [
            Triple(g, RDFS_LABEL, english(f"claims and notes curated from {title}")),
            Triple(g, PROV_WAS_DERIVED_FROM, NamedNode(source)),
        ]
    else:
        out.append(Triple(g, RDFS_LABEL, english(f"dmkg {name}")))
    return sorted(out, key=lambda t: (str(t.predicate), str(t.object)))


def service_description(endpoint: str, stats: DatasetStatistics) -> list[Triple]:
    """The sd: description of the SPARQL endpoint and its default dataset: the default graph
    (the union of the served graphs, a triple in two graphs counted once) and every served
    named graph, each with the triples the endpoint answers for it."""
    me = NamedNode(endpoint)
    ds, dg = BlankNode("dataset"), BlankNode("default")

    def sd(local: str) -> NamedNode:
        return NamedNode(SD + local)

    count = NamedNode(VOID + "triples")
    out = [
        Triple(me, RDF_TYPE, sd("Service")),
        Triple(me, sd("endpoint"), me),
        Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        Triple(me, DCTERMS_TITLE, Literal("dmkg SPARQL endpoint (read-only)")),
        Triple(me, sd("defaultDataset"), ds),
        Triple(ds, RDF_TYPE, sd("Dataset")),
        Triple(ds, sd("defaultGraph"), dg),
        Triple(dg, RDF_TYPE, sd("Graph")),
        Triple(dg, count, integer(stats.triples)),
    ]
    out += [Triple(me, sd("resultFormat"), NamedNode(FORMATS + f)) for f in FORMAT_IRIS.values()]
    for i, (graph, n) in enumerate(sorted(stats.graph_triples.items())):
        node, body = BlankNode(f"ng{i}"), BlankNode(f"g{i}")
        out += [
            Triple(ds, sd("namedGraph"), node),
            Triple(node, RDF_TYPE, sd("NamedGraph")),
            Triple(node, sd("name"), NamedNode(graph)),
            Triple(node, sd("graph"), body),
            Triple(body, RDF_TYPE, sd("Graph")),
            Triple(body, count, integer(n)),
        ]
    return out


def _part(kind: str, iri: str) -> NamedNode:
    return NamedNode(f"{BASE}void#{kind}-{hashlib.sha256(iri.encode()).hexdigest()[:12]}")


def void_triples(
    manifest: Mapping[str, Any],
    release_id: str,
    graphs: Iterable[str],
    stats: DatasetStatistics,
    base: str,
) -> list[Triple]:
    """VoID + DCAT description of a served release; ``base`` is the service's public URL
    (with a trailing slash): its endpoint and dumps."""
    ds = NamedNode(DATASET)

    def v(local: str) -> NamedNode:
        return NamedNode(VOID + local)

    def d(local: str) -> NamedNode:
        return NamedNode(DCAT + local)

    version = str(manifest.get("version", ""))
    out: list[Triple] = [
        Triple(NamedNode(BASE + "void"), RDF_TYPE, v("DatasetDescription")),
        Triple(NamedNode(BASE + "void"), NamedNode(FOAF + "primaryTopic"), ds),
        Triple(ds, RDF_TYPE, v("Dataset")),
        Triple(ds, RDF_TYPE, d("Dataset")),
        Triple(ds, DCTERMS_TITLE, english("Drug Monograph Knowledge Graph")),
        Triple(
            ds,
            DCTERMS_DESCRIPTION,
            english(
                "Curated, source-anchored drug facts: every claim carries a verbatim quote of its "
                "source as W3C Web Annotation evidence."
            ),
        ),
        Triple(ds, DCTERMS_LICENSE, NamedNode(LICENSE)),
        Triple(ds, DCTERMS_IDENTIFIER, Literal(release_id)),
        Triple(ds, OWL_VERSION_INFO, Literal(version)),
        Triple(ds, d("version"), Literal(version)),
        Triple(ds, v("sparqlEndpoint"), NamedNode(base + "sparql")),
        Triple(ds, v("uriSpace"), Literal(ID)),
        Triple(ds, v("vocabulary"), NamedNode(DMKG)),
        Triple(ds, v("triples"), integer(stats.triples)),
        Triple(ds, v("distinctSubjects"), integer(stats.subjects)),
        Triple(ds, v("distinctObjects"), integer(stats.objects)),
        Triple(ds, v("properties"), integer(stats.properties)),
        Triple(ds, v("classes"), integer(len(stats.classes))),
    ]
    for c, n in stats.classes.items():
        node = _part("class", c)
        out += [
            Triple(ds, v("classPartition"), node),
            Triple(node, v("class"), NamedNode(c)),
            Triple(node, v("entities"), integer(n)),
        ]
    for p, n in stats.property_triples.items():
        node = _part("property", p)
        out += [
            Triple(ds, v("propertyPartition"), node),
            Triple(node, v("property"), NamedNode(p)),
            Triple(node, v("triples"), integer(n)),
        ]
    counts = {**manifest.get("graphs", {}), **stats.graph_triples}
    for g in sorted(graphs):  # the served graphs: the release's and the inferred one
        out.append(Triple(ds, v("subset"), NamedNode(g)))
        out += graph_description(g, counts, stats.source_titles) or []
    files = manifest.get("files", {})
    for f in layout.FILES:
        name, media = f.name, f.media
        url = NamedNode(f"{base}dump/{name}")
        if name != layout.MANIFEST:
            out.append(Triple(ds, v("dataDump"), url))
        dist = NamedNode(f"{BASE}void#dist-{name}")
        out += [
            Triple(ds, d("distribution"), dist),
            Triple(dist, RDF_TYPE, d("Distribution")),
            Triple(dist, d("downloadURL"), url),
            Triple(dist, d("accessURL"), url),
            Triple(dist, d("mediaType"), NamedNode(IANA_MEDIA + media)),
            Triple(dist, DCTERMS_FORMAT, Literal(media)),
            Triple(dist, DCTERMS_LICENSE, NamedNode(LICENSE)),
            Triple(dist, DCTERMS_TITLE, Literal(name)),
        ]
        info = files.get(name)
        if info:
            sum_node = NamedNode(f"{BASE}void#sha256-{name}")
            out += [
                Triple(dist, d("byteSize"), integer(int(info["bytes"]))),
                Triple(dist, NamedNode(SPDX + "checksum"), sum_node),
                Triple(
                    sum_node,
                    NamedNode(SPDX + "algorithm"),
                    NamedNode(SPDX + "checksumAlgorithm_sha256"),
                ),
                Triple(sum_node, NamedNode(SPDX + "checksumValue"), Literal(info["sha256"])),
            ]
    return sorted_unique(out)
