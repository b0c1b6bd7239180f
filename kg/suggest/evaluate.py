"""Scoring suggestions against TAC gold: exact mention spans and unique MedDRA PTs per label.

Spans: a prediction counts when its (start, length) equals a gold mention's in the same section
(duplicates collapsed). Gold mentions with a null start cannot be matched by any span: by
default they are left out of the span gold (``strict=True`` counts them as misses); they always
count for PTs. PTs: per label, the set of gold PT ids (all sections, null-PT mentions left out)
against the set of predicted PT ids, as in the TAC 2017 official evaluation. Micro sums counts
over sections/labels; macro averages the per-label precision, recall and F1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from kg.suggest.tac import TacRecord

__all__ = [
    "Prediction",
    "Scores",
    "gold_pts",
    "gold_spans",
    "pt_scores",
    "span_scores",
    "threshold_curve",
]

SectionKey = tuple[str, str]


@dataclass(frozen=True)
class Prediction:
    """One predicted mention of a section, with its confidence."""

    label_id: str
    section_name: str
    start: int
    length: int
    pt_id: int | None
    confidence: float


@dataclass(frozen=True)
class Scores:
    """Precision, recall, F1 and the counts behind them (micro) or their means (macro)."""

    precision: float
    recall: float
    f1: float
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @classmethod
    def of(cls, tp: int, predicted: int, gold: int) -> Scores:
        p = tp / predicted if predicted else 0.0
        r = tp / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(p, r, f, tp, predicted, gold)

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "predicted": self.predicted,
            "gold": self.gold,
        }


def _micro_macro(
    per_label: Mapping[str, tuple[set[object], set[object]]],
) -> tuple[Scores, Scores]:
    tp = npred = ngold = 0
    ps: list[float] = []
    rs: list[float] = []
    fs: list[float] = []
    for label in sorted(per_label):
        gold, pred = per_label[label]
        hit = len(gold & pred)
        tp, npred, ngold = tp + hit, npred + len(pred), ngold + len(gold)
        s = Scores.of(hit, len(pred), len(gold))
        ps.append(s.precision)
        rs.append(s.recall)
        fs.append(s.f1)
    n = max(len(fs), 1)
    return Scores.of(tp, npred, ngold), Scores(sum(ps) / n, sum(rs) / n, sum(fs) / n)


def gold_spans(records: Iterable[TacRecord], strict: bool = False) -> dict[SectionKey, set[object]]:
    out: dict[SectionKey, set[object]] = defaultdict(set)
    for r in records:
        key = (r.label_id, r.section_name)
        out[key]
        for e in r.adverse_events:
            if e.start is not None:
                out[key].add((e.start, e.length))
            elif strict:
                out[key].add(("null", e.mention))
    return out


def gold_pts(records: Iterable[TacRecord]) -> dict[str, set[object]]:
    out: dict[str, set[object]] = defaultdict(set)
    for r in records:
        out[r.label_id]
        out[r.label_id].update(e.pt_id for e in r.adverse_events if e.pt_id is not None)
    return out


def span_scores(
    gold: Sequence[TacRecord], predictions: Iterable[Prediction], strict: bool = False
) -> tuple[Scores, Scores]:
    """(micro, macro over labels) for exact spans."""
    g = gold_spans(gold, strict)
    pred: dict[SectionKey, set[object]] = defaultdict(set)
    for p in predictions:
        pred[(p.label_id, p.section_name)].add((p.start, p.length))
    per_label: dict[str, tuple[set[object], set[object]]] = {}
    for key in sorted(set(g) | set(pred)):
        gs, ps = per_label.setdefault(key[0], (set(), set()))
        gs.update((key[1], x) for x in g.get(key, set()))
        ps.update((key[1], x) for x in pred.get(key, set()))
    return _micro_macro(per_label)


def pt_scores(
    gold: Sequence[TacRecord], predictions: Iterable[Prediction]
) -> tuple[Scores, Scores]:
    """(micro, macro over labels) for unique PT ids per label."""
    g = gold_pts(gold)
    pred: dict[str, set[object]] = defaultdict(set)
    for p in predictions:
        if p.pt_id is not None:
            pred[p.label_id].add(p.pt_id)
    labels = sorted(set(g) | set(pred))
    return _micro_macro({k: (g.get(k, set()), pred.get(k, set())) for k in labels})


def threshold_curve(
    gold: Sequence[TacRecord], predictions: Sequence[Prediction], thresholds: Sequence[float]
) -> list[dict[str, float]]:
    """Micro P/R/F1 for spans and PTs keeping predictions with confidence >= each threshold."""
    rows = []
    for t in thresholds:
        kept = [p for p in predictions if p.confidence >= t]
        span, _ = span_scores(gold, kept)
        pt, _ = pt_scores(gold, kept)
        rows.append(
            {
                "threshold": t,
                "span_p": round(span.precision, 4),
                "span_r": round(span.recall, 4),
                "span_f1": round(span.f1, 4),
                "pt_p": round(pt.precision, 4),
                "pt_r": round(pt.recall, 4),
                "pt_f1": round(pt.f1, 4),
            }
        )
    return rows
