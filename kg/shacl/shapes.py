"""The SHACL shapes of ``ontology/shapes.ttl``, loaded offline and with every shape named.

Property shapes are written as blank nodes (``sh:property [ sh:path dmkg:hasObject ... ]``),
which would make a validation report cite an anonymous, run-dependent shape. Loading names
each one ``<owner>-<property>`` (``dmkgsh:IndicationClaim-hasObject``), so reports are
deterministic and fixtures can say exactly which shape must fire. The same named shapes graph
is what any validation engine receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH

from kg.errors import BuildError, OfflineError
from kg.rdf.vocab import SHAPES

__all__ = ["SHAPES", "Shapes", "load_shapes", "path_text", "turtle_path"]


@dataclass(frozen=True)
class Shapes:
    """A named shapes graph. ``owner`` maps each property shape to its node shape."""

    graph: rdflib.Graph
    owner: dict[str, str]

    def node_shapes(self) -> list[str]:
        """IRIs of the named node shapes, sorted."""
        return sorted(
            str(s)
            for s in self.graph.subjects(RDF.type, SH.NodeShape)
            if isinstance(s, rdflib.URIRef)
        )

    def family(self, shape: str) -> set[str]:
        """A node shape and the property shapes it owns."""
        return {shape} | {p for p, o in self.owner.items() if o == shape}

    def subset(self, shapes: set[str]) -> Shapes:
        """Only the given shapes and what they use (property shapes, sh:node targets, lists,
        SPARQL prefixes): to check one shape in isolation, as the fixtures do."""
        keep = rdflib.Graph()
        todo: list[rdflib.term.Node] = [rdflib.URIRef(s) for s in sorted(shapes)]
        seen: set[rdflib.term.Node] = set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.graph.predicate_objects(node):
                keep.add((node, p, o))
                if isinstance(o, rdflib.BNode) or str(o).startswith(SHAPES):
                    todo.append(o)
        owner = {p: o for p, o in self.owner.items() if rdflib.URIRef(p) in seen}
        return Shapes(keep, owner)

    def ntriples(self) -> bytes:
        """The graph as sorted N-Triples: the engine-neutral form handed to a validator."""
        text = self.graph.serialize(format="nt", encoding="utf-8")
        return b"".join(sorted(line + b"\n" for line in text.splitlines() if line.strip()))


def path_text(graph: rdflib.Graph, path: rdflib.term.Node, *, grouped: bool = False) -> str:
    """A SHACL path as SPARQL property-path text: ``<p>``, ``^<p>``, ``<p>*``, ``<p>/<q>``.

    The one renderer of SHACL paths (pySHACL has one too, ``helper/path_helper.py``): reports
    show the plain form; ``grouped`` parenthesises every step (``(<p>/<q>)``, ``^(<p>)``),
    which queries need when paths nest. :func:`turtle_path` reads the plain form back."""
    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    if graph.value(path, RDF.first) is not None:
        steps = "/".join(
            path_text(graph, step, grouped=grouped) for step in Collection(graph, path)
        )
        return f"({steps})" if grouped else steps
    for pred, fmt in (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
    ):
        inner = graph.value(path, pred)
        if inner is not None:
            text = path_text(graph, inner, grouped=grouped)
            return fmt.format(f"({text})" if grouped else text)
    raise BuildError(f"unsupported SHACL path {path!r}: use an IRI, a sequence, an inverse or */+")


def turtle_path(path: str) -> str:
    """The plain text of :func:`path_text` back as a SHACL path in Turtle (for reports)."""
    steps = path.split("/<")
    if len(steps) > 1:
        return (
            "( "
            + " ".join(turtle_path(s if i == 0 else "<" + s) for i, s in enumerate(steps))
            + " )"
        )
    if path.startswith("^"):
        return f"[ sh:inversePath {turtle_path(path[1:])} ]"
    if path.endswith("*"):
        return f"[ sh:zeroOrMorePath {turtle_path(path[:-1])} ]"
    if path.endswith("+"):
        return f"[ sh:oneOrMorePath {turtle_path(path[:-1])} ]"
    return path


def _slug(graph: rdflib.Graph, path: rdflib.term.Node) -> str:
    """``<.../hasObject>`` -> ``hasObject``; ``^<p>`` -> ``inverse-p``; ``<p>/<q>`` -> ``p-q``."""
    parts = []
    for step in path_text(graph, path).split("/<"):
        iri = step.strip("^*+<>")
        local = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        prefix = "inverse-" if step.startswith("^") else ""
        suffix = {"*": "-star", "+": "-plus"}.get(step[-1], "")
        parts.append(prefix + local + suffix)
    return "-".join(parts)


def load_shapes(path: Path) -> Shapes:
    """Parse a shapes file (never fetching anything) and name its anonymous property shapes."""
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise BuildError(f"{path}: cannot read the SHACL shapes: {exc}") from exc
    imports = sorted(str(o) for o in graph.objects(None, OWL.imports))
    if imports:
        raise OfflineError(
            f"{path}: owl:imports {', '.join(imports)} refused: shapes are never fetched; "
            "copy the shapes you need into this file"
        )
    owner: dict[str, str] = {}
    renames: dict[rdflib.term.Node, rdflib.URIRef] = {}
    for shape, prop in sorted(graph.subject_objects(SH.property)):
        if not isinstance(shape, rdflib.URIRef):
            continue  # inside sh:or / sh:not / a qualified shape: never the source of a result
        if isinstance(prop, rdflib.URIRef):
            owner[str(prop)] = str(shape)
            continue
        path_node = graph.value(prop, SH.path)
        if path_node is None:
            raise BuildError(f"{path}: a property shape of {shape} has no sh:path")
        name = rdflib.URIRef(f"{shape}-{_slug(graph, path_node)}")
        if str(name) in owner or (name, None, None) in graph:
            raise BuildError(
                f"{path}: two property shapes of {shape} would both be named {name}; "
                "give one of them an IRI"
            )
        owner[str(name)] = str(shape)
        renames[prop] = name
    if renames:
        named = rdflib.Graph()
        for prefix, ns in graph.namespaces():
            named.bind(prefix, ns)
        for s, p, o in graph:
            named.add((renames.get(s, s), p, renames.get(o, o)))
        graph = named
    return Shapes(graph, owner)
