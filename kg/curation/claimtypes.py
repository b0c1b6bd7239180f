"""What each claim type means: allowed subjects and objects, required and allowed fields,
its ontology class, the shortcut triple generated from it and its Biolink predicate; and how
each optional field (qualifier) becomes a property of the claim node.

One table drives the loader's checks, the RDF build, the exports and the documentation, so a
new claim type is one row here plus one class in the ontology, and a new qualifier one row of
:data:`QUALIFIERS` plus one property.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kg.curation.records import ClaimType, IndicationStatus

__all__ = ["CLAIM_SPECS", "CLASS", "QUALIFIERS", "ClaimSpec", "QualifierSpec", "ValueKind"]

CLASS = "class"
"""Pseudo-kind for references to ontology classes (drug classes, vaccine classes, ...)."""


class ValueKind(StrEnum):
    """How a qualifier's value is written in RDF."""

    REF = "ref"
    """a curated entity or ontology class: its IRI"""
    TEXT = "text"
    """English text, white space collapsed"""
    TEXT_AS_IS = "text-as-is"
    """English text as curated"""
    CODE = "code"
    """a controlled value written as its code (plain string)"""
    TERM = "term"
    """a controlled value written as an individual of the ontology"""
    UNIT = "unit"
    """a UCUM unit: its QUDT unit and, beside it, the UCUM code"""
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class QualifierSpec:
    """One optional claim field (``records.Claim``) and the property that carries it."""

    field: str
    property: str
    """local name in the dmkg ontology"""
    kind: ValueKind


def _q(kind: ValueKind, *pairs: str) -> tuple[QualifierSpec, ...]:
    """``field:property`` pairs of one kind (the property is the field when no ``:``)."""
    return tuple(
        QualifierSpec(f, p or f, kind) for f, _, p in (pair.partition(":") for pair in pairs)
    )


QUALIFIERS: tuple[QualifierSpec, ...] = (
    *_q(ValueKind.TERM, "status", "recommendation", "action", "route"),
    *_q(ValueKind.UNIT, "unit:doseUnit"),
    *_q(ValueKind.REF, "population", "condition", "study", "reason_event:reasonEvent"),
    *_q(ValueKind.TEXT, "value", "reason", "frequency", "severity",
        "dosing_frequency:dosingFrequency", "measure", "number_unit:numberUnit"),
    *_q(ValueKind.TEXT_AS_IS, "sites:site"),
    *_q(ValueKind.CODE, "timing", "statistic", "administered_by:administeredBy"),
    *_q(ValueKind.DECIMAL, "dose", "dose_min:doseMin", "dose_max:doseMax",
        "interval_min_days:intervalMinDays", "interval_max_days:intervalMaxDays", "number",
        "range_min:rangeMin", "range_max:rangeMax", "percentage"),
    *_q(ValueKind.INTEGER, "numerator", "denominator", "participants", "female:femaleCount",
        "male:maleCount", "count_min:countMin"),
    *_q(ValueKind.BOOLEAN, "single_dose:singleDose"),
)  # fmt: skip
"""Every qualifier field of a claim (all but type, subject, object, evidence, note)."""


@dataclass(frozen=True)
class ClaimSpec:
    """``subject``/``objects``: entity kinds (``EntityKind`` values) or ``CLASS``.
    ``one_of``: groups of fields of which at least one must be given."""

    rdf_class: str
    definition: str
    subject: frozenset[str]
    objects: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()
    one_of: tuple[frozenset[str], ...] = ()
    shortcut: str | None = None
    biolink: str | Mapping[IndicationStatus, str] | None = None
    """The Biolink predicate of its KGX edge (by status for indications); None: no edge."""
    biolink_qualifiers: tuple[tuple[str, str], ...] = ()
    """KGX edge columns that qualify the predicate (``object_direction_qualifier`` ...)."""

    def permitted(self) -> frozenset[str]:
        extra = {"object"} if self.objects else set()
        groups: set[str] = set().union(*self.one_of) if self.one_of else set()
        return self.required | self.allowed | extra | groups


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


DRUGLIKE = _s("drug", CLASS)
STUDY_NUMBERS = _s(
    "statistic", "number", "range_min", "range_max", "number_unit", "numerator",
    "denominator", "percentage", "population", "value",
)  # fmt: skip

