"""Sources, entities and populations as triples of the entity graph."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from kg.curation.corpus import Corpus, LoadedEntity, LoadedSource
from kg.curation.records import AgeGroup, EntityKind, Population, SourceKind, is_class_ref
from kg.rdf.terms import boolean, date, decimal, english, string
from kg.rdf.vocab import (
    AGE_GROUP,
    CURATED_IN,
    CURATOR_NOTE,
    DATE_STATEMENT,
    DCTERMS_CITATION,
    DCTERMS_CREATOR,
    DCTERMS_DATE,
    DCTERMS_LANGUAGE,
    DCTERMS_PUBLISHER,
    DCTERMS_SOURCE,
    DCTERMS_TITLE,
    RDF_TYPE,
    RDFS_LABEL,
    SHA256,
    SKOS_ALT_LABEL,
    SKOS_DEFINITION,
    SKOS_NOTE,
    SOURCE_DOCUMENT,
    TEXT_FILE,
    entity_iri,
    source_iri,
    term,
)

__all__ = ["ENTITY_CLASS", "SOURCE_CLASS", "Triple", "curated_in", "entity_triples", "ref_iri",
           "source_triples"]  # fmt: skip

Triple = tuple[NamedNode, NamedNode, Literal | NamedNode]
"""A triple as the graph stage makes it (no blank nodes: every IRI derives from content)."""

ENTITY_CLASS: dict[EntityKind, str] = {
    EntityKind.DRUG: "Drug",
    EntityKind.VACCINE: "Vaccine",
    EntityKind.TARGET: "MolecularTarget",
    EntityKind.CONDITION: "Condition",
    EntityKind.ADVERSE_EVENT: "AdverseEvent",
    EntityKind.STUDY: "ClinicalStudy",
    EntityKind.POPULATION: "Population",
}
SOURCE_CLASS: dict[SourceKind, str] = {
    SourceKind.PATIENT_INFORMATION_SHEET: "PatientInformationSheet",
    SourceKind.POSTER_ABSTRACT: "PosterAbstract",
    SourceKind.WEB_PAGE: "WebPage",
    SourceKind.PRODUCT_LABEL: "ProductLabel",
    SourceKind.STUDY_REPORT: "StudyReport",
}
AGE_GROUP_TERM = {AgeGroup.ADULT: "Adult", AgeGroup.CHILD: "Child", AgeGroup.ANY: "AnyAge"}
_BOUNDS = (
    ("min_age_years", "minAgeYears", "min_age_inclusive", "minAgeInclusive"),
    ("max_age_years", "maxAgeYears", "max_age_inclusive", "maxAgeInclusive"),
    ("min_weight_kg", "minWeightKg", "min_weight_inclusive", "minWeightInclusive"),
    ("max_weight_kg", "maxWeightKg", "max_weight_inclusive", "maxWeightInclusive"),
)
"""Population bounds: field, property, inclusiveness field, its property."""


def ref_iri(corpus: Corpus, ref: str) -> NamedNode:
    """IRI of a reference in a curated file: an ontology class or a curated entity."""
    if is_class_ref(ref):
        return term(ref)
    loaded = corpus.entities[ref]
    return NamedNode(entity_iri(loaded.kind.value, ref))


def curated_in(corpus: Corpus, path: Path, line: int) -> Literal:
    """``dmkg:curatedIn``: the file and line a record was curated in."""
    return string(f"{corpus.rel(path)}:{line}")


def source_triples(corpus: Corpus, src: LoadedSource) -> Iterator[Triple]:
    m = src.meta
    s = NamedNode(source_iri(m.id))
    yield s, RDF_TYPE, SOURCE_DOCUMENT
    yield s, RDF_TYPE, term(SOURCE_CLASS[m.kind])
    yield s, RDFS_LABEL, english(m.title)
    yield s, DCTERMS_TITLE, english(m.title)
    yield s, DCTERMS_LANGUAGE, string(m.language)
    yield s, SHA256, string(m.sha256)
    yield s, TEXT_FILE, string(f"{corpus.rel(src.path.parent)}/{m.text}")
    yield s, CURATED_IN, curated_in(corpus, src.path, src.line)
    for author in m.authors:
        yield s, DCTERMS_CREATOR, string(author)
    if m.publisher:
        yield s, DCTERMS_PUBLISHER, string(m.publisher)
    if m.date:
        yield s, DCTERMS_DATE, date(m.date)
    if m.date_statement:
        yield s, DATE_STATEMENT, string(m.date_statement)
    if m.citation:
        yield s, DCTERMS_CITATION, string(m.citation)
    if m.origin:
        yield s, DCTERMS_SOURCE, string(m.origin)
    for note in m.notes:
        yield s, SKOS_NOTE, english(" ".join(note.split()))


def entity_triples(corpus: Corpus, loaded: LoadedEntity) -> Iterator[Triple]:
    e = loaded.entity
    s = NamedNode(entity_iri(loaded.kind.value, e.id))
    yield s, RDF_TYPE, term(ENTITY_CLASS[loaded.kind])
    for t in e.types:
        yield s, RDF_TYPE, term(t)
    yield s, RDFS_LABEL, english(e.label)
    if e.definition:
        yield s, SKOS_DEFINITION, english(e.definition)
    for syn in e.synonyms:
        yield s, SKOS_ALT_LABEL, english(syn)
    if e.note:
        yield s, CURATOR_NOTE, english(e.note)
    yield s, CURATED_IN, curated_in(corpus, loaded.path, loaded.line)
    if isinstance(e, Population):
        yield s, AGE_GROUP, term(AGE_GROUP_TERM[e.age_group])
        for name, prop, flag, flag_prop in _BOUNDS:
            value = getattr(e, name)
            if value is not None:
                yield s, term(prop), decimal(value)
                yield s, term(flag_prop), boolean(getattr(e, flag))
