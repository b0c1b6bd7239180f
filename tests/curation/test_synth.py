"""The synthetic corpus is in our curation format: the real pipeline builds it unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg.build import Paths, build
from kg.curation.synth import synthesize
from tests.support import ROOT


def test_synthetic_corpus_builds_through_the_real_pipeline(tmp_path: Path) -> None:
    stats = synthesize(tmp_path / "data", drugs=60, seed=7)
    assert stats.drugs == 60 and stats.claims > 60 * 10
    result = build(Paths(tmp_path / "data", ROOT / "ontology"), tmp_path / "dist")
    assert len(result.corpus.claims) == stats.claims
    assert all(c.spans for c in result.corpus.claims), "every quote was located in its text"


def test_synthesis_is_deterministic_and_seeded(tmp_path: Path) -> None:
    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                h.update(p.name.encode() + p.read_bytes())
        return h.hexdigest()

    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        synthesize(tmp_path / name, drugs=20, seed=seed)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_defects_are_well_formed_input_with_duplicate_labels(tmp_path: Path) -> None:
    stats = synthesize(tmp_path / "data", drugs=30, seed=3, defects=2)
    assert stats.defects == 2
    result = build(Paths(tmp_path / "data", ROOT / "ontology"), tmp_path / "dist")
    labels = [e.entity.label for e in result.corpus.entities.values() if e.kind.value == "drug"]
    assert len(labels) - len(set(labels)) == 2
