"""RDF terms: the bridge between rdflib and pyoxigraph, their text forms, and literal makers.

The build and the services work in pyoxigraph terms; rdflib is only where a library needs it
(pyshacl, the shapes graph, canonical blank nodes of the ontology). Crossing between the two,
and writing a term as N-Triples or SPARQL text, happens here only, with one rule for the
points where the libraries differ: language tags are lower-cased (pyoxigraph's canonical
form) and ``xsd:string`` is the plain literal (RDF 1.1), never an explicit datatype on the
rdflib side, where ``Literal("x")`` and ``Literal("x", datatype=XSD.string)`` do not match.

>>> str(decimal(100.0)), str(decimal(9.40))
('"100"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"9.4"^^<http://www.w3.org/2001/XMLSchema#decimal>')
>>> nt(rdflib.Literal("x", lang="EN"))
'"x"@en'
"""

from __future__ import annotations

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.rdf.vocab import XSD, XSD_BOOLEAN, XSD_DECIMAL, XSD_INTEGER

__all__ = [
    "Node",
    "Term",
    "boolean",
    "date",
    "decimal",
    "english",
    "integer",
    "nt",
    "sparql_text",
    "string",
    "to_oxigraph",
    "to_rdflib",
]

Term = NamedNode | BlankNode | Literal | Triple
"""Anything a SPARQL solution can bind (RDF-star quoted triples included)."""
Node = NamedNode | BlankNode | Literal
"""An RDF 1.1 term."""

_XSD_STRING = XSD + "string"


def to_oxigraph(term: rdflib.term.Node) -> Node:
    """An rdflib term as a pyoxigraph term (language tags lower-cased)."""
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if not isinstance(term, rdflib.Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return Literal(str(term), language=term.language.lower())
    return Literal(str(term), datatype=NamedNode(str(term.datatype or _XSD_STRING)))


def to_rdflib(term: Node) -> rdflib.term.Identifier:
    """A pyoxigraph term as an rdflib term (``xsd:string`` as the plain literal)."""
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if dt == _XSD_STRING else rdflib.URIRef(dt))


def nt(term: rdflib.term.Node | Term | None) -> str:
    """A term in pyoxigraph's N-Triples form (``""`` for none): how results are compared."""
    if term is None:
        return ""
    if isinstance(term, rdflib.term.Node):
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
        if isinstance(term, rdflib.URIRef):
            return f"<{term}>"
        term = to_oxigraph(term)
    return str(term)


def sparql_text(term: Term | rdflib.term.Node) -> str:
    """A constant as SPARQL text (N-Triples syntax is valid SPARQL for IRIs and literals).

    Blank nodes and quoted triples cannot be named in a query (nor sent to another store)."""
    if isinstance(term, rdflib.term.Node):
        if isinstance(term, rdflib.BNode):
            raise ValueError(f"a blank node {term} cannot be used as a constant in SPARQL")
        term = to_oxigraph(term)
    if isinstance(term, BlankNode | Triple):
        raise ValueError("blank nodes and quoted triples cannot be sent to another store")
    return str(term)


def string(value: str) -> Literal:
    """A plain (``xsd:string``) literal."""
    return Literal(value)


def english(value: str) -> Literal:
    """A literal tagged ``@en``."""
    return Literal(value, language="en")


def integer(value: int) -> Literal:
    """An ``xsd:integer`` (also for counts the W3C vocabularies type as non-negative integers:
    pyoxigraph stores those as ``xsd:integer``, and files must equal what the store serves)."""
    return Literal(str(value), datatype=XSD_INTEGER)


def decimal(value: float) -> Literal:
    """An ``xsd:decimal`` in XSD 1.1 canonical form (``"100"``, ``"9.4"``): the form pyoxigraph
    stores, so release files and the served store hold the very same literal."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return Literal(text or "0", datatype=XSD_DECIMAL)


def boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=XSD_BOOLEAN)


def date(value: str) -> Literal:
    """``2024``, ``2024-01`` or ``2024-01-31`` as ``xsd:gYear``, ``gYearMonth`` or ``date``."""
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]
    return Literal(value, datatype=NamedNode(XSD + kind))
