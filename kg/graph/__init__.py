"""Layer 2: a checked corpus, the ontology and the mappings -> the sorted quads of a release.

Claims become nodes carrying their qualifiers and W3C Web Annotation evidence
(:mod:`~kg.graph.claims`, :mod:`~kg.graph.evidence`); sources and entities live in the entity
graph (:mod:`~kg.graph.entities`); each source's claims and notes in a graph of their own; the
mappings in the mappings graph. No blank nodes but the ontology's: every IRI derives from
content, so adding a claim never renames another one.
"""

from __future__ import annotations

import heapq

from pyoxigraph import NamedNode, Quad

from kg.curation.corpus import Corpus
from kg.graph.claims import claim_node, claim_quads
from kg.graph.entities import entity_triples, ref_iri, source_triples
from kg.graph.evidence import note_quads
from kg.mappings import MappingSet
from kg.ontology import Ontology
from kg.rdf.serialize import quad_key
from kg.rdf.vocab import GRAPH_ENTITIES, GRAPH_MAPPINGS

__all__ = ["build_quads", "claim_node", "corpus_quads", "mapping_quads", "ref_iri"]


def corpus_quads(corpus: Corpus, ontology: Ontology) -> list[Quad]:
    """The quads of the ontology and the corpus (one graph per source), sorted and distinct,
    so that every serialisation of them is byte-for-byte reproducible."""
    quads = list(ontology.quads)
    g = NamedNode(GRAPH_ENTITIES)
    for source in corpus.sources.values():
        quads += (Quad(s, p, o, g) for s, p, o in source_triples(corpus, source))
    for loaded in corpus.entities.values():
        quads += (Quad(s, p, o, g) for s, p, o in entity_triples(corpus, loaded))
    for claim in corpus.claims:
        quads += claim_quads(corpus, claim)
    for note in corpus.notes:
        quads += note_quads(corpus, note)
    return sorted(dict.fromkeys(quads), key=quad_key)


def mapping_quads(mappings: MappingSet) -> list[Quad]:
    """The ``skos:*Match`` triples of the mappings, in the mappings graph, sorted."""
    g = NamedNode(GRAPH_MAPPINGS)
    quads = [Quad(NamedNode(s), NamedNode(p), NamedNode(o), g) for s, p, o in mappings.triples()]
    return sorted(quads, key=quad_key)


def build_quads(corpus: Corpus, ontology: Ontology, mappings: MappingSet) -> list[Quad]:
    """All quads of a release, sorted: ontology, entities, sources and mappings."""
    # both lists are sorted: a stable merge equals sorting their concatenation
    return list(heapq.merge(corpus_quads(corpus, ontology), mapping_quads(mappings), key=quad_key))
