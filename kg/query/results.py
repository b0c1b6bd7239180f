"""SPARQL 1.1 query results written by hand: JSON, XML, CSV, TSV (and RDF for graphs).

Why not pyoxigraph's result writers: an answer is capped at ``max_rows`` (or one page), so
the rows are taken from the solution iterator first and the writer must serialise a list;
the formats are simple and their specs short, and tests compare them with what
SPARQLWrapper, rdflib and pyoxigraph's own parsers read back.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg.rdf.media import RDF_MEDIA, WITH_PREFIXES
from kg.rdf.serialize import TURTLE_PREFIXES, jsonld
from kg.rdf.terms import Term
from kg.rdf.vocab import XSD

__all__ = ["serialize_boolean", "serialize_solutions", "serialize_triples"]

_XSD_STRING: Final = XSD + "string"
_RESULTS_NS: Final = "http://www.w3.org/2005/sparql-results#"


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
    }


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    parts = "".join(
        f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object")
    )
    return f"<triple>{parts}</triple>"


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return str(term)


def serialize_solutions(
    variables: Sequence[str], rows: Sequence[Sequence[Term | None]], media: str
) -> bytes:
    """SPARQL 1.1 results (JSON, XML, CSV, TSV) for a capped list of rows."""
    if media == "application/sparql-results+json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media == "application/sparql-results+xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in rows
        )
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}"><head>{head}</head>'
                f"<results>{results}</results></sparql>\n").encode()  # fmt: skip
    if media == "text/csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_term(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    if media == "text/tab-separated-values":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"not a results media type: {media}")


def serialize_boolean(value: bool, media: str) -> bytes:
    if media == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if media == "application/sparql-results+xml":
        return (f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_RESULTS_NS}"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()  # fmt: skip
    if media in ("text/csv", "text/tab-separated-values"):
        return b"true\n" if value else b"false\n"
    raise ValueError(f"not a results media type: {media}")


def serialize_triples(triples: Iterable[Triple], media: str) -> bytes:
    """A graph answer, with the prefixes and JSON-LD context of the release files."""
    fmt = RDF_MEDIA[media]
    if fmt == pyoxigraph.RdfFormat.JSON_LD:
        return jsonld(list(triples))
    prefixes = TURTLE_PREFIXES if media in WITH_PREFIXES else None
    return pyoxigraph.serialize(triples, format=fmt, prefixes=prefixes) or b""
