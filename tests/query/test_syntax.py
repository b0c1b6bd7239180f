"""Syntax errors in one readable line, from pyoxigraph's real messages, and the predeclared
prefix map: undeclared prefixes of our map work, a query's own PREFIX wins."""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.query.job import Failure, Job, Outcome, execute
from kg.query.syntax import explain
from kg.rdf.media import SOLUTION_MEDIA
from kg.rdf.prefixes import prefix_map
from kg.store.embedded import EmbeddedStore

RDFS_LABEL = pyoxigraph.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def pyoxigraph_message(query: str) -> str:
    with pytest.raises(SyntaxError) as info:
        pyoxigraph.Store().query(query, prefixes=prefix_map())
    return str(info.value)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        # the case: a missing PREFIX gave ~600 characters of Unicode ranges
        ("SELECT * WHERE { ?s rdf:type ?t ; foo:label ?l }",
         'line 1, column 35: undefined prefix "foo" in foo:label; declare it with PREFIX foo: <...>'),
        ("SELECT * WHERE {\n  ?s :p ?o }",
         "line 2, column 6: undefined empty prefix in :p; declare it with PREFIX : <...>"),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 5", 'line 1, column 29: unexpected "LIMT"'),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = ) }", 'line 3, column 3: unexpected "FILTER"'),
        ("SELECT * WHERE { ?s ?p ?o ", "line 1, column 27: unexpected end of query"),
        ("SELEC * WHERE { }", 'line 1, column 1: unexpected "SELEC"'),
        ("ASK { ?s <urn:p> 1 2 }", 'line 1, column 20: unexpected "2"'),
        ("SELECT (COUNT(*) ?n) { }", 'line 1, column 18: unexpected "?n"'),
        ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s",
         "line 1, column 41: The SELECT contains a variable that is unbound"),
        ("SELECT (1 AS ?x) (2 AS ?x) { }", "line 1, column 31: Duplicated variable name in SELECT"),
    ],
)  # fmt: skip
def test_a_syntax_error_is_one_line_naming_the_prefix_or_the_token(query: str, detail: str) -> None:
    problem = explain(query, pyoxigraph_message(query), prefix_map())
    assert problem.detail == detail
    assert "\n" not in problem.detail and "\\u{" not in problem.detail
    assert problem.line == int(detail.split(",")[0].removeprefix("line "))


def test_sparql_12_syntax_is_placed_by_pyoxigraph_not_rdflib() -> None:
    # rdflib knows no triple terms: its opinion would blame the valid "<<(" at column 18
    query = "SELECT * WHERE { <<( ?s ?p ?o )>> ?q ?r . ?r ?p }"
    problem = explain(query, pyoxigraph_message(query), prefix_map())
    assert problem.column != 18 and problem.detail.startswith("line 1, column ")


def run(query: str) -> Outcome | Failure:
    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:x"), RDFS_LABEL, pyoxigraph.Literal("x")))
    return execute(EmbeddedStore(store), Job(query, SOLUTION_MEDIA[0]))


def test_the_prefix_map_is_predeclared_and_a_query_prefix_wins() -> None:
    found = run("SELECT ?s WHERE { ?s rdfs:label ?l }")
    assert isinstance(found, Outcome) and found.rows == 1
    shadowed = run("PREFIX rdfs: <http://example.org/> SELECT ?s WHERE { ?s rdfs:label ?l }")
    assert isinstance(shadowed, Outcome) and shadowed.rows == 0
    refused = run("SELECT ?s WHERE { ?s nope:label ?l }")
    assert isinstance(refused, Failure) and refused.status == 400
    assert refused.detail.startswith('line 1, column 22: undefined prefix "nope"')
    assert refused.extensions == {"line": 1, "column": 22}


def test_a_query_with_bound_parameters_is_explained_too() -> None:
    job = Job(
        "SELECT ?s WHERE {\n ?s rdfs:label ?l . ?s nope:x ?y }",
        SOLUTION_MEDIA[0],
        substitutions=(("l", pyoxigraph.Literal("x")),),
    )
    failure = execute(EmbeddedStore(pyoxigraph.Store()), job)
    assert isinstance(failure, Failure) and "undefined prefix" in failure.detail
