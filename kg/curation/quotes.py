"""Locating verbatim quotes in source texts, and suggesting the passage a wrong quote meant."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["CONTEXT_CHARS", "Span", "closest_passage", "find_occurrences", "make_span"]

CONTEXT_CHARS = 32
"""Characters of prefix and suffix kept in a TextQuoteSelector to disambiguate the quote."""


@dataclass(frozen=True)
class Span:
    """A located quote: character offsets as in a W3C TextPositionSelector (0-based, end
    exclusive, counted in Unicode code points of the source text)."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def find_occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text`` (overlaps included)."""
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    return starts


def make_span(text: str, start: int, length: int) -> Span:
    end = start + length
    return Span(
        exact=text[start:end],
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT_CHARS) : start],
        suffix=text[end : end + CONTEXT_CHARS],
    )


def closest_passage(text: str, quote: str) -> str:
    """The stretch of ``text`` that best lines up with ``quote``: the longest block they share,
    widened to the quote's length. Shown to the curator when a quote is not found."""
    matcher = SequenceMatcher(None, text, quote, autojunk=False)
    match = matcher.find_longest_match(0, len(text), 0, len(quote))
    if match.size == 0:
        return ""
    start = max(0, match.a - match.b)
    return text[start : start + len(quote)]
