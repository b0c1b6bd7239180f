"""Timing of the shipped model: loading it, the longest section, and the longest whole label
(its sections joined: the size of a long printed label)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from kg.suggest.extract import suggest_adverse_reactions
from kg.suggest.model import Model
from kg.suggest.tac import TacRecord

__all__ = ["time_suggest"]

CHARS_PER_PAGE = 3000  # a dense printed label page


def _best_of(n: int, text: str, section: str | None, model: Model) -> tuple[float, int]:
    best = float("inf")
    found = 0
    for _ in range(n):
        t = time.perf_counter()
        found = len(suggest_adverse_reactions(text, section, model))
        best = min(best, time.perf_counter() - t)
    return best, found


def time_suggest(records: Sequence[TacRecord]) -> dict[str, Any]:
    t = time.perf_counter()
    model = Model.load()
    load = time.perf_counter() - t
    longest = max(records, key=lambda r: len(r.section_text))
    by_label: dict[str, list[TacRecord]] = {}
    for r in records:
        by_label.setdefault(r.label_id, []).append(r)
    label, parts = max(by_label.items(), key=lambda kv: sum(len(r.section_text) for r in kv[1]))
    whole = "\n\n".join(r.section_text for r in parts)
    sec_s, sec_n = _best_of(3, longest.section_text, longest.section_name, model)
    lab_s, lab_n = _best_of(3, whole, None, model)
    return {
        "cpus": os.cpu_count(),
        "model_load_seconds": round(load, 3),
        "longest_section": {
            "label": longest.label_id,
            "section": longest.section_name,
            "chars": len(longest.section_text),
            "pages": round(len(longest.section_text) / CHARS_PER_PAGE, 1),
            "seconds": round(sec_s, 3),
            "suggestions": sec_n,
        },
        "longest_label": {
            "label": label,
            "chars": len(whole),
            "pages": round(len(whole) / CHARS_PER_PAGE, 1),
            "seconds": round(lab_s, 3),
            "suggestions": lab_n,
        },
    }
