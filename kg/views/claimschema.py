"""What a claim of each type holds: the properties it has (at least once) or may have, with
ranges and cardinalities, the shortcut triple generated from it and an example query.

Every property of a claim has ``rdfs:domain dmkg:Claim`` in the ontology, so the domain says
nothing about which claim carries what; that is the claim table's
(:data:`kg.curation.claimtypes.CLAIM_SPECS`: required and allowed fields per type, and
:data:`~kg.curation.claimtypes.QUALIFIERS`: the property of each field), which the loader
enforces and the SHACL shapes check. Ranges come from the ontology where it states them.
"""

from __future__ import annotations

from typing import Final, get_origin

from pydantic import BaseModel

from kg.curation.claimtypes import CLAIM_SPECS, CLASS, QUALIFIERS, ClaimSpec, ValueKind
from kg.curation.records import Claim as ClaimRecord
from kg.graph.entities import ENTITY_CLASS
from kg.rdf.prefixes import shorten
from kg.rdf.vocab import (
    DMKG,
    GRAPH_ONTOLOGY,
    OWL,
    PROV_WAS_DERIVED_FROM,
    RDF,
    RDF_TYPE,
    RDFS_LABEL,
    UNIT,
    XSD,
    vocab,
)  # fmt: skip
from kg.views.base import href, iri_term
from kg.views.reader import Reader

__all__ = ["ClaimProperty", "ClaimType", "claim_type"]

_FIELD_PROPERTY: Final = {q.field: q for q in QUALIFIERS}
_KIND_CLASS: Final = {k.value: vocab(c) for k, c in ENTITY_CLASS.items()}
_LITERAL_RANGE: Final = {
    ValueKind.TEXT: "rdf:langString", ValueKind.TEXT_AS_IS: "rdf:langString",
    ValueKind.CODE: "xsd:string", ValueKind.DECIMAL: "xsd:decimal",
    ValueKind.INTEGER: "xsd:integer", ValueKind.BOOLEAN: "xsd:boolean",
}  # fmt: skip
_Row = tuple[str, list[str], int, int | None, str | None, str | None]
"""(property, ranges, min, max, curated field, note) of one row of a claim type's table."""


class ClaimProperty(BaseModel):
    """One property a claim of a type has (``min`` 1) or may have (``min`` 0)."""

    name: str
    iri: str
    label: str | None
    href: str | None
    range: list[tuple[str, str | None]]
    """``(name, local href)`` of each allowed class or datatype"""
    min: int
    max: int | None
    """None: any number"""
    field: str | None = None
    """the field of the curation files that gives it"""
    note: str | None = None

    @property
    def cardinality(self) -> str:
        upper = "*" if self.max is None else str(self.max)
        return str(self.min) if upper == str(self.min) else f"{self.min}..{upper}"


class ClaimType(BaseModel):
    name: str
    definition: str
    properties: list[ClaimProperty]
    shortcut: str | None
    """the triple generated from each such claim, ``?subject dmkg:indicatedFor ?object``"""
    example_query: str


def _ranges(reader: Reader, prop: str) -> list[str]:
    rows = reader.select(
        "SELECT DISTINCT ?r WHERE { GRAPH $g { $p rdfs:range ?r FILTER(isIRI(?r)) } }",
        g=iri_term(GRAPH_ONTOLOGY),
        p=iri_term(prop),
    )
    return sorted(r[0].value for r in rows)


def _kinds(kinds: frozenset[str]) -> list[str]:
    out = [_KIND_CLASS[k] for k in sorted(kinds) if k in _KIND_CLASS]
    return out + ([OWL + "Class"] if CLASS in kinds else [])


def _listed(field: str) -> bool:
    annotation = ClaimRecord.model_fields[field].annotation
    return get_origin(annotation) is list


