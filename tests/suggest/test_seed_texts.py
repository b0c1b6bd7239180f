"""The project's three curated sources: the adverse reactions curators recorded are suggested,
and the known traps are not.

Claims of type adverse-reaction in data/curation/*.yaml (first quote of each) and whether the
shipped model suggests a span inside that quote at its default threshold:

- ilaris-patient-page: Joint pain, Muscle pain, Abdominal pain, Dizziness, Low white blood cell
  count (leukopenia), and neutropenia: found. "Pain in the insertion site" (a machine-translation
  of injection-site pain), "Increased risk of infections" and "Reduced renal function": missed.
- pontikaki-2008-poster: "a severe cutaneous reaction" and "the intensive pain on the injection
  site" (matched word-order-free as injection site pain): found.
- kineret-patient-sheet: no adverse-reaction claims.
"""

from __future__ import annotations

import pytest
import yaml

from kg.suggest import suggest_adverse_reactions
from tests.support import ROOT

SOURCES = ("kineret-patient-sheet", "ilaris-patient-page", "pontikaki-2008-poster")
EXPECTED_FOUND = {
    ("ilaris-patient-page", "Joint pain"),
    ("ilaris-patient-page", "Muscle pain"),
    ("ilaris-patient-page", "Abdominal pain"),
    ("ilaris-patient-page", "Dizziness"),
    ("ilaris-patient-page", "Low white blood cell count (leukopenia)"),
    ("ilaris-patient-page", "and neutropenia"),
    ("pontikaki-2008-poster", "and a severe cutaneous reaction"),
    (
        "pontikaki-2008-poster",
        "The most important adverse event was the intensive pain on the injection site",
    ),
}


def _text(source: str) -> str:
    return (ROOT / "data" / "sources" / f"{source}.txt").read_text(encoding="utf-8")


def _claims() -> list[tuple[str, str]]:
    out = []
    for source in SOURCES:
        doc = yaml.safe_load((ROOT / "data" / "curation" / f"{source}.yaml").read_text("utf-8"))
        for claim in doc.get("claims", []):
            if claim.get("type") == "adverse-reaction":
                out.append((source, claim["evidence"][0]["quote"]))
    return out


def test_curated_adverse_reactions_are_suggested() -> None:
    claims = _claims()
    assert len(claims) == 11  # 9 on the Ilaris page, 2 in the poster
    found = set()
    for source, quote in claims:
        text = _text(source)
        at = text.find(quote)
        assert at >= 0, quote
        spans = suggest_adverse_reactions(text)
        if any(at <= s.start and s.start + s.length <= at + len(quote) for s in spans):
            found.add((source, quote))
    assert found >= EXPECTED_FOUND
    assert len(found) / len(claims) >= 0.7  # 8 of 11 today


@pytest.mark.parametrize(
    ("source", "trap", "context"),
    [
        # machine translation of "gout attacks": the indication, not a reaction
        ("ilaris-patient-page", "seizures", "Ilaris can also be used against seizures gout"),
        # page furniture
        ("kineret-patient-sheet", "COVID", "For the latest COVID information Click Here."),
    ],
)
def test_known_traps_are_not_suggested(source: str, trap: str, context: str) -> None:
    text = _text(source)
    assert context in text
    at = text.find(context) + context.find(trap)
    for threshold in (None, 0.01):
        spans = suggest_adverse_reactions(text, threshold=threshold)
        assert not [s for s in spans if s.start < at + len(trap) and at < s.start + s.length]
        assert trap.lower() not in {s.mention.lower() for s in spans}
