"""Exports for downstream tools, produced with every release (besides ``kg.owl``, the whole
graph as RDF/XML for Protégé and the OWL API, made with the other RDF formats).

- ``kgx_nodes.tsv`` / ``kgx_edges.tsv``: KGX TSV, the exchange format of the Biolink tool
  chain. Categories and predicates were checked against the Biolink Model 4.4.6 schema
  (``biolink_model/schema/biolink_model.yaml`` of the ``biolink-model`` wheel), CURIEs use the
  same model's prefixes (:mod:`kg.release.biolink`); the tests run the kgx package's own
  validator on them. Every claim edge keeps its claim IRI as ``id`` and the verbatim quotes as
  ``supporting_text``; a mapping edge's ``id`` is a name-based UUID of its subject, predicate
  and object (``|`` is KGX's list delimiter, so it can not join them).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable
from typing import Final

from kg.curation.claimtypes import CLAIM_SPECS
from kg.curation.corpus import Corpus, LoadedClaim
from kg.curation.records import EntityKind, is_class_ref
from kg.mappings import MappingSet
from kg.rdf.vocab import BASE, claim_iri, entity_iri, source_iri, vocab
from kg.release.biolink import kgx_curie
from kg.release.formats import Producer
from kg.release.layout import KGX_EDGES, KGX_NODES

__all__ = [
    "BIOLINK_VERSION", "EDGE_COLUMNS", "MAPPING_UUIDS", "NODE_COLUMNS", "export_producers",
    "kgx_tables", "mapping_edge_id",
]  # fmt: skip

BIOLINK_VERSION = "4.4.6"
KNOWLEDGE_SOURCE = "infores:dmkg"
"""Our information-resource id; not (yet) registered in the Biolink Information Resource
Registry, which KGX consumers should know."""

CATEGORY: dict[EntityKind, str] = {
    EntityKind.DRUG: "biolink:Drug",
    EntityKind.VACCINE: "biolink:Drug",
    EntityKind.TARGET: "biolink:Protein",
    EntityKind.CONDITION: "biolink:DiseaseOrPhenotypicFeature",
    EntityKind.ADVERSE_EVENT: "biolink:PhenotypicFeature",
    EntityKind.STUDY: "biolink:Study",
    EntityKind.POPULATION: "biolink:PopulationOfIndividualOrganisms",
}
MATCH_PREDICATE = {
    "skos:exactMatch": "biolink:exact_match",
    "skos:closeMatch": "biolink:close_match",
    "skos:broadMatch": "biolink:broad_match",
    "skos:narrowMatch": "biolink:narrow_match",
    "skos:relatedMatch": "biolink:related_to",
}
NODE_COLUMNS = ("id", "category", "name", "description", "xref", "provided_by")
EDGE_COLUMNS = (
    "id", "subject", "predicate", "object", "qualified_predicate", "object_aspect_qualifier",
    "object_direction_qualifier", "knowledge_level", "agent_type", "primary_knowledge_source",
    "publications", "supporting_text", "dmkg_claim_type", "dmkg_status", "dmkg_recommendation",
)  # fmt: skip


MAPPING_UUIDS: Final = uuid.uuid5(uuid.NAMESPACE_URL, BASE + "mapping/")
"""Namespace of the name-based UUIDs (RFC 9562 version 5) of mapping edges."""


def _kgx(iri_or_curie: str) -> str:
    """A KGX CURIE that must exist (our own IRIs always have one)."""
    curie = kgx_curie(iri_or_curie)
    if curie is None:  # pragma: no cover - our prefixes always convert
        raise ValueError(f"no KGX CURIE for {iri_or_curie!r}")
    return curie


def _curie(corpus: Corpus, ref: str) -> str:
    if is_class_ref(ref):
        return _kgx(vocab(ref))
    return _kgx(entity_iri(corpus.entities[ref].kind.value, ref))


def mapping_edge_id(subject: str, predicate: str, obj: str) -> str:
    """``urn:uuid:`` of a mapping edge: the same mapping always gets the same id."""
    return f"urn:uuid:{uuid.uuid5(MAPPING_UUIDS, f'{subject} {predicate} {obj}')}"


def _edge(corpus: Corpus, lc: LoadedClaim) -> dict[str, str] | None:
    """The KGX edge of a claim with an object and a Biolink predicate (``CLAIM_SPECS``)."""
    c = lc.claim
    spec = CLAIM_SPECS[c.type]
    if c.object is None or spec.biolink is None:
        return None
    if isinstance(spec.biolink, str):
        predicate = spec.biolink
    elif c.status is not None:
        predicate = spec.biolink[c.status]
    else:
        return None
    row = dict.fromkeys(
        ("qualified_predicate", "object_aspect_qualifier", "object_direction_qualifier"), ""
    )
    row.update(spec.biolink_qualifiers)
    return {
        "id": _kgx(claim_iri(c.type.value, lc.key)),
        "subject": _curie(corpus, c.subject),
        "object": _curie(corpus, c.object),
        "predicate": predicate,
        **row,
        "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent",
        "primary_knowledge_source": KNOWLEDGE_SOURCE,
        "publications": _kgx(source_iri(lc.source)),
        "supporting_text": "|".join(" ".join(s.exact.split()) for s in lc.spans),
        "dmkg_claim_type": c.type.value,
        "dmkg_status": c.status.value if c.status else "",
        "dmkg_recommendation": c.recommendation.value if c.recommendation else "",
    }


def _tsv(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def kgx_tables(
    corpus: Corpus, mappings: MappingSet, class_labels: dict[str, str]
) -> tuple[bytes, bytes]:
    """KGX nodes and edges TSV: our entities and the classes claims use, every claim with a
    subject and object, and every mapping as a Biolink match edge."""
    xrefs: dict[str, list[str]] = {}
    for m in mappings.mappings:
        target = kgx_curie(m.object_id)
        if m.predicate_id == "skos:exactMatch" and target is not None:
            xrefs.setdefault(_kgx(m.subject_id), []).append(target)
    nodes: dict[str, dict[str, str]] = {}
    for ident, e in corpus.entities.items():
        curie = _kgx(entity_iri(e.kind.value, ident))
        nodes[curie] = {
            "id": curie, "category": CATEGORY[e.kind], "name": e.entity.label,
            "description": e.entity.definition or "", "xref": "|".join(sorted(xrefs.get(curie, []))),
            "provided_by": KNOWLEDGE_SOURCE,
        }  # fmt: skip
    edges = [edge for lc in corpus.claims if (edge := _edge(corpus, lc)) is not None]
    for edge in edges:
        for end in (edge["subject"], edge["object"]):
            if end.startswith("dmkg:") and end not in nodes:
                local = end.removeprefix("dmkg:")
                # a drug or vaccine class; Biolink 4.4.6 has no vaccine category, and its
                # drug category covers substances used to prevent disease
                nodes[end] = {
                    "id": end, "category": "biolink:Drug", "name": class_labels.get(local, local),
                    "description": "", "provided_by": KNOWLEDGE_SOURCE,
                    "xref": "|".join(sorted(xrefs.get(end, []))),
                }  # fmt: skip
    for m in mappings.mappings:
        subject, target = _kgx(m.subject_id), kgx_curie(m.object_id)
        if m.predicate_id == "skos:exactMatch" or subject not in nodes or target is None:
            continue  # exact matches are xrefs; a target without a Biolink prefix is left out
        nodes.setdefault(target, {
            "id": target, "category": "biolink:NamedThing", "name": m.object_label,
            "description": "", "xref": "", "provided_by": m.object_source,
        })  # fmt: skip
        edges.append({
            "id": mapping_edge_id(m.subject_id, m.predicate_id, m.object_id), "subject": subject,
            "predicate": MATCH_PREDICATE[m.predicate_id], "object": target,
            "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
            "primary_knowledge_source": KNOWLEDGE_SOURCE, "supporting_text": m.comment,
        })  # fmt: skip
    edges.sort(key=lambda r: (r["subject"], r["predicate"], r["object"], r["id"]))
    return (
        _tsv(NODE_COLUMNS, (nodes[k] for k in sorted(nodes))),
        _tsv(EDGE_COLUMNS, ({k: r.get(k, "") for k in EDGE_COLUMNS} for r in edges)),
    )


def export_producers(
    corpus: Corpus, mappings: MappingSet, class_labels: dict[str, str]
) -> dict[str, Producer]:
    """The KGX tables, made once when first written (see
    :func:`kg.release.formats.release_producers`; ``kg.owl`` is made there, from the same
    sorted triples as the other formats)."""
    tables: list[tuple[bytes, bytes]] = []

    def table(i: int) -> bytes:
        if not tables:
            tables.append(kgx_tables(corpus, mappings, class_labels))
        return tables[0][i]

    return {
        KGX_NODES: lambda: table(0),
        KGX_EDGES: lambda: table(1),
    }
