"""Key facts of an entity, first on its page: indications with status, dosing by population
and weight band, adverse events with frequency, what to avoid, and targets; each fact points to
its claim (whose quotes follow on the page). Doses read as people write them ("100 mg once
daily, subcutaneous"), from the claim's dose, UCUM code, frequency and route.

The facts are of the claims whose subject the entity is (a drug's page), or else of the claims
that name it as object (a condition's page lists the drugs indicated for it, with status).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, TypedDict

from pydantic import BaseModel

from kg.curation.claimtypes import CLAIM_SPECS
from kg.curation.records import IndicationStatus, Recommendation
from kg.graph.claims import TERMS
from kg.rdf.vocab import DMKG, SHOULD_NOT_BE_COMBINED_WITH, vocab
from kg.views.base import iri_term, values
from kg.views.models import Claim, Monograph, Qualifier, Ref
from kg.views.reader import Reader

__all__ = [
    "DOSE_FIELDS", "SHORTCUTS", "AdverseFact", "AvoidFact", "DosingFact", "Fact", "IndicationFact",
    "KeyFacts", "TargetFact", "WeightBand", "dose_text", "key_facts", "number",
]  # fmt: skip

DOSE_FIELDS: Final = frozenset(
    f"dmkg:{p}" for p in ("dose", "doseMin", "doseMax", "doseUnit", "ucumCode",
                          "dosingFrequency", "route", "singleDose")
)  # fmt: skip
"""Qualifiers :func:`dose_text` folds into one phrase (a page shows the phrase instead)."""
SHORTCUTS: Final = frozenset(
    {vocab(s.shortcut) for s in CLAIM_SPECS.values() if s.shortcut and s.shortcut != "type"}
    | {SHOULD_NOT_BE_COMBINED_WITH.value}
)
"""Predicates generated from claims: the key facts give them with their status."""
STATUS_ORDER: Final = {vocab(TERMS["status"][s]): i for i, s in enumerate(IndicationStatus)}
"""Labelled first, observed last: regulatory weight first."""
ADVICE_ORDER: Final = {vocab(TERMS["recommendation"][r]): i for i, r in enumerate(Recommendation)}
"""Must not first, required last."""
_CLASS_MEMBERS: Final = 20


class Fact(BaseModel):
    """What every fact carries: its claim (an anchor on the page and its own page), the
    subject when the page is not the subject's, and the first words of its quote."""

    claim_id: str
    claim_href: str
    subject: Ref | None = None
    source: Ref | None = None
    quote: str | None = None


class IndicationFact(Fact):
    condition: Ref | None
    status: Ref | None = None
    study: Ref | None = None


class WeightBand(BaseModel):
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @property
    def text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{number(self.low)}\u2013{number(self.high)} kg"
        if self.low is not None:
            return f"{'≥' if self.low_inclusive else '>'} {number(self.low)} kg"
        if self.high is not None:
            return f"{'≤' if self.high_inclusive else '<'} {number(self.high)} kg"
        return ""


class DosingFact(Fact):
    population: Ref | None = None
    age_group: Ref | None = None
    weight: WeightBand | None = None
    dose: str
    condition: Ref | None = None
    status: Ref | None = None


class AdverseFact(Fact):
    event: Ref | None
    frequency: str | None = None
    severity: str | None = None
    numbers: str | None = None


class AvoidFact(Fact):
    what: Ref | None = None
    """the drug, class, vaccine or condition; None for a precaution on a population"""
    kind: str
    """``interaction``, ``contraindication`` or ``precaution``"""
    recommendation: Ref | None = None
    reason: str | None = None
    population: Ref | None = None
    text: str | None = None
    members: list[Ref] = []
    """for a class (live vaccines): the entities of this release that belong to it"""


class TargetFact(Fact):
    target: Ref | None
    action: Ref | None = None


class KeyFacts(BaseModel):
    about: bool
    """True: the entity is the facts' subject; False: the facts name it as object"""
    indications: list[IndicationFact] = []
    dosing: list[DosingFact] = []
    adverse: list[AdverseFact] = []
    avoid: list[AvoidFact] = []
    targets: list[TargetFact] = []

    @property
    def empty(self) -> bool:
        return not (self.indications or self.dosing or self.adverse or self.avoid or self.targets)


def number(value: object) -> str:
    """A decimal as people write it: ``100``, ``1.5`` (never ``100.0``)."""
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except ArithmeticError:
        return str(value)


def _one(c: Claim, prop: str) -> Qualifier | None:
    return next((q for q in c.qualifiers if q.property == f"dmkg:{prop}"), None)


def _ref(c: Claim, prop: str) -> Ref | None:
    q = _one(c, prop)
    return q.ref if q is not None else None


def _text(c: Claim, prop: str) -> str | None:
    q = _one(c, prop)
    return None if q is None else str(q.value)


def dose_text(c: Claim) -> str:
    """``100 mg once daily, subcutaneous``; ``1-2 mg/kg daily`` (an en dash); ``150 mg, single dose``."""
    unit = _text(c, "ucumCode") or ""
    dose = _one(c, "dose")
    low, high = _one(c, "doseMin"), _one(c, "doseMax")
    amount = (
        number(dose.value)
        if dose
        else f"{number(low.value)}\u2013{number(high.value)}"
        if low and high
        else ""
    )
    parts = [" ".join(p for p in (amount, unit, _text(c, "dosingFrequency") or "") if p)]
    route = _ref(c, "route")
    if route is not None and route.label:
        parts.append(route.label)
    return ", ".join(p for p in parts if p)


