"""QC checks (queries/qc/*-violation.rq): each fires on what it targets, exceptions are strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib

from kg.build import BuildResult
from kg.cli import main
from kg.errors import CurationErrors
from kg.qc import LEVELS, QcFinding, load_checks, load_exceptions, qc_report, run_checks
from kg.rdf.serialize import ntriples
from kg.rdf.vocab import ID, PREFIXES
from tests.support import PATHS, ROOT

CHECKS_DIR = ROOT / "queries" / "qc"
CHECKS = load_checks(CHECKS_DIR)
PREAMBLE = f"@base <{ID}> .\n" + "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
ONTOLOGY = rdflib.Graph().parse(PATHS.ontology_file, format="turtle")
DMKG = PREFIXES["dmkg"]

# check -> (Turtle added to the ontology, entities the check must report beyond the ontology's)
CASES: dict[str, tuple[str, set[str]]] = {
    "missing-label": ('<drug/d> a dmkg:Drug ; dmkg:curatedIn "data/entities/d.yaml:1" .', {ID + "drug/d"}),
    "duplicate-label": (
        '<drug/a> a dmkg:Drug ; rdfs:label "Aspirin"@en .\n<drug/b> a dmkg:Drug ; rdfs:label "aspirin"@en .',
        {ID + "drug/a", ID + "drug/b"},
    ),
    "multiple-labels": ('<drug/d> rdfs:label "a"@en , "b"@en .', {ID + "drug/d"}),
    "missing-definition": ('dmkg:Foo a owl:Class ; rdfs:label "foo"@en .', {DMKG + "Foo"}),
    "entity-missing-definition": (
        '<drug/d> a dmkg:Drug ; rdfs:label "d"@en ; dmkg:curatedIn "data/entities/d.yaml:1" .',
        {ID + "drug/d"},
    ),
    "label-whitespace": ('<drug/d> rdfs:label "two  spaces"@en ; skos:altLabel "tab\\tin"@en .', {ID + "drug/d"}),
    "foreign-iri": ("<drug/d> rdfs:seeAlso <http://example.org/elsewhere> .", {"http://example.org/elsewhere"}),
    "undeclared-term": ('<drug/d> dmkg:notInTheOntology "x" .', {DMKG + "notInTheOntology"}),
    "claim-without-evidence": ("<claim/x> a dmkg:Claim .", {ID + "claim/x"}),
    "unused-entity": ('<condition/c> a dmkg:Condition ; dmkg:curatedIn "data/entities/c.yaml:1" .', {ID + "condition/c"}),
    "ontology-metadata": ("<https://w3id.org/dmkg/fixture/onto> a owl:Ontology .", {"https://w3id.org/dmkg/fixture/onto"}),
    "dangling-reference": ("<claim/x> dmkg:hasObject <condition/nowhere> .", {ID + "claim/x"}),
}  # fmt: skip


def _data(turtle: str = "") -> bytes:
    graph = rdflib.Graph().parse(data=PREAMBLE + turtle, format="turtle") + ONTOLOGY
    return graph.serialize(format="nt", encoding="utf-8")


BASELINE = run_checks(_data(), CHECKS)


def test_checks_are_discovered_by_file_name_with_a_level_and_summary() -> None:
    names = {c.name for c in CHECKS}
    assert names == set(CASES), "every check needs a case here (and every case a check)"
    for check in CHECKS:
        assert check.path.name == f"{check.name}-violation.rq"
        assert check.level in LEVELS and len(check.summary) > 20
        assert "?entity ?label" in check.text


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_check_reports_exactly_what_it_targets(name: str) -> None:
    turtle, expected = CASES[name]
    (check,) = [c for c in CHECKS if c.name == name]
    found = {f.entity for f in run_checks(_data(turtle), [check])}
    assert found - {f.entity for f in BASELINE if f.check == name} == expected


def test_real_release_has_no_errors_and_its_exception_is_used(built: BuildResult) -> None:
    report = qc_report(ntriples(built.quads), CHECKS_DIR, PATHS.data / "qc-exceptions.yaml")
    assert report.at_or_above("ERROR") == [], report.render()
    assert report.suppressed >= 1
    assert not [f for f in report.findings if f.check == "unused-exception"]


def _exceptions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "qc-exceptions.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_an_exception_suppresses_its_finding_only_and_stale_ones_are_reported(
    tmp_path: Path,
) -> None:
    data = _data(CASES["foreign-iri"][0] + "\n<drug/e> rdfs:seeAlso <http://example.org/other> .")
    path = _exceptions(
        tmp_path,
        "exceptions:\n"
        "  - check: foreign-iri\n    entity: http://example.org/elsewhere\n"
        "    reason: A deliberate link to an outside page, kept for the test.\n"
        "  - check: missing-label\n    entity: dmkgid:drug/nothing\n"
        "    reason: Nothing is missing a label here, so this entry is stale.\n",
    )
    report = qc_report(data, CHECKS_DIR, path)
    entities = {(f.check, f.entity) for f in report.findings}
    assert ("foreign-iri", "http://example.org/elsewhere") not in entities
    assert ("foreign-iri", "http://example.org/other") in entities
    stale = [f for f in report.findings if f.check == "unused-exception"]
    assert [(f.level, f.entity) for f in stale] == [("WARN", ID + "drug/nothing")]
    assert f"{path}:5" in stale[0].value


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("exceptions:\n  - check: foreign-iri\n    entity: http://x.org/a\n", 2, "reason"),
        ("exceptions:\n  - check: no-such-check\n    entity: http://x.org/a\n    reason: Because of the test case.\n", 2, "unknown check"),
        ("exceptions:\n  - check: foreign-iri\n    entity: nosuchprefix:a\n    reason: Because of the test case.\n", 2, "neither"),
        ("exceptions:\n  - check: foreign-iri\n    entity: http://x.org/a\n    reason: Because of the test case.\n    note: extra\n", 5, "Extra inputs"),
        ("exceptions:\n  - check: foreign-iri\n    entity: http://x.org/a\n    reason: Because of the test case.\n"
         "  - check: foreign-iri\n    entity: http://x.org/a\n    reason: Because of the test case.\n", 5, "duplicate"),
    ],
)  # fmt: skip
def test_exceptions_are_loaded_strictly(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = _exceptions(tmp_path, body)
    with pytest.raises(CurationErrors) as err:
        load_exceptions(path, [c.name for c in CHECKS])
    (error,) = err.value.errors
    assert error.line == line and message in str(error)


def _release(tmp_path: Path, turtle: str) -> Path:
    release = tmp_path / "release"
    release.mkdir()
    (release / "kg.nt").write_bytes(_data(turtle))
    return release


def test_kg_report_formats_and_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = _release(tmp_path, CASES["label-whitespace"][0])
    base = ["--data", str(PATHS.data), "report", "--release", str(release)]
    assert main(base) == 0  # only a WARN: below the default --fail-on ERROR
    assert "label-whitespace" in capsys.readouterr().out
    assert main([*base, "--fail-on", "WARN", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert {f["check"] for f in body["findings"]} == {"label-whitespace"}
    assert set(body["findings"][0]) == set(QcFinding.__dataclass_fields__)
    assert main([*base, "--format", "tsv"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split("\t") == ["level", "check", "entity", "label", "value"]
    assert rows and all(len(r.split("\t")) == 5 for r in rows)


def test_kg_report_fails_on_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    release = _release(tmp_path, CASES["claim-without-evidence"][0])
    assert main(["--data", str(PATHS.data), "report", "--release", str(release)]) == 1
    assert "claim-without-evidence" in capsys.readouterr().out
