"""The curation assistant's entry points: suggest adverse reactions in a text, or in TAC records.

Every suggestion is a verbatim span of the text (``text[start:start+length] == mention``), so a
curator can paste it as the claim's quote and the build's quote check will accept it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from kg.suggest.context import TextLayout, guess_section, stated_frequency
from kg.suggest.model import DEFAULT_MODEL_DIR, Model
from kg.suggest.tac import AdverseEvent, TacRecord

__all__ = [
    "AdverseReactionSuggestion",
    "default_model",
    "suggest_adverse_reactions",
    "suggest_tac",
]

# cues that veto a suggestion whatever the classifier says: the drug's indication ("used against
# seizures gout") and page furniture ("For the latest COVID information Click Here")
VETO_CUES = ("rule:indication", "rule:furniture")


@dataclass(frozen=True)
class AdverseReactionSuggestion:
    """A suggested adverse reaction at its first occurrence in the text.

    ``other_starts`` lists later occurrences of the same string; ``frequency`` is the frequency
    the text states, verbatim: a number at any occurrence (a table row's first number, "(12%)")
    or else a word at the first occurrence that has one ("common").
    """

    mention: str
    start: int
    length: int
    meddra_pt_term: str | None
    meddra_pt_id: int | None
    meddra_llt_term: str | None
    meddra_llt_id: int | None
    confidence: float
    frequency: str | None = None
    other_starts: tuple[int, ...] = ()


@lru_cache(maxsize=1)
def default_model() -> Model:
    """The shipped model (``kg/suggest/model/``), loaded once."""
    return Model.load(DEFAULT_MODEL_DIR)


def suggest_adverse_reactions(
    text: str,
    section: str | None = None,
    model: Model | None = None,
    threshold: float | None = None,
) -> list[AdverseReactionSuggestion]:
    """Adverse reactions in ``text`` with confidence >= ``threshold`` (default: the model's).

    ``section`` is a TAC section name ("adverse reactions", "warnings and precautions", "boxed
    warnings"); None guesses it from the headings (or leaves it unknown). Sorted by start.
    """
    model = model or default_model()
    cut = model.threshold if threshold is None else threshold
    if section is None:
        section = guess_section(text)
    layout = TextLayout.of(text)
    out = []
    for cand, conf in model.score_text(text, section):
        occ = cand.occurrences
        if all(any(c in o.cues for c in VETO_CUES) for o in occ):
            conf = 0.0
        if conf < cut:
            continue
        first = occ[0]
        # a number anywhere (table row, "(12%)") beats a word ("common") at the first occurrence
        freq = next(
            (f for o in occ if (f := stated_frequency(layout, o.start, o.end, words=False))),
            None,
        ) or next((f for o in occ if (f := stated_frequency(layout, o.start, o.end))), None)
        e = cand.entry
        out.append(
            AdverseReactionSuggestion(
                mention=text[first.start : first.end],
                start=first.start,
                length=first.end - first.start,
                meddra_pt_term=e.pt_term,
                meddra_pt_id=e.pt_id,
                meddra_llt_term=e.llt_term,
                meddra_llt_id=e.llt_id,
                confidence=round(conf, 4),
                frequency=freq,
                other_starts=tuple(o.start for o in occ[1:]),
            )
        )
    return sorted(out, key=lambda s: (s.start, s.length))


def suggest_tac(
    records: Sequence[TacRecord], model: Model | None = None, threshold: float | None = None
) -> list[TacRecord]:
    """The same records with ``adverse_events`` predicted (any input events are ignored).

    Events follow the set's convention: one per distinct mention string per section, at its
    first case-insensitive occurrence (``section_text.lower().find(mention)``), source
    "suggested"; the mention is the text's own characters there.
    """
    out = []
    for rec in records:
        text = rec.section_text
        low = text.lower()
        if len(low) != len(text):  # lower-casing changed lengths: offsets would not carry over
            low = ""
        events = []
        for s in suggest_adverse_reactions(text, rec.section_name, model, threshold):
            at = low.find(s.mention.lower())
            start = s.start if at < 0 else at
            events.append(
                AdverseEvent(
                    mention=text[start : start + s.length],
                    pt_term=s.meddra_pt_term,
                    pt_id=s.meddra_pt_id,
                    llt_term=s.meddra_llt_term,
                    llt_id=s.meddra_llt_id,
                    start=start,
                    length=s.length,
                    source="suggested",
                )
            )
        out.append(TacRecord(rec.label_id, rec.section_name, text, tuple(events)))
    return out
