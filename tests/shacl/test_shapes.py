"""SHACL shapes: one valid and one invalid fixture per shape, the real release, the reports.

Fixtures (``tests/shacl/fixtures/<Shape>.valid.ttl`` / ``.invalid.ttl``) are Turtle without prefix
lines: the test adds ``@base <https://w3id.org/dmkg/id/>`` and the release prefixes, and merges
the real ontology (its subclass axioms decide ``sh:class`` and class targets). Each invalid
fixture lists the results it must produce, exactly, as ``# expect: <shape> <focus> <path>``
(``-`` for no path, ``_:`` for a blank node); ``# shapes:`` names the shapes compared when
not the fixture's own (for helper shapes used through ``sh:node``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SH

from kg.build import BuildResult, Paths, build, default_gates
from kg.cli import main
from kg.curation.claimtypes import CLAIM_SPECS
from kg.curation.records import ClaimType
from kg.errors import ValidationFailedError
from kg.rdf.serialize import ntriples
from kg.rdf.vocab import PREFIXES, SHAPES
from kg.shacl import Finding, PyShaclValidator, Report, Result, validate_graph
from kg.shacl.shapes import Shapes
from tests.shacl.support import (
    ALL_SHAPES,
    FIXTURES,
    ONTOLOGY_LINES,
    PREAMBLE,
    Triple,
    fixture,
    node_shapes,
)  # fmt: skip
from tests.support import PATHS


def _found(report: Report, watched: set[str]) -> set[Triple]:
    return {
        (f.shape, "_:" if f.focus.startswith("_:") else f.focus, f.path)
        for f in report.findings
        if f.shape in watched
    }


def _check(shapes: Shapes, name: str, family: set[str]) -> tuple[set[Triple], set[Triple]]:
    data, expected, watched = fixture(name)
    watched = watched or family
    wanted = {w.strip("<>") for w in watched | family}
    sub = shapes.subset(wanted | {shapes.owner[w] for w in wanted if w in shapes.owner})
    return _found(validate_graph(data, sub), watched), expected


@pytest.mark.parametrize("shape", node_shapes())
def test_shape_accepts_its_valid_fixture_and_reports_its_invalid_one_exactly(shape: str) -> None:
    family = {f"<{s}>" for s in ALL_SHAPES.family(SHAPES + shape)}
    for kind in ("valid", "invalid"):
        assert (FIXTURES / f"{shape}.{kind}.ttl").exists(), f"missing fixture {shape}.{kind}.ttl"
    found, _ = _check(ALL_SHAPES, f"{shape}.valid", family)
    assert found == set(), f"{shape}.valid.ttl should not trigger {shape}"
    found, expected = _check(ALL_SHAPES, f"{shape}.invalid", family)
    assert expected, f"{shape}.invalid.ttl declares no '# expect:' results"
    assert found == expected


def _own_constraints(graph: rdflib.Graph, shape: rdflib.URIRef) -> set[str]:
    ignore = {
        SH.property, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
        SH.target, SH.severity, SH.message, SH.path, SH.name, SH.description,
    }  # fmt: skip
    return {
        str(p) for p in graph.predicates(shape) if str(p).startswith(str(SH)) and p not in ignore
    }


def _targeted(graph: rdflib.Graph, shape: rdflib.URIRef) -> bool:
    return any(
        graph.value(shape, p) is not None
        for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)
    )


def test_every_shape_that_can_report_is_exercised_by_an_invalid_fixture() -> None:
    expected: set[str] = set()
    for path in FIXTURES.glob("*.invalid.ttl"):
        expected |= {shape for shape, _, _ in fixture(path.stem)[1]}
    g = ALL_SHAPES.graph
    reporting = set()
    for node in ALL_SHAPES.node_shapes():
        uri = rdflib.URIRef(node)
        if not _targeted(g, uri):
            continue  # helpers used through sh:node: their fixtures test the shapes using them
        if _own_constraints(g, uri):
            reporting.add(f"<{node}>")
        reporting |= {f"<{p}>" for p in ALL_SHAPES.family(node) if p != node}
    assert sorted(reporting - expected) == []


def _all_named_shapes() -> list[str]:
    return sorted([*ALL_SHAPES.node_shapes(), *ALL_SHAPES.owner])


@pytest.mark.parametrize("shape", [s.removeprefix(SHAPES) for s in _all_named_shapes()])
def test_every_shape_states_its_severity_message_and_why(shape: str) -> None:
    g = ALL_SHAPES.graph
    uri = rdflib.URIRef(SHAPES + shape)
    severity = g.value(uri, SH.severity)
    assert severity in (SH.Violation, SH.Warning, SH.Info), "state sh:severity explicitly"
    messages = list(g.objects(uri, SH.message))
    messages += [m for c in g.objects(uri, SH.sparql) for m in g.objects(c, SH.message)]
    assert messages, "give the shape (or its SPARQL constraint) an sh:message"
    assert len(str(g.value(uri, RDFS.comment) or "")) > 10, "say why in rdfs:comment"


def test_property_shapes_share_their_node_shape_severity() -> None:
    g = ALL_SHAPES.graph
    for prop, owner in ALL_SHAPES.owner.items():
        assert g.value(rdflib.URIRef(prop), SH.severity) == g.value(
            rdflib.URIRef(owner), SH.severity
        ), prop


def _camel(field: str) -> str:
    head, *rest = field.split("_")
    return {"unit": "doseUnit"}.get(field, head + "".join(w.title() for w in rest))


@pytest.mark.parametrize("claim_type", sorted(CLAIM_SPECS), ids=lambda t: t.value)
def test_claim_type_shapes_match_the_claim_table(claim_type: ClaimType) -> None:
    """Drift check: every claim type of kg/claimtypes.py has a shape requiring what it requires."""
    spec = CLAIM_SPECS[claim_type]
    g = ALL_SHAPES.graph
    node = rdflib.URIRef(SHAPES + spec.rdf_class)
    assert g.value(node, SH.targetClass) == rdflib.URIRef(PREFIXES["dmkg"] + spec.rdf_class)
    by_path = {
        str(g.value(rdflib.URIRef(p), SH.path)).removeprefix(PREFIXES["dmkg"]): rdflib.URIRef(p)
        for p in ALL_SHAPES.family(str(node))
        if p != str(node)
    }
    for field in spec.required:
        prop = by_path["hasObject" if field == "object" else _camel(field)]
        assert int(str(g.value(prop, SH.minCount) or 0)) >= 1, f"{spec.rdf_class}: {field} required"
    if not spec.objects:
        assert str(g.value(by_path["hasObject"], SH.maxCount)) == "0"
    if spec.one_of:
        assert g.value(node, SH["or"]) is not None, f"{spec.rdf_class}: one_of needs an sh:or"


def test_real_release_conforms_and_every_finding_names_its_curated_record(
    built: BuildResult,
) -> None:
    report = validate_graph(ntriples(built.quads), ALL_SHAPES, ontology_lines=ONTOLOGY_LINES)
    assert report.conforms, report.render(severities=("Violation",))
    assert all(f.curated_in for f in report.findings), [f.render() for f in report.findings]


def test_findings_name_the_curated_line_of_the_claim_owning_an_evidence() -> None:
    data = (
        PREAMBLE
        + """
