"""Compile a SHACL shapes graph into SPARQL queries with pyshacl's result semantics.

https://www.w3.org/TR/shacl/ sections 2 (shapes, targets, paths), 4 (core components, via
:mod:`~kg.shacl.sparql_engine.components`) and 5 (SPARQL-based constraints, via
:mod:`~kg.shacl.sparql_engine.select`).


The constraints of a targeted shape become SELECTs over *all* focus nodes of the shape (its
value constraints together, one flag column each; both cardinality bounds in one count),
returning the focus (``?this``) and, where SHACL reports one, the value (``?value``) of each
result. Focus sets are computed once per shape into a named graph the checks join with. Shapes used through ``sh:node``, ``sh:or``, ``sh:not`` and ``sh:qualifiedValueShape``
become boolean SPARQL expressions (conformance). The rules follow what ``PyShaclValidator``
reports, term for term, so the two engines can be compared on any graph
(``tests/shacl/test_sparql_engine.py``). Anything outside the supported subset raises ``BuildError``
naming the shape and the construct: a constraint is never skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.errors import BuildError
from kg.shacl.shapes import path_text
from kg.shacl.sparql_engine.checks import Check, Compiled, SparqlCheck
from kg.shacl.sparql_engine.components import (
    COMPONENT,
    PAIR_PARAMS,
    STRINGISH,
    VALUE_COMPONENTS,
    constant,
)
from kg.shacl.sparql_engine.sparql_based import SparqlBased, local, sorted_nodes, uris

__all__ = ["FOCUS_GRAPH", "MEMBER", "Check", "Compiled", "SparqlCheck", "compile_shapes"]

FOCUS_GRAPH = "urn:dmkg:shacl:focus"
"""Named graph (of the engine's own store) holding ``<shape key> <member> ?focus``."""
MEMBER = "urn:dmkg:shacl:member"

_COUNTED_ROWS = "?_n"


class _Compiler(SparqlBased):
    """Conformance expressions and the checks of reporting shapes."""

    def value_ok(self, shape: rdflib.term.Node, p: rdflib.URIRef, arg: rdflib.term.Node, v: str) -> str:  # fmt: skip
        """A SPARQL expression true when value ``v`` satisfies ``p arg`` (pyshacl's rules)."""
        component = VALUE_COMPONENTS.get(p)
        if component is None:  # pragma: no cover - guarded by callers
            raise self.fail(shape, f"sh:{local(p)}")
        return component.condition(self, shape, arg, v)

    def conforms(self, shape: rdflib.term.Node, x: str) -> str:
        """A SPARQL expression true when node ``x`` conforms to ``shape`` (targets ignored)."""
        if shape in self.nesting:
            raise self.fail(shape, "recursive shape references (sh:node/sh:or/sh:not cycle)")
        self.nesting.append(shape)
        try:
            return self._conforms(shape, x)
        finally:
            self.nesting.pop()

    def _conforms(self, shape: rdflib.term.Node, x: str) -> str:
        self.check_params(shape)
        if self.deactivated(shape):
            return "true"
        severity = self.g.value(shape, SH.severity)
        if severity not in (None, SH.Violation):
            raise self.fail(shape, f"sh:severity {severity} on a shape used for conformance")
        params = set(self.g.predicates(shape))
        for bad in (SH.pattern, SH.sparql, SH.qualifiedValueShape, *PAIR_PARAMS):
            if bad in params:
                raise self.fail(shape, f"sh:{local(bad)} inside sh:node/sh:or/sh:not")
        path_node = self.g.value(shape, SH.path)
        path = self.path(shape, path_node) if path_node is not None else None
        parts: list[str] = []
        for p in uris(params & set(VALUE_COMPONENTS)):
            for arg in sorted_nodes(self.g.objects(shape, p)):
                if path is None:
                    parts.append(self.value_ok(shape, p, arg, x))
                else:
                    y = self.fresh()
                    ok = self.value_ok(shape, p, arg, y)
                    parts.append(f"NOT EXISTS {{ {x} {path} {y} FILTER (!{ok}) }}")
        for p in (SH.minCount, SH.maxCount):
            if p in params:
                if path is None:
                    raise self.fail(shape, f"sh:{local(p)} on a node shape")
                n = self.integer(shape, p)
                parts.append(self.count_ok(x, path, n, p == SH.minCount))
        for hv in sorted_nodes(self.g.objects(shape, SH.hasValue)):
            parts.append(
                f"EXISTS {{ {x} {path} {constant(hv)} }}"
                if path
                else f"sameTerm({x}, {constant(hv)})"
            )
        for prop in sorted_nodes(self.g.objects(shape, SH.property)):
            if path is not None:
                raise self.fail(shape, "sh:property on a property shape")
            parts.append(self.conforms(prop, x))
        return "(" + (" && ".join(parts) or "true") + ")"

    def count_ok(self, x: str, path: str, n: int, at_least: bool) -> str:
        """``x`` has at least ``n`` (or at most ``n``) distinct values along ``path``."""
        k = n if at_least else n + 1
        if k == 0:
            return "true"
        ys = [self.fresh() for _ in range(k)]
        pattern = " ".join(f"{x} {path} {y} ." for y in ys)
        distinct = [f"!sameTerm({a}, {b})" for i, a in enumerate(ys) for b in ys[i + 1 :]]
        where = pattern + (f" FILTER ({' && '.join(distinct)})" if distinct else "")
        return f"EXISTS {{ {where} }}" if at_least else f"NOT EXISTS {{ {where} }}"

    def targets(self, shape: rdflib.term.Node) -> list[str]:
        out = []
        classes = set(self.g.objects(shape, SH.targetClass))
        if {RDFS.Class, OWL.Class} & set(self.g.objects(shape, RDF.type)):
            classes.add(shape)  # implicit class target
        for c in sorted_nodes(classes):
            out.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {constant(c)} .")
        for node in sorted_nodes(self.g.objects(shape, SH.targetNode)):
            out.append(f"VALUES ?this {{ {constant(node)} }}")
        for p in sorted_nodes(self.g.objects(shape, SH.targetSubjectsOf)):
            out.append(f"?this {constant(p)} ?_o .")
        for p in sorted_nodes(self.g.objects(shape, SH.targetObjectsOf)):
            out.append(f"?_s {constant(p)} ?this .")
        for t in sorted_nodes(self.g.objects(shape, SH.target)):
            out.append(self.sparql_target(shape, t))
        return out

    def shape_info(self, shape: rdflib.term.Node) -> None:
        severity = self.g.value(shape, SH.severity) or SH.Violation
        self.out.severity[shape] = str(severity).rsplit("#", 1)[-1]
        self.out.messages[shape] = [
            m for m in self.g.objects(shape, SH.message) if isinstance(m, rdflib.Literal)
        ]

    def report(self, shape: rdflib.term.Node, focus: str) -> None:
        """Checks for every constraint of a targeted shape and of its property shapes."""
        self.check_params(shape)
        if self.deactivated(shape):
            return
        self.shape_info(shape)
        path_node = self.g.value(shape, SH.path)
        params = set(self.g.predicates(shape))
        if path_node is not None:
            path = self.path(shape, path_node)
            shown = path_text(self.g, path_node)
            values = f"?this {path} ?value ."
        else:
            path, shown, values = "", "", "BIND (?this AS ?value)"
        where = f"GRAPH <{FOCUS_GRAPH}> {{ <{focus}> <{MEMBER}> ?this }}"

        def add(p: rdflib.URIRef, query: str, kind: str, **kw: object) -> None:
            component = f"<{SH}{COMPONENT[p]}ConstraintComponent>"
            self.out.checks.append(Check(shape, component, query, kind, shown, **kw))  # type: ignore[arg-type]

        # All value constraints of the shape in one pass over its value nodes: one flag each.
        flags: list[str] = []
        components: list[str] = []
        for p in uris(params & set(VALUE_COMPONENTS)):
            for arg in sorted_nodes(self.g.objects(shape, p)):
                ok = self.value_ok(shape, p, arg, "?value")
                flags.append(f"COALESCE(!{ok}, false)")
                components.append(f"<{SH}{COMPONENT[p]}ConstraintComponent>")
        if flags:
            cols = " ".join(f"({f} AS ?_f{i})" for i, f in enumerate(flags))
            query = (
                f"SELECT DISTINCT ?this ?value {cols} WHERE {{ {where} {values} "
                f"FILTER ({' || '.join(flags)}) }}"
            )
            self.out.checks.append(
                Check(shape, "", query, "values", shown, components=tuple(components))
            )
        re_text = str(self.g.value(shape, SH.flags) or "").lower()
        re_flags = (re.I if "i" in re_text else 0) | (re.M if "m" in re_text else 0)
        for pattern in sorted_nodes(self.g.objects(shape, SH.pattern)):
            text = str(pattern)
            add(SH.pattern, f"SELECT DISTINCT ?this ?value WHERE {{ {where} {values} }}", "pattern",
                regex=re.compile(text, re_flags))  # fmt: skip
        if params & {SH.minCount, SH.maxCount}:  # both bounds in one count per focus node
            if not path:
                raise self.fail(shape, "sh:minCount/sh:maxCount on a node shape")
            low = self.integer(shape, SH.minCount) if SH.minCount in params else None
            high = self.integer(shape, SH.maxCount) if SH.maxCount in params else None
            tests = ([f"?{_COUNTED_ROWS[1:]} < {low}"] if low is not None else []) + (
                [f"?{_COUNTED_ROWS[1:]} > {high}"] if high is not None else []
            )
            query = (
                f"SELECT ?this (COUNT(DISTINCT ?value) AS {_COUNTED_ROWS}) WHERE {{ {where} "
                f"OPTIONAL {{ {values} }} }} GROUP BY ?this "
                f"HAVING ({' || '.join(t.replace(_COUNTED_ROWS, 'COUNT(DISTINCT ?value)') for t in tests)})"
            )
            self.out.checks.append(Check(shape, "", query, "count", shown, low=low, high=high))
        for hv in sorted_nodes(self.g.objects(shape, SH.hasValue)):
            cond = f"NOT EXISTS {{ ?this {path} {constant(hv)} }}" if path else f"!sameTerm(?this, {constant(hv)})"  # fmt: skip
            add(SH.hasValue, f"SELECT DISTINCT ?this WHERE {{ {where} FILTER ({cond}) }}", "focus")
        for p in uris(params & PAIR_PARAMS):
            if not path:
                raise self.fail(shape, f"sh:{local(p)} on a node shape")
            for other in sorted_nodes(self.g.objects(shape, p)):
                add(p, self.pair_query(p, where, path, constant(other)), "value")
        for q in sorted_nodes(self.g.objects(shape, SH.qualifiedValueShape)):
            if not path:
                raise self.fail(shape, "sh:qualifiedValueShape on a node shape")
            ok = self.conforms(q, "?value")
            query = (
                f"SELECT ?this (COUNT(DISTINCT ?value) AS {_COUNTED_ROWS}) WHERE {{ {where} "
                f"OPTIONAL {{ ?this {path} ?value FILTER ({ok}) }} }} GROUP BY ?this"
            )
            low = self.integer(shape, SH.qualifiedMinCount) if SH.qualifiedMinCount in params else None  # fmt: skip
            high = self.integer(shape, SH.qualifiedMaxCount) if SH.qualifiedMaxCount in params else None  # fmt: skip
            self.out.checks.append(Check(shape, "", query, "qualified", shown, low=low, high=high))
        for c in sorted_nodes(self.g.objects(shape, SH.sparql)):
            self.sparql_constraint(shape, c, where, path_node)
        for prop in sorted_nodes(self.g.objects(shape, SH.property)):
            if path:
                raise self.fail(shape, "sh:property on a property shape")
            self.report(prop, focus)

    def pair_query(self, p: rdflib.URIRef, where: str, path: str, other: str) -> str:
        if p == SH.equals:
            return (
                f"SELECT DISTINCT ?this ?value WHERE {{ {where} "
                f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
                f"{{ ?this {other} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}"
            )
        op = "<" if p == SH.lessThan else "<="
        sv, sc = STRINGISH.format("?value"), STRINGISH.format("?_c")
        ok = f"IF({sv}, {sc} && STR(?value) {op} STR(?_c), !{sc} && COALESCE(?value {op} ?_c, false))"  # fmt: skip
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {where} ?this {path} ?value . "
            f"?this {other} ?_c . FILTER (!({ok})) }}"
        )


