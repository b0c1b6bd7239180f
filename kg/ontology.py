"""The hand-edited ontology (``ontology/dmkg.ttl``), read once per build.

Every stage needs something of it: the loader the class names curated files may refer to, the
mappings the classes and their labels, the graph its triples, the SHACL gate the line each
term is described on (to tell a curator where to look). It used to be parsed five times per
build by two RDF libraries and a regex; now :meth:`Ontology.read` parses it once.

OWL's RDF mapping requires blank nodes for class expressions (the restriction behind
``Interleukin1Inhibitor``); the only blank nodes of a release are these, relabelled
canonically (RGDA1, ``rdflib.compare``) so that their labels do not change between builds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import rdflib
from pyoxigraph import Literal, NamedNode, Quad
from rdflib.compare import to_canonical_graph

from kg.errors import BuildError
from kg.rdf.terms import to_oxigraph
from kg.rdf.vocab import DMKG, GRAPH_ONTOLOGY, OWL_CLASS, RDF_TYPE, RDFS_LABEL

__all__ = ["Ontology"]

_PREFIX_LINE = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>")
_SUBJECT_LINE = re.compile(r"(?:<([^>]+)>|([\w-]*):([\w-]*))\s")


@dataclass(frozen=True)
class Ontology:
    """The ontology as every stage needs it."""

    path: Path
    text: str
    quads: tuple[Quad, ...]
    """Its triples in the ontology graph, blank nodes canonically labelled."""
    classes: frozenset[str]
    """Local names of the ``owl:Class`` terms of our namespace (what curated files cite)."""
    class_labels: dict[str, str]
    """``{"dmkg:Class": label}`` of those classes (the smallest label when several)."""

    @classmethod
    def read(cls, path: Path) -> Ontology:
        """Parse ``path`` (Turtle; nothing is fetched: ``owl:imports`` are refused later, by
        the reasoning gate, and never followed by the parser)."""
        try:
            text = path.read_text(encoding="utf-8")
            graph = rdflib.Graph().parse(
                data=text, format="turtle", publicID=path.absolute().as_uri()
            )
        except FileNotFoundError as exc:
            raise BuildError(f"{path}: the ontology file is missing") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise BuildError(f"{path}: cannot read the ontology: {exc}") from exc
        g = NamedNode(GRAPH_ONTOLOGY)
        quads = tuple(
            Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g)  # type: ignore[arg-type]
            for s, p, o in to_canonical_graph(graph)
        )
        labels: dict[str, list[str]] = {}
        for q in quads:
            s = q.subject
            is_class = q.predicate == RDF_TYPE and q.object == OWL_CLASS
            if is_class and isinstance(s, NamedNode) and s.value.startswith(DMKG):
                labels.setdefault(s.value, [])
        for q in quads:
            if q.predicate == RDFS_LABEL and isinstance(q.subject, NamedNode):
                names = labels.get(q.subject.value)
                if names is not None and isinstance(q.object, Literal):
                    names.append(q.object.value)
        classes = frozenset(iri[len(DMKG) :] for iri in labels)
        class_labels = {
            f"dmkg:{iri[len(DMKG) :]}": min(names) if names else "" for iri, names in labels.items()
        }
        return cls(path, text, quads, classes, class_labels)

    def lines(self, shown_as: str) -> dict[str, str]:
        """``<term IRI>`` -> ``"<shown_as>:LINE"`` of the line that starts its description."""
        prefixes: dict[str, str] = {}
        out: dict[str, str] = {}
        for n, line in enumerate(self.text.splitlines(), 1):
            m = _PREFIX_LINE.match(line)
            if m:
                prefixes[m.group(1)] = m.group(2)
                continue
            m = _SUBJECT_LINE.match(line)
            if m is None:
                continue
            iri = m.group(1) or (
                prefixes.get(m.group(2), "") + m.group(3) if m.group(2) in prefixes else ""
            )
            if iri:
                out.setdefault(f"<{iri}>", f"{shown_as}:{n}")
        return out
