"""Named terms: every IRI the code writes comes from here, never from a string literal elsewhere.

Namespaces are a slice of the one project prefix map (``kg/rdf/prefixes.json``, seeded from the
Bioregistry), so the build, the API and the exports cannot disagree about a prefix. Terms are
``pyoxigraph.NamedNode`` constants named after what they mean (``HAS_SUBJECT``, ``OA_EXACT``);
their ``.value`` is the IRI string where a string is needed. The IRIs we mint (entities,
claims, evidence, notes, graphs) are made by the functions at the end, and nowhere else.
"""

from __future__ import annotations

import hashlib
from typing import Final

from pyoxigraph import NamedNode

from kg.rdf.prefixes import curie_map, prefix_map

__all__ = [
    "BASE", "DCAT", "DCTERMS", "DMKG", "FOAF", "FORMATS", "GRAPH", "GRAPH_ENTITIES",
    "GRAPH_INFERRED", "GRAPH_MAPPINGS", "GRAPH_ONTOLOGY", "IANA_MEDIA", "ID", "KIND_PREFIXES",
    "LICENSE", "MINTED_KINDS", "OA", "OBO", "OWL", "PREFIXES", "PROBLEMS", "PROV", "QUDT", "RDF", "RDFS", "SD", "SH", "SHAPES",
    "SKOS", "SPDX", "UNIT", "VOID", "XSD",
    "claim_iri", "entity_iri", "evidence_iri", "graph_iri", "note_iri", "query_prefixes", "source_iri", "term",
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
SHAPES: Final = BASE + "shapes/"
"""Namespace of our SHACL shapes (``dmkgsh:``)."""
PROBLEMS: Final = BASE + "problems/"
"""Namespace of the ``type`` of our RFC 9457 problem details."""

MINTED_KINDS: Final = (
    "drug", "vaccine", "target", "condition", "adverse-event", "study", "population", "source",
    "claim", "note",
)  # fmt: skip
"""The segments of ``id/<kind>/<local>`` whose local part never holds a ``/`` (evidence IRIs
do: ``id/evidence/<hash>/quote`` names a selector)."""
KIND_PREFIXES: Final[dict[str, str]] = {f"dmkg.{k}": f"{ID}{k}/" for k in MINTED_KINDS}
"""One prefix per kind of minted IRI (``dmkg.drug:anakinra``), for the files people and tools
read: a Turtle prefixed name can not hold a bare ``/`` (pyoxigraph writes
``dmkgid:drug\\/anakinra``) and KGX's CURIE pattern refuses one. ``dmkgid:drug/anakinra``
stays the form of messages, tables and SSSOM (:func:`kg.rdf.prefixes.shorten`)."""


def query_prefixes() -> dict[str, str]:
    """The prefixes a query may use undeclared (and ``/prefixes`` lists): the whole prefix
    map and one per kind of minted IRI (``dmkg.drug:anakinra``, as Turtle and JSON-LD write
    them); a ``PREFIX`` in the query wins."""
    return dict(sorted({**prefix_map(), **KIND_PREFIXES}.items(), key=lambda kv: kv[0].lower()))


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
SH: Final = "http://www.w3.org/ns/shacl#"

# vocabularies of the service's own descriptions (VoID, DCAT, service description)
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
SPDX: Final = "http://spdx.org/rdf/terms#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
FORMATS: Final = "http://www.w3.org/ns/formats/"
IANA_MEDIA: Final = "https://www.iana.org/assignments/media-types/"
LICENSE: Final = "https://creativecommons.org/licenses/by/4.0/"
"""The licence of the data (CC BY 4.0), stated in the ontology header, VoID and SSSOM."""

GRAPH_ONTOLOGY: Final = GRAPH + "ontology"
GRAPH_ENTITIES: Final = GRAPH + "entities"
GRAPH_MAPPINGS: Final = GRAPH + "mappings"
GRAPH_INFERRED: Final = GRAPH + "inferred"
"""Served only: the reasoner's conclusions (kg-inferred.ttl), beside the asserted graphs."""


def vocab(local: str) -> str:
    """IRI of an ontology term: ``vocab("Drug")``."""
    return DMKG + local


def term(local: str) -> NamedNode:
    """An ontology term named by a table (claim classes, controlled values): ``term("Drug")``."""
    return NamedNode(DMKG + local)


# --- W3C and other standard terms ----------------------------------------------------------
RDF_TYPE: Final = NamedNode(RDF + "type")
RDF_FIRST: Final = NamedNode(RDF + "first")
RDF_LANG_STRING: Final = NamedNode(RDF + "langString")
RDFS_LABEL: Final = NamedNode(RDFS + "label")
RDFS_COMMENT: Final = NamedNode(RDFS + "comment")
RDFS_SUBCLASS_OF: Final = NamedNode(RDFS + "subClassOf")
RDFS_SUBPROPERTY_OF: Final = NamedNode(RDFS + "subPropertyOf")
RDFS_DOMAIN: Final = NamedNode(RDFS + "domain")
RDFS_RANGE: Final = NamedNode(RDFS + "range")
RDFS_IS_DEFINED_BY: Final = NamedNode(RDFS + "isDefinedBy")
OWL_CLASS: Final = NamedNode(OWL + "Class")
OWL_THING: Final = NamedNode(OWL + "Thing")
OWL_NOTHING: Final = NamedNode(OWL + "Nothing")
OWL_NAMED_INDIVIDUAL: Final = NamedNode(OWL + "NamedIndividual")
OWL_OBJECT_PROPERTY: Final = NamedNode(OWL + "ObjectProperty")
OWL_FUNCTIONAL_PROPERTY: Final = NamedNode(OWL + "FunctionalProperty")
OWL_IMPORTS: Final = NamedNode(OWL + "imports")
OWL_VERSION_INFO: Final = NamedNode(OWL + "versionInfo")
XSD_STRING: Final = NamedNode(XSD + "string")
XSD_INTEGER: Final = NamedNode(XSD + "integer")
XSD_DECIMAL: Final = NamedNode(XSD + "decimal")
XSD_BOOLEAN: Final = NamedNode(XSD + "boolean")
XSD_DATE_TIME: Final = NamedNode(XSD + "dateTime")
SKOS_DEFINITION: Final = NamedNode(SKOS + "definition")
SKOS_ALT_LABEL: Final = NamedNode(SKOS + "altLabel")
SKOS_NOTE: Final = NamedNode(SKOS + "note")
SKOS_MATCHES: Final = tuple(
    NamedNode(SKOS + p)
    for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
"""The SKOS mapping properties, exact first."""
DCTERMS_TITLE: Final = NamedNode(DCTERMS + "title")
DCTERMS_DESCRIPTION: Final = NamedNode(DCTERMS + "description")
DCTERMS_LANGUAGE: Final = NamedNode(DCTERMS + "language")
DCTERMS_CREATOR: Final = NamedNode(DCTERMS + "creator")
DCTERMS_PUBLISHER: Final = NamedNode(DCTERMS + "publisher")
DCTERMS_DATE: Final = NamedNode(DCTERMS + "date")
DCTERMS_CITATION: Final = NamedNode(DCTERMS + "bibliographicCitation")
DCTERMS_SOURCE: Final = NamedNode(DCTERMS + "source")
DCTERMS_IDENTIFIER: Final = NamedNode(DCTERMS + "identifier")
DCTERMS_HAS_PART: Final = NamedNode(DCTERMS + "hasPart")
DCTERMS_MODIFIED: Final = NamedNode(DCTERMS + "modified")
DCTERMS_LICENSE: Final = NamedNode(DCTERMS + "license")
DCTERMS_FORMAT: Final = NamedNode(DCTERMS + "format")
PROV_WAS_DERIVED_FROM: Final = NamedNode(PROV + "wasDerivedFrom")
OA_ANNOTATION: Final = NamedNode(OA + "Annotation")
OA_SPECIFIC_RESOURCE: Final = NamedNode(OA + "SpecificResource")
OA_TEXT_QUOTE_SELECTOR: Final = NamedNode(OA + "TextQuoteSelector")
OA_TEXT_POSITION_SELECTOR: Final = NamedNode(OA + "TextPositionSelector")
OA_HAS_SOURCE: Final = NamedNode(OA + "hasSource")
OA_HAS_SELECTOR: Final = NamedNode(OA + "hasSelector")
OA_HAS_TARGET: Final = NamedNode(OA + "hasTarget")
OA_EXACT: Final = NamedNode(OA + "exact")
OA_PREFIX: Final = NamedNode(OA + "prefix")
OA_SUFFIX: Final = NamedNode(OA + "suffix")
OA_START: Final = NamedNode(OA + "start")
OA_END: Final = NamedNode(OA + "end")
OA_MOTIVATED_BY: Final = NamedNode(OA + "motivatedBy")
OA_COMMENTING: Final = NamedNode(OA + "commenting")
OA_BODY_VALUE: Final = NamedNode(OA + "bodyValue")
SH_NAMESPACE: Final = NamedNode(SH + "namespace")

# --- our ontology: classes -------------------------------------------------------------------
CLAIM: Final = term("Claim")
EVIDENCE: Final = term("Evidence")
CURATOR_NOTE_CLASS: Final = term("CuratorNote")
SOURCE_DOCUMENT: Final = term("SourceDocument")
DRUG: Final = term("Drug")

# --- our ontology: properties ----------------------------------------------------------------
HAS_SUBJECT: Final = term("hasSubject")
HAS_OBJECT: Final = term("hasObject")
HAS_EVIDENCE: Final = term("hasEvidence")
CURATED_IN: Final = term("curatedIn")
CURATOR_NOTE: Final = term("curatorNote")
BRAND_NAME: Final = term("brandName")
SHOULD_NOT_BE_COMBINED_WITH: Final = term("shouldNotBeCombinedWith")
NOTE_KIND: Final = term("noteKind")
SHA256: Final = term("sha256")
TEXT_FILE: Final = term("textFile")
DATE_STATEMENT: Final = term("dateStatement")
AGE_GROUP: Final = term("ageGroup")
DOSE_UNIT: Final = term("doseUnit")
UCUM_CODE: Final = term("ucumCode")


# --- the IRIs we mint ------------------------------------------------------------------------
def entity_iri(kind: str, ident: str) -> str:
    """IRI we mint for a curated entity, claim or evidence: ``id/<kind>/<id>``."""
    return f"{ID}{kind}/{ident}"


def source_iri(source_id: str) -> str:
    """IRI of a source document."""
    return entity_iri("source", source_id)


def claim_iri(claim_type: str, key: str) -> str:
    """IRI of a claim: its type and content hash (``kg.curation.corpus.claim_key``)."""
    return entity_iri("claim", f"{claim_type}-{key}")


def evidence_iri(source_id: str, start: int, end: int) -> str:
    """IRI of a quoted span of a source: the same passage always gets the same IRI."""
    blob = f"{source_id}\x00{start}\x00{end}".encode()
    return entity_iri("evidence", hashlib.sha256(blob).hexdigest()[:16])


def note_iri(source_id: str, start: int, end: int, kind: str) -> str:
    """IRI of a curator's note on a span of a source."""
    blob = f"{source_id}\x00{start}\x00{end}\x00{kind}".encode()
    return f"{ID}note/{hashlib.sha256(blob).hexdigest()[:16]}"


def graph_iri(source_id: str) -> str:
    """Named graph holding the statements of one source."""
    return f"{GRAPH}source/{source_id}"
