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
(``tests/test_shacl_sparql.py``). Anything outside the supported subset raises ``BuildError``
naming the shape and the construct: a constraint is never skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.errors import BuildError
from kg.shacl.shapes import path_text
from kg.shacl.sparql_engine.components import (
    COMPONENT,
    PAIR_PARAMS,
    STRINGISH,
    SUPPORTED,
    VALUE_COMPONENTS,
    constant,
)
from kg.shacl.sparql_engine.select import SelectQuery, parse_select

__all__ = ["FOCUS_GRAPH", "MEMBER", "Check", "Compiled", "SparqlCheck", "compile_shapes"]

FOCUS_GRAPH = "urn:dmkg:shacl:focus"
"""Named graph (of the engine's own store) holding ``<shape key> <member> ?focus``."""
MEMBER = "urn:dmkg:shacl:member"

_COUNTED_ROWS = "?_n"


@dataclass(frozen=True)
class Check:
    """Constraints of one reporting shape: a query and how its rows become results.

    ``kind``: ``value`` (rows are ?this ?value), ``values`` (?this ?value and one flag ?_fN
    per constraint, component ``components[N]``), ``focus`` (rows are ?this), ``pattern``
    (rows are ?this ?value, filtered by Python's ``re`` as pyshacl does), ``count`` and
    ``qualified`` (rows are ?this ?_n, compared with ``low``/``high``)."""

    shape: rdflib.term.Node
    component: str
    query: str
    kind: str
    path: str = ""
    regex: re.Pattern[str] | None = None
    low: int | None = None
    high: int | None = None
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class SparqlCheck:
    """An ``sh:sparql`` constraint rewritten to run over all focus nodes at once."""

    shape: rdflib.term.Node
    query: str
    select: SelectQuery
    node_shape: bool
    path: str
    messages: tuple[str, ...]  # of the sh:sparql node, minus those equal to a shape message


@dataclass
class Compiled:
    """What the engine runs: target queries per focus key, then checks."""

    targets: dict[str, str] = field(default_factory=dict)  # focus key IRI -> SELECT ?this
    checks: list[Check] = field(default_factory=list)
    sparql: list[SparqlCheck] = field(default_factory=list)
    severity: dict[rdflib.term.Node, str] = field(default_factory=dict)
    messages: dict[rdflib.term.Node, list[rdflib.Literal]] = field(default_factory=dict)
    focus_key: dict[rdflib.term.Node, str] = field(default_factory=dict)
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)  # the shapes, for messages


