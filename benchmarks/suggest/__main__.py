"""``python -m benchmarks.suggest``: 5-fold CV by label on the TAC 2017 training half, the
lexicon baseline beside the suggester, the threshold curve, errors and timing.

Writes ``benchmarks/suggest/results.json`` and ``RESULTS.md``. About 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from kg.suggest.evaluate import Prediction, pt_scores, span_scores, threshold_curve
from kg.suggest.hpo import hpo_term_groups
from kg.suggest.model import DEFAULT_CONFIG, Model
from kg.suggest.tac import TacRecord, load_records
from kg.suggest.train import DEFAULT_TRAIN_PATH

from .baseline import lexicon_baseline
from .cv import THRESHOLDS, choose_threshold, cross_validate
from .errors import top_errors
from .folds import assign_folds, split
from .report import write_report
from .timing import time_suggest

HERE = Path(__file__).parent


def scores(gold: list[TacRecord], preds: list[Prediction]) -> dict[str, Any]:
    span_micro, span_macro = span_scores(gold, preds)
    strict_micro, _ = span_scores(gold, preds, strict=True)
    pt_micro, pt_macro = pt_scores(gold, preds)
    return {
        "span_micro": span_micro.as_dict(),
        "span_macro": span_macro.as_dict(),
        "span_strict_micro": strict_micro.as_dict(),
        "pt_micro": pt_micro.as_dict(),
        "pt_macro": pt_macro.as_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-inner", action="store_true", help="skip the nested threshold choice")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    records = load_records(DEFAULT_TRAIN_PATH)
    k = args.folds
    t0 = time.perf_counter()
    folds = assign_folds([r.label_id for r in records], k)
    base_all: list[Prediction] = []
    base_first: list[Prediction] = []
    reachable = total = 0
    for f in range(k):
        train, test = split(records, folds, f)
        known = {e.pt_id for r in train for e in r.adverse_events if e.pt_id is not None}
        gold = {
            (r.label_id, e.pt_id) for r in test for e in r.adverse_events if e.pt_id is not None
        }
        reachable += sum(1 for _, pt in gold if pt in known)
        total += len(gold)
        base_all += lexicon_baseline(train, test)
        base_first += lexicon_baseline(train, test, first_only=True)
    groups = hpo_term_groups() if DEFAULT_CONFIG.hpo else []
    everything, kept, fold_thresholds = cross_validate(
        records, DEFAULT_CONFIG, groups, k, inner=not args.no_inner
    )
    curve = threshold_curve(records, everything, THRESHOLDS)
    default, reason = choose_threshold(records, everything)
    at_default = [p for p in everything if p.confidence >= default]
    cv_seconds = time.perf_counter() - t0
    results: dict[str, Any] = {
        "data": {
            "records": len(records),
            "labels": len({r.label_id for r in records}),
            "located_mentions": sum(
                1 for r in records for e in r.adverse_events if e.start is not None
            ),
            "null_offset_mentions": sum(
                1 for r in records for e in r.adverse_events if e.start is None
            ),
        },
        "pt_recall_ceiling": round(reachable / total, 4),
        "folds": k,
        "fold_sizes": [sum(1 for v in folds.values() if v == f) for f in range(k)],
        "config": DEFAULT_CONFIG.as_dict(),
        "baseline_all_occurrences": scores(records, base_all),
        "baseline_first_occurrence": scores(records, base_first),
        "model_nested_threshold": scores(records, kept) if kept else None,
        "nested_thresholds": fold_thresholds,
        "model_at_default": scores(records, at_default),
        "default_threshold": default,
        "default_reason": reason,
        "shipped_threshold": Model.load().threshold,
        "curve": curve,
        "errors": top_errors(records, at_default),
        "cv_seconds": round(cv_seconds, 1),
        "timing": time_suggest(records),
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_report(results, HERE / "RESULTS.md")
    print((HERE / "RESULTS.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
