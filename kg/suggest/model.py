"""Train, save and load the suggester: a lexicon plus a logistic-regression candidate classifier.

Training needs scikit-learn (the ``suggest-train`` extra, in dev); the artefact is plain JSON
(lexicon rows and feature weights, sorted, floats rounded), so the same data gives the same bytes
whatever the hash seed, and suggesting needs nothing beyond the standard library.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.suggest.context import TextLayout
from kg.suggest.features import Candidate, candidate_features, find_candidates
from kg.suggest.lexicon import Entry, Lexicon
from kg.suggest.tac import TacRecord

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_MODEL_DIR",
    "Model",
    "TrainingConfig",
    "build_lexicon",
    "train_model",
    "training_examples",
]

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILE = "model.json"
FORMAT = 1


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters (recorded in provenance.json)."""

    c: float = 0.5
    hpo: bool = True
    threshold: float = 0.35
    max_iter: int = 2000

    def as_dict(self) -> dict[str, Any]:
        return {
            "C": self.c,
            "hpo": self.hpo,
            "threshold": self.threshold,
            "max_iter": self.max_iter,
        }


DEFAULT_CONFIG = TrainingConfig()


@dataclass
class Model:
    """Lexicon, classifier weights and the default confidence threshold."""

    lexicon: Lexicon
    weights: dict[str, float]
    intercept: float
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def confidence(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def score_text(
        self, text: str, section: str | None, exclude: str | None = None
    ) -> list[tuple[Candidate, float]]:
        """Every candidate of ``text`` with its confidence, in order of first occurrence."""
        layout = TextLayout.of(text)
        cands = find_candidates(text, self.lexicon, exclude, layout)
        return [
            (c, self.confidence(candidate_features(c, section, len(text), exclude))) for c in cands
        ]

    def to_json(self) -> dict[str, Any]:
        rows = []
        for e in self.lexicon.iter_sorted():
            ann, seen = e.counts()
            rows.append(
                [" ".join(e.key), e.pt_term, e.pt_id, e.llt_term, e.llt_id, ann, seen,
                 int(bool(e.names)), int(e.hpo)]
            )  # fmt: skip
        return {
            "format": FORMAT,
            "threshold": self.threshold,
            "intercept": round(self.intercept, 6),
            "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6)},
            "lexicon_columns": ["key", "pt_term", "pt_id", "llt_term", "llt_id", "annotated",
                                "seen", "is_name", "hpo"],
            "lexicon": rows,
        }  # fmt: skip

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        path.write_text(
            json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
            + "\n",
            encoding="utf-8",
        )
        return path

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported model format {data.get('format')!r}")
        lex = Lexicon()
        for key, pt, pt_id, llt, llt_id, ann, seen, is_name, hpo in data["lexicon"]:
            e: Entry = lex.add(tuple(key.split(" ")))
            e.pt_term, e.pt_id, e.llt_term, e.llt_id = pt, pt_id, llt, llt_id
            if ann:
                e.annotated["*"] = ann
            if seen:
                e.seen["*"] = seen
            if is_name:
                e.names.add("*")
            e.hpo = bool(hpo)
        return cls(lex, dict(data["weights"]), float(data["intercept"]), float(data["threshold"]))

    @classmethod
    def load(cls, folder: Path = DEFAULT_MODEL_DIR) -> Model:
        path = folder / MODEL_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                f"{path}: no suggester model (run `python -m kg.suggest train`)"
            ) from exc
        model = cls.from_json(data)
        prov = folder / "provenance.json"
        if prov.exists():
            model.meta = json.loads(prov.read_text(encoding="utf-8"))
        return model


def _events(rec: TacRecord) -> list[tuple[str, str | None, int | None, str | None, int | None]]:
    return [(e.mention, e.pt_term, e.pt_id, e.llt_term, e.llt_id) for e in rec.adverse_events]


def build_lexicon(
    records: Sequence[TacRecord], hpo_groups: Iterable[Sequence[str]] = ()
) -> Lexicon:
    """The lexicon of these records' mentions and normalisations (plus HPO names)."""
    return Lexicon.build(((r.label_id, r.section_text, _events(r)) for r in records), hpo_groups)


def training_examples(
    records: Sequence[TacRecord], lexicon: Lexicon
) -> tuple[list[dict[str, float]], list[int]]:
    """Features and 0/1 labels of every candidate, each label matched without its own entries."""
    xs: list[dict[str, float]] = []
    ys: list[int] = []
    for rec in records:
        gold = {e.mention.lower() for e in rec.adverse_events}
        text = rec.section_text
        for cand in find_candidates(text, lexicon, exclude=rec.label_id):
            xs.append(candidate_features(cand, rec.section_name, len(text), rec.label_id))
            ys.append(int(cand.mention in gold))
    return xs, ys


def train_model(
    records: Sequence[TacRecord],
    config: TrainingConfig = DEFAULT_CONFIG,
    hpo_groups: Sequence[Sequence[str]] = (),
) -> Model:
    """Fit on ``records`` only (single-threaded liblinear, fixed seed: deterministic)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    records = sorted(records, key=lambda r: (r.label_id, r.section_name))
    lexicon = build_lexicon(records, hpo_groups if config.hpo else ())
    xs, ys = training_examples(records, lexicon)
    vec = DictVectorizer(sort=True)
    matrix = vec.fit_transform(xs).tocsr()
    # liblinear takes 32-bit sparse indices only
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    clf = LogisticRegression(
        C=config.c, solver="liblinear", random_state=0, max_iter=config.max_iter
    )
    clf.fit(matrix, ys)
    names = vec.get_feature_names_out()
    weights = {str(n): float(w) for n, w in zip(names, clf.coef_[0], strict=True)}
    model = Model(lexicon, weights, float(clf.intercept_[0]), config.threshold)
    model.meta = {"candidates": len(ys), "positives": int(sum(ys)), "features": len(names)}
    return model
