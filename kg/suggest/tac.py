"""Read and write TAC 2017 ADR records (the OnSIDES JSON shape), validated strictly.

A record is ``{label_id, section_name, section_text, adverse_events}``; each adverse event is
``[mention, meddra_pt_term, meddra_pt_id, meddra_llt_term, meddra_llt_id, start, length, source]``
with ``start``/``length`` as strings (``start`` may be null: not located) and ids as numbers.
Validation fails loudly, naming the file and record index, because a silently shifted offset
would corrupt every score computed from it. The set lower-cases mentions, so the text at the
offsets is compared case-insensitively.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SECTION_NAMES",
    "AdverseEvent",
    "TacFormatError",
    "TacRecord",
    "dump_records",
    "load_records",
    "parse_records",
    "write_records",
]

SECTION_NAMES = ("adverse reactions", "warnings and precautions", "boxed warnings")
_FIELDS = ("label_id", "section_name", "section_text")


class TacFormatError(ValueError):
    """Input that is not a valid TAC record list; the message names file and record index."""


@dataclass(frozen=True)
class AdverseEvent:
    """One annotated (or suggested) mention; ``start`` is None when the set could not locate it."""

    mention: str
    pt_term: str | None
    pt_id: int | None
    llt_term: str | None
    llt_id: int | None
    start: int | None
    length: int
    source: str

    def to_json(self) -> list[Any]:
        """The set's own shape: offsets as strings, ids as floats (as OnSIDES writes them)."""
        return [
            self.mention,
            self.pt_term,
            None if self.pt_id is None else float(self.pt_id),
            self.llt_term,
            None if self.llt_id is None else float(self.llt_id),
            None if self.start is None else str(self.start),
            str(self.length),
            self.source,
        ]


@dataclass(frozen=True)
class TacRecord:
    """One label section with its adverse events."""

    label_id: str
    section_name: str
    section_text: str
    adverse_events: tuple[AdverseEvent, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "label_id": self.label_id,
            "section_name": self.section_name,
            "section_text": self.section_text,
            "adverse_events": [e.to_json() for e in self.adverse_events],
        }


def _int(value: Any, where: str, what: str, nullable: bool = False) -> int | None:
    """Offsets come as strings, ids as floats; anything not a whole number is an error."""
    if value is None:
        if nullable:
            return None
        raise TacFormatError(f"{where}: {what} is null")
    if isinstance(value, bool):
        raise TacFormatError(f"{where}: {what} must be a number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise TacFormatError(f"{where}: {what} must be a whole number, got {value!r}")


def _str(value: Any, where: str, what: str, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise TacFormatError(f"{where}: {what} must be a string, got {value!r}")
    return value


def _event(raw: Any, text: str, where: str) -> AdverseEvent:
    if not isinstance(raw, list) or len(raw) != 8:
        raise TacFormatError(f"{where}: an adverse event must be a list of 8 fields, got {raw!r}")
    mention = _str(raw[0], where, "mention")
    assert mention is not None
    if not mention:
        raise TacFormatError(f"{where}: mention is empty")
    start = _int(raw[5], where, "start", nullable=True)
    length = _int(raw[6], where, "length")
    assert length is not None
    if length != len(mention):
        raise TacFormatError(f"{where}: length {length} != len(mention {mention!r})")
    if start is not None:
        if start < 0 or start + length > len(text):
            raise TacFormatError(
                f"{where}: offsets {start}+{length} outside the section text ({len(text)} chars)"
            )
        found = text[start : start + length]
        if found.lower() != mention.lower():
            raise TacFormatError(
                f"{where}: text[{start}:{start + length}] is {found!r}, not the mention {mention!r}"
            )
    source = _str(raw[7], where, "source")
    assert source is not None
    return AdverseEvent(
        mention=mention,
        pt_term=_str(raw[1], where, "meddra_pt_term", nullable=True),
        pt_id=_int(raw[2], where, "meddra_pt_id", nullable=True),
        llt_term=_str(raw[3], where, "meddra_llt_term", nullable=True),
        llt_id=_int(raw[4], where, "meddra_llt_id", nullable=True),
        start=start,
        length=length,
        source=source,
    )


def parse_records(data: Any, origin: str = "<input>", events: bool = True) -> list[TacRecord]:
    """Validate decoded JSON; ``events=False`` ignores any ``adverse_events`` (input to predict)."""
    if not isinstance(data, list):
        raise TacFormatError(
            f"{origin}: expected a JSON list of records, got {type(data).__name__}"
        )
    records: list[TacRecord] = []
    for index, raw in enumerate(data):
        where = f"{origin}: record {index}"
        if not isinstance(raw, dict):
            raise TacFormatError(f"{where}: a record must be an object, got {type(raw).__name__}")
        missing = [f for f in _FIELDS if f not in raw]
        if events and "adverse_events" not in raw:
            missing.append("adverse_events")
        if missing:
            raise TacFormatError(f"{where}: missing field(s) {', '.join(missing)}")
        label = _str(raw["label_id"], where, "label_id")
        section = _str(raw["section_name"], where, "section_name")
        text = _str(raw["section_text"], where, "section_text")
        assert label is not None and section is not None and text is not None
        parsed: tuple[AdverseEvent, ...] = ()
        if events:
            raw_events = raw["adverse_events"]
            if not isinstance(raw_events, list):
                raise TacFormatError(f"{where}: adverse_events must be a list")
            parsed = tuple(
                _event(e, text, f"{where}, adverse event {j}") for j, e in enumerate(raw_events)
            )
        records.append(TacRecord(label, section, text, parsed))
    return records


def load_records(path: Path, events: bool = True) -> list[TacRecord]:
    """Read and validate a TAC JSON file; errors name the file (and record index)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TacFormatError(f"{path}: malformed JSON: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise TacFormatError(f"{path}: not UTF-8: {exc}") from exc
    return parse_records(data, str(path), events=events)


def dump_records(records: Sequence[TacRecord]) -> str:
    """JSON text, keys in the set's order, stable bytes for the same records."""
    return json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=1) + "\n"


def write_records(records: Sequence[TacRecord], path: Path) -> None:
    Path(path).write_text(dump_records(records), encoding="utf-8")
