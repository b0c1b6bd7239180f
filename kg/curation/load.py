"""Stage 1 of the pipeline: ``data/`` -> a checked, typed :class:`Corpus`.

Every problem of a run is collected and raised together as :class:`CurationErrors`, each
naming file, line and field: schema errors, unknown references, claim fields a type does not
allow, checksum mismatches, quotes not found in their source, paths that leave ``data/``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.curation.claimtypes import CLAIM_SPECS, CLASS
from kg.curation.collector import Collector
from kg.curation.corpus import (
    Corpus,
    LoadedClaim,
    LoadedEntity,
    LoadedNote,
    LoadedSource,
    claim_key,
)
from kg.curation.quotes import Span, closest_passage, find_occurrences, make_span
from kg.curation.records import (
    ENTITY_FILE_KEYS,
    Claim,
    CurationFile,
    Entity,
    EntityFile,
    Evidence,
    SourceMeta,
    SourceNote,
    is_class_ref,
)
from kg.curation.salvage import CurationParts, parts
from kg.curation.yamlio import Located, line_of
from kg.errors import CurationErrors
from kg.ontology import Ontology

__all__ = ["load_corpus"]


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"})


def load_corpus(data_dir: Path, ontology: Ontology) -> Corpus:
    """Read, validate and cross-check every curated file; raise ``CurationErrors`` listing
    all problems found, or return the corpus. Class references are checked against the
    ``ontology``'s classes."""
    data_dir = data_dir.resolve()
    col = Collector(data_dir)
    corpus = Corpus(data_dir=data_dir, classes=ontology.classes)
    _load_sources(col, corpus)
    raw_entities = _load_entities(col, corpus)
    _check_entity_types(col, corpus, raw_entities)
    _load_curation(col, corpus)
    if col.errors:
        raise CurationErrors(col.errors)
    corpus.claims.sort(key=lambda c: (c.source, c.line))
    corpus.notes.sort(key=lambda n: (n.source, n.line))
    return corpus


def _load_sources(col: Collector, corpus: Corpus) -> None:
    folder = corpus.data_dir / "sources"
    for path in _yaml_files(folder):
        record = col.read_record(path, SourceMeta)
        if record is None:  # its curation file is checked without the text, not refused
            col.tentative_sources.add(path.stem)
            continue
        meta, raw, keys = record
        if meta.id != path.stem:
            col.add(
                path, keys.get("id"), "id", f"id {meta.id!r} must equal the file name {path.stem!r}"
            )
        text_path = folder / meta.text
        if not col.safe_file(text_path, path, keys.get("text")):
            continue
        if not text_path.is_file():
            col.add(path, keys.get("text"), "text", f"source text {meta.text} does not exist")
            continue
        blob = text_path.read_bytes()
        digest = hashlib.sha256(blob).hexdigest()
        if digest != meta.sha256:
            col.add(
                path,
                keys.get("sha256"),
                "sha256",
                f"checksum mismatch: {meta.text} has sha256 {digest}, the metadata says "
                f"{meta.sha256}; the text changed since it was curated",
            )
            continue
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError as exc:
            col.add(text_path, None, None, f"source text is not valid UTF-8: {exc.reason}")
            continue
        if meta.date_statement and meta.date_statement not in text:
            near = closest_passage(text, meta.date_statement)
            col.add(path, keys.get("date_statement"), "date_statement",
                    f"date_statement is not verbatim in {meta.text}; closest passage: {near!r}")  # fmt: skip
        corpus.sources[meta.id] = LoadedSource(meta, text, path, getattr(raw, "line", 1))


def _load_entities(col: Collector, corpus: Corpus) -> dict[str, Any]:
    raws: dict[str, Any] = {}
    for path in _yaml_files(corpus.data_dir / "entities"):
        if not col.safe_file(path):
            continue
        raw = col.read_yaml(path)
        if raw is None:
            col.entities_unreadable = True
            continue
        parsed = col.validate(EntityFile, raw, path)
        if parsed is None:
            _remember_ids(col, raw)
            continue
        for key, kind in ENTITY_FILE_KEYS.items():
            items: list[Entity] = getattr(parsed, key)
            raw_items = raw.get(key) if isinstance(raw, Located) else None
            for i, ent in enumerate(items):
                line = raw_items.item_lines[i] if raw_items is not None else 1
                if ent.id in corpus.entities:
                    first = corpus.entities[ent.id]
                    col.add(
                        path,
                        line,
                        f"{key}[{i}].id",
                        f"duplicate id {ent.id!r}: already defined at "
                        f"{corpus.rel(first.path)}:{first.line}",
                    )
                    continue
                corpus.entities[ent.id] = LoadedEntity(ent, kind, path, line)
                raws[ent.id] = (raw_items[i] if raw_items is not None else None, path)
    return raws


