"""Mappings from our entities to external terms, and their SSSOM serialisation.

A ``MappingSet`` is what ``load_mappings`` returns once every row has passed its checks; it
turns into ``skos:*Match`` triples for the graph and into one deterministic SSSOM TSV file for
the release.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from kg.rdf import prefixes, vocab

__all__ = [
    "COLUMNS",
    "JUSTIFICATION",
    "LICENSE",
    "MAPPING_SET_ID",
    "PREDICATES",
    "Mapping",
    "MappingSet",
    "dump_sssom",
]  # fmt: skip

COLUMNS: Final = (
    "subject_id", "subject_label", "predicate_id", "object_id", "object_label",
    "mapping_justification", "author_label", "object_source", "object_source_version",
    "comment",
)  # fmt: skip
"""SSSOM columns of our tables, in the order the SSSOM specification lists them."""

PREDICATES: Final = frozenset(
    f"skos:{p}" for p in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
)
"""Allowed mapping predicates: the SKOS mapping properties."""

JUSTIFICATION: Final = "semapv:ManualMappingCuration"
"""Every mapping here was made and checked by hand."""

MAPPING_SET_ID: Final = vocab.BASE + "mappings.sssom.tsv"
LICENSE: Final = vocab.LICENSE
TITLE: Final = "dmkg mappings to external ontologies"
DESCRIPTION: Final = (
    "Links from dmkg entities and classes to external ontology terms, curated by hand; every "
    "object label was checked against a local copy of the target ontology's labels."
)


@dataclass(frozen=True, order=True)
class Mapping:
    """One checked SSSOM row; CURIEs are in standard form. ``path``/``line`` say where it was
    curated (not exported)."""

    subject_id: str
    predicate_id: str
    object_id: str
    subject_label: str
    object_label: str
    mapping_justification: str
    author_label: str
    object_source: str
    object_source_version: str
    comment: str
    path: Path = field(compare=False, default=Path())
    line: int = field(compare=False, default=0)

    @classmethod
    def from_cells(cls, cells: MappingABC[str, str], path: Path = Path(), line: int = 0) -> Mapping:
        """A mapping from the SSSOM cells of one row (the one place listing every column)."""
        return cls(
            subject_id=cells["subject_id"],
            predicate_id=cells["predicate_id"],
            object_id=cells["object_id"],
            subject_label=cells["subject_label"],
            object_label=cells["object_label"],
            mapping_justification=cells["mapping_justification"],
            author_label=cells["author_label"],
            object_source=cells["object_source"],
            object_source_version=cells["object_source_version"],
            comment=cells["comment"],
            path=path,
            line=line,
        )

    def row(self) -> dict[str, str]:
        """The SSSOM TSV cells of this mapping."""
        return {column: getattr(self, column) for column in COLUMNS}


@dataclass(frozen=True)
class MappingSet:
    """Every mapping of ``data/mappings``, sorted by subject, predicate and object."""

    mappings: tuple[Mapping, ...]

    def __len__(self) -> int:
        return len(self.mappings)

    def triples(self) -> list[tuple[str, str, str]]:
        """``(subject IRI, skos:*Match IRI, object IRI)`` for the graph, sorted."""
        return sorted(
            (
                prefixes.expand(m.subject_id),
                prefixes.expand(m.predicate_id),
                prefixes.expand(m.object_id),
            )
            for m in self.mappings
        )

    def counts(self) -> Counter[tuple[str, str]]:
        """Number of mappings per (object prefix, predicate)."""
        return Counter((m.object_id.split(":", 1)[0], m.predicate_id) for m in self.mappings)

    def write_sssom(self, path: Path, *, version: str | None = None) -> None:
        """Write the release SSSOM TSV: one file, rows sorted, metadata in fixed key order."""
        path.write_text(self.sssom_text(version=version), encoding="utf-8")

    def sssom_text(self, *, version: str | None = None) -> str:
        """The release SSSOM TSV as text (what ``write_sssom`` writes)."""
        metadata: dict[str, Any] = {
            "mapping_set_id": MAPPING_SET_ID,
            "mapping_set_title": TITLE,
            "mapping_set_description": DESCRIPTION,
            "license": LICENSE,
        }
        if version is not None:
            metadata["mapping_set_version"] = version
        return dump_sssom(metadata, self.mappings)


def used_prefixes(mappings: Iterable[Mapping]) -> set[str]:
    """Prefixes an SSSOM file of these mappings must declare in its ``curie_map``."""
    used = {"skos", "semapv"}
    for m in mappings:
        for curie in (m.subject_id, m.predicate_id, m.object_id, m.object_source):
            used.add(curie.split(":", 1)[0])
    return used


def dump_sssom(metadata: MappingABC[str, Any], mappings: Iterable[Mapping]) -> str:
    """SSSOM TSV text: ``#``-prefixed YAML metadata (``curie_map`` first, built from
    ``kg.rdf.prefixes`` for exactly the prefixes used), then the sorted rows."""
    rows = sorted(mappings)
    header: dict[str, Any] = {"curie_map": prefixes.curie_map(used_prefixes(rows))}
    header.update(metadata)
    text = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
    out = io.StringIO()
    out.writelines(f"#{line}\n" for line in text.splitlines())
    out.write("\t".join(COLUMNS) + "\n")
    for m in rows:
        cells = m.row()
        out.write("\t".join(cells[c] for c in COLUMNS) + "\n")
    return out.getvalue()
