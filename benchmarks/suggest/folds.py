"""Deterministic k-fold split of TAC records by label (never by section)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from kg.suggest.tac import TacRecord

__all__ = ["assign_folds", "split"]


def assign_folds(labels: Sequence[str], k: int) -> dict[str, int]:
    """Labels ordered by the sha256 of their id, dealt round-robin: equal-sized folds that do
    not depend on the hash seed or on the order of the file."""
    ordered = sorted(set(labels), key=lambda s: hashlib.sha256(s.encode("utf-8")).hexdigest())
    return {label: i % k for i, label in enumerate(ordered)}


def split(
    records: Sequence[TacRecord], folds: dict[str, int], k: int
) -> tuple[list[TacRecord], list[TacRecord]]:
    """(training folds, scored fold) for fold ``k``: every section of a label on one side."""
    train = [r for r in records if folds[r.label_id] != k]
    test = [r for r in records if folds[r.label_id] == k]
    return train, test
