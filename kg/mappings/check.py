"""Checking and exporting the mapping tables (``kg mappings check|export``).

Subjects are checked against what they map: our curated entities (read with the project's
strict loader) and the ontology's classes, with the labels we give them.
"""

from __future__ import annotations

from pathlib import Path

from kg.curation.corpus import Corpus
from kg.curation.records import ENTITY_FILE_KEYS, EntityKind
from kg.curation.yamlio import load_yaml
from kg.errors import CurationError, CurationErrors
from kg.mappings.labels import read_labels
from kg.mappings.load import canonical_text, load_mappings, mappings_dir
from kg.mappings.model import MappingSet
from kg.ontology import Ontology

__all__ = ["check", "corpus_subjects", "export", "subject_labels"]


def corpus_subjects(corpus: Corpus, ontology: Ontology) -> dict[str, str]:
    """What mapping subjects may be and must be called, from an already loaded corpus."""
    entities = {
        f"dmkgid:{e.kind.value}/{ident}": e.entity.label for ident, e in corpus.entities.items()
    }
    return {**entities, **ontology.class_labels}


def subject_labels(data_dir: Path, ontology: Ontology | None = None) -> dict[str, str]:
    """``{CURIE: label}`` of our curated entities (``data/entities/*.yaml``) and, if given, the
    classes of the ontology file, for checking mappings without a full build. Entity files are
    read with the project's strict loader; one that does not parse contributes nothing (the
    entity loader reports it with its line)."""
    root = data_dir if (data_dir / "entities").is_dir() else data_dir.parent
    found: dict[str, str] = {}
    for path in sorted((root / "entities").glob("*.yaml")):
        doc, _ = load_yaml(path)
        if not isinstance(doc, dict):
            continue
        for key, kind in ENTITY_FILE_KEYS.items():
            for item in doc.get(key) or []:
                if isinstance(item, dict) and "id" in item:
                    found[f"dmkgid:{kind.value}/{item['id']}"] = str(item.get("label", ""))
    if ontology is not None:
        found.update(ontology.class_labels)
    return found


def check(data_dir: Path, ontology: Ontology | None = None) -> list[str]:
    """Check every mapping (and that tables are in canonical form); return report lines.

    Raises ``CurationErrors`` listing every problem. ``data_dir`` is ``data/`` (or the mappings
    folder); the ontology file, when given, lets class subjects be checked too."""
    subjects = subject_labels(data_dir, ontology)
    mapping_set = load_mappings(data_dir, subjects if subjects else None)
    folder = mappings_dir(data_dir)
    drift = [
        CurationError(path, None, None, "not in canonical form (sorted rows, generated header)")
        for path in sorted(folder.glob("*.sssom.tsv"))
        if path.read_text(encoding="utf-8") != canonical_text(path)
    ]
    if drift:
        raise CurationErrors(drift)
    errors: list[CurationError] = []
    labels = read_labels(folder / "labels", errors)
    used = {m.object_id for m in mapping_set.mappings}
    unused = sorted(set(labels) - used)
    mapped = {m.subject_id for m in mapping_set.mappings}
    kinds = [k.value for k in EntityKind if k not in (EntityKind.STUDY, EntityKind.POPULATION)]
    unmapped = sorted(
        s
        for s in subjects
        if s not in mapped and s.startswith(tuple(f"dmkgid:{k}/" for k in kinds))
    )
    lines = [f"{len(mapping_set)} mappings checked, {len(mapped)} subjects, all labels verified"]
    for (prefix, predicate), n in sorted(mapping_set.counts().items()):
        lines.append(f"  {prefix:16} {predicate:17} {n}")
    lines += [f"  unused label slice row: {c}" for c in unused]
    lines += [f"  no mapping: {s}" for s in unmapped]
    return lines


def export(
    data_dir: Path, out: Path, version: str | None = None, ontology: Ontology | None = None
) -> MappingSet:
    """Check the mappings (subjects against our entities, and classes when the ontology file
    is given) and write the release SSSOM TSV to ``out``."""
    subjects = subject_labels(data_dir, ontology)
    mapping_set = load_mappings(data_dir, subjects if subjects else None)
    mapping_set.write_sssom(out, version=version)
    return mapping_set
