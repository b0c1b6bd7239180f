"""The checked, typed corpus: what the curation stage hands to the graph stage.

Every record keeps the file and line it came from, so later stages (SHACL findings, the graph's
``dmkg:curatedIn``) can send a curator back to the exact place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.curation.quotes import Span
from kg.curation.records import Claim, Entity, EntityKind, SourceMeta, SourceNote

__all__ = ["Corpus", "LoadedClaim", "LoadedEntity", "LoadedNote", "LoadedSource", "claim_key"]


@dataclass(frozen=True)
class LoadedSource:
    meta: SourceMeta
    text: str
    path: Path
    line: int


@dataclass(frozen=True)
class LoadedEntity:
    entity: Entity
    kind: EntityKind
    path: Path
    line: int


@dataclass(frozen=True)
class LoadedClaim:
    claim: Claim
    source: str
    path: Path
    line: int
    spans: tuple[Span, ...]
    key: str


@dataclass(frozen=True)
class LoadedNote:
    note: SourceNote
    source: str
    path: Path
    line: int
    span: Span


@dataclass
class Corpus:
    """Everything curated, checked and cross-referenced; the input of the RDF stage."""

    data_dir: Path
    sources: dict[str, LoadedSource] = field(default_factory=dict)
    entities: dict[str, LoadedEntity] = field(default_factory=dict)
    claims: list[LoadedClaim] = field(default_factory=list)
    notes: list[LoadedNote] = field(default_factory=list)
    classes: frozenset[str] = frozenset()

    def rel(self, path: Path) -> str:
        """A path as shown to curators and recorded in the graph: relative to the repo."""
        try:
            return str(path.relative_to(self.data_dir.parent))
        except ValueError:
            return str(path)


def claim_key(source: str, claim: Claim) -> str:
    """Content hash of a claim (without its evidence and note): the stable part of its IRI,
    and how duplicates are recognised. Adding a quote or a note keeps the IRI."""
    content = claim.model_dump(mode="json", exclude={"evidence", "note"}, exclude_defaults=True)
    blob = json.dumps({"source": source, **content}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
