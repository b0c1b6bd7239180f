"""Stage 2: a checked :class:`~kg.load.Corpus` -> RDF quads.

Claims become nodes carrying their qualifiers and W3C Web Annotation evidence; the plain
"shortcut" triples (drug inhibits target, drug indicated for condition...) are generated here
from the claims and never authored. No blank nodes: every IRI derives from content, so adding
a claim never renames another one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from rdflib.compare import to_canonical_graph

from kg.claimtypes import CLAIM_SPECS
from kg.load import Corpus, LoadedClaim, LoadedEntity, LoadedNote, LoadedSource
from kg.quotes import Span
from kg.records import (
    Action,
    AgeGroup,
    Claim,
    DoseUnit,
    EntityKind,
    IndicationStatus,
    NoteKind,
    Population,
    Recommendation,
    Route,
    SourceKind,
    is_class_ref,
)
from kg.vocab import (
    DCTERMS,
    GRAPH_ENTITIES,
    GRAPH_ONTOLOGY,
    ID,
    OA,
    PROV,
    RDF,
    RDFS,
    SKOS,
    UNIT,
    XSD,
    entity_iri,
    graph_iri,
    vocab,
)

__all__ = ["build_quads", "claim_iri", "ontology_quads", "quad_key", "ref_iri"]

_A = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")

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
STATUS = {s: s.value.title().replace("-", "") for s in IndicationStatus}
RECOMMENDATION = {r: r.value.title().replace("-", "") for r in Recommendation}
ACTION = {
    Action.INHIBITOR: "Inhibition",
    Action.BLOCKER: "Blockade",
    Action.ANTAGONIST: "Antagonism",
}
ROUTE = {Route.SUBCUTANEOUS: "SubcutaneousRoute", Route.INJECTION: "InjectionRoute"}
AGE_GROUP = {AgeGroup.ADULT: "Adult", AgeGroup.CHILD: "Child", AgeGroup.ANY: "AnyAge"}
NOTE_KIND = {k: k.value.title().replace("-", "") for k in NoteKind}
NOTE_KIND[NoteKind.NOT_A_FACT] = "NotAFact"
QUDT_UNIT = {
    DoseUnit.MG: UNIT + "MilliGM",
    DoseUnit.MG_PER_KG: UNIT + "MilliGM-PER-KiloGM",
    DoseUnit.MG_PER_ML: UNIT + "MilliGM-PER-MilliL",
}
AVOID = {Recommendation.MUST_NOT, Recommendation.AVOID, Recommendation.AVOID_GENERALLY}


def _v(local: str) -> NamedNode:
    return NamedNode(vocab(local))


def _str(value: str) -> Literal:
    return Literal(value)


def _en(value: str) -> Literal:
    return Literal(value, language="en")


def _dec(value: float) -> Literal:
    # XSD 1.1 canonical decimal ("100", "9.4"): the form pyoxigraph stores, so the release
    # files and the served store hold the very same literal.
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=NamedNode(XSD + "decimal"))


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _bool(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def _date(value: str) -> Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return Literal(value, datatype=NamedNode(XSD + kind))


def ref_iri(corpus: Corpus, ref: str) -> NamedNode:
    """IRI of a reference in a curated file: an ontology class or a curated entity."""
    if is_class_ref(ref):
        return _v(ref)
    loaded = corpus.entities[ref]
    return NamedNode(entity_iri(loaded.kind.value, ref))


def claim_iri(claim: LoadedClaim) -> NamedNode:
    return NamedNode(entity_iri("claim", f"{claim.claim.type.value}-{claim.key}"))


def _span_iri(source: str, span: Span) -> str:
    blob = f"{source}\x00{span.start}\x00{span.end}".encode()
    return entity_iri("evidence", hashlib.sha256(blob).hexdigest()[:16])


def _term(t: rdflib.term.Node) -> NamedNode | BlankNode | Literal:
    if isinstance(t, rdflib.URIRef):
        return NamedNode(str(t))
    if isinstance(t, rdflib.BNode):
        return BlankNode(str(t))
    assert isinstance(t, rdflib.Literal)
    if t.language:
        return Literal(str(t), language=t.language.lower())
    return Literal(str(t), datatype=NamedNode(str(t.datatype or XSD + "string")))


def ontology_quads(ontology_file: Path) -> list[Quad]:
    """The hand-edited ontology, in its own named graph.

    OWL's RDF mapping requires blank nodes for class expressions (the restriction behind
    ``Interleukin1Inhibitor``); the only blank nodes of a release are these, relabelled
    canonically (RGDA1, rdflib.compare) so that their labels do not change between builds."""
    g = NamedNode(GRAPH_ONTOLOGY)
    graph = rdflib.Graph().parse(ontology_file, format="turtle")
    canonical = to_canonical_graph(graph)
    return [Quad(_term(s), _term(p), _term(o), g) for s, p, o in canonical]  # type: ignore[arg-type]


def build_quads(corpus: Corpus, ontology_file: Path) -> list[Quad]:
    """All quads of a release (ontology, entities and sources, one graph per source), sorted
    so that every serialisation of them is byte-for-byte reproducible."""
    quads = ontology_quads(ontology_file)
    quads += _entity_quads(corpus)
    for claim in corpus.claims:
        quads += _claim_quads(corpus, claim)
    for note in corpus.notes:
        quads += _note_quads(corpus, note)
    return sorted(dict.fromkeys(quads), key=quad_key)


def quad_key(q: Quad) -> tuple[str, str]:
    """Sort key of a release's quads: graph, then subject, predicate, object as N-Triples.

    ``str(q.triple)`` is ``"s p o"``; it orders exactly as the tuple ``(s, p, o)`` because no
    term is a proper prefix of another that continues with a character below the space."""
    return str(q.graph_name), str(q.triple)


def _curated_in(corpus: Corpus, path: Path, line: int) -> Literal:
    return _str(f"{corpus.rel(path)}:{line}")


def _entity_quads(corpus: Corpus) -> Iterator[Quad]:
    g = NamedNode(GRAPH_ENTITIES)
    for source in corpus.sources.values():
        yield from (Quad(s, p, o, g) for s, p, o in _source_triples(corpus, source))
    for loaded in corpus.entities.values():
        yield from (Quad(s, p, o, g) for s, p, o in _entity_triples(corpus, loaded))


def _source_triples(
    corpus: Corpus, src: LoadedSource
) -> Iterator[tuple[NamedNode, NamedNode, Literal | NamedNode]]:
    m = src.meta
    s = NamedNode(entity_iri("source", m.id))
    yield s, _A, _v("SourceDocument")
    yield s, _A, _v(SOURCE_CLASS[m.kind])
    yield s, _LABEL, _en(m.title)
    yield s, NamedNode(DCTERMS + "title"), _en(m.title)
    yield s, NamedNode(DCTERMS + "language"), _str(m.language)
    yield s, _v("sha256"), _str(m.sha256)
    yield s, _v("textFile"), _str(f"{corpus.rel(src.path.parent)}/{m.text}")
    yield s, _v("curatedIn"), _curated_in(corpus, src.path, src.line)
    for author in m.authors:
        yield s, NamedNode(DCTERMS + "creator"), _str(author)
    if m.publisher:
        yield s, NamedNode(DCTERMS + "publisher"), _str(m.publisher)
    if m.date:
        yield s, NamedNode(DCTERMS + "date"), _date(m.date)
    if m.date_statement:
        yield s, _v("dateStatement"), _str(m.date_statement)
    if m.citation:
        yield s, NamedNode(DCTERMS + "bibliographicCitation"), _str(m.citation)
    if m.origin:
        yield s, NamedNode(DCTERMS + "source"), _str(m.origin)
    for note in m.notes:
        yield s, NamedNode(SKOS + "note"), _en(" ".join(note.split()))


def _entity_triples(
    corpus: Corpus, loaded: LoadedEntity
) -> Iterator[tuple[NamedNode, NamedNode, Literal | NamedNode]]:
    e = loaded.entity
    s = NamedNode(entity_iri(loaded.kind.value, e.id))
    yield s, _A, _v(ENTITY_CLASS[loaded.kind])
    for t in e.types:
        yield s, _A, _v(t)
    yield s, _LABEL, _en(e.label)
    if e.definition:
        yield s, NamedNode(SKOS + "definition"), _en(e.definition)
    for syn in e.synonyms:
        yield s, NamedNode(SKOS + "altLabel"), _en(syn)
    if e.note:
        yield s, _v("curatorNote"), _en(e.note)
    yield s, _v("curatedIn"), _curated_in(corpus, loaded.path, loaded.line)
    if isinstance(e, Population):
        yield s, _v("ageGroup"), _v(AGE_GROUP[e.age_group])
        for name, prop in (
            ("min_age_years", "minAgeYears"),
            ("max_age_years", "maxAgeYears"),
            ("min_weight_kg", "minWeightKg"),
            ("max_weight_kg", "maxWeightKg"),
        ):
            value = getattr(e, name)
            if value is not None:
                yield s, _v(prop), _dec(value)
                flag = name.replace("_years", "").replace("_kg", "") + "_inclusive"
                yield (
                    s,
                    _v(prop.replace("Years", "").replace("Kg", "") + "Inclusive"),
                    _bool(getattr(e, flag)),
                )


def _label(corpus: Corpus, ref: str) -> str:
    if is_class_ref(ref):
        return ref
    return corpus.entities[ref].entity.label


def _claim_quads(corpus: Corpus, lc: LoadedClaim) -> list[Quad]:
    c = lc.claim
    spec = CLAIM_SPECS[c.type]
    g = NamedNode(graph_iri(lc.source))
    s = claim_iri(lc)
    source = NamedNode(entity_iri("source", lc.source))
    subj = ref_iri(corpus, c.subject)
    obj = ref_iri(corpus, c.object) if c.object else None
    label = f"{_label(corpus, c.subject)}: {c.type.value.replace('-', ' ')}"
    if c.object:
        label += f": {_label(corpus, c.object)}"
    elif c.value:
        label += f": {c.value}"
    t: list[tuple[NamedNode, NamedNode, Literal | NamedNode]] = [
        (s, _A, _v("Claim")),
        (s, _A, _v(spec.rdf_class)),
        (s, _LABEL, _en(label[:200])),
        (s, _v("hasSubject"), subj),
        (s, NamedNode(PROV + "wasDerivedFrom"), source),
        (s, _v("curatedIn"), _curated_in(corpus, lc.path, lc.line)),
    ]
    if obj is not None:
        t.append((s, _v("hasObject"), obj))
    if c.note:
        t.append((s, _v("curatorNote"), _en(" ".join(c.note.split()))))
    t += _qualifiers(corpus, s, lc)
    for span in lc.spans:
        ev = NamedNode(_span_iri(lc.source, span))
        t.append((s, _v("hasEvidence"), ev))
        t.append((ev, _A, _v("Evidence")))
        t += _span_triples(ev, source, span)
    t += _shortcuts(c.type.value, spec.shortcut, subj, obj, c)
    return [Quad(a, b, o, g) for a, b, o in t]


def _qualifiers(
    corpus: Corpus, s: NamedNode, lc: LoadedClaim
) -> list[tuple[NamedNode, NamedNode, Literal | NamedNode]]:
    c = lc.claim
    out: list[tuple[NamedNode, NamedNode, Literal | NamedNode]] = []
    if c.status:
        out.append((s, _v("status"), _v(STATUS[c.status])))
    if c.recommendation:
        out.append((s, _v("recommendation"), _v(RECOMMENDATION[c.recommendation])))
    if c.action:
        out.append((s, _v("action"), _v(ACTION[c.action])))
    if c.route:
        out.append((s, _v("route"), _v(ROUTE[c.route])))
    if c.unit:
        out.append((s, _v("doseUnit"), NamedNode(QUDT_UNIT[c.unit])))
        out.append((s, _v("ucumCode"), _str(c.unit.value)))
    for name, prop in (
        ("population", "population"),
        ("condition", "condition"),
        ("study", "study"),
        ("reason_event", "reasonEvent"),
    ):
        ref = getattr(c, name)
        if ref:
            out.append((s, _v(prop), ref_iri(corpus, ref)))
    texts = {
        "value": "value", "reason": "reason", "frequency": "frequency", "severity": "severity",
        "dosing_frequency": "dosingFrequency", "measure": "measure",
        "number_unit": "numberUnit",
    }  # fmt: skip
    for name, prop in texts.items():
        value = getattr(c, name)
        if value is not None:
            out.append((s, _v(prop), _en(" ".join(value.split()))))
    for name, prop in (("timing", "timing"), ("statistic", "statistic")):
        value = getattr(c, name)
        if value is not None:
            out.append((s, _v(prop), _str(value.value)))
    decimals = {
        "dose": "dose", "dose_min": "doseMin", "dose_max": "doseMax",
        "interval_min_days": "intervalMinDays", "interval_max_days": "intervalMaxDays",
        "number": "number", "range_min": "rangeMin", "range_max": "rangeMax",
        "percentage": "percentage",
    }  # fmt: skip
    for name, prop in decimals.items():
        value = getattr(c, name)
        if value is not None:
            out.append((s, _v(prop), _dec(value)))
    integers = {
        "numerator": "numerator", "denominator": "denominator", "participants": "participants",
        "female": "femaleCount", "male": "maleCount", "count_min": "countMin",
    }  # fmt: skip
    for name, prop in integers.items():
        value = getattr(c, name)
        if value is not None:
            out.append((s, _v(prop), _int(value)))
    if c.single_dose is not None:
        out.append((s, _v("singleDose"), _bool(c.single_dose)))
    out += [(s, _v("site"), _en(site)) for site in c.sites]
    out += [(s, _v("administeredBy"), _str(who.value)) for who in c.administered_by]
    return out


def _span_triples(
    node: NamedNode, source: NamedNode, span: Span
) -> list[tuple[NamedNode, NamedNode, Literal | NamedNode]]:
    quote = NamedNode(node.value + "/quote")
    pos = NamedNode(node.value + "/position")
    return [
        (node, _A, NamedNode(OA + "SpecificResource")),
        (node, NamedNode(OA + "hasSource"), source),
        (node, NamedNode(OA + "hasSelector"), quote),
        (node, NamedNode(OA + "hasSelector"), pos),
        (quote, _A, NamedNode(OA + "TextQuoteSelector")),
        (quote, NamedNode(OA + "exact"), _str(span.exact)),
        (quote, NamedNode(OA + "prefix"), _str(span.prefix)),
        (quote, NamedNode(OA + "suffix"), _str(span.suffix)),
        (pos, _A, NamedNode(OA + "TextPositionSelector")),
        # xsd:integer rather than the spec's xsd:nonNegativeInteger: pyoxigraph stores the
        # latter as xsd:integer, and the release must equal what the store serves.
        (pos, NamedNode(OA + "start"), _int(span.start)),
        (pos, NamedNode(OA + "end"), _int(span.end)),
    ]


def _shortcuts(
    kind: str, shortcut: str | None, subj: NamedNode, obj: NamedNode | None, c: Claim
) -> list[tuple[NamedNode, NamedNode, Literal | NamedNode]]:
    if shortcut is None:
        return []
    if shortcut == "type":
        return [(subj, _A, obj)] if obj is not None else []
    if shortcut == "brandName":
        return [(subj, _v("brandName"), _str(c.value or ""))]
    if obj is None:
        return []
    out: list[tuple[NamedNode, NamedNode, Literal | NamedNode]] = [(subj, _v(shortcut), obj)]
    if kind == "interaction" and c.recommendation in AVOID:
        out.append((subj, _v("shouldNotBeCombinedWith"), obj))
    return out


def _note_quads(corpus: Corpus, ln: LoadedNote) -> list[Quad]:
    g = NamedNode(graph_iri(ln.source))
    source = NamedNode(entity_iri("source", ln.source))
    target = NamedNode(_span_iri(ln.source, ln.span))
    blob = f"{ln.source}\x00{ln.span.start}\x00{ln.span.end}\x00{ln.note.kind.value}".encode()
    s = NamedNode(f"{ID}note/{hashlib.sha256(blob).hexdigest()[:16]}")
    t: list[tuple[NamedNode, NamedNode, Literal | NamedNode]] = [
        (s, _A, _v("CuratorNote")),
        (s, _A, NamedNode(OA + "Annotation")),
        (
            s,
            _LABEL,
            _en(
                f"{ln.note.kind.value.replace('-', ' ')}: {' '.join(ln.span.exact.split())[:80].rstrip()}"
            ),
        ),
        (s, NamedNode(OA + "motivatedBy"), NamedNode(OA + "commenting")),
        (s, NamedNode(OA + "bodyValue"), _en(" ".join(ln.note.note.split()))),
        (s, _v("noteKind"), _v(NOTE_KIND[ln.note.kind])),
        (s, NamedNode(OA + "hasTarget"), target),
        (s, _v("curatedIn"), _curated_in(corpus, ln.path, ln.line)),
    ]
    t += _span_triples(target, source, ln.span)
    return [Quad(a, b, o, g) for a, b, o in t]
