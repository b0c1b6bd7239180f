"""Every media type the project reads or writes, in one table.

What a route offers, what a ``format=`` nickname or a file extension stands for, and which
format pyoxigraph writes for each, so that the endpoint, the Linked Data pages, the dumps and
the command line cannot drift apart.
"""

from __future__ import annotations

from typing import Final

import pyoxigraph

__all__ = [
    "CSV",
    "EXTENSIONS",
    "FORMAT_IRIS",
    "GRAPH_MEDIA",
    "GRAPH_NICKNAMES",
    "HTML",
    "JSON",
    "JSON_LD",
    "LD_EXTENSIONS",
    "LD_MEDIA",
    "N_TRIPLES",
    "RDF_MEDIA",
    "RDF_OFFERED",
    "RDF_XML",
    "RESULTS_MEDIA",
    "SOLUTION_MEDIA",
    "SOLUTION_NICKNAMES",
    "SPARQL_JSON",
    "SPARQL_XML",
    "TSV",
    "TURTLE",
    "WITH_PREFIXES",
]

HTML: Final = "text/html"
JSON: Final = "application/json"
TURTLE: Final = "text/turtle"
N_TRIPLES: Final = "application/n-triples"
JSON_LD: Final = "application/ld+json"
RDF_XML: Final = "application/rdf+xml"
SPARQL_JSON: Final = "application/sparql-results+json"
SPARQL_XML: Final = "application/sparql-results+xml"
CSV: Final = "text/csv"
TSV: Final = "text/tab-separated-values"

RDF_MEDIA: Final[dict[str, pyoxigraph.RdfFormat]] = {
    TURTLE: pyoxigraph.RdfFormat.TURTLE,
    N_TRIPLES: pyoxigraph.RdfFormat.N_TRIPLES,
    JSON_LD: pyoxigraph.RdfFormat.JSON_LD,
    RDF_XML: pyoxigraph.RdfFormat.RDF_XML,
    "application/trig": pyoxigraph.RdfFormat.TRIG,
    "application/n-quads": pyoxigraph.RdfFormat.N_QUADS,
}
"""RDF serialisations by media type."""

RESULTS_MEDIA: Final[dict[str, pyoxigraph.QueryResultsFormat]] = {
    SPARQL_JSON: pyoxigraph.QueryResultsFormat.JSON,
    SPARQL_XML: pyoxigraph.QueryResultsFormat.XML,
    CSV: pyoxigraph.QueryResultsFormat.CSV,
    TSV: pyoxigraph.QueryResultsFormat.TSV,
}
"""SPARQL SELECT/ASK result formats by media type."""

SOLUTION_MEDIA: Final = tuple(RESULTS_MEDIA)
"""SELECT/ASK answer types, default first."""
GRAPH_MEDIA: Final = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
"""CONSTRUCT/DESCRIBE answer types, default first."""
WITH_PREFIXES: Final = frozenset({TURTLE, RDF_XML, "application/trig"})
"""Formats that declare prefixes (the others are written with full IRIs)."""

LD_MEDIA: Final = (TURTLE, HTML, JSON_LD, N_TRIPLES, RDF_XML)
"""What a Linked Data resource is offered as; Turtle first, so ``*/*`` (curl) gets Turtle and
browsers, which ask for ``text/html`` explicitly, get the page."""
RDF_OFFERED: Final = tuple(m for m in LD_MEDIA if m != HTML)
"""RDF-only descriptions (``/void``, the service description, the ontology)."""

EXTENSIONS: Final[dict[str, str]] = {
    "ttl": TURTLE,
    "nt": N_TRIPLES,
    "jsonld": JSON_LD,
    "rdf": RDF_XML,
    "trig": "application/trig",
    "nq": "application/n-quads",
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "html": HTML,
}
"""File-name suffixes that stand for a media type (``/queries/x.csv``, ``/id/...ttl``)."""
LD_EXTENSIONS: Final = {ext: EXTENSIONS[ext] for ext in ("ttl", "jsonld", "nt", "rdf", "html")}
"""The suffixes a Linked Data resource answers to."""

SOLUTION_NICKNAMES: Final = {
    "json": SPARQL_JSON, "srj": SPARQL_JSON, "xml": SPARQL_XML, "srx": SPARQL_XML,
    "csv": CSV, "tsv": TSV,
}  # fmt: skip
"""``format=`` values of ``/sparql`` for SELECT/ASK answers."""
GRAPH_NICKNAMES: Final = {
    "turtle": TURTLE, "ttl": TURTLE, "n3": TURTLE, "nt": N_TRIPLES, "ntriples": N_TRIPLES,
    "n-triples": N_TRIPLES, "json-ld": JSON_LD, "jsonld": JSON_LD, "json": JSON_LD,
    "xml": RDF_XML, "rdf": RDF_XML, "rdf+xml": RDF_XML, "rdfxml": RDF_XML,
}  # fmt: skip
"""``format=`` values of ``/sparql`` for CONSTRUCT/DESCRIBE answers."""

FORMAT_IRIS: Final = {
    SPARQL_JSON: "SPARQL_Results_JSON", SPARQL_XML: "SPARQL_Results_XML",
    CSV: "SPARQL_Results_CSV", TSV: "SPARQL_Results_TSV", TURTLE: "Turtle",
    N_TRIPLES: "N-Triples", JSON_LD: "JSON-LD", RDF_XML: "RDF_XML",
}  # fmt: skip
"""Local names in ``http://www.w3.org/ns/formats/`` (service descriptions)."""
