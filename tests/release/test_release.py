"""The release: formats, manifest, determinism, provenance of every claim, atomic writes."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

from kg.build import BuildResult, Paths, build
from kg.curation.claimtypes import CLAIM_SPECS
from kg.errors import CurationErrors
from kg.rdf.vocab import DMKG, GRAPH, OA, RDF, RDFS, SKOS
from kg.release.layout import GATE_FILES, RELEASE_FILES
from kg.release.manifest import verify_release
from tests.support import PATHS, ROOT, tree_hash

A = rdflib.RDF.type
DM = rdflib.Namespace(DMKG)
OAN = rdflib.Namespace(OA)


@pytest.fixture(scope="module")
def graph(built: BuildResult) -> rdflib.Graph:
    return rdflib.Graph().parse(built.out / "kg.nt", format="nt")


def test_every_format_parses_to_the_same_graph(built: BuildResult) -> None:
    manifest = verify_release(built.out)
    assert set(manifest["files"]) == set(RELEASE_FILES) | set(GATE_FILES)
    reference = rdflib.Graph().parse(built.out / "kg.nt", format="nt")
    assert len(reference) == manifest["triples"]
    for name, fmt in (("kg.ttl", "turtle"), ("kg.jsonld", "json-ld")):
        other = rdflib.Graph().parse(built.out / name, format=fmt)
        assert rdflib.compare.isomorphic(reference, other), name
    trig = rdflib.Dataset().parse(built.out / "kg.trig", format="trig")
    graphs = {str(g.identifier): len(g) for g in trig.graphs() if len(g)}
    assert graphs == manifest["graphs"]


def test_one_named_graph_per_source(built: BuildResult) -> None:
    graphs = set(verify_release(built.out)["graphs"])
    sources = {p.stem for p in (ROOT / "data" / "sources").glob("*.yaml")}
    assert graphs == {f"{GRAPH}ontology", f"{GRAPH}entities", f"{GRAPH}mappings"} | {
        f"{GRAPH}source/{s}" for s in sources
    }


def test_builds_are_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "--data", str(PATHS.data), "--ontology",
             str(PATHS.ontology), "build", "--out", str(out)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outs.append(out)
    for name in (*RELEASE_FILES, "manifest.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


def test_no_blank_nodes_outside_the_owl_class_expressions(built: BuildResult) -> None:
    for q in pyoxigraph.parse(path=str(built.out / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG):
        if isinstance(q.subject, pyoxigraph.BlankNode) or isinstance(
            q.object, pyoxigraph.BlankNode
        ):
            assert q.graph_name == pyoxigraph.NamedNode(f"{GRAPH}ontology"), q


def test_every_claim_has_evidence_whose_quote_is_in_its_source(graph: rdflib.Graph) -> None:
    texts = {
        str(src): (ROOT / str(graph.value(src, DM.textFile))).read_text(encoding="utf-8")
        for src in graph.subjects(A, DM.SourceDocument)
    }
    claims = set(graph.subjects(A, DM.Claim))
    assert len(claims) > 90
    for claim in claims:
        evidence = list(graph.objects(claim, DM.hasEvidence))
        assert evidence, f"{claim} has no evidence"
        derived = graph.value(claim, rdflib.PROV.wasDerivedFrom)
        for ev in evidence:
            source = graph.value(ev, OAN.hasSource)
            assert source == derived
            text = texts[str(source)]
            selectors = {graph.value(s, A): s for s in graph.objects(ev, OAN.hasSelector)}
            quote, pos = selectors[OAN.TextQuoteSelector], selectors[OAN.TextPositionSelector]
            start, end = int(graph.value(pos, OAN.start)), int(graph.value(pos, OAN.end))
            exact = str(graph.value(quote, OAN.exact))
            assert text[start:end] == exact
            assert text[:start].endswith(str(graph.value(quote, OAN.prefix)))
            assert text[end:].startswith(str(graph.value(quote, OAN.suffix)))


def test_source_checksums_match_the_texts(graph: rdflib.Graph) -> None:
    for src in graph.subjects(A, DM.SourceDocument):
        blob = (ROOT / str(graph.value(src, DM.textFile))).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == str(graph.value(src, DM.sha256))


def test_every_entity_and_claim_has_exactly_one_label(graph: rdflib.Graph) -> None:
    kinds = [DM.Drug, DM.Vaccine, DM.MolecularTarget, DM.Condition, DM.AdverseEvent,
             DM.ClinicalStudy, DM.Population, DM.SourceDocument, DM.Claim]  # fmt: skip
    for kind in kinds:
        nodes = set(graph.subjects(A, kind))
        assert nodes, kind
        for node in nodes:
            assert len(list(graph.objects(node, rdflib.RDFS.label))) == 1, node


def test_shortcuts_are_generated_from_claims_only(graph: rdflib.Graph) -> None:
    shortcut_to_type = {
        DM.indicatedFor: DM.IndicationClaim,
        DM.hasAdverseEvent: DM.AdverseReactionClaim,
        DM.inhibits: DM.TargetClaim,
        DM.interactsWith: DM.InteractionClaim,
        DM.contraindicatedIn: DM.ContraindicationClaim,
    }
    for prop, claim_type in shortcut_to_type.items():
        pairs = list(graph.subject_objects(prop))
        assert pairs, prop
        for s, o in pairs:
            backing = [
                c for c in graph.subjects(DM.hasSubject, s)
                if (c, A, claim_type) in graph and (c, DM.hasObject, o) in graph
            ]  # fmt: skip
            assert backing, f"{s} {prop} {o} has no {claim_type}"
    # anakinra's class comes from its quoted class-membership claim
    assert (rdflib.URIRef("https://w3id.org/dmkg/id/drug/anakinra"), A, DM.BiologicalDMARD) in graph


def test_ontology_terms_have_label_and_definition_and_metadata() -> None:
    onto = rdflib.Graph().parse(ROOT / "ontology" / "dmkg.ttl")
    terms = {s for s in onto.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(DMKG)}
    terms.discard(rdflib.URIRef(DMKG))
    assert len(terms) > 100
    for term in terms:
        assert onto.value(term, rdflib.RDFS.label) is not None, term
        assert onto.value(term, rdflib.URIRef(SKOS + "definition")) is not None, term
    meta = rdflib.URIRef(DMKG)
    for prop in (
        rdflib.DCTERMS.title,
        rdflib.DCTERMS.description,
        rdflib.DCTERMS.license,
        rdflib.OWL.versionIRI,
    ):
        assert onto.value(meta, prop) is not None, prop
    for spec in CLAIM_SPECS.values():
        assert (DM[spec.rdf_class], rdflib.RDFS.subClassOf, None) in onto, spec.rdf_class
    assert str(RDF).startswith("http") and str(RDFS).startswith("http")


def test_claim_iris_are_content_derived_and_stable(tmp_path: Path, data_copy) -> None:  # type: ignore[no-untyped-def]
    first = build(PATHS, tmp_path / "a")
    paths: Paths = data_copy()
    curation = paths.data / "curation" / "kineret-patient-sheet.yaml"
    text = curation.read_text(encoding="utf-8")
    # a new claim and an extra note on an existing claim change no other claim's IRI
    text = text.replace(
        "claims:\n",
        "claims:\n  - type: brand-name\n    subject: anakinra\n"
        '    value: Kineret brand\n    evidence:\n      - quote: "brand name Kineret"\n',
        1,
    )
    curation.write_text(text, encoding="utf-8")
    second = build(paths, tmp_path / "b")
    claims_a = {c.key for c in first.corpus.claims}
    claims_b = {c.key for c in second.corpus.claims}
    assert claims_a < claims_b and len(claims_b - claims_a) == 1


def test_failed_build_leaves_the_last_good_release_untouched(tmp_path: Path, data_copy) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dist"
    build(PATHS, out)
    before = tree_hash(out)
    paths: Paths = data_copy()
    meta = paths.data / "sources" / "ilaris-patient-page.txt"
    meta.write_text(meta.read_text(encoding="utf-8") + "tampered", encoding="utf-8")
    with pytest.raises(CurationErrors):
        build(paths, out)
    assert tree_hash(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "dist", "ontology"]


def test_rebuild_swaps_the_release_and_leaves_no_temporary_folders(
    tmp_path: Path, data_copy
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dist"
    build(PATHS, out)
    first = verify_release(out)["release"]
    paths: Paths = data_copy()
    entities = paths.data / "entities" / "drugs.yaml"
    entities.write_text(
        entities.read_text(encoding="utf-8").replace(
            "A synthetic glucocorticoid (corticosteroid) medicine.",
            "A synthetic glucocorticoid medicine.",
        ),
        encoding="utf-8",
    )
    build(paths, out)
    assert verify_release(out)["release"] != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "dist", "ontology"]


def test_every_claim_type_is_used_and_counted(built: BuildResult) -> None:
    used = Counter(c.claim.type for c in built.corpus.claims)
    assert set(used) == set(CLAIM_SPECS), set(CLAIM_SPECS) - set(used)


def test_mappings_become_skos_triples_and_the_release_sssom(
    built: BuildResult, graph: rdflib.Graph
) -> None:
    anakinra = rdflib.URIRef("https://w3id.org/dmkg/id/drug/anakinra")
    assert (
        anakinra,
        rdflib.SKOS.exactMatch,
        rdflib.URIRef("https://go.drugbank.com/drugs/DB00026"),
    ) in graph
    sssom = (built.out / "mappings.sssom.tsv").read_text(encoding="utf-8")
    assert "dmkgid:drug/anakinra\tanakinra\tskos:exactMatch\tdrugbank:DB00026\tAnakinra" in sssom
    assert len(built.mappings) == len(
        list(graph.triples((None, rdflib.SKOS.exactMatch, None)))
    ) + sum(
        len(list(graph.triples((None, p, None))))
        for p in (
            rdflib.SKOS.closeMatch,
            rdflib.SKOS.broadMatch,
            rdflib.SKOS.narrowMatch,
            rdflib.SKOS.relatedMatch,
        )
    )


def test_a_wrong_mapping_label_fails_the_build_with_the_curation_errors(
    tmp_path: Path, data_copy
) -> None:  # type: ignore[no-untyped-def]
    paths: Paths = data_copy()
    table = paths.data / "mappings" / "drugs.sssom.tsv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("\tCanakinumab\t", "\tCanakinumab X\t"),
        encoding="utf-8",
    )
    with pytest.raises(CurationErrors) as info:
        build(paths, tmp_path / "out")
    assert any(
        "drugs.sssom.tsv" in str(e.path) and e.field == "object_label" for e in info.value.errors
    ), info.value.errors
    assert not (tmp_path / "out").exists()
