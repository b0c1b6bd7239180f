"""The few statistics every figure of the serving benchmark is made of.

Nearest-rank percentiles (a reported p99 is a latency some request really had), latency
summaries in milliseconds, and ratios that are None rather than a division by zero or NaN, so
that a missing peer leaves a gap in the report instead of an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

__all__ = ["pct", "ratio", "summary_ms"]


def pct(sorted_xs: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not sorted_xs:
        return float("nan")
    return sorted_xs[min(len(sorted_xs) - 1, max(0, math.ceil(q * len(sorted_xs)) - 1))]


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """Count, p50/p90/p99, max and mean of latencies given in seconds, in milliseconds."""
    xs = sorted(seconds)
    if not xs:
        return {"n": 0}
    return {
        "n": len(xs),
        "p50_ms": round(pct(xs, 0.5) * 1000, 2),
        "p90_ms": round(pct(xs, 0.9) * 1000, 2),
        "p99_ms": round(pct(xs, 0.99) * 1000, 2),
        "max_ms": round(xs[-1] * 1000, 2),
        "mean_ms": round(sum(xs) / len(xs) * 1000, 2),
    }


def ratio(a: Any, b: Any, digits: int = 2) -> float | None:
    """``a / b`` rounded, or None when either is missing, NaN or ``b`` is zero."""
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b:
        return None
    if math.isnan(a) or math.isnan(b):
        return None
    return round(a / b, digits)