def _qualifier_rows(reader: Reader, spec: ClaimSpec) -> list[ClaimProperty]:
    fields = (spec.required | spec.allowed | set().union(*spec.one_of)) - {"object"}
    rows: list[_Row] = []
    for name in sorted(fields, key=lambda f: list(_FIELD_PROPERTY).index(f)):
        q = _FIELD_PROPERTY[name]
        group = next((g for g in spec.one_of if name in g), None)
        names = sorted(f"dmkg:{_FIELD_PROPERTY[f].property}" for f in group or ())
        note = f"at least one of {', '.join(names)}" if group else None
        least = 1 if name in spec.required else 0
        most = None if _listed(name) else 1
        iri = vocab(q.property)
        ranges = _ranges(reader, iri)
        if not ranges and q.kind in _LITERAL_RANGE:
            ranges = [_expand(_LITERAL_RANGE[q.kind])]
        if q.kind is ValueKind.UNIT:
            ranges = ranges or [UNIT + "*"]
            note = "a QUDT unit (unit:MilliGM ...); its UCUM code is given beside it"
        rows.append((iri, ranges, least, most, name, note))
        if q.kind is ValueKind.UNIT:
            rows.append(
                (vocab("ucumCode"), [XSD + "string"], least, 1, name, "the unit's UCUM code")
            )
    return _rows(reader, rows)


def _expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return {"xsd": XSD, "rdf": RDF}[prefix] + local


def _rows(reader: Reader, rows: list[_Row]) -> list[ClaimProperty]:
    labels = reader.labels([r[0] for r in rows] + [x for r in rows for x in r[1]])
    return [
        ClaimProperty(
            name=shorten(iri),
            iri=iri,
            label=labels.get(iri),
            href=href(iri),
            range=[(shorten(r), href(r)) for r in ranges],
            min=least,
            max=most,
            field=field,
            note=note,
        )
        for iri, ranges, least, most, field, note in rows
    ]


def _common(reader: Reader, spec: ClaimSpec | None) -> list[ClaimProperty]:
    """What every claim carries, and its subject and object as the type allows them."""
    p = vocab
    rows: list[_Row] = [
        (RDF_TYPE.value, [p("Claim")], 2, None, None,
         "dmkg:Claim and the claim's own type (the inferred graph adds its superclasses)"),
        (RDFS_LABEL.value, [XSD + "string"], 1, 1, None,
         "made from subject, type and object (English)"),
        (p("hasSubject"), _kinds(spec.subject) if spec else [], 1, 1, "subject", None),
    ]  # fmt: skip
    if spec is None or spec.objects:
        least = 1 if spec is not None and "object" in spec.required else 0
        rows.append(
            (p("hasObject"), _kinds(spec.objects) if spec else [], least, 1, "object", None)
        )
    rows += [
        (p("hasEvidence"), [p("Evidence")], 1, None, "evidence",
         "a quoted passage (oa:SpecificResource with quote and position selectors)"),
        (PROV_WAS_DERIVED_FROM.value, [p("SourceDocument")], 1, 1, None,
         "the source the claim was curated from"),
        (p("curatedIn"), [XSD + "string"], 1, 1, None, "file:line of the curation file"),
        (p("curatorNote"), [_expand("rdf:langString")], 0, 1, "note", None),
    ]  # fmt: skip
    return _rows(reader, rows)


def _example(local: str, props: list[ClaimProperty]) -> str:
    lines = [
        "SELECT * WHERE {",
        f"  ?claim a dmkg:{local} ;",
        "         dmkg:hasSubject ?subject ;",
        "         prov:wasDerivedFrom ?source .",
    ]
    for prop in props:
        if not prop.field or prop.field in ("subject", "evidence", "note"):
            continue
        var = prop.name.split(":", 1)[1]
        pattern = f"?claim {prop.name} ?{var}"
        lines.append(f"  {pattern} ." if prop.min else f"  OPTIONAL {{ {pattern} }}")
    lines += [
        "  ?claim dmkg:hasEvidence/oa:hasSelector/oa:exact ?quote .",
        "}",
        "LIMIT 50",
    ]
    return "\n".join(lines) + "\n"


def claim_type(reader: Reader, iri: str) -> ClaimType | None:
    """What a claim of the class ``iri`` holds; None when ``iri`` is no claim class."""
    local = iri.removeprefix(DMKG)
    spec = next((s for s in CLAIM_SPECS.values() if s.rdf_class == local), None)
    if spec is None and iri not in (vocab("Claim"), vocab("StudyClaim")):
        return None
    props = _common(reader, spec) + (_qualifier_rows(reader, spec) if spec else [])
    shortcut = None
    if spec is not None and spec.shortcut:
        target = "?object" if spec.shortcut != "brandName" else "?value"
        name = "rdf:type" if spec.shortcut == "type" else f"dmkg:{spec.shortcut}"
        shortcut = f"?subject {name} {target}"
    return ClaimType(
        name=shorten(iri),
        definition=spec.definition if spec else "",
        properties=props,
        shortcut=shortcut,
        example_query=_example(local, props),
    )
