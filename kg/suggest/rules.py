"""Rule-based suggestions for the claims a label states in set phrases: indications,
contraindications, interactions and dosing regimens.

Labels and leaflets word these few ways ("indicated for", "must not be used", "should not be
used with", "100 mg once daily"), so a cue in a sentence plus a known name in the same sentence
is a good first draft; the curator checks each one. Names come from a :class:`Vocabulary` (the
corpus's entities, their synonyms and brand names, and the ontology's drug classes), so every
suggested object is an entity or class the build knows. A suggestion's quote is the sentence
it was read from, verbatim (``text[start:end]``); its confidence says how specific the cue was
(a rule-based score, not a trained probability: the adverse-reaction model is the trained one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Final

from kg.suggest.context import TextLayout

__all__ = ["Name", "RuleSuggestion", "Vocabulary", "suggest_by_rules"]


@dataclass(frozen=True)
class Name:
    """What a name in the text refers to: an entity id (or an ontology class) and its kind."""

    ref: str
    kind: str
    """``drug``, ``vaccine``, ``condition``, ``adverse-event``, ``population`` ... or ``class``"""


@dataclass
class Vocabulary:
    """Names to look for (matched case-insensitively on word boundaries, longest first)."""

    names: Mapping[str, Name]
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            alternatives = sorted(
                (re.escape(n) for n in self.names if len(n) >= 3), key=len, reverse=True
            )
            body = "|".join(alternatives) or r"(?!x)x"
            # a plural ("biological DMARDs") names the same thing
            self._pattern = re.compile(
                rf"(?<![\w-])(?P<name>{body})(?:e?s)?(?![\w-])", re.IGNORECASE
            )
        return self._pattern

    def find(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, Name]]:
        lowered = {k.casefold(): v for k, v in self.names.items()}
        for m in self.pattern().finditer(text, start, end):
            found = lowered.get(m["name"].casefold())
            if found is not None:
                yield m.start(), m.end(), found


@dataclass(frozen=True)
class RuleSuggestion:
    """One suggested claim: its type (a ``ClaimType`` value), the sentence quoted, the fields
    of the claim, a confidence in [0, 1] and the cue that fired."""

    type: str
    start: int
    end: int
    fields: Mapping[str, object]
    confidence: float
    cue: str


_INDICATION: Final = (
    (re.compile(r"\bindicated (?:for|in|as)\b", re.I), "labelled", 0.8),
    (re.compile(r"\b(?:approved|licensed) (?:for|to treat)\b", re.I), "labelled", 0.75),
    (
        re.compile(r"\b(?:is|are|can be|may be) used (?:to treat|for|in|against)\b", re.I),
        "stated-use",
        0.6,
    ),
    (
        re.compile(r"\b(?:used|prescribed) (?:to treat|for the treatment of)\b", re.I),
        "stated-use",
        0.6,
    ),
    (re.compile(r"\btreatment of\b", re.I), "stated-use", 0.4),
)
_CONTRAINDICATION: Final = (
    (re.compile(r"\bcontraindicated\b", re.I), "must-not", 0.8),
    (
        re.compile(
            r"\b(?:must not|should not|do not|never) (?:be )?(?:used|given|take|use|administer(?:ed)?)\b",
            re.I,
        ),
        "must-not",
        0.55,
    ),
)
_INTERACTION: Final = (
    (
        re.compile(
            r"\b(?:must not|should not|do not|never) (?:be )?(?:used|given|taken|combined|administered)\b[^.]{0,40}\b(?:with|together|concomitant)",
            re.I,
        ),
        "must-not",
        0.7,
    ),
    (re.compile(r"\bshould not generally be used with\b", re.I), "avoid-generally", 0.75),
    (
        re.compile(
            r"\b(?:avoid|not recommended)\b[^.]{0,60}\b(?:with|concomitant|combination)\b", re.I
        ),
        "avoid",
        0.65,
    ),
    (
        re.compile(r"\b(?:concomitant|concurrent|combination|combined|together with)\b", re.I),
        "avoid",
        0.35,
    ),
    (re.compile(r"\bmay be used with\b", re.I), "acceptable", 0.6),
)
_REASON: Final = re.compile(
    r"\b(?:increased risk of|risk of|because|may increase)\b[^.;\n]{3,120}", re.I
)
_DOSE: Final = re.compile(
    r"(?P<dose>\d+(?:\.\d+)?)\s*(?:(?:to|-|\u2013)\s*(?P<dose_max>\d+(?:\.\d+)?)\s*)?"
    r"(?P<unit>mg/kg|mg/mL|mg)\b",
    re.I,
)
_FREQUENCY: Final = (
    (re.compile(r"\bonce (?:a |per )?day\b|\bonce daily\b|\bdaily\b|\bevery day\b", re.I), 1, 1),
    (re.compile(r"\bevery other week\b", re.I), 14, 14),
    (re.compile(r"\bevery (?P<n>\d+) (?P<u>days?|weeks?|months?)\b", re.I), None, None),
    (re.compile(r"\bonce (?:a |per )?week\b|\bweekly\b", re.I), 7, 7),
    (re.compile(r"\bonce (?:a |per )?month\b|\bmonthly\b", re.I), 30, 31),
)
_UNIT_DAYS: Final = {"day": 1, "week": 7, "month": 30}
_ROUTE: Final = re.compile(r"\bsubcutaneous(?:ly)?\b|\bunder the skin\b", re.I)


def _sentences(layout: TextLayout) -> Iterator[tuple[int, int]]:
    text = layout.text
    bounds = sorted(set(layout.sent_starts) | {len(text)})
    for a, b in pairwise(bounds):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b - a >= 8:
            yield a, b


def _first(
    patterns: Iterable[tuple[re.Pattern[str], str, float]], sentence: str
) -> tuple[str, float, str] | None:
    for pattern, value, confidence in patterns:
        m = pattern.search(sentence)
        if m:
            return value, confidence, m.group()
    return None


def _names(
    vocab: Vocabulary, text: str, a: int, b: int, kinds: set[str], subject: str
) -> list[Name]:
    seen: dict[str, Name] = {}
    for _, _, name in vocab.find(text, a, b):
        if name.kind in kinds and name.ref != subject:
            seen.setdefault(name.ref, name)
    return list(seen.values())


def _dosing(text: str, a: int, b: int, vocab: Vocabulary, subject: str) -> Iterator[RuleSuggestion]:
    sentence = text[a:b]
    dose = _DOSE.search(sentence)
    if dose is None:
        return
    fields: dict[str, object] = {
        "unit": dose["unit"].replace("ML", "mL").lower().replace("ml", "mL")
    }
    if dose["dose_max"]:
        fields.update(dose_min=float(dose["dose"]), dose_max=float(dose["dose_max"]))
    else:
        fields["dose"] = float(dose["dose"])
    confidence = 0.4
    for pattern, low, high in _FREQUENCY:
        m = pattern.search(sentence)
        if m is None:
            continue
        if low is None:
            n = int(m["n"]) * _UNIT_DAYS[m["u"].lower().rstrip("s")]
            low = high = n
        fields.update(dosing_frequency=m.group(), interval_min_days=low, interval_max_days=high)
        confidence = 0.6
        break
    else:
        return  # an amount without a frequency is a strength, not a regimen
    if _ROUTE.search(sentence):
        fields["route"] = "subcutaneous"
    populations = _names(vocab, text, a, b, {"population"}, subject)
    if len(populations) == 1:
        fields["population"] = populations[0].ref
        confidence += 0.1
    yield RuleSuggestion("dosing", a, b, fields, round(confidence, 2), "dose+frequency")


def suggest_by_rules(text: str, vocab: Vocabulary, subject: str) -> list[RuleSuggestion]:
    """Indications, contraindications, interactions and dosing regimens of the drug
    ``subject`` (an entity id) stated in ``text``, sorted by position then type."""
    layout = TextLayout.of(text)
    out: list[RuleSuggestion] = []
    for a, b in _sentences(layout):
        sentence = text[a:b]
        conditions = _names(vocab, text, a, b, {"condition"}, subject)
        drugs = _names(vocab, text, a, b, {"drug", "vaccine", "class"}, subject)
        contra = _first(_CONTRAINDICATION, sentence)
        inter = _first(_INTERACTION, sentence) if drugs else None
        if inter is not None:
            reason = _REASON.search(sentence)
            for d in drugs:
                fields: dict[str, object] = {"object": d.ref, "recommendation": inter[0]}
                if reason:
                    fields["reason"] = reason.group().strip()
                out.append(RuleSuggestion("interaction", a, b, fields, inter[1], inter[2]))
        elif contra is not None:
            for c in conditions:
                out.append(RuleSuggestion(
                    "contraindication", a, b, {"object": c.ref, "recommendation": contra[0]},
                    contra[1], contra[2],
                ))  # fmt: skip
        else:
            indication = _first(_INDICATION, sentence)
            if indication is not None and not re.search(
                r"\bnot\b", sentence[: sentence.lower().find(indication[2].lower())], re.I
            ):
                for c in conditions:
                    out.append(RuleSuggestion(
                        "indication", a, b, {"object": c.ref, "status": indication[0]},
                        indication[1], indication[2],
                    ))  # fmt: skip
        out += _dosing(text, a, b, vocab, subject)
    out.sort(key=lambda s: (s.start, s.type, str(sorted(s.fields.items()))))
    return out
