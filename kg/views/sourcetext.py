"""A source text with every quoted passage and curator note marked where it stands, each mark
linked to the claims that quote it: the source page shows the whole text this way.

The text cut into segments at every span boundary (spans overlap: one sentence can carry two
claims and a note), each segment with the passages covering it. Offsets are those of the
Web Annotation position selectors (``oa:start``/``oa:end``: characters of the text), and every
passage is checked against the text before it is marked: a quote that is not where its
selector says is listed, never silently placed.

>>> from kg.views.models import Evidence
>>> segs = segments("a bc d", [Evidence(iri="urn:e", quote="bc", start=2, end=4)])
>>> [(s.text, [m.evidence for m in s.marks]) for s in segs]
[('a ', []), ('bc', ['urn:e']), (' d', [])]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from pydantic import BaseModel

from kg.views.base import iri_term
from kg.views.models import Claim, Evidence, Note, Ref
from kg.views.reader import Reader

__all__ = [
    "Mark", "Passage", "Segment", "SourceText", "passages", "segments", "source_evidence", "source_text",
]  # fmt: skip


class Mark(BaseModel):
    evidence: str
    """IRI of the passage (``oa:SpecificResource``)"""
    anchor: str
    """the id of its entry in the page's list of passages"""
    noted: bool = False
    """True when a curator's note is on this passage"""


class Segment(BaseModel):
    start: int
    text: str
    marks: list[Mark] = []


class Passage(BaseModel):
    """One quoted span of the text, the claims that quote it and the notes on it."""

    evidence: Evidence
    anchor: str
    claims: list[Ref] = []
    notes: list[Note] = []
    placed: bool = True
    """False when the text at the selector's offsets is not the quote"""


class SourceText(BaseModel):
    text: str
    segments: list[Segment]
    passages: list[Passage]


def _anchor(iri: str) -> str:
    return "ev-" + iri.rsplit("/", 1)[-1]


def passages(text: str, evidence: Iterable[Evidence], claims: Sequence[Claim]) -> list[Passage]:
    """The passages of a source in text order, each with the claims quoting it."""
    citing: dict[str, list[Ref]] = {}
    for c in claims:
        for ev in c.evidence:
            citing.setdefault(ev.iri, []).append(
                Ref(iri=c.iri, label=c.label, id=c.id, kind="claim", href=f"/id/claim/{c.id}")
            )
    out = []
    for ev in evidence:
        placed = ev.start is not None and ev.end is not None and text[ev.start : ev.end] == ev.quote
        out.append(Passage(evidence=ev, anchor=_anchor(ev.iri), claims=citing.get(ev.iri, []),
                           notes=ev.notes, placed=placed))  # fmt: skip
    out.sort(key=lambda p: (p.evidence.start or 0, p.evidence.end or 0, p.evidence.iri))
    return out


def segments(text: str, evidence: Iterable[Evidence]) -> list[Segment]:
    """The text cut at every boundary of the passages placed in it."""
    spans = [
        (ev.start, ev.end, Mark(evidence=ev.iri, anchor=_anchor(ev.iri), noted=bool(ev.notes)))
        for ev in evidence
        if ev.start is not None and ev.end is not None and text[ev.start : ev.end] == ev.quote
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        marks = [m for s, e, m in spans if s <= a and b <= e]
        out.append(Segment(start=a, text=text[a:b], marks=marks))
    return out


def source_evidence(reader: Reader, source_iri: str) -> list[Evidence]:
    """Every quoted passage of one source: claims' evidence and the passages notes are on."""
    rows = reader.select(
        "SELECT DISTINCT ?ev WHERE { ?ev oa:hasSource $s }", s=iri_term(source_iri)
    )
    return list(reader.evidence(r[0].value for r in rows).values())


def source_text(text: str, evidence: Sequence[Evidence], claims: Sequence[Claim]) -> SourceText:
    """The text, its segments and its passages (with the claims quoting each)."""
    return SourceText(text=text, segments=segments(text, evidence),
                      passages=passages(text, evidence, claims))  # fmt: skip
