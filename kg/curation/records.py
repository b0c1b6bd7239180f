"""Typed records for the curated files in ``data/``.

The YAML files are validated into these pydantic models before anything becomes RDF, so a
malformed record is reported with its file, line and field instead of surfacing later as an
odd triple. ``extra="forbid"`` everywhere: a misspelt field is an error, never silently ignored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "ID_PATTERN",
    "Action",
    "AdministeredBy",
    "AgeGroup",
    "Claim",
    "ClaimType",
    "CurationFile",
    "DoseUnit",
    "Entity",
    "EntityFile",
    "EntityKind",
    "Evidence",
    "IndicationStatus",
    "NoteKind",
    "Population",
    "Recommendation",
    "Route",
    "SourceKind",
    "SourceMeta",
    "SourceNote",
    "Statistic",
    "Timing",
]

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Entity and source ids: lower-case kebab-case, the last segment of the minted IRI."""

Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=120)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
Ref = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$", max_length=120)]
"""A reference to an entity id (kebab-case) or to an ontology class local name (CamelCase)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class SourceKind(StrEnum):
    PATIENT_INFORMATION_SHEET = "patient-information-sheet"
    POSTER_ABSTRACT = "poster-abstract"
    WEB_PAGE = "web-page"
    PRODUCT_LABEL = "product-label"
    STUDY_REPORT = "study-report"


class SourceMeta(_Strict):
    """``data/sources/<id>.yaml``: what a source text is and the checksum that pins it."""

    id: Slug
    text: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+\.txt$")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    title: Text
    kind: SourceKind
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    authors: list[Text] = Field(default_factory=list)
    publisher: Text | None = None
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")] | None = None
    date_statement: Text | None = None
    citation: Text | None = None
    origin: Text | None = None
    notes: list[Text] = Field(default_factory=list)


class EntityKind(StrEnum):
    """Kinds of curated entity; the value is both the YAML key and the IRI path segment."""

    DRUG = "drug"
    VACCINE = "vaccine"
    TARGET = "target"
    CONDITION = "condition"
    ADVERSE_EVENT = "adverse-event"
    STUDY = "study"
    POPULATION = "population"


class AgeGroup(StrEnum):
    ADULT = "adult"
    CHILD = "child"
    ANY = "any"


class Entity(_Strict):
    """A thing we mint an IRI for. ``types`` are definitional ontology classes only: a class
    membership a source states is a ``class-membership`` claim with a quote instead."""

    id: Slug
    label: Text
    definition: Text | None = None
    synonyms: list[Text] = Field(default_factory=list)
    types: list[Ref] = Field(default_factory=list)
    note: Text | None = None


class Population(Entity):
    """A population a dosing or precaution claim applies to. Bounds are numbers from the text;
    ``*_inclusive`` says whether the bound itself belongs to the population."""

    age_group: AgeGroup = AgeGroup.ANY
    min_age_years: float | None = Field(default=None, ge=0)
    max_age_years: float | None = Field(default=None, ge=0)
    min_age_inclusive: bool = True
    max_age_inclusive: bool = False
    min_weight_kg: float | None = Field(default=None, ge=0)
    max_weight_kg: float | None = Field(default=None, ge=0)
    min_weight_inclusive: bool = False
    max_weight_inclusive: bool = False

    @model_validator(mode="after")
    def _bounds_ordered(self) -> Population:
        for low, high, what in (
            (self.min_age_years, self.max_age_years, "age"),
            (self.min_weight_kg, self.max_weight_kg, "weight"),
        ):
            if low is not None and high is not None and low >= high:
                raise ValueError(f"min_{what} must be below max_{what}")
        return self


class EntityFile(_Strict):
    """``data/entities/*.yaml``: any of these lists; ids are unique across all files."""

    drugs: list[Entity] = Field(default_factory=list)
    vaccines: list[Entity] = Field(default_factory=list)
    targets: list[Entity] = Field(default_factory=list)
    conditions: list[Entity] = Field(default_factory=list)
    adverse_events: list[Entity] = Field(default_factory=list)
    studies: list[Entity] = Field(default_factory=list)
    populations: list[Population] = Field(default_factory=list)


ENTITY_FILE_KEYS: dict[str, EntityKind] = {
    "drugs": EntityKind.DRUG,
    "vaccines": EntityKind.VACCINE,
    "targets": EntityKind.TARGET,
    "conditions": EntityKind.CONDITION,
    "adverse_events": EntityKind.ADVERSE_EVENT,
    "studies": EntityKind.STUDY,
    "populations": EntityKind.POPULATION,
}


class Evidence(_Strict):
    """A verbatim quote; ``occurrence`` (1-based) picks one when the quote occurs twice."""

    quote: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
    occurrence: int | None = Field(default=None, ge=1)


class NoteKind(StrEnum):
    PAGE_FURNITURE = "page-furniture"
    TRANSLATION_ERROR = "translation-error"
    TYPO = "typo"
    EXTRACTION_LOSS = "extraction-loss"
    NOT_A_FACT = "not-a-fact"


class SourceNote(_Strict):
    """A curator's note on a passage that must *not* become a fact, or that needs reading."""

    kind: NoteKind
    quote: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
    occurrence: int | None = Field(default=None, ge=1)
    note: Text


class ClaimType(StrEnum):
    CLASS_MEMBERSHIP = "class-membership"
    BRAND_NAME = "brand-name"
    TARGET = "target"
    INDICATION = "indication"
    CONTRAINDICATION = "contraindication"
    PRECAUTION = "precaution"
    ADVERSE_REACTION = "adverse-reaction"
    INTERACTION = "interaction"
    DOSING = "dosing"
    ADMINISTRATION = "administration"
    FORMULATION = "formulation"
    MONITORING = "monitoring"
    ONSET = "onset"
    DISCONTINUATION = "discontinuation"
    THERAPEUTIC_EFFECT = "therapeutic-effect"
    EXPOSURE = "exposure"
    STUDY_DESIGN = "study-design"
    STUDY_POPULATION = "study-population"
    STUDY_COMEDICATION = "study-comedication"
    OUTCOME_MEASURE = "outcome-measure"
    STUDY_RESULT = "study-result"
    STUDY_CONCLUSION = "study-conclusion"


class IndicationStatus(StrEnum):
    LABELLED = "labelled"
    STATED_USE = "stated-use"
    REIMBURSED = "reimbursed"
    NOT_REIMBURSED = "not-reimbursed"
    STUDIED = "studied"
    OBSERVED = "observed"


class Action(StrEnum):
    INHIBITOR = "inhibitor"
    BLOCKER = "blocker"
    ANTAGONIST = "antagonist"


class Recommendation(StrEnum):
    MUST_NOT = "must-not"
    AVOID = "avoid"
    AVOID_GENERALLY = "avoid-generally"
    ONLY_IF_NEEDED = "only-if-needed"
    USUALLY_ACCEPTABLE = "usually-acceptable"
    ACCEPTABLE = "acceptable"
    REQUIRED = "required"


class DoseUnit(StrEnum):
    """UCUM codes; the build maps each to its QUDT unit."""

    MG = "mg"
    MG_PER_KG = "mg/kg"
    MG_PER_ML = "mg/mL"


class Route(StrEnum):
    SUBCUTANEOUS = "subcutaneous"
    INJECTION = "injection"


class AdministeredBy(StrEnum):
    DOCTOR = "doctor"
    NURSE = "nurse"
    CARER = "carer"
    PATIENT = "patient"


class Timing(StrEnum):
    BEFORE_TREATMENT = "before-treatment"
    BASELINE = "baseline"
    DURING_TREATMENT = "during-treatment"
    AFTER_STOPPING = "after-stopping"


class Statistic(StrEnum):
    COUNT = "count"
    PROPORTION = "proportion"
    MEDIAN = "median"
    MEAN = "mean"


class Claim(_Strict):
    """One statement a source makes. Which optional fields a type allows or needs is in
    :mod:`kg.claimtypes`; the loader checks it so each error names the field."""

    type: ClaimType
    subject: Ref
    evidence: list[Evidence] = Field(min_length=1)
    note: Text | None = None
    object: Ref | None = None
    value: Text | None = None
    status: IndicationStatus | None = None
    population: Slug | None = None
    condition: Slug | None = None
    study: Slug | None = None
    action: Action | None = None
    recommendation: Recommendation | None = None
    reason: Text | None = None
    reason_event: Slug | None = None
    frequency: Text | None = None
    severity: Text | None = None
    dose: float | None = Field(default=None, gt=0)
    dose_min: float | None = Field(default=None, gt=0)
    dose_max: float | None = Field(default=None, gt=0)
    unit: DoseUnit | None = None
    dosing_frequency: Text | None = None
    interval_min_days: float | None = Field(default=None, gt=0)
    interval_max_days: float | None = Field(default=None, gt=0)
    single_dose: bool | None = None
    route: Route | None = None
    sites: list[Text] = Field(default_factory=list)
    administered_by: list[AdministeredBy] = Field(default_factory=list)
    timing: Timing | None = None
    measure: Text | None = None
    statistic: Statistic | None = None
    number: float | None = None
    range_min: float | None = None
    range_max: float | None = None
    number_unit: Text | None = None
    numerator: int | None = Field(default=None, ge=0)
    denominator: int | None = Field(default=None, gt=0)
    percentage: float | None = Field(default=None, ge=0, le=100)
    participants: int | None = Field(default=None, gt=0)
    female: int | None = Field(default=None, ge=0)
    male: int | None = Field(default=None, ge=0)
    count_min: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _numbers_consistent(self) -> Claim:
        if (self.dose_min is None) != (self.dose_max is None):
            raise ValueError("dose_min and dose_max go together (a range); use dose for one amount")
        if self.dose is not None and self.dose_min is not None:
            raise ValueError("give either dose or dose_min/dose_max, not both")
        if (
            self.dose_min is not None
            and self.dose_max is not None
            and self.dose_min >= self.dose_max
        ):
            raise ValueError("dose_min must be below dose_max")
        if (
            self.interval_min_days is not None
            and self.interval_max_days is not None
            and self.interval_min_days > self.interval_max_days
        ):
            raise ValueError("interval_min_days must not exceed interval_max_days")
        if (
            self.range_min is not None
            and self.range_max is not None
            and self.range_min > self.range_max
        ):
            raise ValueError("range_min must not exceed range_max")
        if (
            self.numerator is not None
            and self.denominator is not None
            and self.numerator > self.denominator
        ):
            raise ValueError("numerator must not exceed denominator")
        if (
            self.participants is not None
            and (self.female or 0) + (self.male or 0) > self.participants
        ):
            raise ValueError("female + male must not exceed participants")
        return self


class CurationFile(_Strict):
    """``data/curation/<source-id>.yaml``: every claim one source makes, and notes on passages
    that are not facts (page furniture, translation errors, lost lists)."""

    source: Slug
    claims: list[Claim] = Field(min_length=1)
    notes: list[SourceNote] = Field(default_factory=list)


_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def is_class_ref(ref: str) -> bool:
    """Ontology classes are referenced by CamelCase local name, entities by kebab-case id."""
    return bool(_CAMEL.match(ref))