CLAIM_SPECS: dict[ClaimType, ClaimSpec] = {
    ClaimType.CLASS_MEMBERSHIP: ClaimSpec(
        "ClassMembershipClaim",
        "A source states that an entity belongs to a class (a drug to a drug class, a vaccine "
        "to live vaccines, a target to cytokines).",
        subject=_s("drug", "vaccine", "target"),
        objects=_s(CLASS),
        required=_s("object"),
        shortcut="type",
        biolink="biolink:subclass_of",
    ),
    ClaimType.BRAND_NAME: ClaimSpec(
        "BrandNameClaim",
        "A source gives a brand (proprietary) name of a drug.",
        subject=_s("drug"),
        required=_s("value"),
        shortcut="brandName",
    ),
    ClaimType.TARGET: ClaimSpec(
        "TargetClaim",
        "A source states that a drug or drug class acts on a molecular target, and how.",
        subject=DRUGLIKE,
        objects=_s("target"),
        required=_s("object", "action"),
        allowed=_s("study"),
        shortcut="inhibits",
        biolink="biolink:affects",
        biolink_qualifiers=(
            ("qualified_predicate", "biolink:causes"),
            ("object_aspect_qualifier", "activity"),
            ("object_direction_qualifier", "decreased"),
        ),
    ),
    ClaimType.INDICATION: ClaimSpec(
        "IndicationClaim",
        "A source states that a drug is used, reimbursed, studied or observed to work for a "
        "condition; the status says which.",
        subject=_s("drug"),
        objects=_s("condition"),
        required=_s("object", "status"),
        allowed=_s("population", "study"),
        shortcut="indicatedFor",
        biolink={
            IndicationStatus.LABELLED: "biolink:treats",
            IndicationStatus.STATED_USE: "biolink:applied_to_treat",
            IndicationStatus.REIMBURSED: "biolink:applied_to_treat",
            IndicationStatus.NOT_REIMBURSED: "biolink:applied_to_treat",
            IndicationStatus.STUDIED: "biolink:studied_to_treat",
            IndicationStatus.OBSERVED: "biolink:ameliorates_condition",
        },
    ),
    ClaimType.CONTRAINDICATION: ClaimSpec(
        "ContraindicationClaim",
        "A source states that a drug must not be used in a condition.",
        subject=_s("drug"),
        objects=_s("condition"),
        required=_s("object", "recommendation"),
        allowed=_s("population", "reason"),
        shortcut="contraindicatedIn",
        biolink="biolink:contraindicated_in",
    ),
    ClaimType.PRECAUTION: ClaimSpec(
        "PrecautionClaim",
        "A source restricts or qualifies use in a population (pregnancy, an age limit) or "
        "circumstance, with a recommendation and its reason.",
        subject=_s("drug"),
        objects=_s("condition"),
        required=_s("recommendation", "value"),
        allowed=_s("population", "reason", "timing"),
    ),
    ClaimType.ADVERSE_REACTION: ClaimSpec(
        "AdverseReactionClaim",
        "A source states that a drug can cause an adverse event, with its frequency or "
        "severity where given.",
        subject=_s("drug"),
        objects=_s("adverse-event"),
        required=_s("object"),
        allowed=_s(
            "frequency", "severity", "study", "numerator", "denominator", "percentage", "value"
        ),
        shortcut="hasAdverseEvent",
        biolink="biolink:has_adverse_event",
    ),
    ClaimType.INTERACTION: ClaimSpec(
        "InteractionClaim",
        "A source states whether a drug may be combined with another drug, drug class or "
        "vaccine, and why.",
        subject=_s("drug"),
        objects=_s("drug", "vaccine", CLASS),
        required=_s("object", "recommendation"),
        allowed=_s("reason", "reason_event", "timing"),
        shortcut="interactsWith",
        biolink="biolink:interacts_with",
    ),
    ClaimType.DOSING: ClaimSpec(
        "DosingRegimenClaim",
        "A source gives a dose of a drug for a population or situation: amount, unit, "
        "frequency, route.",
        subject=_s("drug"),
        required=_s("unit", "dosing_frequency"),
        allowed=_s(
            "population",
            "condition",
            "study",
            "status",
            "route",
            "sites",
            "dose_max",
            "interval_min_days",
            "interval_max_days",
            "single_dose",
            "value",
        ),
        one_of=(_s("dose", "dose_min"),),
    ),
    ClaimType.ADMINISTRATION: ClaimSpec(
        "AdministrationClaim",
        "A source says how a drug is given: route, body site, who gives it, how.",
        subject=_s("drug"),
        allowed=_s("sites", "value"),
        one_of=(_s("route", "administered_by", "value"),),
    ),
    ClaimType.FORMULATION: ClaimSpec(
        "FormulationClaim",
        "A source describes the product form and strength of a drug.",
        subject=_s("drug"),
        required=_s("value"),
        allowed=_s("dose", "unit", "route"),
    ),
    ClaimType.MONITORING: ClaimSpec(
        "MonitoringClaim",
        "A source says what should be checked before or during treatment.",
        subject=_s("drug"),
        objects=_s("condition", "adverse-event"),
        required=_s("value"),
        allowed=_s("timing", "population"),
    ),
    ClaimType.ONSET: ClaimSpec(
        "OnsetClaim",
        "A source says how quickly a drug's effect appears.",
        subject=_s("drug"),
        objects=_s("condition", "adverse-event"),
        required=_s("value"),
        allowed=_s("study"),
    ),
    ClaimType.DISCONTINUATION: ClaimSpec(
        "DiscontinuationClaim",
        "A source says what happens when a drug is stopped, or when it should be stopped.",
        subject=_s("drug"),
        objects=_s("condition", "adverse-event"),
        required=_s("value"),
        allowed=_s("reason", "timing", "recommendation"),
    ),
    ClaimType.THERAPEUTIC_EFFECT: ClaimSpec(
        "TherapeuticEffectClaim",
        "A source states what a drug or drug class does for patients.",
        subject=DRUGLIKE,
        objects=_s("condition", "target", "adverse-event"),
        required=_s("value"),
        allowed=_s("study"),
    ),
    ClaimType.EXPOSURE: ClaimSpec(
        "ExposureClaim",
        "A source states how widely a drug or drug class has been used.",
        subject=DRUGLIKE,
        required=_s("value"),
        allowed=_s("count_min"),
    ),
    ClaimType.STUDY_DESIGN: ClaimSpec(
        "StudyDesignClaim",
        "A study's objective, design or setting, as its report states it.",
        subject=_s("study"),
        objects=_s("drug", "condition"),
        required=_s("value", "measure"),
        allowed=_s("condition"),
    ),
    ClaimType.STUDY_POPULATION: ClaimSpec(
        "StudyPopulationClaim",
        "Who was in a study: the condition, how many, sex, prior treatment.",
        subject=_s("study"),
        objects=_s("condition"),
        required=_s("value"),
        allowed=_s(
            "participants", "female", "male", "numerator", "denominator", "percentage", "population"
        ),
    ),
    ClaimType.STUDY_COMEDICATION: ClaimSpec(
        "StudyCoMedicationClaim",
        "A drug given together with the study drug in a study.",
        subject=_s("study"),
        objects=_s("drug", CLASS),
        required=_s("object"),
        allowed=_s("value"),
    ),
    ClaimType.OUTCOME_MEASURE: ClaimSpec(
        "OutcomeMeasureClaim",
        "How a study measured response or safety.",
        subject=_s("study"),
        objects=_s("condition", "adverse-event"),
        required=_s("measure"),
        allowed=_s("population", "value"),
    ),
    ClaimType.STUDY_RESULT: ClaimSpec(
        "StudyResultClaim",
        "A result a study reports: a number with its statistic, range and denominator.",
        subject=_s("study"),
        objects=_s("condition", "adverse-event", "drug", CLASS),
        required=_s("measure"),
        allowed=STUDY_NUMBERS,
    ),
    ClaimType.STUDY_CONCLUSION: ClaimSpec(
        "StudyConclusionClaim",
        "What the authors of a study conclude.",
        subject=_s("study"),
        objects=_s("drug", "condition"),
        required=_s("value"),
    ),
}
