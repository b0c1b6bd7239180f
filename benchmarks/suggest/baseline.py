"""The issue's plain lexicon baseline: the training folds' own mention strings, matched
case-insensitively on word boundaries (leftmost-longest), every occurrence predicted."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from kg.suggest.evaluate import Prediction
from kg.suggest.tac import TacRecord

__all__ = ["lexicon_baseline"]


def lexicon_baseline(
    train: Sequence[TacRecord], test: Sequence[TacRecord], first_only: bool = False
) -> list[Prediction]:
    """``first_only`` keeps one prediction per distinct string per section, at its first
    occurrence: the set's own convention, to show how much of any gain that alone explains."""
    pts: dict[str, Counter[int]] = defaultdict(Counter)
    for r in train:
        for e in r.adverse_events:
            if e.pt_id is not None:
                pts[e.mention.lower()][e.pt_id] += 1
    terms = sorted(pts, key=lambda s: (-len(s), s))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)
    out = []
    for r in test:
        low = r.section_text.lower()
        seen: set[str] = set()
        for m in pattern.finditer(r.section_text):
            mention = m.group().lower()
            if first_only:
                if mention in seen:
                    continue
                seen.add(mention)
            start = low.find(mention) if first_only else m.start()
            pt = min(pts[mention].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            out.append(Prediction(r.label_id, r.section_name, start, len(mention), pt, 1.0))
    return out
