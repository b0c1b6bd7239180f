"""Cross-validation of the suggester: train on the training folds, predict the scored fold.

Everything learnt comes from the training folds: the lexicon, the classifier and the threshold
(chosen by an inner cross-validation on the training folds alone, with the same rule that picks
the shipped default from the outer curve).
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.suggest.evaluate import Prediction, threshold_curve
from kg.suggest.extract import suggest_adverse_reactions
from kg.suggest.model import Model, TrainingConfig, train_model
from kg.suggest.tac import TacRecord

from .folds import assign_folds, split

__all__ = ["THRESHOLDS", "choose_threshold", "cross_validate", "predict"]

THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]
PT_PRECISION_FLOOR = 0.90


def predict(model: Model, records: Sequence[TacRecord]) -> list[Prediction]:
    """Every candidate with its confidence (threshold 0), placed as ``suggest_tac`` places it."""
    out = []
    for r in records:
        low = r.section_text.lower()
        for s in suggest_adverse_reactions(r.section_text, r.section_name, model, threshold=0.0):
            at = low.find(s.mention.lower())
            start = s.start if at < 0 else at
            out.append(
                Prediction(
                    r.label_id, r.section_name, start, s.length, s.meddra_pt_id, s.confidence
                )
            )
    return out


def choose_threshold(gold: Sequence[TacRecord], preds: Sequence[Prediction]) -> tuple[float, str]:
    """The threshold with the best PT micro F1 among those keeping PT precision >= 0.90 (the
    issue's floor); the best-F1 one when none does. Returns it with the reason."""
    curve = threshold_curve(gold, preds, THRESHOLDS)
    ok = [row for row in curve if row["pt_p"] >= PT_PRECISION_FLOOR]
    if ok:
        best = max(ok, key=lambda row: (row["pt_f1"], -row["threshold"]))
        return best["threshold"], "best PT micro F1 with PT precision >= 0.90"
    best = max(curve, key=lambda row: (row["pt_f1"], -row["threshold"]))
    return best["threshold"], "best PT micro F1 (no threshold reaches PT precision 0.90)"


def cross_validate(
    records: Sequence[TacRecord],
    config: TrainingConfig,
    hpo_groups: Sequence[Sequence[str]],
    k: int = 5,
    inner: bool = True,
) -> tuple[list[Prediction], list[Prediction], list[float]]:
    """(all predictions with confidence, predictions kept at each fold's inner-CV threshold,
    the per-fold thresholds)."""
    folds = assign_folds([r.label_id for r in records], k)
    everything: list[Prediction] = []
    kept: list[Prediction] = []
    thresholds: list[float] = []
    for fold in range(k):
        train, test = split(records, folds, fold)
        model = train_model(train, config, hpo_groups)
        preds = predict(model, test)
        everything += preds
        if inner:
            inner_folds = assign_folds([r.label_id for r in train], k - 1)
            inner_preds: list[Prediction] = []
            for j in range(k - 1):
                itrain, itest = split(train, inner_folds, j)
                inner_preds += predict(train_model(itrain, config, hpo_groups), itest)
            t, _ = choose_threshold(train, inner_preds)
            thresholds.append(t)
            kept += [p for p in preds if p.confidence >= t]
    return everything, kept, thresholds
