"""A deterministic synthetic corpus in our curation format, for scale tests and benchmarks.

Each synthetic drug gets its own source text, written from sentence templates, and a curation
file whose quotes are those very sentences, so the real pipeline (quote checks included) runs
on it unchanged. Names are invented (``synthamab-00042``) and every source says it is
synthetic: nothing here can be mistaken for a real monograph.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.progress import Progress

__all__ = ["SynthStats", "synthesize"]

_SUFFIXES = ("mab", "cept", "nib", "stat", "pril", "olol")
_FREQ = ("very common", "common", "uncommon", "rare")
_STATUS = ("labelled", "stated-use", "reimbursed", "studied", "observed")
_RECOMMEND = ("avoid", "avoid-generally", "acceptable", "usually-acceptable")
_POPULATIONS: dict[str, dict[str, Any]] = {
    "synth-adults": {"label": "synthetic adults", "age_group": "adult"},
    "synth-children": {"label": "synthetic children", "age_group": "child"},
    "synth-under-50-kg": {"label": "synthetic patients under 50 kg", "max_weight_kg": 50},
    "synth-over-50-kg": {"label": "synthetic patients over 50 kg", "min_weight_kg": 50},
}


@dataclass(frozen=True)
class SynthStats:
    drugs: int
    claims: int
    defects: int


def _dump(path: Path, data: object) -> None:
    # JSON is valid YAML 1.2 and far faster to write than PyYAML's emitter at 50,000 files.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _pools(rng: random.Random, n: int) -> dict[str, list[dict[str, Any]]]:
    def pool(kind: str, count: int, noun: str) -> list[dict[str, Any]]:
        return [
            {"id": f"synth-{kind}-{i:05d}", "label": f"synthetic {noun} {i:05d}",
             "definition": f"A synthetic {noun} made up for scale tests."}
            for i in range(count)
        ]  # fmt: skip

    targets = pool("target", max(20, n // 50), "target")
    for t in targets[: len(targets) // 4]:
        t["types"] = ["Interleukin1FamilyTarget"]
    return {
        "targets": targets,
        "conditions": pool("condition", max(50, n // 20), "condition"),
        "adverse_events": pool("event", max(40, n // 30), "adverse event"),
        "populations": [
            {"id": k, "definition": "A synthetic population for scale tests.", **v}
            for k, v in _POPULATIONS.items()
        ],
    }


def _claim(kind: str, subject: str, sentence: str, **fields: object) -> dict[str, Any]:
    return {"type": kind, "subject": subject, **fields, "evidence": [{"quote": sentence}]}


def _drug(
    rng: random.Random, i: int, pools: dict[str, list[dict[str, Any]]], drug_ids: list[str]
) -> tuple[dict[str, Any], str, list[dict[str, Any]], dict[str, Any] | None]:
    drug_id = drug_ids[i]
    name = drug_id.replace("-", " ")
    sentences: list[str] = [f"{name.capitalize()} is a synthetic medicine made up for scale tests."]
    claims: list[dict[str, Any]] = []

    def say(sentence: str, claim: dict[str, Any]) -> None:
        sentences.append(sentence)
        claims.append(claim)

    for t in rng.sample(pools["targets"], rng.randint(1, 3)):
        s = f"{name.capitalize()} inhibits {t['label']}."
        say(s, _claim("target", drug_id, s, object=t["id"], action="inhibitor"))
    for c in rng.sample(pools["conditions"], rng.randint(3, 10)):
        status = rng.choice(_STATUS)
        s = f"{name.capitalize()} is used for {c['label']} ({status})."
        say(s, _claim("indication", drug_id, s, object=c["id"], status=status))
    for e in rng.sample(pools["adverse_events"], rng.randint(5, 30)):
        freq = rng.choice(_FREQ)
        s = f"A {freq} side effect of {name} is {e['label']}."
        say(s, _claim("adverse-reaction", drug_id, s, object=e["id"], frequency=freq))
    for other in rng.sample(drug_ids, min(len(drug_ids), rng.randint(2, 20))):
        if other == drug_id:
            continue
        rec = rng.choice(_RECOMMEND)
        s = f"Combining {name} with {other.replace('-', ' ')}: {rec}."
        say(s, _claim("interaction", drug_id, s, object=other, recommendation=rec))
    for pop in rng.sample(sorted(_POPULATIONS), rng.randint(1, 4)):
        dose = rng.choice((5, 10, 25, 50, 100, 150, 200))
        s = f"For {_POPULATIONS[pop]['label']} the dose of {name} is {dose} mg once daily."
        say(s, _claim("dosing", drug_id, s, population=pop, dose=dose, unit="mg",
                      dosing_frequency="once daily", interval_min_days=1, interval_max_days=1))  # fmt: skip
    study = None
    if rng.random() < 0.3:
        study = {"id": f"{drug_id}-study", "label": f"synthetic study of {name}",
                 "definition": "A synthetic study made up for scale tests."}  # fmt: skip
        n, k = rng.randint(20, 400), 0
        k = rng.randint(0, n)
        s = f"In the study, {k}/{n} patients on {name} responded."
        say(s, _claim("study-result", study["id"], s, measure="responders", statistic="proportion",
                      numerator=k, denominator=n, percentage=round(100 * k / n, 1)))  # fmt: skip
    drug = {
        "id": drug_id,
        "label": name,
        "definition": "A synthetic medicine made up for scale tests.",
    }
    return drug, "\n".join(sentences) + "\n", claims, study


def synthesize(out: Path, drugs: int, seed: int = 0, defects: int = 0) -> SynthStats:
    """Write a ``data/``-shaped corpus of ``drugs`` synthetic monographs into ``out``.

    ``defects`` drugs get a label that another drug already has: well-formed input that the
    unique-label shape must reject."""
    rng = random.Random(seed)
    for sub in ("sources", "entities", "curation"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    pools = _pools(rng, drugs)
    _dump(out / "entities" / "pools.yaml", pools)
    drug_ids = [f"synth{_SUFFIXES[i % len(_SUFFIXES)]}-{i:05d}" for i in range(drugs)]
    total = 0
    defective = set(rng.sample(range(1, drugs), min(defects, max(drugs - 1, 0))))
    with Progress("synth", drugs) as bar:
        for i in range(drugs):
            total += _write_drug(out, rng, i, pools, drug_ids, i in defective)
            bar.advance()
    return SynthStats(drugs, total, len(defective))


def _write_drug(
    out: Path,
    rng: random.Random,
    i: int,
    pools: dict[str, list[dict[str, Any]]],
    drug_ids: list[str],
    defective: bool,
) -> int:
    drug, text, claims, study = _drug(rng, i, pools, drug_ids)
    if defective:
        drug["label"] = drug_ids[0].replace("-", " ")
    source_id = f"{drug['id']}-sheet"
    blob = text.encode("utf-8")
    (out / "sources" / f"{source_id}.txt").write_bytes(blob)
    _dump(out / "sources" / f"{source_id}.yaml", {
        "id": source_id, "text": f"{source_id}.txt", "sha256": hashlib.sha256(blob).hexdigest(),
        "title": f"Synthetic monograph of {drug['label']}", "kind": "product-label",
        "language": "en", "notes": ["Synthetic text generated by kg synth for scale tests."],
    })  # fmt: skip
    entities: dict[str, Any] = {"drugs": [drug]}
    if study:
        entities["studies"] = [study]
    _dump(out / "entities" / f"{drug['id']}.yaml", entities)
    _dump(out / "curation" / f"{source_id}.yaml", {"source": source_id, "claims": claims})
    return len(claims)
