"""A SHACL engine that runs the shapes as SPARQL queries on pyoxigraph.

Why: pyshacl walks the graph node by node in Python and runs each SHACL-SPARQL constraint
once per focus node on rdflib; on synthetic corpora it takes minutes for a few hundred drugs.
Here every constraint is one query over all focus nodes of its shape (:mod:`.compiler`),
evaluated by pyoxigraph's Rust engine; only ``sh:pattern`` is tested in Python, with ``re``
as pyshacl does, because XPath/Rust and Python regexes differ (``$`` before a final newline).

The results are pyshacl's, term for term: the same foci, values, paths, components and
messages (with ``{?var}`` substituted the way pyshacl does). ``PyShaclValidator`` stays the
reference; the differential tests, the W3C SHACL suite (``tests/compliance``) and
``benchmarks/shacl_diff.py`` compare the two.
Known differences, all outside the shapes and data of this project: decimal arithmetic inside
``sh:sparql`` queries (rdflib keeps 28 significant digits, oxigraph 18 fraction digits), so a
message quoting an inexact quotient can differ in its last digits; lexical forms Python parses
and XSD does not (``"1_000"^^xsd:integer``); ``sh:lessThan`` on a blank node (pyshacl raises,
this engine reports it). Data is expected in pyoxigraph's canonical N-Triples (what the build
and ``kg.nt`` give): the store canonicalises literals on load (``"1.50"`` -> ``"1.5"``,
``xsd:nonNegativeInteger`` -> ``xsd:integer``) while pyshacl sees them as written. A graph
holding such a literal is therefore validated by pyshacl itself, so that no rewriting can hide
a finding; the build never writes one, so that path is taken only when something is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.errors import BuildError
from kg.rdf.terms import nt
from kg.shacl.pyshacl_engine import PyShaclValidator
from kg.shacl.result import Result
from kg.shacl.sparql_engine.compiler import (
    FOCUS_GRAPH,
    MEMBER,
    Check,
    Compiled,
    SparqlCheck,
    compile_shapes,
)
from kg.shacl.sparql_engine.messages import GenericMessages

__all__ = ["SparqlValidator", "rewritten_literals"]

_QUALIFIED = {
    "low": f"<{SH}QualifiedMinCountConstraintComponent>",
    "high": f"<{SH}QualifiedMaxCountConstraintComponent>",
}
_COUNT = {
    "low": f"<{SH}MinCountConstraintComponent>",
    "high": f"<{SH}MaxCountConstraintComponent>",
}
_SPARQL_COMPONENT = f"<{SH}SPARQLConstraintComponent>"
_TYPED = re.compile(rb'"(?:[^"\\\n]|\\.)*"\^\^<[^>]+>')


def rewritten_literals(data: bytes) -> list[str]:
    """The typed literals of N-Triples ``data`` that a pyoxigraph store keeps in another
    form (non-canonical lexical forms, derived integer types), sorted."""
    scratch = ox.Store()
    given: dict[ox.NamedNode, ox.Literal] = {}
    for i, text in enumerate(sorted(set(_TYPED.findall(data)))):
        try:
            (triple,) = ox.parse(
                b"<urn:s> <urn:p> " + text + b" .\n", format=ox.RdfFormat.N_TRIPLES
            )
        except (SyntaxError, ValueError):
            continue  # a match inside a longer string literal: not a literal of its own
        subject = ox.NamedNode(f"urn:dmkg:literal:{i}")
        assert isinstance(triple.object, ox.Literal)
        given[subject] = triple.object
        scratch.add(ox.Quad(subject, triple.predicate, triple.object))
    return sorted(str(given[q.subject]) for q in scratch if q.object != given[q.subject])


def _messages(literals: Iterable[rdflib.Literal]) -> str:
    return " ".join(sorted(str(m) for m in set(literals)))


def _format(message: str, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """pyshacl's substitution of ``{?var}`` / ``{$var}``, in its order and with its re.sub."""
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", val.value, message)
    return message