def _remember_ids(col: Collector, raw: Any) -> None:
    if not isinstance(raw, dict):
        col.entities_unreadable = True
        return
    for key, kind in ENTITY_FILE_KEYS.items():
        items = raw.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                col.tentative_ids[item["id"]] = kind.value


def _check_entity_types(col: Collector, corpus: Corpus, raws: dict[str, Any]) -> None:
    for ent_id, loaded in corpus.entities.items():
        raw, path = raws[ent_id]
        for i, ref in enumerate(loaded.entity.types):
            if ref not in corpus.classes:
                line, fld = line_of(raw, ("types", i))
                col.add(path, line, fld, f"unknown ontology class {ref!r}")


_UNCHECKED = "unchecked"


def _ref_kind(corpus: Corpus, ref: str, col: Collector | None = None) -> str | None:
    """Kind of a reference; ``_UNCHECKED`` when a broken entity file may define it."""
    if is_class_ref(ref):
        return CLASS if ref in corpus.classes else None
    loaded = corpus.entities.get(ref)
    if loaded:
        return loaded.kind.value
    if col is not None and (ref in col.tentative_ids or col.entities_unreadable):
        return _UNCHECKED
    return None


def _locate(
    col: Collector,
    source: LoadedSource,
    ev: Evidence | SourceNote,
    path: Path,
    where: Callable[[], int | None],
    fld: str,
    what: str,
) -> Span | None:
    """Locate a quote; ``where`` gives its line, asked only when an error is reported."""
    starts = find_occurrences(source.text, ev.quote)
    if not starts:
        near = closest_passage(source.text, ev.quote)
        hint = f"; closest passage: {near!r}" if near else ""
        col.add(path, where(), fld, f"{what}: quote not found in {source.meta.text}{hint}")
        return None
    if ev.occurrence is None and len(starts) > 1:
        col.add(
            path, where(), fld,
            f"{what}: quote occurs {len(starts)} times in {source.meta.text} "
            f"(at characters {', '.join(map(str, starts))}); say which with occurrence: N",
        )  # fmt: skip
        return None
    index = (ev.occurrence or 1) - 1
    if index >= len(starts):
        col.add(
            path, where(), fld,
            f"{what}: occurrence {ev.occurrence} requested, the quote occurs {len(starts)} time(s)",
        )  # fmt: skip
        return None
    return make_span(source.text, starts[index], len(ev.quote))


_REF_FIELDS: dict[str, frozenset[str]] = {
    "population": frozenset({"population"}),
    "condition": frozenset({"condition"}),
    "study": frozenset({"study"}),
    "reason_event": frozenset({"adverse-event", "condition"}),
}


@dataclass(frozen=True)
class _Place:
    """Where a claim is: its file, the label errors name it by, its raw (located) record."""

    path: Path
    label: str
    raw: Any

    def line(self, name: str) -> int | None:
        return line_of(self.raw, (name,))[0]


def _check_ref(
    col: Collector, corpus: Corpus, at: _Place, fld: str, ref: str, kinds: frozenset[str],
    wrong_kind: str,
) -> None:  # fmt: skip
    """Report a reference that names nothing, or something of a kind ``kinds`` excludes.

    A reference a broken entity file may define is left alone: the curator sees the root
    cause (that file's error), not a cascade of unknown references."""
    kind = _ref_kind(corpus, ref, col)
    if kind == _UNCHECKED:
        return
    if kind is None:
        what = "entity" if fld in _REF_FIELDS else "entity or class"
        col.add(at.path, at.line(fld), fld, f"{at.label}: unknown {what} {ref!r}")
    elif kind not in kinds:
        col.add(at.path, at.line(fld), fld, f"{at.label}: {wrong_kind.replace('{kind}', kind)}")


def _check_claim(
    col: Collector, corpus: Corpus, claim: Claim, raw: Any, path: Path, label: str
) -> None:
    spec = CLAIM_SPECS[claim.type]
    at = _Place(path, label, raw)
    given = claim.model_fields_set - {"type", "subject", "evidence", "note"}
    for name in sorted(given - spec.permitted()):
        col.add(
            path, at.line(name), name, f"{label}: field not allowed for type {claim.type.value}"
        )
    for name in sorted(spec.required - given):
        col.add(path, getattr(raw, "line", None), name, f"{label}: {claim.type.value} needs {name}")
    for group in spec.one_of:
        if not group & given:
            col.add(
                path, getattr(raw, "line", None), "|".join(sorted(group)),
                f"{label}: {claim.type.value} needs one of {', '.join(sorted(group))}",
            )  # fmt: skip
    takes = claim.type.value
    roles = [("subject", claim.subject, spec.subject)]
    if claim.object is not None and spec.objects:
        roles.append(("object", claim.object, spec.objects))
    for name, ref, kinds in roles:
        _check_ref(col, corpus, at, name, ref, kinds,
                   f"{name} {ref!r} is a {{kind}}; {takes} takes {', '.join(sorted(kinds))}")  # fmt: skip
    for name, kinds in _REF_FIELDS.items():
        ref = getattr(claim, name)
        if ref is not None:
            _check_ref(col, corpus, at, name, ref, kinds,
                       f"{ref!r} is a {{kind}}, not a {'/'.join(sorted(kinds))}")  # fmt: skip


