"""Context of one occurrence: layout (table row, list, heading) and cue words around it.

Labels mention many conditions that are not adverse reactions of the drug: the indication
("used against gout"), negated or hypothetical findings, events on placebo, animal studies,
page furniture. These rules name the cue a curator would look for; the classifier weighs them
(learnt from the training folds), and a few hard rules (indication, page furniture) veto.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

__all__ = [
    "TextLayout",
    "guess_section",
    "occurrence_cues",
    "stated_frequency",
]

_WORD = re.compile(r"[a-z0-9]+")
_SENT_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z*(\[])|\n\s*\n|\n\s*[*\u2022-]\s|\|")
_NUMBER = re.compile(r"(?<![\w.])(?:<\s*)?\d+(?:\.\d+)?\s*%?(?![\w.]*[a-z])", re.IGNORECASE)
_PAREN_PCT = re.compile(r"^\s*\(\s*(?:<\s*)?\d+(?:\.\d+)?\s*%[^)]{0,20}\)")
_FREQ_WORDS = re.compile(
    r"\b(very common|most common(?:ly)?|common(?:ly)?|uncommon|very rare|rare(?:ly)?|"
    r"infrequent(?:ly)?|frequent(?:ly)?)\b",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\s+|WARNING|[A-Z][A-Z ,/&()-]{6,}$)")

CUES: dict[str, tuple[str, ...]] = {
    "neg": ("no", "not", "without", "absence", "negative", "none", "neither", "nor", "denied"),
    "hypo": ("may", "might", "could", "can", "if", "potential", "possible", "risk", "should"),
    "placebo": ("placebo", "comparator", "vehicle"),
    "indic": (
        "indicated",
        "indication",
        "treat",
        "treatment",
        "against",
        "history",
        "underlying",
        "predisposed",
        "existing",
    ),
    "animal": (
        "rats",
        "rat",
        "mice",
        "mouse",
        "animal",
        "animals",
        "rabbits",
        "dogs",
        "monkeys",
        "fetal",
        "offspring",
    ),
    "monitor": ("monitor", "monitoring", "signs", "symptoms", "evaluate", "assess", "test"),
    "severity": ("severe", "serious", "fatal", "life", "threatening", "grade"),
    "report": (
        "reported",
        "occurred",
        "observed",
        "experienced",
        "developed",
        "included",
        "were",
        "was",
    ),
    "discont": ("discontinuation", "discontinued", "discontinue", "interrupt", "withdrawal"),
}
_CUE_OF: dict[str, str] = {w: name for name, words in CUES.items() for w in words}
_INDICATION = re.compile(
    r"\b(?:used (?:against|for|to treat)|indicated (?:for|in)|treatment of|to treat|for the treatment)\b[^.\n]{0,60}$",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"\b(?:click here|latest .{0,20}information|rate this page|share button)\b", re.IGNORECASE
)


@dataclass
class TextLayout:
    """Line and sentence boundaries of one text, computed once and searched by bisection."""

    text: str
    line_starts: list[int]
    sent_starts: list[int]

    @classmethod
    def of(cls, text: str) -> TextLayout:
        lines = [0] + [m.end() for m in re.finditer("\n", text)]
        sents = [0] + [m.end() for m in _SENT_END.finditer(text)]
        return cls(text, lines, sorted(set(sents) | set(lines)))

    def line(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.line_starts, pos) - 1
        end = self.line_starts[i + 1] - 1 if i + 1 < len(self.line_starts) else len(self.text)
        return self.line_starts[i], end

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sent_starts, pos) - 1
        end = self.sent_starts[i + 1] if i + 1 < len(self.sent_starts) else len(self.text)
        return self.sent_starts[i], end


def occurrence_cues(layout: TextLayout, start: int, end: int) -> list[str]:
    """Binary cue names for the occurrence at ``start:end`` (feature names, sorted, unique)."""
    text = layout.text
    ls, le = layout.line(start)
    ss, se = layout.sentence(start)
    ss = max(ss, ls) if le - ls > 20 and "  " not in text[ls:le].strip() else ss
    line = text[ls:le]
    before = text[ss:start]
    after_line = text[end:le]
    cues: set[str] = set()
    words_before = _WORD.findall(before.lower())
    words_after = _WORD.findall(text[end:se].lower())
    for w in words_before[-6:]:
        if w in _CUE_OF:
            cues.add("b6:" + _CUE_OF[w])
    for w in words_before:
        if w in _CUE_OF:
            cues.add("bs:" + _CUE_OF[w])
    for w in words_after[:6]:
        if w in _CUE_OF:
            cues.add("a6:" + _CUE_OF[w])
    if len(words_before) > 1:
        cues.add("prev=" + words_before[-2] + "_" + words_before[-1])
    if words_before:
        cues.add("prev=" + words_before[-1])
    else:
        cues.add("prev=<s>")
    cues.add("next=" + (words_after[0] if words_after else "</s>"))
    if len(words_after) > 1:
        cues.add("next=" + words_after[0] + "_" + words_after[1])
    stripped = line.strip()
    if re.search(r"\s{3,}(?:<\s*)?\d", after_line) or "|" in line:
        cues.add("row:number")
    if _PAREN_PCT.match(text[end : end + 30]):
        cues.add("prose:pct")
    if stripped.startswith(("*", "-", "\u2022")):
        cues.add("list:bullet")
    if text[max(0, start - 2) : start].strip() == "," or text[end : end + 1] == ",":
        cues.add("list:comma")
    if len(stripped) < 90 and _HEADING.match(stripped):
        cues.add("heading")
    if text[start:end].isupper() and end - start > 1:
        cues.add("upper")
    if re.search(r"\[\s*see\b", text[end : end + 15], re.IGNORECASE):
        cues.add("xref")
    if _INDICATION.search(text[max(ss, start - 80) : start]):
        cues.add("rule:indication")
    if _FURNITURE.search(line):
        cues.add("rule:furniture")
    if text[max(0, start - 1) : start] == "(" or text[end : end + 1] == ")":
        cues.add("paren")
    return sorted(cues)


def stated_frequency(layout: TextLayout, start: int, end: int, words: bool = True) -> str | None:
    """The frequency the text gives for this occurrence, verbatim, when it gives one.

    A number further along the same table row (the drug's column comes first), a percentage in
    parentheses right after the mention, or a frequency word earlier in the sentence ("common").
    """
    text = layout.text
    _, le = layout.line(start)
    paren = _PAREN_PCT.match(text[end : end + 30])
    if paren:
        return paren.group().strip().strip("()").strip()
    row = text[end:le]
    if re.match(r"\s{3,}", row) or "|" in row[:5]:
        num = _NUMBER.search(row)
        if num:
            return num.group().strip()
    if not words:
        return None
    ss, _ = layout.sentence(start)
    ls, _ = layout.line(start)
    if text[ls:start].strip().startswith(("*", "-", "\u2022")):
        # a list item: the frequency is in the lead-in ("Common side effects:") above the list
        lead = text.rfind(":", max(0, start - 400), ls)
        ss = text.rfind("\n", 0, lead) + 1 if lead >= 0 else ss
    found = list(_FREQ_WORDS.finditer(text[max(ss, start - 400) : start]))
    if found:
        return found[-1].group()
    return None


def guess_section(text: str) -> str | None:
    """The label section a text most likely is, from its headings; None when it says nothing."""
    head = text[:3000].upper()
    if "WARNING:" in head[:600] or "BOXED WARNING" in head[:600]:
        return "boxed warnings"
    found = [
        (head.find(title), name)
        for title, name in (
            ("ADVERSE REACTIONS", "adverse reactions"),
            ("WARNINGS AND PRECAUTIONS", "warnings and precautions"),
        )
        if title in head
    ]
    return min(found)[1] if found else None
