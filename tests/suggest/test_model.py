"""The shipped model, reproducible training, offsets, TAC output and the module entry point."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.suggest import Model, default_model, suggest_adverse_reactions, suggest_tac
from kg.suggest.__main__ import main
from kg.suggest.model import DEFAULT_MODEL_DIR, TrainingConfig
from kg.suggest.tac import load_records, parse_records
from kg.suggest.train import build_artefact
from tests.support import ROOT

TRAIN = ROOT / "data" / "external" / "tac2017" / "train.json"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_shipped_model_loads_and_names_its_training_data() -> None:
    model = default_model()
    assert len(model.lexicon) > 1000 and model.weights
    prov = json.loads((DEFAULT_MODEL_DIR / "provenance.json").read_text(encoding="utf-8"))
    assert prov["training_data"]["sha256"] == _sha(TRAIN)
    assert prov["training_data"]["path"] == "data/external/tac2017/train.json"
    assert prov["model_file"]["sha256"] == _sha(DEFAULT_MODEL_DIR / "model.json")
    assert prov["records"] == 239 and prov["labels"] == 101
    assert model.threshold == prov["hyper_parameters"]["threshold"]
    assert (DEFAULT_MODEL_DIR / "model.json").stat().st_size < 5_000_000


def test_training_is_deterministic(tmp_path: Path) -> None:
    """Two trainings on 10 labels, one under another hash seed in a fresh process: same bytes."""
    config = TrainingConfig(hpo=False)
    build_artefact(TRAIN, tmp_path / "a", config, limit_labels=10)
    code = (
        "import sys; from pathlib import Path; from kg.suggest.train import build_artefact;"
        "from kg.suggest.model import TrainingConfig;"
        "build_artefact(Path(sys.argv[1]), Path(sys.argv[2]), TrainingConfig(hpo=False), 10)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run(
        [sys.executable, "-c", code, str(TRAIN), str(tmp_path / "b")], check=True, env=env, cwd=ROOT
    )
    for name in ("model.json", "provenance.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    small = Model.load(tmp_path / "a")
    assert small.meta["labels"] == 10 and small.meta["training"]["positives"] > 0


@pytest.fixture(scope="module")
def sections() -> list[tuple[str, str]]:
    records = load_records(TRAIN)
    picked = [*records[:12], max(records, key=lambda r: len(r.section_text))]
    return [(r.section_text, r.section_name) for r in picked]


def test_every_suggestion_points_at_its_mention(sections: list[tuple[str, str]]) -> None:
    seeds = [
        (p.read_text(encoding="utf-8"), "") for p in sorted((ROOT / "data/sources").glob("*.txt"))
    ]
    total = 0
    for text, section in [*sections, *seeds]:
        for s in suggest_adverse_reactions(text, section or None, threshold=0.0):
            total += 1
            assert text[s.start : s.start + s.length] == s.mention
            assert 0.0 <= s.confidence <= 1.0
            for other in s.other_starts:
                assert text[other : other + s.length].lower() == s.mention.lower()
    assert total > 500


def test_suggest_tac_fills_records_in_the_sets_shape(sections: list[tuple[str, str]]) -> None:
    records = load_records(TRAIN)[:6]
    out = suggest_tac(records)
    assert [(r.label_id, r.section_name, r.section_text) for r in out] == [
        (r.label_id, r.section_name, r.section_text) for r in records
    ]
    raw = [r.to_json() for r in out]
    again = parse_records(raw, "out")  # offsets re-validated against the text
    assert again == out
    for rec in out:
        assert rec.adverse_events
        low = rec.section_text.lower()
        for e in rec.adverse_events:
            assert e.source == "suggested"
            assert e.start == low.find(e.mention.lower())
    row = raw[0]["adverse_events"][0]
    assert len(row) == 8 and isinstance(row[5], str) and isinstance(row[6], str)


def test_frequency_from_table_row_and_list_lead_in() -> None:
    promacta = next(
        r for r in load_records(TRAIN)
        if r.label_id == "PROMACTA" and r.section_name == "adverse reactions"
    )  # fmt: skip
    found = {
        s.mention.lower(): s
        for s in suggest_adverse_reactions(promacta.section_text, promacta.section_name)
    }
    assert found["nausea"].frequency == "9"  # "Nausea   9   3" in Table 4, PROMACTA column first
    ilaris = (ROOT / "data/sources/ilaris-patient-page.txt").read_text(encoding="utf-8")
    by = {s.mention: s for s in suggest_adverse_reactions(ilaris)}
    assert by["Joint pain"].frequency == "Common"  # "Common side effects:" above the list


def test_module_entry_point(tmp_path: Path) -> None:
    raw = json.loads(TRAIN.read_text(encoding="utf-8"))[:2]
    src = tmp_path / "in.json"
    src.write_text(json.dumps(raw), encoding="utf-8")
    dst = tmp_path / "out.json"
    assert main(["tac", str(src), "--out", str(dst), "--threshold", "0.9"]) == 0
    strict = load_records(dst)
    assert all(e.source == "suggested" for r in strict for e in r.adverse_events)
    assert main(["tac", str(src), "--out", str(tmp_path / "all.json"), "--threshold", "0"]) == 0
    assert sum(len(r.adverse_events) for r in strict) < sum(
        len(r.adverse_events) for r in load_records(tmp_path / "all.json")
    )
    src.write_text("not json", encoding="utf-8")
    assert main(["tac", str(src), "--out", str(dst)]) == 2