class _Compiler:
    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph
        self.n = 0
        self.out = Compiled()
        self.target_prefixes: dict[str, str] = {}
        self.nesting: list[rdflib.term.Node] = []

    def fresh(self) -> str:
        self.n += 1
        return f"?_v{self.n}"

    def fail(self, shape: rdflib.term.Node, what: str) -> BuildError:
        return BuildError(f"SHACL shape {self.label(shape)}: unsupported construct {what}")

    def label(self, shape: rdflib.term.Node) -> str:
        """An IRI as ``<IRI>``; a blank node by the named shape it sits in."""
        node, seen = shape, set()
        while isinstance(node, rdflib.BNode) and node not in seen:
            seen.add(node)
            node = next(iter(sorted(self.g.subjects(None, node), key=str)), node)
        if node == shape:
            return _label(shape)
        return f"{_label(shape)} in <{node}>" if isinstance(node, rdflib.URIRef) else _label(shape)

    def one(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> rdflib.term.Node:
        values = list(self.g.objects(shape, p))
        if len(values) != 1:
            raise self.fail(shape, f"{len(values)} values of sh:{_local(p)} (expected one)")
        return values[0]

    def integer(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> int:
        value = self.one(shape, p)
        if not isinstance(value, rdflib.Literal) or not isinstance(value.value, int):
            raise self.fail(shape, f"sh:{_local(p)} {value} (not an integer)")
        return int(value.value)

    def items(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.g, node))

    def deactivated(self, shape: rdflib.term.Node) -> bool:
        return any(
            isinstance(v, rdflib.Literal) and v.value is True
            for v in self.g.objects(shape, SH.deactivated)
        )

    def path(self, shape: rdflib.term.Node, node: rdflib.term.Node) -> str:
        """A SHACL path as a SPARQL property path, fully parenthesised."""
        try:
            return path_text(self.g, node, grouped=True)
        except BuildError:
            raise self.fail(
                shape, "sh:path (only IRIs, sequences, inverse, * and + paths)"
            ) from None

    def check_params(self, shape: rdflib.term.Node) -> None:
        for p in sorted(set(self.g.predicates(shape)), key=str):
            if str(p).startswith(str(SH)) and p not in SUPPORTED:
                raise self.fail(shape, f"sh:{_local(p)}")
        if SH.qualifiedValueShapesDisjoint in set(self.g.predicates(shape)):
            flag = self.one(shape, SH.qualifiedValueShapesDisjoint)
            if not (isinstance(flag, rdflib.Literal) and flag.value is False):
                raise self.fail(shape, "sh:qualifiedValueShapesDisjoint true")

    def value_ok(self, shape: rdflib.term.Node, p: rdflib.URIRef, arg: rdflib.term.Node, v: str) -> str:  # fmt: skip
        """A SPARQL expression true when value ``v`` satisfies ``p arg`` (pyshacl's rules)."""
        component = VALUE_COMPONENTS.get(p)
        if component is None:  # pragma: no cover - guarded by callers
            raise self.fail(shape, f"sh:{_local(p)}")
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
                raise self.fail(shape, f"sh:{_local(bad)} inside sh:node/sh:or/sh:not")
        path_node = self.g.value(shape, SH.path)
        path = self.path(shape, path_node) if path_node is not None else None
        parts: list[str] = []
        for p in _uris(params & set(VALUE_COMPONENTS)):
            for arg in _sorted(self.g.objects(shape, p)):
                if path is None:
                    parts.append(self.value_ok(shape, p, arg, x))
                else:
                    y = self.fresh()
                    ok = self.value_ok(shape, p, arg, y)
                    parts.append(f"NOT EXISTS {{ {x} {path} {y} FILTER (!{ok}) }}")
        for p in (SH.minCount, SH.maxCount):
            if p in params:
                if path is None:
                    raise self.fail(shape, f"sh:{_local(p)} on a node shape")
                n = self.integer(shape, p)
                parts.append(self.count_ok(x, path, n, p == SH.minCount))
        for hv in _sorted(self.g.objects(shape, SH.hasValue)):
            parts.append(
                f"EXISTS {{ {x} {path} {constant(hv)} }}"
                if path
                else f"sameTerm({x}, {constant(hv)})"
            )
        for prop in _sorted(self.g.objects(shape, SH.property)):
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
        for c in _sorted(classes):
            out.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {constant(c)} .")
        for node in _sorted(self.g.objects(shape, SH.targetNode)):
            out.append(f"VALUES ?this {{ {constant(node)} }}")
        for p in _sorted(self.g.objects(shape, SH.targetSubjectsOf)):
            out.append(f"?this {constant(p)} ?_o .")
        for p in _sorted(self.g.objects(shape, SH.targetObjectsOf)):
            out.append(f"?_s {constant(p)} ?this .")
        for t in _sorted(self.g.objects(shape, SH.target)):
            out.append(self.sparql_target(shape, t))
        return out

    def sparql_target(self, shape: rdflib.term.Node, target: rdflib.term.Node) -> str:
        if SH.SPARQLTarget not in set(self.g.objects(target, RDF.type)):
            raise self.fail(shape, "sh:target that is not an sh:SPARQLTarget")
        for p in sorted(set(self.g.predicates(target)), key=str):
            if str(p).startswith(str(SH)) and p not in (SH.select, SH.prefixes):
                raise self.fail(shape, f"sh:{_local(p)} on an sh:SPARQLTarget")
        text = str(self.one(target, SH.select))
        if re.search(r"\$(currentShape|shapesGraph|PATH)\b", text):
            raise self.fail(shape, "pre-bound variables in an sh:SPARQLTarget")
        query = parse_select(text, self.label(shape), constraint=False)
        for prefix, ns in self.prefixes(target).items():
            if self.target_prefixes.setdefault(prefix, ns) != ns:
                raise self.fail(
                    shape, f"two sh:SPARQLTargets declaring prefix {prefix}: differently"
                )
        if query.prologue.strip():
            raise self.fail(shape, "PREFIX or BASE inside an sh:SPARQLTarget (use sh:prefixes)")
        return query.text

    def prefixes(self, node: rdflib.term.Node) -> dict[str, str]:
        """pyshacl's sh:prefixes resolution: the declarations of the node named, plus those of
        every owl:Ontology of the shapes graph."""
        ontologies = set(self.g.subjects(RDF.type, OWL.Ontology))
        global_decl = {d for o in ontologies for d in self.g.objects(o, SH.declare)}
        out: dict[str, str] = {}
        for pv in self.g.objects(node, SH.prefixes):
            own = set(self.g.objects(pv, SH.declare))
            decls = own if (own and pv in ontologies) else global_decl | own
            for d in decls:
                out[str(self.one(d, SH.prefix))] = str(self.one(d, SH.namespace))
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
        for p in _uris(params & set(VALUE_COMPONENTS)):
            for arg in _sorted(self.g.objects(shape, p)):
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
        for pattern in _sorted(self.g.objects(shape, SH.pattern)):
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
        for hv in _sorted(self.g.objects(shape, SH.hasValue)):
            cond = f"NOT EXISTS {{ ?this {path} {constant(hv)} }}" if path else f"!sameTerm(?this, {constant(hv)})"  # fmt: skip
            add(SH.hasValue, f"SELECT DISTINCT ?this WHERE {{ {where} FILTER ({cond}) }}", "focus")
        for p in _uris(params & PAIR_PARAMS):
            if not path:
                raise self.fail(shape, f"sh:{_local(p)} on a node shape")
            for other in _sorted(self.g.objects(shape, p)):
                add(p, self.pair_query(p, where, path, constant(other)), "value")
        for q in _sorted(self.g.objects(shape, SH.qualifiedValueShape)):
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
        for c in _sorted(self.g.objects(shape, SH.sparql)):
            self.sparql_constraint(shape, c, where, path_node)
        for prop in _sorted(self.g.objects(shape, SH.property)):
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

    def sparql_constraint(
        self, shape: rdflib.term.Node, c: rdflib.term.Node, where: str, path_node: rdflib.term.Node | None
    ) -> None:  # fmt: skip
        for p in sorted(set(self.g.predicates(c)), key=str):
            if str(p).startswith(str(SH)) and p not in (
                SH.select,
                SH.prefixes,
                SH.message,
                SH.deactivated,
            ):
                raise self.fail(shape, f"sh:{_local(p)} on an sh:sparql constraint")
        if self.deactivated(c):
            return
        text = str(self.one(c, SH.select))
        if re.search(r"\$(currentShape|shapesGraph)\b", text):
            raise self.fail(shape, "$currentShape or $shapesGraph in an sh:sparql constraint")
        if path_node is not None:
            text = re.sub(r"\$PATH\b", lambda _m: self.path(shape, path_node), text)
        elif re.search(r"\$PATH\b", text):
            raise self.fail(shape, "$PATH in the sh:sparql constraint of a node shape")
        select = parse_select(text, self.label(shape))
        shape_messages = self.out.messages[shape]
        own = tuple(
            str(m)
            for m in _sorted(self.g.objects(c, SH.message))
            if isinstance(m, rdflib.Literal) and m not in shape_messages
        )
        if not own and not shape_messages:
            raise self.fail(shape, "an sh:sparql constraint without sh:message")
        query = select.over_focus(self.prefixes(c), where)
        shown = path_text(self.g, path_node) if path_node is not None else ""
        self.out.sparql.append(SparqlCheck(shape, query, select, path_node is None, shown, own))


def _sorted(nodes: Iterable[rdflib.term.Node]) -> list[rdflib.term.Node]:
    return sorted(nodes, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))


def _uris(nodes: set[rdflib.term.Node]) -> list[rdflib.URIRef]:
    return sorted(n for n in nodes if isinstance(n, rdflib.URIRef))


def _local(term: rdflib.term.Node) -> str:
    return str(term).rsplit("#", 1)[-1]


def _label(shape: rdflib.term.Node) -> str:
    return f"<{shape}>" if isinstance(shape, rdflib.URIRef) else f"_:{shape} (anonymous)"


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
