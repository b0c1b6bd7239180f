"""OWL reasoning with HermiT: classification worth having, and the limits that make it safe."""

from __future__ import annotations

import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import BuildResult
from kg.cli import main
from kg.errors import InconsistentOntologyError, ReasonerError
from kg.query.named import bind, run_pyoxigraph, solutions_as_rows
from kg.rdf.queryfile import parse_named_query
from kg.rdf.serialize import ntriples
from kg.rdf.vocab import DMKG, ID, OWL, RDF, RDFS
from kg.reasoning import Inference, Limits, full_turtle, reason
from tests.support import ROOT

DRUG = ID + "drug/"
TYPE = RDF + "type"


@pytest.fixture(scope="module")
def asserted(built: BuildResult) -> bytes:
    return ntriples(built.quads)


@pytest.fixture(scope="module")
def inference(asserted: bytes) -> Inference:
    return reason(asserted)


def _store(turtle: bytes) -> ox.Store:
    store = ox.Store()
    store.bulk_load(turtle, format=ox.RdfFormat.TURTLE)
    return store


def _expected(name: str) -> list[tuple[str, ...]]:
    path = ROOT / "queries" / "expected" / f"{name}.tsv"
    parsed = ox.parse_query_results(path=str(path), format=ox.QueryResultsFormat.TSV)
    return sorted(solutions_as_rows(parsed))


def _ask(store: ox.Store, name: str, **params: str) -> list[tuple[str, ...]]:
    query = parse_named_query(ROOT / "queries" / f"{name}.rq")
    assert "reasoning" in query.tags
    values = params or dict(query.example)
    return list(solutions_as_rows(run_pyoxigraph(store, query, bind(query, values))))


def test_interleukin1_inhibitors_are_classified_from_target_claims(
    inference: Inference, asserted: bytes
) -> None:
    il1 = DMKG + "Interleukin1Inhibitor"
    assert (DRUG + "anakinra", TYPE, il1) in inference.triples
    assert (DRUG + "canakinumab", TYPE, il1) in inference.triples
    rows = _ask(_store(full_turtle(asserted, inference)), "il1-inhibitors-inferred")
    assert sorted(rows) == _expected("il1-inhibitors-inferred")
    assert {r[0] for r in rows} == {f"<{DRUG}anakinra>", f"<{DRUG}canakinumab>"}
    # without the reasoner nothing is an Interleukin1Inhibitor: the class is only defined
    asserted_store = ox.Store()
    asserted_store.bulk_load(asserted, format=ox.RdfFormat.N_TRIPLES)
    assert _ask(asserted_store, "il1-inhibitors-inferred") == []


def test_avoid_biological_dmards_answers_a_question_about_tnf_inhibitors(
    inference: Inference, asserted: bytes
) -> None:
    rows = _ask(_store(full_turtle(asserted, inference)), "not-with-tnf-inhibitors")
    assert sorted(rows) == _expected("not-with-tnf-inhibitors")
    found = {(r[1], r[3], r[5]) for r in rows}
    assert (f"<{DRUG}anakinra>", f"<{DMKG}BiologicalDMARD>", f"<{DMKG}AvoidGenerally>") in found
    assert (f"<{DRUG}canakinumab>", f"<{DMKG}TNFInhibitor>", f"<{DMKG}Avoid>") in found
    assert (DMKG + "TNFInhibitor", RDFS + "subClassOf", DMKG + "Drug") in inference.triples


def test_advice_about_a_distant_superclass_needs_the_inferred_hierarchy(asserted: bytes) -> None:
    """TNFInhibitor is only two steps below AntirheumaticDrug: the one-step pattern of the query
    finds advice about antirheumatic drugs only once the reasoner has closed rdfs:subClassOf."""
    claim = f"<{ID}claim/interaction-00000000000000ff>"
    extra = (
        f"{claim} <{RDF}type> <{DMKG}InteractionClaim> .\n"
        f"{claim} <{DMKG}hasSubject> <{DRUG}methotrexate> .\n"
        f"{claim} <{DMKG}hasObject> <{DMKG}AntirheumaticDrug> .\n"
        f"{claim} <{DMKG}recommendation> <{DMKG}MustNot> .\n"
        f"{claim} <http://www.w3.org/ns/prov#wasDerivedFrom> <{ID}source/kineret-patient-sheet> .\n"
    ).encode()
    data = asserted + extra
    full = _store(full_turtle(data, reason(data)))
    plain = ox.Store()
    plain.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    via = f"<{DMKG}AntirheumaticDrug>"
    assert via in {r[3] for r in _ask(full, "not-with-tnf-inhibitors")}
    assert via not in {r[3] for r in _ask(plain, "not-with-tnf-inhibitors")}


def test_punned_classes_are_accepted_and_get_no_inferred_types(inference: Inference) -> None:
    """Drug classes are objects of hasObject and subjects of class-level target claims (OWL 2
    punning): HermiT classifies the graph, and kg-inferred.ttl types individuals only."""
    subjects = {s for s, p, _ in inference.triples if p == TYPE}
    assert DMKG + "BiologicalDMARD" not in subjects
    assert all(not s.startswith(DMKG) for s in subjects)


def test_an_individual_in_disjoint_classes_makes_the_graph_inconsistent(asserted: bytes) -> None:
    extra = f"<{ID}vaccine/mmr-vaccine> <{TYPE}> <{DMKG}Drug> .\n".encode()
    with pytest.raises(InconsistentOntologyError, match="inconsistent"):
        reason(asserted + extra)


def test_unsatisfiable_classes_are_named_and_block(asserted: bytes) -> None:
    weird = f"<{DMKG}DrugVaccine>"
    extra = (
        f"{weird} <{TYPE}> <{OWL}Class> .\n"
        f"{weird} <{RDFS}subClassOf> <{DMKG}Drug> .\n"
        f"{weird} <{RDFS}subClassOf> <{DMKG}Vaccine> .\n"
    ).encode()
    with pytest.raises(InconsistentOntologyError, match="DrugVaccine"):
        reason(asserted + extra)


def test_time_limit_stops_the_reasoner(asserted: bytes) -> None:
    t = time.perf_counter()
    with pytest.raises(ReasonerError, match="time limit"):
        reason(asserted, Limits(timeout_s=0.2))
    assert time.perf_counter() - t < 10


def test_memory_cap_is_enforced(asserted: bytes) -> None:
    with pytest.raises(ReasonerError, match="heap"):
        reason(asserted, Limits(memory_mb=4))


def test_kg_reason_writes_inferred_and_full_graphs(
    built: BuildResult, tmp_path: Path, inference: Inference
) -> None:
    assert main(["reason", "--release", str(built.out), "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "kg-inferred.ttl").read_bytes() == inference.turtle()
    full = _store((tmp_path / "kg-full.ttl").read_bytes())
    assert len(full) == len(_store(inference.turtle())) + len(
        {line for line in (built.out / "kg.nt").read_text().splitlines() if line}
    )
