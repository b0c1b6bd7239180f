"""SHACL-SPARQL (https://www.w3.org/TR/shacl/#sparql-constraints) and SHACL-AF SPARQL
targets: ``sh:select`` texts rewritten to run over all focus nodes at once."""

from __future__ import annotations

import re

import rdflib
from rdflib.namespace import OWL, RDF, SH

from kg.shacl.shapes import path_text
from kg.shacl.sparql_engine.base import CompilerBase, local, sorted_nodes, uris
from kg.shacl.sparql_engine.checks import SparqlCheck
from kg.shacl.sparql_engine.select import parse_select

__all__ = ["SparqlBased", "local", "sorted_nodes", "uris"]


class SparqlBased(CompilerBase):
    """SPARQL-based targets and constraints."""

    def sparql_target(self, shape: rdflib.term.Node, target: rdflib.term.Node) -> str:
        if SH.SPARQLTarget not in set(self.g.objects(target, RDF.type)):
            raise self.fail(shape, "sh:target that is not an sh:SPARQLTarget")
        for p in sorted(set(self.g.predicates(target)), key=str):
            if str(p).startswith(str(SH)) and p not in (SH.select, SH.prefixes):
                raise self.fail(shape, f"sh:{local(p)} on an sh:SPARQLTarget")
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
                raise self.fail(shape, f"sh:{local(p)} on an sh:sparql constraint")
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
            for m in sorted_nodes(self.g.objects(c, SH.message))
            if isinstance(m, rdflib.Literal) and m not in shape_messages
        )
        if not own and not shape_messages:
            raise self.fail(shape, "an sh:sparql constraint without sh:message")
        query = select.over_focus(self.prefixes(c), where)
        shown = path_text(self.g, path_node) if path_node is not None else ""
        self.out.sparql.append(SparqlCheck(shape, query, select, path_node is None, shown, own))
