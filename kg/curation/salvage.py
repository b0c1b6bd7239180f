"""What can still be checked of a curation file that failed validation.

One misspelt field used to make the whole file "not a curation file": its source was then
reported as having none, and every quote and reference of the file went unchecked until the
field was fixed. A file that fails validation is reported once, by field, and then checked
part by part: the source it names, each claim and note that validates on its own, and the
quotes (and subject or object) of a claim that does not. Nothing is reported twice: a part
that fails is skipped silently, its errors are already in the file's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from kg.curation.records import ID_PATTERN, Claim, ClaimType, CurationFile, Evidence, SourceNote

__all__ = ["BrokenClaim", "CurationParts", "parts"]


@dataclass(frozen=True)
class BrokenClaim:
    """A claim that did not validate: what of it can be checked still."""

    index: int
    raw: Any
    type: ClaimType | None
    evidence: tuple[tuple[int, Evidence], ...]
    """The evidence items that validate, with their index."""
    failed: frozenset[str]
    """The claim's fields that failed validation (already reported, not checked again)."""

    def ref(self, name: str) -> str | None:
        """The raw ``subject`` or ``object``, when it is a string that did not fail."""
        value = self.raw.get(name) if isinstance(self.raw, dict) else None
        return value if isinstance(value, str) and name not in self.failed else None


@dataclass
class CurationParts:
    """The checkable parts of one curation file, each with its index in the file."""

    source: str | None
    """The source id, when the file names one that is a valid id."""
    claims: list[tuple[int, Claim]] = field(default_factory=list)
    notes: list[tuple[int, SourceNote]] = field(default_factory=list)
    broken: list[BrokenClaim] = field(default_factory=list)


def _valid(model: type[BaseModel], raw: Any) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _items(raw: Any, key: str) -> list[Any]:
    items = raw.get(key) if isinstance(raw, dict) else None
    return list(items) if isinstance(items, list) else []


def _broken(index: int, raw: Any, error: ValidationError) -> BrokenClaim:
    kind = raw.get("type") if isinstance(raw, dict) else None
    evidence = [(j, _valid(Evidence, e)) for j, e in enumerate(_items(raw, "evidence"))]
    return BrokenClaim(
        index,
        raw,
        ClaimType(kind) if kind in set(ClaimType) else None,
        tuple((j, e) for j, e in evidence if e is not None),
        frozenset(str(e["loc"][0]) for e in error.errors() if e["loc"]),
    )


def parts(parsed: CurationFile | None, raw: Any) -> CurationParts:
    """The parts of a validated file (all of it), or of one that failed (what validates)."""
    if parsed is not None:
        return CurationParts(
            parsed.source, list(enumerate(parsed.claims)), list(enumerate(parsed.notes))
        )
    source = raw.get("source") if isinstance(raw, dict) else None
    valid_source = isinstance(source, str) and re.match(ID_PATTERN, source) is not None
    out = CurationParts(source if valid_source else None)
    for i, item in enumerate(_items(raw, "claims")):
        try:
            out.claims.append((i, Claim.model_validate(item)))
        except ValidationError as exc:
            out.broken.append(_broken(i, item, exc))
    for i, item in enumerate(_items(raw, "notes")):
        note = _valid(SourceNote, item)
        if note is not None:
            out.notes.append((i, note))
    return out
