"""Source texts marked up: every quoted passage of the real sources sits at its selector's
offsets, the segments give back the text, and each passage knows the claims quoting it."""

from __future__ import annotations

import pytest

from kg.build import BuildResult
from kg.rdf.vocab import source_iri
from kg.release.layout import SOURCES
from kg.release.sources import read_source_text
from kg.views.models import Evidence
from kg.views.reader import Reader
from kg.views.sourcetext import segments, source_evidence, source_text

SOURCE_IDS = ["ilaris-patient-page", "kineret-patient-sheet", "pontikaki-2008-poster"]


@pytest.mark.parametrize("sid", SOURCE_IDS)
def test_every_passage_is_marked_where_its_selector_says(
    reader: Reader, built: BuildResult, sid: str
) -> None:
    raw = read_source_text(built.out / SOURCES, sid)
    assert raw is not None
    iri = source_iri(sid)
    evidence = source_evidence(reader, iri)
    _, named = reader.claims_naming(iri)
    claims = [c for c in named if c.source is not None and c.source.iri == iri]
    page = source_text(raw.decode("utf-8"), evidence, claims)
    assert "".join(s.text for s in page.segments) == page.text
    assert page.passages and all(p.placed for p in page.passages)
    marked = {m.evidence for s in page.segments for m in s.marks}
    assert marked == {ev.iri for ev in evidence}
    quoted = {ev.iri for c in claims for ev in c.evidence}
    for p in page.passages:
        assert bool(p.claims) == (p.evidence.iri in quoted)
        assert p.claims or p.notes  # a passage is there for a claim or a note
    assert [p.evidence.start for p in page.passages] == sorted(
        p.evidence.start or 0 for p in page.passages
    )
    noted = [s for s in page.segments if any(m.noted for m in s.marks)]
    assert bool(noted) == any(p.notes for p in page.passages)


def test_overlapping_passages_and_a_misplaced_one() -> None:
    text = "one two three"
    evidence = [
        Evidence(iri="urn:a", quote="one two", start=0, end=7),
        Evidence(iri="urn:b", quote="two three", start=4, end=13),
        Evidence(iri="urn:c", quote="four", start=0, end=4),  # not what the text says there
    ]
    cut = [(s.text, sorted(m.evidence for m in s.marks)) for s in segments(text, evidence)]
    assert cut == [("one ", ["urn:a"]), ("two", ["urn:a", "urn:b"]), (" three", ["urn:b"])]
    page = source_text(text, evidence, [])
    assert [(p.evidence.iri, p.placed) for p in page.passages] == [
        ("urn:c", False),
        ("urn:a", True),
        ("urn:b", True),
    ]
