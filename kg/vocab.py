"""Named terms: every IRI the code writes comes from here, never from a string literal elsewhere."""

from __future__ import annotations

from typing import Final

__all__ = [
    "BASE", "DCTERMS", "DMKG", "GRAPH", "ID", "OA", "OBO", "OWL", "PREFIXES", "PROV", "QUDT",
    "RDF", "RDFS", "SKOS", "UNIT", "XSD", "entity_iri", "graph_iri", "vocab",
]  # fmt: skip

BASE: Final = "https://w3id.org/dmkg/"
DMKG: Final = BASE + "vocab/"
ID: Final = BASE + "id/"
GRAPH: Final = BASE + "graph/"

RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
OA: Final = "http://www.w3.org/ns/oa#"
PROV: Final = "http://www.w3.org/ns/prov#"
OBO: Final = "http://purl.obolibrary.org/obo/"
QUDT: Final = "http://qudt.org/schema/qudt/"
UNIT: Final = "http://qudt.org/vocab/unit/"

PREFIXES: Final[dict[str, str]] = {
    "dmkg": DMKG,
    "dmkgid": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "oa": OA,
    "prov": PROV,
    "obo": OBO,
    "qudt": QUDT,
    "unit": UNIT,
}
"""Prefixes written into Turtle, TriG and the JSON-LD context of a release."""

GRAPH_ONTOLOGY: Final = GRAPH + "ontology"
GRAPH_ENTITIES: Final = GRAPH + "entities"


def vocab(local: str) -> str:
    """IRI of an ontology term: ``vocab("Drug")``."""
    return DMKG + local


def entity_iri(kind: str, ident: str) -> str:
    """IRI we mint for a curated entity, claim or evidence: ``id/<kind>/<id>``."""
    return f"{ID}{kind}/{ident}"


def graph_iri(source_id: str) -> str:
    """Named graph holding the statements of one source."""
    return f"{GRAPH}source/{source_id}"
