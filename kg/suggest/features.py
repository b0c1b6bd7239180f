"""Candidates (distinct lexicon matches of one section) and the features the classifier reads.

A candidate is a distinct mention string of a section (lower-cased surface), with every place it
occurs: the TAC set records each distinct mention once per section, so the question the model
answers is "is this string an adverse reaction of the drug here?", judged from all its
occurrences together (one in a table row with a percentage settles it; one in a heading or after
"patients with" does not).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kg.suggest.context import TextLayout, occurrence_cues
from kg.suggest.lexicon import Entry, Lexicon, Match, tokenize

__all__ = ["Candidate", "Occurrence", "candidate_features", "find_candidates"]


@dataclass(frozen=True)
class Occurrence:
    """One place a candidate occurs; ``maximal`` when no longer match covers it."""

    start: int
    end: int
    maximal: bool
    cues: tuple[str, ...]
    variant: bool = False


@dataclass(frozen=True)
class Candidate:
    """A distinct mention string of one text with its lexicon entry and occurrences."""

    mention: str
    entry: Entry
    occurrences: tuple[Occurrence, ...]


def _maximal(matches: list[Match]) -> list[bool]:
    """Flags matches not strictly inside a longer match (nested terms like "pain" in
    "abdominal pain" are weak evidence on their own)."""
    longest: dict[int, int] = {}
    for m in matches:
        longest[m.first] = max(longest.get(m.first, -1), m.last)
    flags = []
    for m in matches:
        covered = any(
            longest.get(f, -1) >= m.last and (f < m.first or longest[f] > m.last)
            for f in range(m.first - 12, m.first + 1)
        )
        flags.append(not covered)
    return flags


def find_candidates(
    text: str,
    lexicon: Lexicon,
    exclude: str | None = None,
    layout: TextLayout | None = None,
    variants: bool = True,
) -> list[Candidate]:
    """Every distinct lexicon match of ``text``, in order of first occurrence."""
    layout = layout or TextLayout.of(text)
    matches = sorted(
        lexicon.match(text, tokenize(text), exclude, variants), key=lambda m: (m.start, m.end)
    )
    flags = _maximal(matches)
    grouped: dict[str, list[tuple[Match, bool]]] = {}
    for m, flag in zip(matches, flags, strict=True):
        grouped.setdefault(text[m.start : m.end].lower(), []).append((m, flag))
    out = []
    for mention, found in grouped.items():
        occ = tuple(
            Occurrence(
                m.start, m.end, flag, tuple(occurrence_cues(layout, m.start, m.end)), m.variant
            )
            for m, flag in found
        )
        out.append(Candidate(mention, found[0][0].entry, occ))
    return out


def candidate_features(
    cand: Candidate, section: str | None, text_length: int, exclude: str | None = None
) -> dict[str, float]:
    """Feature name -> value; ``exclude`` leaves a training label's own annotations out of the
    priors, so training features look like those of an unseen label."""
    entry = cand.entry
    ann, seen = entry.counts(exclude)
    prior = (ann + 0.1) / (seen + 1.0)
    f: dict[str, float] = {
        "prior": prior,
        "log_ann": math.log1p(ann),
        "log_seen": math.log1p(seen),
    }
    if ann == 0:
        f["ann0"] = 1.0
    if any(k != exclude for k in entry.names):
        f["src:name"] = 1.0
    if entry.hpo:
        f["src:hpo"] = 1.0
        if ann == 0 and not any(k != exclude for k in entry.names):
            f["src:hpo_only"] = 1.0
    if entry.pt_id is None:
        f["no_pt"] = 1.0
    ntok = len(entry.key)
    f[f"ntok={min(ntok, 4)}"] = 1.0
    if len(cand.mention) <= 5 and cand.occurrences[0].cues.count("upper"):
        f["abbrev"] = 1.0
    occ = cand.occurrences
    n = len(occ)
    n_max = sum(o.maximal for o in occ)
    f["log_occ"] = math.log1p(n)
    f["frac_max"] = n_max / n
    if n_max == 0:
        f["nested_only"] = 1.0
    f["first_pos"] = occ[0].start / max(text_length, 1)
    if occ[0].variant:
        f["variant"] = 1.0
    counts: dict[str, int] = {}
    for o in occ:
        for c in o.cues:
            counts[c] = counts.get(c, 0) + 1
    for c, k in counts.items():
        f["c:" + c] = k / n
        if not c.startswith(("prev=", "next=")):
            f["any:" + c] = 1.0
    for c in occ[0].cues:
        f["first:" + c] = 1.0
    sec = section or "unknown"
    f["sec=" + sec] = 1.0
    f["sec=" + sec + ":prior"] = prior
    return f
