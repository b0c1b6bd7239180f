"""Competency questions: every named query gives its reviewed expected answer on both engines."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from kg.build import BuildResult
from kg.query.named import bind, run_pyoxigraph, run_rdflib, solutions_as_rows
from kg.rdf.queryfile import load_named_queries
from tests.support import ROOT

QUERIES = load_named_queries(ROOT / "queries")


Engines = dict[str, tuple[pyoxigraph.Store, rdflib.Graph]]


@pytest.fixture(scope="module")
def all_engines(built: BuildResult) -> Engines:
    """Both engines on the asserted release, and on the full one (asserted + inferred), which
    the queries tagged ``reasoning`` need."""
    store = pyoxigraph.Store()
    store.bulk_load(path=str(built.out / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    full = pyoxigraph.Store()
    full.bulk_load(path=str(built.out / "kg-full.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    return {
        "asserted": (store, rdflib.Graph().parse(built.out / "kg.ttl")),
        "full": (full, rdflib.Graph().parse(built.out / "kg-full.ttl")),
    }


@pytest.fixture(scope="module")
def engines(all_engines: Engines) -> tuple[pyoxigraph.Store, rdflib.Graph]:
    return all_engines["asserted"]


def expected_rows(name: str) -> list[tuple[str, ...]]:
    path = ROOT / "queries" / "expected" / f"{name}.tsv"
    parsed = pyoxigraph.parse_query_results(
        path=str(path), format=pyoxigraph.QueryResultsFormat.TSV
    )
    return list(solutions_as_rows(parsed))


def test_every_named_query_has_an_expected_answer() -> None:
    expected = {p.stem for p in (ROOT / "queries" / "expected").glob("*.tsv")}
    assert set(QUERIES) <= expected


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_query_answers_as_expected_on_both_engines(name: str, all_engines: Engines) -> None:
    query = QUERIES[name]
    store, graph = all_engines["full" if "reasoning" in query.tags else "asserted"]
    bindings = bind(query, query.example)
    want = sorted(expected_rows(name))
    assert want, f"{name}: an empty expected answer proves nothing"
    assert sorted(solutions_as_rows(run_pyoxigraph(store, query, bindings))) == want
    assert sorted(solutions_as_rows(run_rdflib(graph, query, bindings))) == want


def test_a_30_kg_child_gets_only_the_weight_based_dose(
    engines: tuple[pyoxigraph.Store, rdflib.Graph],
) -> None:
    store, _ = engines
    query = QUERIES["dosing-for-weight"]
    child = bind(query, {"weight_kg": "30", "age_group": "https://w3id.org/dmkg/vocab/Child"})
    rows = list(solutions_as_rows(run_pyoxigraph(store, query, child)))
    assert [r[3] for r in rows] == ['"patients weighing under 50 kg"@en']
    heavy = bind(query, {"weight_kg": "45", "age_group": "https://w3id.org/dmkg/vocab/Child"})
    labels = sorted(r[3] for r in solutions_as_rows(run_pyoxigraph(store, query, heavy)))
    assert labels == ['"children weighing over 40 kg"@en', '"patients weighing under 50 kg"@en']


def test_parameters_are_bound_not_pasted(engines: tuple[pyoxigraph.Store, rdflib.Graph]) -> None:
    from kg.query.named import ParamError

    query = QUERIES["indications"]
    with pytest.raises(ParamError):
        bind(query, {"drug": "https://x/> } UNION { ?s ?p ?o"})
    with pytest.raises(ParamError):  # `$` alone would accept a trailing newline
        bind(query, {"drug": "https://w3id.org/dmkg/id/drug/anakinra\n"})
    store, _ = engines
    rows = list(
        solutions_as_rows(
            run_pyoxigraph(
                store, query, bind(query, {"drug": "https://w3id.org/dmkg/id/drug/nothing"})
            )
        )
    )
    assert rows == []
    assert Path(query.path).name == "indications.rq"