<claim/indication-00000000000000ab> dmkg:curatedIn "data/curation/x.yaml:7" ;
    dmkg:hasEvidence <evidence/BAD> .
<evidence/BAD> a dmkg:Evidence ; oa:hasSelector <evidence/BAD/quote> .
<evidence/BAD/quote> a oa:TextQuoteSelector ; oa:exact "no" .
dmkg:Weird a owl:Class .
"""
    )
    graph = rdflib.Graph().parse(data=data, format="turtle")
    graph.add((rdflib.URIRef(PREFIXES["dmkg"] + "Drug"), RDF.type, rdflib.OWL.Class))
    shapes = ALL_SHAPES.subset({SHAPES + s for s in ("Evidence", "TextQuoteSelector", "Term")})
    report = validate_graph(
        graph.serialize(format="nt", encoding="utf-8"), shapes, ontology_lines=ONTOLOGY_LINES
    )
    where = {
        (f.shape.removeprefix(f"<{SHAPES}").rstrip(">"), f.curated_in) for f in report.findings
    }
    assert ("Evidence", "data/curation/x.yaml:7") in where
    assert ("TextQuoteSelector-exact", "data/curation/x.yaml:7") in where
    drug_line = next(v for k, v in ONTOLOGY_LINES.items() if k.endswith("/vocab/Drug>"))
    assert ("Term-label", drug_line) in where
    assert drug_line.startswith("ontology/dmkg.ttl:")


def test_reports_are_deterministic_and_valid_shacl() -> None:
    data, _, _ = fixture("Claim.invalid")
    shapes = ALL_SHAPES.subset({SHAPES + "Claim"})
    first, second = validate_graph(data, shapes), validate_graph(data, shapes)
    assert first.to_turtle() == second.to_turtle()
    assert first.to_json() == second.to_json()
    report = rdflib.Graph().parse(data=first.to_turtle(), format="turtle")
    (root,) = report.subjects(RDF.type, SH.ValidationReport)
    assert str(report.value(root, SH.conforms)) == "false"
    assert len(list(report.objects(root, SH.result))) == len(first.findings)
    body = json.loads(first.to_json())
    assert body["conforms"] is False and body["counts"]["Violation"] == len(first.findings)
    assert set(body["results"][0]) == set(Finding.__dataclass_fields__)


class _ShuffledEngine:
    """Another 'engine': pyshacl's results reversed and duplicated. The report must not change:
    results are normalised, so engines are compared by their output alone."""

    name = "pyshacl"

    def validate(self, data: bytes, shapes: bytes) -> list[Result]:
        results = PyShaclValidator().validate(data, shapes)
        return list(reversed(results)) + results


def test_validator_is_swappable_and_results_are_normalised() -> None:
    data, _, _ = fixture("Population.invalid")
    shapes = ALL_SHAPES.subset({SHAPES + "Population"})
    assert validate_graph(data, shapes, _ShuffledEngine()) == validate_graph(
        data, shapes, PyShaclValidator()
    )


def _add_duplicate_drug(paths: Paths) -> int:
    drugs = paths.data / "entities" / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    line = len(text.splitlines()) + 1
    drugs.write_text(
        text + "  - id: anakinra-copy\n    label: Anakinra\n    definition: A duplicate record.\n",
        encoding="utf-8",
    )
    return line


def test_build_refuses_a_non_conforming_graph_and_keeps_the_last_good_release(
    data_copy: Callable[[], Paths], tmp_path: Path
) -> None:
    paths = data_copy()
    out = tmp_path / "dist"
    build(paths, out, default_gates(paths))
    manifest = (out / "manifest.json").read_bytes()
    for name in ("validation.ttl", "validation.json", "kg-inferred.ttl", "kg-full.ttl"):
        assert name in json.loads(manifest)["files"]
    line = _add_duplicate_drug(paths)
    with pytest.raises(ValidationFailedError) as err:
        build(paths, out, default_gates(paths))
    message = str(err.value)
    assert "dmkgsh:UniqueLabel" in message and "rdfs:label" in message
    assert f"data/entities/drugs.yaml:{line}" in message
    assert "dmkgid:drug/anakinra-copy" in message and "Anakinra" in message
    assert (out / "manifest.json").read_bytes() == manifest


def test_kg_validate_exit_codes_and_report_files(
    built: BuildResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    argv = ["--ontology", str(PATHS.ontology), "validate", "--release", str(built.out)]
    assert main([*argv, "--report-dir", str(reports)]) == 0
    assert json.loads((reports / "validation.json").read_text())["conforms"] is True
    broken = tmp_path / "broken"
    broken.mkdir()
    data, _, _ = fixture("Claim.invalid")
    (broken / "kg.nt").write_bytes(data)
    assert main(["--ontology", str(PATHS.ontology), "validate", "--release", str(broken)]) == 1
    assert "dmkgsh:Claim-hasEvidence" in capsys.readouterr().out
    assert (broken / "validation.ttl").exists()
    assert main(["validate", "--release", str(tmp_path / "missing")]) == 2
