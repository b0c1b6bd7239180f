"""Each kind of bad input gets an error naming file, line and field; all are reported at once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.build import Paths, build
from kg.errors import CurationError, CurationErrors

MakeCopy = Callable[[], Paths]


def errors_of(paths: Paths, tmp_path: Path) -> list[CurationError]:
    with pytest.raises(CurationErrors) as info:
        build(paths, tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing may be written on error"
    return info.value.errors


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_malformed_yaml_names_file_line_and_column(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    f = paths.data / "entities" / "drugs.yaml"
    edit(f, "  - id: canakinumab\n", "  - id: [canakinumab\n")
    (err,) = errors_of(paths, tmp_path)
    assert err.path == Path("data/entities/drugs.yaml")
    assert err.line is not None and err.column is not None
    assert "malformed YAML" in err.message
    assert str(err).startswith(f"data/entities/drugs.yaml:{err.line}:{err.column}:")


def test_duplicate_keys_name_both_lines(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    f = paths.data / "entities" / "drugs.yaml"
    first = line_of(f, "label: anakinra")
    edit(f, "    label: anakinra\n", "    label: anakinra\n    label: Anakinra\n")
    (err,) = errors_of(paths, tmp_path)
    assert err.line == first + 1
    assert f"first at line {first}, again at line {first + 1}" in err.message


@pytest.mark.parametrize("snippet", ["&a anakinra", "!!python/name:os.system anakinra"])
def test_aliases_and_custom_tags_are_refused(
    data_copy: MakeCopy, tmp_path: Path, snippet: str
) -> None:
    paths = data_copy()
    f = paths.data / "entities" / "drugs.yaml"
    edit(f, "  - id: anakinra\n", f"  - id: {snippet}\n")
    (err,) = errors_of(paths, tmp_path)
    assert err.line == line_of(f, snippet)
    assert "not allowed" in err.message


def test_unknown_and_missing_fields_name_record_and_field(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    paths = data_copy()
    f = paths.data / "entities" / "drugs.yaml"
    edit(f, "    label: canakinumab\n", "    lable: canakinumab\n")
    errs = errors_of(paths, tmp_path)
    by_field = {e.field: e for e in errs}
    assert by_field["drugs[1].lable"].message == "unknown field"
    assert by_field["drugs[1].lable"].line == line_of(f, "lable:")
    assert by_field["drugs[1].label"].message == "required field is missing"


def test_unknown_entity_reference(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    f = paths.data / "curation" / "ilaris-patient-page.yaml"
    edit(f, "    object: stills-disease\n", "    object: stills-diseas\n")
    (err,) = errors_of(paths, tmp_path)
    assert err.path == Path("data/curation/ilaris-patient-page.yaml")
    assert err.field == "object" and err.line == line_of(f, "object: stills-diseas")
    assert "unknown entity or class 'stills-diseas'" in err.message


def test_field_not_allowed_for_type_and_wrong_object_kind(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    paths = data_copy()
    f = paths.data / "curation" / "ilaris-patient-page.yaml"
    edit(f, "    object: stills-disease\n", "    object: dizziness\n    dose: 3\n")
    errs = {e.field: e for e in errors_of(paths, tmp_path)}
    assert "field not allowed for type indication" in errs["dose"].message
    assert (
        "object 'dizziness' is a adverse-event; indication takes condition"
        in errs["object"].message
    )


def test_quote_not_in_source_names_claim_and_shows_closest_passage(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    paths = data_copy()
    f = paths.data / "curation" / "kineret-patient-sheet.yaml"
    edit(f, '"The usual dose for adults is 100mg (one syringe) once a day."',
         '"The usual dose for adults is 100 mg (one syringe) once a day."')  # fmt: skip
    (err,) = errors_of(paths, tmp_path)
    assert err.line == line_of(f, "The usual dose for adults is 100 mg")
    assert err.field is not None and err.field.endswith(".evidence[0].quote")
    assert (
        "(dosing anakinra)" in err.message
        and "quote not found in kineret-patient-sheet.txt" in err.message
    )
    assert (
        "closest passage: 'The usual dose for adults is 100mg (one syringe) once a day"
        in err.message
    )


def test_ambiguous_quote_needs_occurrence(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    f = paths.data / "curation" / "ilaris-patient-page.yaml"
    edit(
        f,
        '    quote: "Please rate this page"\n    occurrence: 2\n',
        '    quote: "Please rate this page"\n',
    )
    (err,) = errors_of(paths, tmp_path)
    assert "occurs 2 times" in err.message and "occurrence: N" in err.message


def test_checksum_mismatch_refuses_the_text(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    text = paths.data / "sources" / "pontikaki-2008-poster.txt"
    text.write_bytes(text.read_bytes().replace(b"11/16", b"12/16"))
    errs = errors_of(paths, tmp_path)
    meta = paths.data / "sources" / "pontikaki-2008-poster.yaml"
    mismatch = [e for e in errs if e.field == "sha256"]
    assert mismatch and mismatch[0].line == line_of(meta, "sha256:")
    assert "checksum mismatch" in mismatch[0].message


@pytest.mark.parametrize("target", ["../../../etc/passwd", "../curation/ilaris-patient-page.yaml"])
def test_paths_that_leave_the_data_folder_are_refused(
    data_copy: MakeCopy, tmp_path: Path, target: str
) -> None:
    paths = data_copy()
    meta = paths.data / "sources" / "ilaris-patient-page.yaml"
    edit(meta, "text: ilaris-patient-page.txt", f"text: {target}")
    errs = errors_of(paths, tmp_path)
    assert any(
        e.path == Path("data/sources/ilaris-patient-page.yaml") and e.field == "text" for e in errs
    ), errs


def test_symlinks_are_refused(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("drugs: []\n", encoding="utf-8")
    os.symlink(outside, paths.data / "entities" / "linked.yaml")
    (err,) = errors_of(paths, tmp_path)
    assert "symbolic link" in err.message and err.path == Path("data/entities/linked.yaml")


def test_duplicate_ids_and_duplicate_claims(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    (paths.data / "entities" / "more.yaml").write_text(
        "drugs:\n  - id: anakinra\n    label: anakinra again\n", encoding="utf-8"
    )
    f = paths.data / "curation" / "kineret-patient-sheet.yaml"
    edit(f, "claims:\n", "claims:\n  - type: brand-name\n    subject: anakinra\n    value: Kineret\n"
         "    evidence:\n      - quote: \"Anakinra (brand name Kineret)\"\n")  # fmt: skip
    errs = errors_of(paths, tmp_path)
    messages = " | ".join(str(e) for e in errs)
    assert "duplicate id 'anakinra': already defined at data/entities/drugs.yaml:2" in messages
    assert "duplicate of the claim at line" in messages


def test_all_errors_of_a_run_are_reported_together_by_the_cli(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    paths = data_copy()
    edit(
        paths.data / "entities" / "drugs.yaml",
        "    label: prednisone\n",
        "    label: prednisone\n    colour: red\n",
    )
    edit(
        paths.data / "curation" / "ilaris-patient-page.yaml",
        "    object: gout-attack\n",
        "    object: gout\n",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--data", str(paths.data), "--ontology", str(paths.ontology),
         "build", "--out", str(tmp_path / "out")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "2 curation error(s)" in proc.stderr
    assert "data/entities/drugs.yaml:" in proc.stderr and "colour" in proc.stderr
    assert "data/curation/ilaris-patient-page.yaml:" in proc.stderr and "'gout'" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_misspelt_field_hides_no_other_error_and_adds_none(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    """The file is reported once, by field, then checked part by part: the quote of the same
    claim and an unknown entity of another still show, and its source is not 'uncurated'."""
    paths = data_copy()
    f = paths.data / "curation" / "ilaris-patient-page.yaml"
    edit(f, "    object: stills-disease\n    status: stated-use\n",
         "    object: stills-disease\n    statuss: stated-use\n")  # fmt: skip
    edit(f, "containing canakinumab against Still's syndrome", "containing canakinumab against Stil's syndrome")  # fmt: skip
    edit(f, "    object: gout-attack\n", "    object: gout\n")
    errs = errors_of(paths, tmp_path)
    assert [(e.line, e.field) for e in errs] == [
        (line_of(f, "statuss:"), "claims[3].statuss"),
        (line_of(f, "against Stil's"), "claims[3].evidence[0].quote"),
        (line_of(f, "object: gout"), "object"),
    ]
    assert errs[0].message == "unknown field"
    assert "claim 4 (indication canakinumab -> stills-disease): quote not found" in errs[1].message
    assert "unknown entity or class 'gout'" in errs[2].message


def test_a_wrong_indent_is_one_error(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    f = paths.data / "curation" / "ilaris-patient-page.yaml"
    edit(f, "    object: stills-disease\n    status: stated-use\n",
         "    object: stills-disease\n     status: stated-use\n")  # fmt: skip
    (err,) = errors_of(paths, tmp_path)
    assert err.path == Path("data/curation/ilaris-patient-page.yaml")
    assert err.line == line_of(f, "     status:") and "malformed YAML" in err.message


def test_a_broken_source_file_leaves_its_curation_checked(
    data_copy: MakeCopy, tmp_path: Path
) -> None:
    """No 'unknown source' for a curation file whose source's metadata failed: its own error
    is the root cause; the curation file's references are still checked."""
    paths = data_copy()
    edit(paths.data / "sources" / "ilaris-patient-page.yaml", "title: ", "titel: ")
    edit(paths.data / "curation" / "ilaris-patient-page.yaml", "    object: gout-attack\n", "    object: gout\n")  # fmt: skip
    errs = errors_of(paths, tmp_path)
    assert sorted((str(e.path), e.field) for e in errs) == [
        ("data/curation/ilaris-patient-page.yaml", "object"),
        ("data/sources/ilaris-patient-page.yaml", "titel"),
        ("data/sources/ilaris-patient-page.yaml", "title"),
    ]


def test_an_empty_curation_file_says_so(data_copy: MakeCopy, tmp_path: Path) -> None:
    paths = data_copy()
    (paths.data / "curation" / "ilaris-patient-page.yaml").write_text("", encoding="utf-8")
    (err,) = errors_of(paths, tmp_path)
    assert err.message == "the file is empty: expected a YAML mapping"
