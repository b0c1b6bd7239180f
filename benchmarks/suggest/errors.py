"""Error analysis: the most frequent false positives and false negatives (mention strings for
spans, PT terms for PTs), counted over the scored folds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kg.suggest.evaluate import Prediction
from kg.suggest.tac import TacRecord

__all__ = ["top_errors"]


def top_errors(
    gold: Sequence[TacRecord], preds: Sequence[Prediction], n: int = 15
) -> dict[str, list[tuple[str, int]]]:
    by_section = {(r.label_id, r.section_name): r for r in gold}
    names: dict[int, str] = {}
    gold_spans: dict[tuple[str, str], set[tuple[int, int]]] = {}
    gold_pts: dict[str, set[int]] = {}
    for r in gold:
        gold_spans[(r.label_id, r.section_name)] = {
            (e.start, e.length) for e in r.adverse_events if e.start is not None
        }
        for e in r.adverse_events:
            if e.pt_id is not None and e.pt_term is not None:
                names.setdefault(e.pt_id, e.pt_term)
                gold_pts.setdefault(r.label_id, set()).add(e.pt_id)
    pred_spans: dict[tuple[str, str], set[tuple[int, int]]] = {}
    pred_pts: dict[str, set[int]] = {}
    for p in preds:
        pred_spans.setdefault((p.label_id, p.section_name), set()).add((p.start, p.length))
        if p.pt_id is not None:
            pred_pts.setdefault(p.label_id, set()).add(p.pt_id)
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for key in sorted(set(gold_spans) | set(pred_spans)):
        text = by_section[key].section_text
        g, q = gold_spans.get(key, set()), pred_spans.get(key, set())
        fp.update(text[s : s + n_].lower() for s, n_ in q - g)
        fn.update(text[s : s + n_].lower() for s, n_ in g - q)
    pfp: Counter[str] = Counter()
    pfn: Counter[str] = Counter()
    for label in sorted(set(gold_pts) | set(pred_pts)):
        g2, q2 = gold_pts.get(label, set()), pred_pts.get(label, set())
        pfp.update(names.get(i, str(i)) for i in q2 - g2)
        pfn.update(names.get(i, str(i)) for i in g2 - q2)

    def top(c: Counter[str]) -> list[tuple[str, int]]:
        return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    return {
        "span_false_positives": top(fp),
        "span_false_negatives": top(fn),
        "pt_false_positives": top(pfp),
        "pt_false_negatives": top(pfn),
    }