class SparqlValidator:
    """SHACL core + SHACL-SPARQL (the subset the compiler supports) on pyoxigraph."""

    name = "sparql"

    def __init__(self) -> None:
        self.generic: GenericMessages | None = None

    def validate(self, data: bytes, shapes: bytes) -> list[Result]:
        graph = rdflib.Graph().parse(data=shapes, format="nt")
        compiled = compile_shapes(graph)
        self.generic = None
        if rewritten_literals(data):
            return PyShaclValidator().validate(data, shapes)
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        self._load_focus(store, compiled)
        out: list[Result] = []
        for check in compiled.checks:
            out += self._check(store, compiled, check)
        for sparql in compiled.sparql:
            out += self._sparql(store, compiled, sparql)
        return out

    @staticmethod
    def _load_focus(store: ox.Store, compiled: Compiled) -> None:
        """Each shape's focus nodes, once, into a named graph the checks join with."""
        for key, query in compiled.targets.items():
            prologue, _, select = query.partition("SELECT DISTINCT ?this WHERE")
            store.update(
                f"{prologue}INSERT {{ GRAPH <{FOCUS_GRAPH}> {{ <{key}> <{MEMBER}> ?this }} }} "
                f"WHERE {{ {{ SELECT DISTINCT ?this WHERE {select} }} FILTER (BOUND(?this)) }}"
            )

    @staticmethod
    def _rows(store: ox.Store, query: str) -> ox.QuerySolutions:
        try:
            solutions = store.query(query)
        except SyntaxError as exc:  # a bug in the compiler or an unsupported user query
            raise BuildError(f"SPARQL engine: cannot run a compiled SHACL query: {exc}\n{query}") from exc  # fmt: skip
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions

    def _check(self, store: ox.Store, compiled: Compiled, check: Check) -> list[Result]:
        severity = compiled.severity[check.shape]
        stated = _messages(compiled.messages[check.shape])
        shape = nt(check.shape)
        out = []

        def result(comp: str, focus: Any, value: Any = None) -> None:
            message = stated or self._generic(compiled).message(check.shape, comp, focus, value)
            shown = str(value) if value is not None else ""
            out.append(Result(severity, shape, str(focus), check.path, shown, message, comp))

        for row in self._rows(store, check.query):
            focus = row["this"]
            if check.kind in ("count", "qualified"):
                n = int(row["_n"].value)
                names = _QUALIFIED if check.kind == "qualified" else _COUNT
                for bound, comp in names.items():
                    limit = getattr(check, bound)
                    if limit is not None and (n < limit if bound == "low" else n > limit):
                        result(comp, focus)
                continue
            if check.kind == "values":
                for i, comp in enumerate(check.components):
                    if row[f"_f{i}"].value == "true":
                        result(comp, focus, row["value"])
                continue
            value = row["value"] if check.kind != "focus" else None
            if check.kind == "pattern":
                assert check.regex is not None and value is not None
                if not isinstance(value, ox.BlankNode) and check.regex.search(value.value):
                    continue
            result(check.component, focus, value)
        return out

    def _generic(self, compiled: Compiled) -> GenericMessages:
        if self.generic is None:
            self.generic = GenericMessages(compiled.graph)
        return self.generic

    def _sparql(self, store: ox.Store, compiled: Compiled, check: SparqlCheck) -> list[Result]:
        severity = compiled.severity[check.shape]
        shape = nt(check.shape)
        shape_messages = [str(m) for m in compiled.messages[check.shape]]
        solutions = self._rows(store, check.query)
        names = check.select.variables
        if names is None:
            names = tuple(v.value for v in solutions.variables)
        out = []
        failed: set[str] = set()
        for row in solutions:
            f = row["this"]
            assert f is not None and not isinstance(f, ox.Triple)
            bound = {n: row[n] for n in names if row[n] is not None}
            if "failure" in bound:
                if str(f) in failed:
                    continue
                failed.add(str(f))
                bound.pop("failure")
                value = f if check.node_shape else None
                msgs = {_format(m, bound) for m in (*check.messages, *shape_messages)}
                out.append(Result(severity, shape, str(f), check.path,
                                  str(value) if value else "", " ".join(sorted(msgs)), _SPARQL_COMPONENT))  # fmt: skip
                continue
            p, v = bound.pop("path", None), bound.pop("value", None)
            t = bound.pop("this", None) if check.select.projects_this else None
            if p is None and v is None and t is None:
                continue
            if v is None and check.node_shape:
                v = f
            fdict = dict(bound)
            for key, term in (("this", t), ("path", p), ("value", v)):
                if term is not None:
                    fdict[key] = term
            if p is not None and not isinstance(p, ox.NamedNode):
                raise BuildError(f"SHACL shape {shape}: ?path bound to {p}, not an IRI")
            path = f"<{p.value}>" if p is not None else check.path
            msgs = {_format(m, fdict) for m in (*check.messages, *shape_messages)}
            out.append(Result(severity, shape, str(t or f), path, str(v) if v is not None else "",
                              " ".join(sorted(msgs)), _SPARQL_COMPONENT))  # fmt: skip
        return out