def _load_curation(col: Collector, corpus: Corpus) -> None:
    curated: dict[str, Path] = {}
    unknown = False  # a file whose source can not be read: whether a source lacks one is moot
    for path in _yaml_files(corpus.data_dir / "curation"):
        raw = col.read_tree(path)
        if raw is None:
            unknown = True
            continue
        found = parts(col.validate(CurationFile, raw, path), raw)
        if found.source is None:
            unknown = True
            continue
        keys = raw.key_lines if isinstance(raw, Located) else {}
        source = corpus.sources.get(found.source)
        if source is None and found.source not in col.tentative_sources:
            col.add(path, keys.get("source"), "source", f"unknown source {found.source!r}")
            continue
        if found.source in curated:
            col.add(path, keys.get("source"), "source",
                    f"source {found.source!r} is already curated in {corpus.rel(curated[found.source])}")  # fmt: skip
            continue
        curated[found.source] = path
        _load_claims(col, corpus, found, raw, path, source)
        _load_notes(col, corpus, found, raw, path, source)
    for source_id, loaded in sorted(corpus.sources.items()):
        if source_id not in curated and not unknown:
            col.add(
                loaded.path, 1, None, f"source {source_id!r} has no curation file in data/curation/"
            )


def _quotes(
    col: Collector, source: LoadedSource | None, evidence: Iterable[tuple[int, Evidence]],
    raw_claim: Any, path: Path, i: int, label: str,
) -> list[Span]:  # fmt: skip
    """Locate a claim's quotes (none without a loaded source: its own error says why)."""
    spans: list[Span] = []
    if source is None:
        return spans
    for j, ev in evidence:

        def where(j: int = j) -> int | None:
            return line_of(raw_claim, ("evidence", j, "quote"))[0]

        span = _locate(col, source, ev, path, where, f"claims[{i}].evidence[{j}].quote", label)
        if span is not None:
            spans.append(span)
    return spans


def _load_claims(
    col: Collector,
    corpus: Corpus,
    found: CurationParts,
    raw: Any,
    path: Path,
    source: LoadedSource | None,
) -> None:
    assert found.source is not None
    raw_claims = raw["claims"]
    seen: dict[str, int] = {}
    for i, claim in found.claims:
        raw_claim = raw_claims[i]
        line = raw_claims.item_lines[i]
        label = f"claim {i + 1} ({claim.type.value} {claim.subject}{' -> ' + claim.object if claim.object else ''})"
        _check_claim(col, corpus, claim, raw_claim, path, label)
        spans = _quotes(col, source, enumerate(claim.evidence), raw_claim, path, i, label)
        key = claim_key(found.source, claim)
        if key in seen:
            col.add(path, line, None, f"{label}: duplicate of the claim at line {seen[key]}")
            continue
        seen[key] = line
        corpus.claims.append(LoadedClaim(claim, found.source, path, line, tuple(spans), key))
    for broken in found.broken:  # reported by field already: check what is left of it
        subject, obj = broken.ref("subject"), broken.ref("object")
        said = " ".join(x for x in (broken.type and broken.type.value, subject) if x)
        said += f" -> {obj}" if obj else ""
        label = f"claim {broken.index + 1}" + (f" ({said})" if said else "")
        if broken.type is not None:
            spec, at = CLAIM_SPECS[broken.type], _Place(path, label, raw_claims[broken.index])
            for name, kinds in (("subject", spec.subject), ("object", spec.objects)):
                ref = broken.ref(name)
                if ref is not None and kinds:
                    _check_ref(col, corpus, at, name, ref, kinds,
                               f"{name} {ref!r} is a {{kind}}; {broken.type.value} takes {', '.join(sorted(kinds))}")  # fmt: skip
        _quotes(col, source, broken.evidence, raw_claims[broken.index], path, broken.index, label)


def _load_notes(
    col: Collector,
    corpus: Corpus,
    found: CurationParts,
    raw: Any,
    path: Path,
    source: LoadedSource | None,
) -> None:
    assert found.source is not None
    if source is None:
        return
    raw_notes = raw.get("notes")
    for i, note in found.notes:
        line = raw_notes.item_lines[i] if raw_notes is not None else None

        def where(i: int = i, line: int | None = line) -> int | None:
            return line_of(raw_notes, (i, "quote"))[0] if raw_notes is not None else line

        span = _locate(col, source, note, path, where, f"notes[{i}].quote", f"note {i + 1}")
        if span is not None:
            corpus.notes.append(LoadedNote(note, found.source, path, line or 1, span))
