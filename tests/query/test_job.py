"""Running a job on the real engine: ``SELECT *`` columns come out in the query's order."""

from __future__ import annotations

import json

import pyoxigraph
import pytest

from kg.query.job import Job, Outcome, execute
from kg.rdf.media import CSV, SPARQL_JSON, TSV
from kg.store.embedded import EmbeddedStore


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    s = pyoxigraph.Store()
    s.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(f"urn:{x}") for x in "spo")))
    return EmbeddedStore(s)


def run(store: EmbeddedStore, query: str, media: str) -> Outcome:
    outcome = execute(store, Job(query, media))
    assert isinstance(outcome, Outcome)
    return outcome


def test_select_star_columns_are_in_the_order_of_the_query(store: EmbeddedStore) -> None:
    body = json.loads(run(store, "SELECT * WHERE { ?s ?p ?o }", SPARQL_JSON).body)
    assert body["head"]["vars"] == ["s", "p", "o"]
    assert body["results"]["bindings"][0]["s"]["value"] == "urn:s"
    assert run(store, "SELECT * { ?o ?p ?s }", CSV).body.splitlines()[:2] == [
        b"o,p,s", b"urn:s,urn:p,urn:o"
    ]  # fmt: skip
    assert run(store, "SELECT * { ?p ?o ?s }", TSV).body.splitlines()[0] == b"?p\t?o\t?s"


def test_named_columns_keep_their_projection(store: EmbeddedStore) -> None:
    body = json.loads(run(store, "SELECT ?o ?s { ?s ?p ?o }", SPARQL_JSON).body)
    assert body["head"]["vars"] == ["o", "s"]
    assert body["results"]["bindings"] == [
        {"o": {"type": "uri", "value": "urn:o"}, "s": {"type": "uri", "value": "urn:s"}}
    ]
