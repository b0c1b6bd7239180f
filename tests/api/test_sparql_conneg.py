"""Content negotiation and result serialisation, without a server."""

from __future__ import annotations

import csv
import io

import pyoxigraph
import pytest
from pyoxigraph import BlankNode, Literal, NamedNode

from kg.api.conneg import negotiate
from kg.query.results import serialize_boolean, serialize_solutions
from kg.rdf.media import EXTENSIONS, RDF_MEDIA, RESULTS_MEDIA

RESULTS = list(RESULTS_MEDIA)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/*", "text/csv"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("text/*;q=0.9, text/csv;q=0.1", "text/tab-separated-values"),
        ("application/sparql-results+xml, */*;q=0.1", "application/sparql-results+xml"),
        ("TEXT/CSV", "text/csv"),
        ("text/html", None),
        ("application/json;q=1, text/csv;q=0", None),
        ("*/*;q=0", None),
        ("garbage", "application/sparql-results+json"),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept, RESULTS) == expected


def test_tables_cover_the_formats() -> None:
    assert set(RDF_MEDIA) >= {
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
    }
    assert {EXTENSIONS[e] for e in ("json", "xml", "csv", "tsv")} == set(RESULTS_MEDIA)


TEXT = Literal('say "hi"\n<script>alert(1)</script>', language="en-gb")
ROW: list[NamedNode | BlankNode | Literal | None] = [
    NamedNode("http://example.org/a"),
    TEXT,
    Literal("4.50", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    BlankNode("b0"),
    None,
]
VARS = ["iri", "text", "number", "blank", "unbound"]


@pytest.mark.parametrize("media", [m for m in RESULTS if m != "text/csv"])
def test_our_serialisations_parse_back_to_the_same_terms(media: str) -> None:
    body = serialize_solutions(VARS, [ROW, ROW], media)
    parsed = pyoxigraph.parse_query_results(body, format=RESULTS_MEDIA[media])
    assert isinstance(parsed, pyoxigraph.QuerySolutions)
    assert [v.value for v in parsed.variables] == VARS
    rows = [[sol[v] for v in VARS] for sol in parsed]
    assert len(rows) == 2
    assert rows[0][:3] == ROW[:3]
    assert rows[0][4] is None


def test_csv_is_rfc4180_with_lexical_forms() -> None:
    body = serialize_solutions(VARS, [ROW], "text/csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows == [VARS, ["http://example.org/a", TEXT.value, "4.50", "_:b0", ""]]
    assert body.endswith("\r\n")


@pytest.mark.parametrize(
    "media", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_boolean(media: str) -> None:
    parsed = pyoxigraph.parse_query_results(
        serialize_boolean(True, media), format=RESULTS_MEDIA[media]
    )
    assert bool(parsed) is True