def _reporting(g: rdflib.Graph) -> Iterator[rdflib.term.Node]:
    """Shapes with targets (explicit or implicit class targets), in a stable order."""
    found = set()
    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        found |= set(g.subjects(p, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for s in g.subjects(RDF.type, kind):
            if {RDFS.Class, OWL.Class} & set(g.objects(s, RDF.type)):
                found.add(s)
    yield from sorted(found, key=lambda s: (isinstance(s, rdflib.BNode), str(s)))


def compile_shapes(graph: rdflib.Graph) -> Compiled:
    """Every targeted shape of ``graph`` as target queries and constraint checks.

    SHACL-SPARQL constraint components (``sh:ConstraintComponent`` with ``sh:parameter`` and
    validators) are refused by name: their parameters live in the user's namespace, so any
    shape could use one, and checking a shape without them would be a silently wrong answer."""
    declared = set(graph.subjects(RDF.type, SH.ConstraintComponent))
    for p in (SH.parameter, SH.validator, SH.nodeValidator, SH.propertyValidator):
        declared |= set(graph.subjects(p, None))
    components = sorted(str(c) for c in declared)
    if components:
        raise BuildError(
            f"SHACL constraint component {components[0]}: unsupported construct "
            "sh:ConstraintComponent (SHACL-SPARQL components with sh:parameter and validators)"
        )
    comp = _Compiler(graph)
    comp.out.graph = graph
    for i, shape in enumerate(_reporting(graph)):
        comp.check_params(shape)
        if comp.deactivated(shape):
            continue
        key = f"urn:dmkg:shacl:shape:{i}"
        comp.target_prefixes = {}
        union = " UNION ".join(f"{{ {t} }}" for t in comp.targets(shape))
        prologue = "".join(
            f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(comp.target_prefixes.items())
        )
        comp.out.targets[key] = f"{prologue}SELECT DISTINCT ?this WHERE {{ {union} }}"
        comp.out.focus_key[shape] = key
        comp.report(shape, key)
    return comp.out
