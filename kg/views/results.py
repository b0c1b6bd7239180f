"""Query answers as a table people read: labels beside CURIEs, our IRIs linked to their local
pages, datatypes kept out of sight (a literal shows its value; its datatype is a tooltip).

The query page and the named-query pages render SPARQL answers (JSON results, or N-Triples
for CONSTRUCT/DESCRIBE) through :func:`solutions_table` / :func:`triples_table`; labels come
from the release in one lookup per table.

>>> from pyoxigraph import Store
>>> from kg.store.embedded import EmbeddedStore
>>> from kg.views.reader import Reader
>>> t = solutions_table(Reader(EmbeddedStore(Store())), b'{"head":{"vars":["n"]},"results":'
...     b'{"bindings":[{"n":{"type":"literal","value":"3","datatype":'
...     b'"http://www.w3.org/2001/XMLSchema#integer"}}]}}')
>>> t.rows[0][0].value, t.rows[0][0].datatype, t.rows[0][0].numeric
('3', 'xsd:integer', 3.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Final

import pyoxigraph
from pydantic import BaseModel
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.rdf.prefixes import shorten
from kg.rdf.vocab import RDF_LANG_STRING, XSD, XSD_STRING
from kg.views.base import href
from kg.views.reader import Reader

__all__ = ["Cell", "ResultTable", "boolean_table", "solutions_table", "triples_table"]

_NUMERIC: Final = frozenset(
    XSD + t
    for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")
)  # fmt: skip
_PLAIN: Final = frozenset({XSD_STRING.value, RDF_LANG_STRING.value})


class Cell(BaseModel):
    """One value: an IRI (``label``, ``curie``, local ``href``), a literal (``value``, hidden
    ``datatype``, ``lang``), a blank node or a quoted triple (shown as its N-Triples)."""

    kind: str
    value: str
    label: str | None = None
    curie: str | None = None
    href: str | None = None
    datatype: str | None = None
    lang: str | None = None
    numeric: float | None = None

    @property
    def sort_key(self) -> str:
        return self.label or self.curie or self.value


class ResultTable(BaseModel):
    """A SELECT answer (``columns`` and ``rows``), a graph (columns subject, predicate,
    object) or an ASK answer (``boolean``)."""

    form: str
    columns: list[str] = []
    rows: list[list[Cell | None]] = []
    boolean: bool | None = None


Term = NamedNode | BlankNode | Literal | Triple


def _number(lit: Literal) -> float | None:
    if lit.datatype.value not in _NUMERIC:
        return None
    try:
        return float(Decimal(lit.value))
    except (InvalidOperation, ValueError):
        return None


def _cells(reader: Reader, rows: Sequence[Sequence[Term | None]]) -> list[list[Cell | None]]:
    iris = {t.value for row in rows for t in row if isinstance(t, NamedNode)}
    labels = reader.labels(iris)

    def cell(t: Term | None) -> Cell | None:
        if t is None:
            return None
        if isinstance(t, NamedNode):
            short = shorten(t.value)
            return Cell(kind="iri", value=t.value, label=labels.get(t.value),
                        curie=short if short != t.value else None, href=href(t.value))  # fmt: skip
        if isinstance(t, BlankNode):
            return Cell(kind="bnode", value=f"_:{t.value}")
        if isinstance(t, Literal):
            dt = t.datatype.value
            return Cell(kind="literal", value=t.value, lang=t.language,
                        datatype=None if dt in _PLAIN else shorten(dt), numeric=_number(t))  # fmt: skip
        return Cell(kind="triple", value=str(t))

    return [[cell(t) for t in row] for row in rows]


def solutions_table(reader: Reader, body: bytes) -> ResultTable:
    """A table from SPARQL 1.1 JSON results (``application/sparql-results+json``)."""
    parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
    if isinstance(parsed, pyoxigraph.QueryBoolean):
        return boolean_table(bool(parsed))
    names = [v.value for v in parsed.variables]
    rows: list[list[Term | None]] = [[s[i] for i in range(len(names))] for s in parsed]
    return ResultTable(form="SELECT", columns=names, rows=_cells(reader, rows))


def boolean_table(value: bool) -> ResultTable:
    return ResultTable(form="ASK", boolean=value)


def triples_table(reader: Reader, body: bytes) -> ResultTable:
    """A subject / predicate / object table from N-Triples (a CONSTRUCT or DESCRIBE answer)."""
    triples: Iterable[Triple] = pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES)
    rows: list[list[Term | None]] = [[t.subject, t.predicate, t.object] for t in triples]
    return ResultTable(
        form="CONSTRUCT", columns=["subject", "predicate", "object"], rows=_cells(reader, rows)
    )