def _quote(c: Claim) -> str | None:
    return c.evidence[0].quote if c.evidence else None


class _Base(TypedDict):
    claim_id: str
    claim_href: str
    source: Ref | None
    subject: Ref | None
    quote: str | None


def _base(c: Claim, about: bool) -> _Base:
    return {"claim_id": c.id, "claim_href": f"/id/claim/{c.id}", "source": c.source,
            "subject": None if about else c.subject, "quote": _quote(c)}  # fmt: skip


def _numbers(c: Claim) -> str | None:
    n, d, p = _one(c, "numerator"), _one(c, "denominator"), _one(c, "percentage")
    parts = [f"{n.value}/{d.value}" if n and d else "", f"{number(p.value)}%" if p else ""]
    return ", ".join(x for x in parts if x) or None


def _bands(reader: Reader, populations: set[str]) -> dict[str, WeightBand]:
    if not populations:
        return {}
    rows = reader.select(
        """SELECT ?p ?k ?v WHERE { VALUES ?p { $p }
             VALUES ?k { dmkg:minWeightKg dmkg:maxWeightKg dmkg:minWeightInclusive
                         dmkg:maxWeightInclusive } ?p ?k ?v }""",
        p=values(populations),
    )
    found: dict[str, dict[str, str]] = {}
    for p, k, v in rows:
        found.setdefault(p.value, {})[k.value.removeprefix(DMKG)] = v.value
    return {
        p: WeightBand(
            low=float(f["minWeightKg"]) if "minWeightKg" in f else None,
            high=float(f["maxWeightKg"]) if "maxWeightKg" in f else None,
            low_inclusive=f.get("minWeightInclusive", "true") == "true",
            high_inclusive=f.get("maxWeightInclusive", "true") == "true",
        )
        for p, f in found.items()
        if "minWeightKg" in f or "maxWeightKg" in f
    }


def _age_groups(reader: Reader, populations: set[str]) -> dict[str, Ref]:
    if not populations:
        return {}
    rows = reader.select(
        "SELECT ?p ?g WHERE { VALUES ?p { $p } ?p dmkg:ageGroup ?g }", p=values(populations)
    )
    return {p.value: reader.ref(g.value) for p, g in rows}


def _members(reader: Reader, iri: str) -> list[Ref]:
    rows = reader.select(
        "SELECT DISTINCT ?m WHERE { ?m a $c FILTER(STRSTARTS(STR(?m), $ns)) } ORDER BY ?m LIMIT $n",
        c=iri_term(iri), ns='"https://w3id.org/dmkg/id/"', n=str(_CLASS_MEMBERS),
    )  # fmt: skip
    reader.labels(r[0].value for r in rows)
    return [reader.ref(r[0].value) for r in rows]


def key_facts(reader: Reader, m: Monograph) -> KeyFacts:
    """The key facts of a monograph: of its own claims, else of those naming it."""
    about = bool(m.claims)
    claims = m.claims if about else m.mentioned_in
    facts = KeyFacts(about=about)
    populations = {r.iri for c in claims if (r := _ref(c, "population")) is not None}
    bands, groups = _bands(reader, populations), _age_groups(reader, populations)
    for c in claims:
        base = _base(c, about)
        if c.type == "IndicationClaim":
            facts.indications.append(IndicationFact(**base, condition=c.object,
                                                    status=_ref(c, "status"), study=_ref(c, "study")))  # fmt: skip
        elif c.type == "DosingRegimenClaim":
            pop = _ref(c, "population")
            facts.dosing.append(DosingFact(
                **base, population=pop, dose=dose_text(c), condition=_ref(c, "condition"),
                status=_ref(c, "status"), weight=bands.get(pop.iri) if pop else None,
                age_group=groups.get(pop.iri) if pop else None,
            ))  # fmt: skip
        elif c.type == "AdverseReactionClaim":
            facts.adverse.append(AdverseFact(**base, event=c.object, frequency=_text(c, "frequency"),
                                             severity=_text(c, "severity"), numbers=_numbers(c)))  # fmt: skip
        elif c.type in ("InteractionClaim", "ContraindicationClaim", "PrecautionClaim"):
            obj, subject = c.object, c.subject.iri if c.subject else None
            facts.avoid.append(AvoidFact(
                **base, what=obj, kind=c.type.removesuffix("Claim").lower(),
                recommendation=_ref(c, "recommendation"), reason=_text(c, "reason"),
                population=_ref(c, "population"), text=_text(c, "value"),
                members=[r for r in _members(reader, obj.iri) if r.iri not in (m.iri, subject)]
                if obj is not None and obj.kind == "vocab" else [],
            ))  # fmt: skip
        elif c.type == "TargetClaim":
            facts.targets.append(TargetFact(**base, target=c.object, action=_ref(c, "action")))
    facts.indications.sort(key=lambda f: (STATUS_ORDER.get(f.status.iri if f.status else "", 99),
                                          (f.condition.label or "") if f.condition else ""))  # fmt: skip
    facts.avoid.sort(
        key=lambda f: ADVICE_ORDER.get(f.recommendation.iri if f.recommendation else "", 99)
    )
    facts.dosing.sort(key=lambda f: (f.age_group.label or "" if f.age_group else "~",
                                     f.weight.low or f.weight.high or 0 if f.weight else 0))  # fmt: skip
    return facts
