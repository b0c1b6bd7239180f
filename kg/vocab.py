"""Named terms: every IRI the code writes comes from here, never from a string literal elsewhere.

Namespaces are a slice of the one project prefix map (``kg/prefixes.json``, seeded from the
Bioregistry), so the build, the API and the exports cannot disagree about a prefix.
"""

from __future__ import annotations

from typing import Final

from kg.prefixes import curie_map

__all__ = [
    "BASE",
    "DCAT",
    "DCTERMS",
    "DMKG",
    "FOAF",
    "FORMATS",
    "GRAPH",
    "GRAPH_ENTITIES",
    "GRAPH_INFERRED",
    "GRAPH_MAPPINGS",
    "GRAPH_ONTOLOGY",
    "IANA_MEDIA",
    "ID",
    "LICENSE",
    "OA",
    "OBO",
    "OWL",
    "PREFIXES",
    "PROV",
    "QUDT",
    "RDF",
    "RDFS",
    "SD",
    "SKOS",
    "SPDX",
    "UNIT",
    "VOID",
    "XSD",
    "entity_iri",
    "graph_iri",
    "vocab",
]  # fmt: skip

PREFIXES: Final[dict[str, str]] = curie_map(
    ("dmkg", "dmkgid", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "oa", "prov", "obo",
     "qudt", "unit")
)  # fmt: skip
"""Prefixes written into Turtle, TriG and the JSON-LD context of a release."""

DMKG: Final = PREFIXES["dmkg"]
ID: Final = PREFIXES["dmkgid"]
BASE: Final = ID.removesuffix("id/")
GRAPH: Final = BASE + "graph/"

RDF: Final = PREFIXES["rdf"]
RDFS: Final = PREFIXES["rdfs"]
OWL: Final = PREFIXES["owl"]
XSD: Final = PREFIXES["xsd"]
SKOS: Final = PREFIXES["skos"]
DCTERMS: Final = PREFIXES["dcterms"]
OA: Final = PREFIXES["oa"]
PROV: Final = PREFIXES["prov"]
OBO: Final = PREFIXES["obo"]
QUDT: Final = PREFIXES["qudt"]
UNIT: Final = PREFIXES["unit"]

# vocabularies of the service's own descriptions (VoID, DCAT, service description)
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
SPDX: Final = "http://spdx.org/rdf/terms#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
FORMATS: Final = "http://www.w3.org/ns/formats/"
IANA_MEDIA: Final = "https://www.iana.org/assignments/media-types/"
LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
"""The licence of the data (CC BY 4.0), stated in the ontology header and in VoID."""

GRAPH_ONTOLOGY: Final = GRAPH + "ontology"
GRAPH_ENTITIES: Final = GRAPH + "entities"
GRAPH_MAPPINGS: Final = GRAPH + "mappings"
GRAPH_INFERRED: Final = GRAPH + "inferred"
"""Served only: the reasoner's conclusions (kg-inferred.ttl), beside the asserted graphs."""


def vocab(local: str) -> str:
    """IRI of an ontology term: ``vocab("Drug")``."""
    return DMKG + local


def entity_iri(kind: str, ident: str) -> str:
    """IRI we mint for a curated entity, claim or evidence: ``id/<kind>/<id>``."""
    return f"{ID}{kind}/{ident}"


def graph_iri(source_id: str) -> str:
    """Named graph holding the statements of one source."""
    return f"{GRAPH}source/{source_id}"
