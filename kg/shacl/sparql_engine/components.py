"""SHACL Core constraint components as SPARQL conditions, one function each, by spec section.

https://www.w3.org/TR/shacl/#core-components. A value-type component (4.1-4.7) becomes a
SPARQL expression that is true when one value node ``v`` satisfies it, with pyshacl's reading
of the spec where the spec leaves room (string comparisons, ill-typed literals); cardinality
(4.2), property-pair (4.5), ``sh:hasValue`` and ``sh:qualifiedValueShape`` (4.8) need the focus
node and are compiled by :mod:`~kg.shacl.sparql_engine.compiler`. :data:`VALUE_COMPONENTS` is
the registry: a parameter not in it, nor among :data:`SUPPORTED`, is refused by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.errors import BuildError
from kg.rdf.terms import sparql_text

__all__ = [
    "COMPONENT",
    "FOCUS_PARAMS",
    "METADATA",
    "PAIR_PARAMS",
    "STRINGISH",
    "SUPPORTED",
    "VALUE_COMPONENTS",
    "Context",
    "ValueComponent",
    "constant",
]

SPEC: Final = "https://www.w3.org/TR/shacl/"


class Context(Protocol):
    """What a component needs of the compiler."""

    def fail(self, shape: rdflib.term.Node, what: str) -> BuildError: ...
    def integer(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> int: ...
    def items(self, node: rdflib.term.Node) -> list[rdflib.term.Node]: ...
    def conforms(self, shape: rdflib.term.Node, x: str) -> str: ...


Condition = Callable[[Context, rdflib.term.Node, rdflib.term.Node, str], str]
"""``(context, shape, parameter value, value variable) -> SPARQL expression``."""


@dataclass(frozen=True)
class ValueComponent:
    parameter: rdflib.URIRef
    name: str
    """``Class`` for ``sh:ClassConstraintComponent``"""
    section: str
    condition: Condition


def constant(term: rdflib.term.Node) -> str:
    """A shapes-graph term as a SPARQL constant (IRIs and literals only)."""
    try:
        return sparql_text(term)
    except ValueError as exc:
        raise BuildError(str(exc)) from None


STRINGISH: Final = f"(isIRI({{0}}) || (isLiteral({{0}}) && DATATYPE({{0}}) IN (<{XSD.string}>, <{RDF.langString}>)))"  # fmt: skip
"""True for IRIs and string literals: what pyshacl compares as text."""

# Datatypes whose well-formedness pyshacl checks (rdflib's ill_typed, then the Python type):
# tested here by a round trip through the SPARQL cast of the same name, on canonical data.
_CAST_CHECKED = {
    XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.boolean, XSD.date, XSD.dateTime,
    XSD.time,
}  # fmt: skip
# Datatypes rdflib has no lexical parser for: pyshacl accepts any lexical form.
_UNCHECKED = {XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.gMonthDay}


# --- 4.1 Value type constraint components ------------------------------------------------
def _class(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    return f"EXISTS {{ {v} <{RDF.type}>/<{RDFS.subClassOf}>* {constant(arg)} }}"


def _datatype(c: Context, shape: rdflib.term.Node, dt: rdflib.term.Node, v: str) -> str:
    if dt == RDF.langString:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    if dt == XSD.string:
        return f"(isLiteral({v}) && DATATYPE({v}) = <{XSD.string}>)"
    if dt == RDFS.Literal:
        return f"isLiteral({v})"
    if dt in _CAST_CHECKED:
        return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}> && COALESCE(sameTerm(<{dt}>(STR({v})), {v}), false))"  # fmt: skip
    if dt in _UNCHECKED:
        return f"(isLiteral({v}) && DATATYPE({v}) = <{dt}>)"
    raise c.fail(shape, f"sh:datatype {dt} (its well-formedness rule is not mapped)")


_NODE_KINDS: Final = {
    SH.IRI: "isIRI({0})", SH.BlankNode: "isBlank({0})", SH.Literal: "isLiteral({0})",
    SH.BlankNodeOrIRI: "!isLiteral({0})", SH.BlankNodeOrLiteral: "!isIRI({0})",
    SH.IRIOrLiteral: "!isBlank({0})",
}  # fmt: skip


def _node_kind(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    if arg not in _NODE_KINDS:
        raise c.fail(shape, f"sh:nodeKind {arg}")
    return _NODE_KINDS[arg].format(v)  # type: ignore[index]


# --- 4.3 Value range constraint components ------------------------------------------------
def _range(op: str, local: str) -> Condition:
    def condition(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
        if not isinstance(arg, rdflib.Literal):
            raise c.fail(shape, f"sh:{local} {arg} (not a literal)")
        if isinstance(arg.value, str):  # pyshacl compares strings only with strings
            return f"(isLiteral({v}) && DATATYPE({v}) IN (<{XSD.string}>, <{RDF.langString}>) && COALESCE(STR({v}) {op} {constant(rdflib.Literal(str(arg)))}, false))"  # fmt: skip
        string = STRINGISH.format(v)
        return f"(isLiteral({v}) && !{string} && COALESCE({v} {op} {constant(arg)}, false))"

    return condition


# --- 4.4 String-based constraint components -----------------------------------------------
def _length(op: str, param: rdflib.URIRef) -> Condition:
    def condition(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
        n = c.integer(shape, param)
        if op == ">=" and n == 0:
            return "true"
        return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {n})"

    return condition


def _language_in(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    langs = sorted({str(x).lower() for x in c.items(arg)})
    if "*" in langs:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    alts = ", ".join(constant(rdflib.Literal(x)) for x in langs)
    return (
        f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({alts}) || '
        f'LCASE(STRBEFORE(CONCAT(LANG({v}), "-"), "-")) IN ({alts})))'
    )


# --- 4.6 Logical constraint components ----------------------------------------------------
def _not(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    return f"!{c.conforms(arg, v)}"


def _or(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    members = [c.conforms(m, v) for m in c.items(arg)]
    return "(" + (" || ".join(members) or "false") + ")"


# --- 4.7 Shape-based constraint components ------------------------------------------------
def _node(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    return c.conforms(arg, v)


# --- 4.8 Other constraint components ------------------------------------------------------
def _in(c: Context, shape: rdflib.term.Node, arg: rdflib.term.Node, v: str) -> str:
    members = [f"sameTerm({v}, {constant(x)})" for x in c.items(arg)]
    return "(" + (" || ".join(members) or "false") + ")"


def _component(param: rdflib.URIRef, section: str, condition: Condition) -> ValueComponent:
    local = str(param).rsplit("#", 1)[-1]
    return ValueComponent(param, local[0].upper() + local[1:], SPEC + section, condition)


VALUE_COMPONENTS: Final[dict[rdflib.URIRef, ValueComponent]] = {
    c.parameter: c
    for c in (
        _component(SH["class"], "#ClassConstraintComponent", _class),
        _component(SH.datatype, "#DatatypeConstraintComponent", _datatype),
        _component(SH.nodeKind, "#NodeKindConstraintComponent", _node_kind),
        _component(SH.minExclusive, "#MinExclusiveConstraintComponent", _range(">", "minExclusive")),
        _component(SH.minInclusive, "#MinInclusiveConstraintComponent", _range(">=", "minInclusive")),
        _component(SH.maxExclusive, "#MaxExclusiveConstraintComponent", _range("<", "maxExclusive")),
        _component(SH.maxInclusive, "#MaxInclusiveConstraintComponent", _range("<=", "maxInclusive")),
        _component(SH.minLength, "#MinLengthConstraintComponent", _length(">=", SH.minLength)),
        _component(SH.maxLength, "#MaxLengthConstraintComponent", _length("<=", SH.maxLength)),
        _component(SH.languageIn, "#LanguageInConstraintComponent", _language_in),
        _component(SH["not"], "#NotConstraintComponent", _not),
        _component(SH["or"], "#OrConstraintComponent", _or),
        _component(SH.node, "#NodeConstraintComponent", _node),
        _component(SH["in"], "#InConstraintComponent", _in),
    )
}  # fmt: skip
"""Value-type components by parameter: one pass over a shape's value nodes checks them all."""

METADATA: Final = {
    SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group, SH.defaultValue,
    SH.deactivated, SH.path, SH.property, SH.sparql, SH.targetClass, SH.targetNode,
    SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.flags, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, SH.declare,
}  # fmt: skip
"""Parameters that describe, target or structure a shape (no constraint of their own)."""
FOCUS_PARAMS: Final = {SH.minCount, SH.maxCount, SH.hasValue, SH.qualifiedValueShape}
PAIR_PARAMS: Final = {SH.equals, SH.lessThan, SH.lessThanOrEquals}
SUPPORTED: Final = METADATA | set(VALUE_COMPONENTS) | FOCUS_PARAMS | PAIR_PARAMS | {SH.pattern}
"""Every ``sh:`` parameter the compiler knows; any other is refused by name."""

COMPONENT: Final[dict[rdflib.URIRef, str]] = {
    **{p: c.name for p, c in VALUE_COMPONENTS.items()},
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.hasValue: "HasValue",
    SH.equals: "Equals", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals",
    SH.pattern: "Pattern",
}  # fmt: skip
"""Parameter -> local name of its ``sh:...ConstraintComponent``."""
