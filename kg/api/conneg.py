"""HTTP content negotiation, one helper for every route.

Existing endpoints silently ignore Accept or fall back to another type with a 200; here a
request either gets a type it accepts or ``None`` (the caller answers 406 listing the types).
The media types themselves are in :mod:`kg.rdf.media`.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["negotiate", "parse_accept"]


def parse_accept(accept: str) -> list[tuple[str, str, float, int]]:
    """``(type, subtype, q, position)`` for each media range; malformed ranges are skipped."""
    out: list[tuple[str, str, float, int]] = []
    for pos, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        if not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((main, sub, q, pos))
    return out


def _match(offer: str, ranges: list[tuple[str, str, float, int]]) -> tuple[float, int, int] | None:
    """The q of the most specific range matching ``offer``: (q, specificity, -position)."""
    main, _, sub = offer.lower().partition("/")
    best: tuple[int, float, int] | None = None
    for rmain, rsub, q, pos in ranges:
        if rmain == main and rsub == sub:
            spec = 2
        elif rmain == main and rsub == "*":
            spec = 1
        elif rmain == "*" and rsub == "*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q, pos)
    if best is None:
        return None
    return (best[1], best[0], -best[2])


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered type the client prefers most: highest q, then the more specific range, then
    the client's order, then ours. Absent or empty Accept gives ``offered[0]``; ``None`` when
    nothing offered is acceptable."""
    if not offered:
        return None
    if accept is None or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best: tuple[tuple[float, int, int, int], str] | None = None
    for index, offer in enumerate(offered):
        m = _match(offer, ranges)
        if m is None or m[0] <= 0:
            continue
        key = (m[0], m[1], m[2], -index)
        if best is None or key > best[0]:
            best = (key, offer)
    return None if best is None else best[1]
