"""The SPARQL lexer's rewrites: ``SELECT *`` columns in the order of first appearance."""

from __future__ import annotations

import pytest

from kg.rdf.sparqltext import star_columns


@pytest.mark.parametrize(
    ("query", "engine", "expected"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", ["o", "p", "s"], ["s", "p", "o"]),
        ("select distinct * { ?b ?a ?c }", ["a", "b", "c"], ["b", "a", "c"]),
        ("SELECT REDUCED * { $z <urn:p> ?y }", ["y", "z"], ["z", "y"]),
        ('SELECT * { ?x <urn:p> "?y" . BIND(1 AS ?w) } # ?v', ["w", "x"], ["x", "w"]),
        (
            "PREFIX p: <urn:> SELECT * { ?q p:x ?r OPTIONAL { ?r p:y ?s } }",
            ["r", "s", "q"],
            ["q", "r", "s"],
        ),
    ],
)
def test_select_star_columns_follow_the_query(
    query: str, engine: list[str], expected: list[str]
) -> None:
    assert star_columns(query, engine) == expected


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?o ?s WHERE { ?s ?p ?o }",  # named columns keep the projection's order
        "SELECT ?o { SELECT * { ?s ?p ?o } }",  # only the outermost projection counts
        "ASK { ?s ?p ?o }",
    ],
)
def test_other_queries_keep_the_engines_columns(query: str) -> None:
    assert star_columns(query, ["o", "s"]) == ["o", "s"]
