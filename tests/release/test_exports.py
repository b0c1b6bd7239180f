"""Exports for downstream tools: RDF/XML OWL for Protégé, KGX TSV for the Biolink tool chain."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from kg.build import BuildResult
from kg.query.named import ParamError, bind
from kg.rdf.queryfile import load_named_queries
from kg.release.exports import EDGE_COLUMNS, NODE_COLUMNS
from tests.support import ROOT

# checked against biolink_model/schema/biolink_model.yaml of biolink-model 4.4.6
BIOLINK_CATEGORIES = {
    "biolink:Drug", "biolink:Protein", "biolink:DiseaseOrPhenotypicFeature",
    "biolink:PhenotypicFeature", "biolink:Study", "biolink:PopulationOfIndividualOrganisms",
    "biolink:NamedThing",
}  # fmt: skip
BIOLINK_PREDICATES = {
    "biolink:affects", "biolink:treats", "biolink:applied_to_treat", "biolink:studied_to_treat",
    "biolink:ameliorates_condition", "biolink:has_adverse_event", "biolink:contraindicated_in",
    "biolink:interacts_with", "biolink:subclass_of", "biolink:close_match", "biolink:broad_match",
    "biolink:narrow_match", "biolink:related_to",
}  # fmt: skip


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_owl_rdfxml_is_the_whole_graph_plus_its_individual_declarations(
    built: BuildResult,
) -> None:
    owl = rdflib.Graph().parse(built.out / "kg.owl", format="xml")
    nt = rdflib.Graph().parse(built.out / "kg.nt", format="nt")
    declared = set(owl.subjects(rdflib.RDF.type, rdflib.OWL.NamedIndividual))
    for individual in declared:
        owl.remove((individual, rdflib.RDF.type, rdflib.OWL.NamedIndividual))
    assert declared and rdflib.compare.isomorphic(owl, nt)
    assert (
        rdflib.URIRef("https://w3id.org/dmkg/vocab/"),
        rdflib.RDF.type,
        rdflib.OWL.Ontology,
    ) in owl


def test_kgx_edges_reference_nodes_and_use_biolink_terms(built: BuildResult) -> None:
    nodes = read_tsv(built.out / "kgx_nodes.tsv")
    edges = read_tsv(built.out / "kgx_edges.tsv")
    assert tuple(nodes[0]) == NODE_COLUMNS and tuple(edges[0]) == EDGE_COLUMNS
    ids = {n["id"] for n in nodes}
    assert {n["category"] for n in nodes} <= BIOLINK_CATEGORIES
    assert {e["predicate"] for e in edges} <= BIOLINK_PREDICATES
    for e in edges:
        assert e["subject"] in ids and e["object"] in ids, e
    anakinra = next(n for n in nodes if n["id"] == "dmkg.drug:anakinra")
    assert "DRUGBANK:DB00026" in anakinra["xref"].split("|")


def test_kgx_edges_keep_claim_ids_quotes_and_indication_status(built: BuildResult) -> None:
    edges = read_tsv(built.out / "kgx_edges.tsv")
    studied = [e for e in edges if e["predicate"] == "biolink:studied_to_treat"]
    assert [(e["subject"], e["object"]) for e in studied] == [
        ("dmkg.drug:anakinra", "dmkg.condition:systemic-juvenile-idiopathic-arthritis")
    ]
    text = (ROOT / "data" / "sources" / "pontikaki-2008-poster.txt").read_text(encoding="utf-8")
    for quote in studied[0]["supporting_text"].split("|"):
        assert quote in text
    assert studied[0]["id"].startswith("dmkg.claim:indication-")
    assert studied[0]["publications"] == "dmkg.source:pontikaki-2008-poster"
    assert not [e for e in edges if e["predicate"] == "biolink:treats"], "no source here is a label"


def test_kg_export_copies_a_format_out_of_a_verified_release(
    built: BuildResult, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "export", "--format", "kgx", "--release", str(built.out), "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert (tmp_path / "kgx_edges.tsv").read_bytes() == (built.out / "kgx_edges.tsv").read_bytes()
    assert "kgx_nodes.tsv" in proc.stdout


def test_curie_parameters_are_checked_against_the_prefix_map() -> None:
    query = load_named_queries(ROOT / "queries")["monograph-by-xref"]
    assert (
        bind(query, {"xref": "DRUGBANK:DB00026"})["xref"].value
        == "https://go.drugbank.com/drugs/DB00026"
    )
    for bad in ("nosuchprefix:1", "drugbank:not-an-id", "DB00026"):
        with pytest.raises(ParamError, match="xref"):
            bind(query, {"xref": bad})
