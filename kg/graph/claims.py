"""Claims as nodes: type, subject, object, qualifiers and evidence, and the shortcut triples.

The qualifiers are written as :data:`kg.curation.claimtypes.QUALIFIERS` says; the plain
"shortcut" triples (drug inhibits target, drug indicated for condition ...) are generated here
from the claims and never authored.
"""

from __future__ import annotations

from enum import StrEnum

from pyoxigraph import NamedNode, Quad

from kg.curation.claimtypes import CLAIM_SPECS, QUALIFIERS, ValueKind
from kg.curation.corpus import Corpus, LoadedClaim
from kg.curation.records import (
    Action,
    Claim,
    DoseUnit,
    IndicationStatus,
    Recommendation,
    Route,
    is_class_ref,
)
from kg.graph.entities import Triple, curated_in, ref_iri
from kg.graph.evidence import span_iri, span_triples
from kg.rdf.terms import boolean, decimal, english, integer, string
from kg.rdf.vocab import (
    BRAND_NAME,
    CLAIM,
    CURATED_IN,
    CURATOR_NOTE,
    DOSE_UNIT,
    EVIDENCE,
    HAS_EVIDENCE,
    HAS_OBJECT,
    HAS_SUBJECT,
    PROV_WAS_DERIVED_FROM,
    RDF_TYPE,
    RDFS_LABEL,
    SHOULD_NOT_BE_COMBINED_WITH,
    UCUM_CODE,
    UNIT,
    claim_iri,
    graph_iri,
    source_iri,
    term,
)

__all__ = ["AVOID", "QUDT_UNIT", "TERMS", "claim_node", "claim_quads"]

TERMS: dict[str, dict[StrEnum, str]] = {
    "status": {s: s.value.title().replace("-", "") for s in IndicationStatus},
    "recommendation": {r: r.value.title().replace("-", "") for r in Recommendation},
    "action": {
        Action.INHIBITOR: "Inhibition",
        Action.BLOCKER: "Blockade",
        Action.ANTAGONIST: "Antagonism",
    },
    "route": {Route.SUBCUTANEOUS: "SubcutaneousRoute", Route.INJECTION: "InjectionRoute"},
}
"""Controlled values (``ValueKind.TERM`` qualifiers) -> individuals of the ontology."""
QUDT_UNIT = {
    DoseUnit.MG: UNIT + "MilliGM",
    DoseUnit.MG_PER_KG: UNIT + "MilliGM-PER-KiloGM",
    DoseUnit.MG_PER_ML: UNIT + "MilliGM-PER-MilliL",
}
AVOID = {Recommendation.MUST_NOT, Recommendation.AVOID, Recommendation.AVOID_GENERALLY}
"""Interaction recommendations that also give ``dmkg:shouldNotBeCombinedWith``."""


def claim_node(claim: LoadedClaim) -> NamedNode:
    return NamedNode(claim_iri(claim.claim.type.value, claim.key))


def _label(corpus: Corpus, ref: str) -> str:
    if is_class_ref(ref):
        return ref
    return corpus.entities[ref].entity.label


def claim_quads(corpus: Corpus, lc: LoadedClaim) -> list[Quad]:
    """Every quad of one claim, in the graph of its source."""
    c = lc.claim
    spec = CLAIM_SPECS[c.type]
    g = NamedNode(graph_iri(lc.source))
    s = claim_node(lc)
    source = NamedNode(source_iri(lc.source))
    subj = ref_iri(corpus, c.subject)
    obj = ref_iri(corpus, c.object) if c.object else None
    label = f"{_label(corpus, c.subject)}: {c.type.value.replace('-', ' ')}"
    if c.object:
        label += f": {_label(corpus, c.object)}"
    elif c.value:
        label += f": {c.value}"
    t: list[Triple] = [
        (s, RDF_TYPE, CLAIM),
        (s, RDF_TYPE, term(spec.rdf_class)),
        (s, RDFS_LABEL, english(label[:200])),
        (s, HAS_SUBJECT, subj),
        (s, PROV_WAS_DERIVED_FROM, source),
        (s, CURATED_IN, curated_in(corpus, lc.path, lc.line)),
    ]
    if obj is not None:
        t.append((s, HAS_OBJECT, obj))
    if c.note:
        t.append((s, CURATOR_NOTE, english(" ".join(c.note.split()))))
    t += _qualifiers(corpus, s, c)
    for span in lc.spans:
        ev = span_iri(lc.source, span)
        t.append((s, HAS_EVIDENCE, ev))
        t.append((ev, RDF_TYPE, EVIDENCE))
        t += span_triples(ev, source, span)
    t += _shortcuts(c.type.value, spec.shortcut, subj, obj, c)
    return [Quad(a, b, o, g) for a, b, o in t]


def _qualifiers(corpus: Corpus, s: NamedNode, c: Claim) -> list[Triple]:
    out: list[Triple] = []
    for q in QUALIFIERS:
        raw = getattr(c, q.field)
        if raw is None:
            continue
        prop = term(q.property)
        for value in raw if isinstance(raw, list) else [raw]:
            if q.kind is ValueKind.TERM:
                out.append((s, prop, term(TERMS[q.field][value])))
            elif q.kind is ValueKind.UNIT:
                out.append((s, DOSE_UNIT, NamedNode(QUDT_UNIT[value])))
                out.append((s, UCUM_CODE, string(value.value)))
            elif q.kind is ValueKind.REF:
                out.append((s, prop, ref_iri(corpus, value)))
            elif q.kind is ValueKind.TEXT:
                out.append((s, prop, english(" ".join(value.split()))))
            elif q.kind is ValueKind.TEXT_AS_IS:
                out.append((s, prop, english(value)))
            elif q.kind is ValueKind.CODE:
                out.append((s, prop, string(value.value)))
            elif q.kind is ValueKind.DECIMAL:
                out.append((s, prop, decimal(value)))
            elif q.kind is ValueKind.INTEGER:
                out.append((s, prop, integer(value)))
            else:
                out.append((s, prop, boolean(value)))
    return out


def _shortcuts(
    kind: str, shortcut: str | None, subj: NamedNode, obj: NamedNode | None, c: Claim
) -> list[Triple]:
    if shortcut is None:
        return []
    if shortcut == "type":
        return [(subj, RDF_TYPE, obj)] if obj is not None else []
    if shortcut == "brandName":
        return [(subj, BRAND_NAME, string(c.value or ""))]
    if obj is None:
        return []
    out: list[Triple] = [(subj, term(shortcut), obj)]
    if kind == "interaction" and c.recommendation in AVOID:
        out.append((subj, SHOULD_NOT_BE_COMBINED_WITH, obj))
    return out
