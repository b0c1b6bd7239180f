"""Unit tests of the query guards: what must never reach an engine."""

from __future__ import annotations

import pytest

from kg.query.guards import QueryLimits, check_query
from kg.query.job import QueryRefused

P = "PREFIX ex: <http://example.org/>\n"


def status_of(query: str, limits: QueryLimits | None = None) -> int:
    with pytest.raises(QueryRefused) as info:
        check_query(query, limits or QueryLimits())
    return info.value.status


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * { SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?o } }",
        "SELECT * { ?x ex:p ?v SERVICE ?v { ?s ?p ?o } }",
        "select * { service<http://x/>{} }",
        "SELECT * { SeRvIcE <http://x/> {} }",
        r"SELECT * { SERV\u0049CE <http://x/> {} }",
        "SELECT * { # comment\n SERVICE <http://x/> {} }",
    ],
)
def test_service_is_refused_with_400(query: str) -> None:
    assert status_of(P + query) == 400


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { ex:a ex:b ex:c }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:1/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://x/>",
        "CREATE GRAPH <http://x/>",
        "WITH <http://x/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "ADD <http://a/> TO <http://b/>",
    ],
)
def test_updates_are_refused_with_403(query: str) -> None:
    assert status_of(P + query) == 403


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ex:service "SERVICE LOAD INSERT" }',
        "SELECT ?service ?load { ?service ex:load ?load }",
        "SELECT * { ?s a ex:Service . ?s ex:p <http://example.org/LOAD> }",
        'SELECT * { ?s ?p """long\nSERVICE <http://x/> {}\n""" }',
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/> in a comment",
        "ASK { ?s ex:p 'it''s' }",
        "DESCRIBE <http://example.org/x>",
        "CONSTRUCT WHERE { ?s ?p ?o }",
    ],
)
def test_keywords_in_strings_iris_names_and_comments_are_fine(query: str) -> None:
    assert check_query(P + query).form in ("SELECT", "ASK", "DESCRIBE", "CONSTRUCT")


def test_form_and_dataset_are_reported() -> None:
    info = check_query("SELECT * FROM <http://a/> FROM NAMED <http://b/> { ?s ?p ?o }")
    assert (info.form, info.from_graphs, info.from_named) == (
        "SELECT",
        ("http://a/",),
        ("http://b/",),
    )
    assert info.has_dataset
    assert not check_query("ASK { ?from ?p ?o }").has_dataset


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * " + "{" * 2_500 + "}" * 2_500,
        "SELECT * { FILTER(" + "(" * 5_000 + "1" + ")" * 5_000 + ") }",
        "SELECT * { FILTER(" + "!" * 10_000 + "true) }",
        "SELECT * { FILTER(" + "! " * 100 + "true) }",
        "SELECT * { ?s ?p ?o FILTER(" + " || ".join(["?o = 1"] * 9_000) + ") }",
        "SELECT * { ?s " + "[ ex:p " * 100 + "1" + " ]" * 100 + " }",
    ],
)
def test_deep_or_huge_nesting_is_400_before_parsing(query: str) -> None:
    limits = QueryLimits(max_bytes=10_000_000)
    assert status_of(query, limits) == 400


def test_nesting_within_the_limit_passes() -> None:
    assert check_query("SELECT * " + "{" * 60 + "?s ?p ?o" + "}" * 60).form == "SELECT"


def test_size_limit_is_413_before_parsing() -> None:
    values = "SELECT * { VALUES ?x { " + " ".join(f'"{i}"' for i in range(400_000)) + " } }"
    assert len(values) > 3_000_000
    assert status_of(values) == 413
    assert status_of("SELECT * { ?s ?p 'é' }", QueryLimits(max_bytes=20)) == 413


def test_not_a_query_is_400() -> None:
    assert status_of("hello world") == 400
    assert status_of("SELECT * { ?s ?p \x00 }") == 400
