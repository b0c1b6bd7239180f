"""Read and check ``data/mappings/*.sssom.tsv``; every problem is collected, none is fatal alone.

Checks per table: SSSOM metadata header (``curie_map`` agreeing with ``kg.rdf.prefixes``,
``mapping_set_id``, ``license``), exact column set, no tabs or newlines in cells. Per row: CURIEs
well-formed, known and in standard form; subject one of ours (and, when the caller knows our
entities, existing and with its label); a SKOS predicate, with a comment unless exact; manual
curation as justification; object label, source and version equal to the local label slice, and
the term not obsolete. Across rows: no duplicate or contradictory mapping, and at most one
exact match per subject and target prefix.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kg.curation.yamlio import load_yaml
from kg.errors import CurationError, CurationErrors
from kg.mappings.labels import LabelRow, read_labels
from kg.mappings.model import COLUMNS, JUSTIFICATION, PREDICATES, Mapping, MappingSet, dump_sssom
from kg.rdf import prefixes

__all__ = ["OWN_PREFIXES", "Table", "canonical_text", "load_mappings", "mappings_dir", "read_table"]

OWN_PREFIXES: Final = frozenset({"dmkgid", "dmkg"})
"""Subjects are our entities (``dmkgid:<kind>/<id>``) or our classes (``dmkg:<Name>``)."""

REQUIRED_METADATA: Final = ("curie_map", "mapping_set_id", "license")
ALLOWED_METADATA: Final = frozenset(
    {*REQUIRED_METADATA, "mapping_set_title", "mapping_set_description", "mapping_set_version"}
)


@dataclass(frozen=True)
class Table:
    """One SSSOM TSV file as read: metadata, and each row with its line number."""

    path: Path
    metadata: dict[str, Any]
    rows: tuple[tuple[int, dict[str, str]], ...]


def mappings_dir(data_dir: Path) -> Path:
    """``data_dir/mappings`` when given the ``data/`` folder, else ``data_dir`` itself."""
    sub = data_dir / "mappings"
    return sub if sub.is_dir() else data_dir


def read_table(path: Path, errors: list[CurationError]) -> Table | None:
    """Parse an SSSOM TSV file (``#`` YAML header, then a tab-separated table)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    n_header = 0
    while n_header < len(lines) and lines[n_header].startswith("#"):
        n_header += 1
    header_text = "\n".join(line[1:] for line in lines[:n_header])
    metadata, yaml_errors = load_yaml(path, header_text)
    errors.extend(yaml_errors)
    if yaml_errors:
        return None
    if not isinstance(metadata, dict):
        errors.append(CurationError(path, 1, None, "missing SSSOM metadata header (#curie_map:)"))
        return None
    if n_header >= len(lines):
        errors.append(CurationError(path, n_header + 1, None, "missing column header row"))
        return None
    columns = lines[n_header].split("\t")
    if tuple(columns) != COLUMNS:
        errors.append(
            CurationError(path, n_header + 1, None, f"columns must be: {' '.join(COLUMNS)}")
        )
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(lines[n_header + 1 :], start=n_header + 2):
        cells = raw.split("\t")
        if len(cells) != len(COLUMNS):
            errors.append(
                CurationError(path, number, None, f"{len(cells)} cells, {len(COLUMNS)} needed")
            )
            continue
        rows.append((number, dict(zip(COLUMNS, cells, strict=True))))
    return Table(path, dict(metadata), tuple(rows))


def _check_metadata(table: Table, errors: list[CurationError]) -> None:
    meta = table.metadata
    for key in REQUIRED_METADATA:
        if key not in meta:
            errors.append(CurationError(table.path, 1, key, "required SSSOM metadata is missing"))
    for key in sorted(set(meta) - ALLOWED_METADATA):
        errors.append(CurationError(table.path, 1, key, "metadata key not allowed here"))
    curie_map = meta.get("curie_map")
    if curie_map is None:
        return
    if not isinstance(curie_map, dict):
        errors.append(CurationError(table.path, 1, "curie_map", "must be a mapping"))
        return
    ours = prefixes.converter().prefix_map
    for prefix, uri in sorted(curie_map.items()):
        if prefix not in ours:
            errors.append(
                CurationError(
                    table.path, 1, "curie_map", f"unknown or non-standard prefix {prefix!r}"
                )
            )
        elif uri != ours[prefix]:
            errors.append(
                CurationError(
                    table.path, 1, "curie_map", f"{prefix} must map to {ours[prefix]}, not {uri}"
                )
            )


def _curie(
    value: str, path: Path, line: int, column: str, declared: set[str], errors: list[CurationError]
) -> str | None:
    try:
        curie = prefixes.standardize(value)
    except prefixes.CurieError as e:
        errors.append(CurationError(path, line, column, str(e)))
        return None
    if curie != value:
        errors.append(CurationError(path, line, column, f"write the standard CURIE {curie}"))
    prefix = curie.split(":", 1)[0]
    if prefix not in declared:
        errors.append(CurationError(path, line, column, f"prefix {prefix} missing from curie_map"))
    return curie


def _prefixes_of(subjects: MappingABC[str, str]) -> set[str]:
    return {key.split(":", 1)[0] for key in subjects}


def _check_row(
    table: Table,
    line: int,
    row: dict[str, str],
    labels: MappingABC[str, LabelRow],
    subjects: MappingABC[str, str] | None,
    errors: list[CurationError],
) -> Mapping | None:
    path = table.path
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(CurationError(path, line, column, message))

    for column, value in row.items():
        if value != value.strip():
            err(column, "leading or trailing whitespace")
        if not value and column != "comment":
            err(column, "must not be empty")
    curie_map = table.metadata.get("curie_map")
    declared = set(curie_map) if isinstance(curie_map, dict) else set()
    subject = _curie(row["subject_id"], path, line, "subject_id", declared, errors)
    obj = _curie(row["object_id"], path, line, "object_id", declared, errors)
    if subject is not None:
        if subject.split(":", 1)[0] not in OWN_PREFIXES:
            err("subject_id", "subjects must be our entities (dmkgid:) or classes (dmkg:)")
        elif subjects is not None and subject.split(":", 1)[0] in _prefixes_of(subjects):
            if subject not in subjects:
                err("subject_id", f"{subject} is not a curated entity or ontology class")
            elif subjects[subject] and row["subject_label"] != subjects[subject]:
                err("subject_label", f"must be {subjects[subject]!r}, the label of {subject}")
    if row["predicate_id"] not in PREDICATES:
        err("predicate_id", f"must be one of {', '.join(sorted(PREDICATES))}")
    elif row["predicate_id"] != "skos:exactMatch" and not row["comment"]:
        err("comment", "say why the match is not exact")
    if row["mapping_justification"] != JUSTIFICATION:
        err("mapping_justification", f"must be {JUSTIFICATION}")
    if obj is not None:
        prefix = obj.split(":", 1)[0]
        if prefix in OWN_PREFIXES:
            err("object_id", "objects must be external terms")
        expected_source = f"bioregistry:{prefix.lower()}"
        if row["object_source"] != expected_source:
            err("object_source", f"must be {expected_source}")
        known = labels.get(obj)
        if known is None:
            err(
                "object_label",
                f"no local label for {obj} in data/mappings/labels/ "
                "(run python -m kg.mappings.refresh.slices, or curate it by hand with its source)",
            )
        else:
            if row["object_label"] != known.label:
                err(
                    "object_label",
                    f"{row['object_label']!r} is not the label {prefix} gives {obj}: "
                    f"{known.label!r} ({known.source})",
                )
            if known.obsolete:
                hint = f"; replaced by {known.replaced_by}" if known.replaced_by else ""
                err("object_id", f"{obj} is obsolete in {prefix}{hint}")
            if row["object_source_version"] != known.source_version:
                err(
                    "object_source_version",
                    f"the label slice was read from version {known.source_version!r}",
                )
    if len(errors) > before or subject is None or obj is None:
        return None
    return Mapping.from_cells({**row, "subject_id": subject, "object_id": obj}, path, line)


def _check_set(mappings: list[Mapping], errors: list[CurationError]) -> None:
    seen: dict[tuple[str, str], Mapping] = {}
    exact: dict[tuple[str, str], Mapping] = {}
    for m in sorted(mappings, key=lambda m: (str(m.path), m.line)):
        pair = (m.subject_id, m.object_id)
        if pair in seen:
            first = seen[pair]
            errors.append(
                CurationError(
                    m.path,
                    m.line,
                    "object_id",
                    f"{m.subject_id} is already mapped to {m.object_id} at "
                    f"{first.path.name}:{first.line} ({first.predicate_id})",
                )
            )
            continue
        seen[pair] = m
        if m.predicate_id == "skos:exactMatch":
            key = (m.subject_id, m.object_id.split(":", 1)[0])
            if key in exact:
                first = exact[key]
                errors.append(
                    CurationError(
                        m.path,
                        m.line,
                        "predicate_id",
                        f"second exact match of {m.subject_id} into {key[1]} "
                        f"(first: {first.object_id} at {first.path.name}:{first.line})",
                    )
                )
            exact[key] = m


def load_mappings(data_dir: Path, subjects: MappingABC[str, str] | None = None) -> MappingSet:
    """Read, check and return every mapping of ``data/mappings`` (``data_dir`` may be ``data/``
    or the mappings folder itself).

    ``subjects`` maps each curated entity/class CURIE (``dmkgid:drug/anakinra``) to its label
    (empty string: label not checked); subjects of a prefix present in it must exist and their
    labels agree (so entity labels alone check ``dmkgid:`` subjects, not ``dmkg:`` classes).
    Raises ``CurationErrors`` naming file, line and field of every problem found.
    """
    folder = mappings_dir(data_dir)
    errors: list[CurationError] = []
    labels = read_labels(folder / "labels", errors)
    mappings: list[Mapping] = []
    # a corpus without mapping tables (a new or synthetic one) simply has no mappings
    paths = sorted(folder.glob("*.sssom.tsv"))
    for path in paths:
        table = read_table(path, errors)
        if table is None:
            continue
        _check_metadata(table, errors)
        for line, row in table.rows:
            mapping = _check_row(table, line, row, labels, subjects, errors)
            if mapping is not None:
                mappings.append(mapping)
    _check_set(mappings, errors)
    if errors:
        raise CurationErrors(errors)
    return MappingSet(tuple(sorted(mappings)))


def canonical_text(path: Path) -> str:
    """The canonical form of a checked mapping table (header from ``kg.rdf.prefixes``, sorted
    rows); a table equal to it has no formatting drift."""
    errors: list[CurationError] = []
    table = read_table(path, errors)
    if table is None:
        raise CurationErrors(errors)
    metadata = {k: v for k, v in table.metadata.items() if k != "curie_map"}
    rows = [Mapping.from_cells(r) for _, r in table.rows]
    return dump_sssom(metadata, rows)
