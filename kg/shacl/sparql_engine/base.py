"""The compiler's foundation: reading a shapes graph, and refusing what it cannot compile.

Every refusal is a :class:`~kg.errors.BuildError` naming the shape (a blank node by the named
shape it sits in) and the construct: a constraint is never skipped silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.errors import BuildError
from kg.shacl.shapes import path_text
from kg.shacl.sparql_engine.checks import Compiled
from kg.shacl.sparql_engine.components import SUPPORTED

__all__ = ["CompilerBase", "local", "shape_label", "sorted_nodes", "uris"]


class CompilerBase:
    """A shapes graph being compiled, and what has been compiled so far."""

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
            return shape_label(shape)
        return (
            f"{shape_label(shape)} in <{node}>"
            if isinstance(node, rdflib.URIRef)
            else shape_label(shape)
        )

    def one(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> rdflib.term.Node:
        values = list(self.g.objects(shape, p))
        if len(values) != 1:
            raise self.fail(shape, f"{len(values)} values of sh:{local(p)} (expected one)")
        return values[0]

    def integer(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> int:
        value = self.one(shape, p)
        if not isinstance(value, rdflib.Literal) or not isinstance(value.value, int):
            raise self.fail(shape, f"sh:{local(p)} {value} (not an integer)")
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
                raise self.fail(shape, f"sh:{local(p)}")
        if SH.qualifiedValueShapesDisjoint in set(self.g.predicates(shape)):
            flag = self.one(shape, SH.qualifiedValueShapesDisjoint)
            if not (isinstance(flag, rdflib.Literal) and flag.value is False):
                raise self.fail(shape, "sh:qualifiedValueShapesDisjoint true")


def sorted_nodes(nodes: Iterable[rdflib.term.Node]) -> list[rdflib.term.Node]:
    return sorted(nodes, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))


def uris(nodes: set[rdflib.term.Node]) -> list[rdflib.URIRef]:
    return sorted(n for n in nodes if isinstance(n, rdflib.URIRef))


def local(term: rdflib.term.Node) -> str:
    return str(term).rsplit("#", 1)[-1]


def shape_label(shape: rdflib.term.Node) -> str:
    return f"<{shape}>" if isinstance(shape, rdflib.URIRef) else f"_:{shape} (anonymous)"
