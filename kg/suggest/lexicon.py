"""Term lexicon: adverse-reaction strings with their MedDRA normalisation, matched over tokens.

Entries come from the training records only (their mention strings and the PT/LLT terms the
annotators normalised them to) plus, optionally, HPO labels and synonyms. Keys are sequences of
normalised tokens (lower case, US spelling, plural stripped) so "Infections", "infection" and
"oedema"/"edema" meet; the span reported is always the text's own characters. Each entry keeps
the labels that support it, so a training label can be matched against a lexicon that does not
contain its own annotations (a jackknife: features of training candidates then look like those
of a new label).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = [
    "Entry",
    "Lexicon",
    "Match",
    "Token",
    "normalise_token",
    "tokenize",
]

_TOKEN = re.compile(r"[A-Za-z0-9]+")
# characters allowed between two tokens of one term: spaces, hyphen, slash, apostrophe
_JOIN = re.compile(r"[ \t\-/']{1,3}")
_SPELLING = (
    ("oesoph", "esoph"),
    ("oedem", "edem"),
    ("diarrhoea", "diarrhea"),
    ("haem", "hem"),
    ("aemia", "emia"),
    ("leukaem", "leukem"),
    ("anaem", "anem"),
    ("paed", "ped"),
    ("faec", "fec"),
    ("oestr", "estr"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("aesthe", "esthe"),
    ("tumour", "tumor"),
    ("behaviour", "behavior"),
    ("colour", "color"),
)
_Norm = tuple[str, int, str, int]
_KEEP_S = ("ss", "us", "is", "ous", "sis", "itis", "xis", "ps", "ys")


@dataclass(frozen=True)
class Token:
    """A word of the text with its character offsets and normalised form."""

    start: int
    end: int
    norm: str


def normalise_token(word: str) -> str:
    """Lower case, US spelling and no plural, so inflected and British forms share a key."""
    w = word.lower()
    for old, new in _SPELLING:
        if old in w and (old not in ("ise", "ised") or w.endswith(old)):
            w = w.replace(old, new)
    if len(w) > 4 and not w.isdigit():
        if w.endswith("ies"):
            w = w[:-3] + "y"
        elif w.endswith(("ches", "shes", "sses", "xes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(_KEEP_S):
            w = w[:-1]
    return w


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), normalise_token(m.group())) for m in _TOKEN.finditer(text)]


def key_of(term: str) -> tuple[str, ...]:
    return tuple(t.norm for t in tokenize(term))


@dataclass
class Entry:
    """A lexicon term: its MedDRA normalisation (when known) and who supports it.

    ``annotated[label]`` counts sections of that label where the term was annotated, and
    ``seen[label]`` sections where it occurs at all; ``names`` holds labels whose PT/LLT term it is.
    """

    key: tuple[str, ...]
    pt_term: str | None = None
    pt_id: int | None = None
    llt_term: str | None = None
    llt_id: int | None = None
    annotated: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    names: set[str] = field(default_factory=set)
    hpo: bool = False

    def available(self, exclude: str | None = None) -> bool:
        """Whether the term exists without the excluded label's own annotations."""
        if self.hpo:
            return True
        return any(k != exclude for k in self.annotated) or any(k != exclude for k in self.names)

    def counts(self, exclude: str | None = None) -> tuple[int, int]:
        """(sections annotated, sections seen), leaving out one label."""
        ann = sum(v for k, v in self.annotated.items() if k != exclude)
        seen = sum(v for k, v in self.seen.items() if k != exclude)
        return ann, max(seen, ann)


@dataclass(frozen=True)
class Match:
    """A lexicon term found at tokens ``[first, last]`` of a text (characters ``start:end``)."""

    start: int
    end: int
    first: int
    last: int
    entry: Entry
    variant: bool = False


# word-order-free matching ("elevations of bilirubin" ~ "bilirubin elevated"): direction words
# folded together, function words and "count"/"level" dropped
_BAG_SAME = {
    **dict.fromkeys(("increase", "increased", "elevated", "elevation", "elevate", "raised",
                     "high", "higher", "rise", "rised", "increasing"), "+"),
    **dict.fromkeys(("decrease", "decreased", "reduced", "reduction", "low", "lower",
                     "decreasing"), "-"),
    **dict.fromkeys(("abnormal", "abnormality", "abnormalitie"), "abnormal"),
}  # fmt: skip
_BAG_DROP = frozenset(("of", "in", "the", "a", "an", "to", "on", "at", "serum", "blood", "count",
                       "level", "value", "test"))  # fmt: skip


def bag_of(norms: Sequence[str]) -> frozenset[str] | None:
    """The order-free key of a term, or None when fewer than two content words remain."""
    words = [_BAG_SAME.get(w, w) for w in norms if w not in _BAG_DROP]
    bag = frozenset(words)
    return bag if len(bag) >= 2 and len(bag) == len(words) else None


class Lexicon:
    """Entries indexed by key in a token trie; matching returns every (nested) match."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], Entry] = {}
        self._trie: dict[str, object] = {}
        self._bags: dict[frozenset[str], list[Entry]] | None = None

    def add(self, key: tuple[str, ...]) -> Entry:
        entry = self.entries.get(key)
        if entry is None:
            entry = Entry(key)
            self.entries[key] = entry
            node = self._trie
            for tok in key:
                child = node.get(tok)
                if child is None:
                    child = {}
                    node[tok] = child
                assert isinstance(child, dict)
                node = child
            node[""] = entry
            self._bags = None
        return entry

    def _bag_index(self) -> dict[frozenset[str], list[Entry]]:
        if self._bags is None:
            bags: dict[frozenset[str], list[Entry]] = {}
            for key in sorted(self.entries):
                entry = self.entries[key]
                bag = bag_of(key) if entry.pt_id is not None else None
                if bag is not None:
                    bags.setdefault(bag, []).append(entry)
            for entries in bags.values():
                entries.sort(key=lambda e: (-sum(e.annotated.values()), e.key))
            self._bags = bags
        return self._bags

    def __len__(self) -> int:
        return len(self.entries)

    def match(
        self,
        text: str,
        tokens: Sequence[Token],
        exclude: str | None = None,
        variants: bool = False,
    ) -> list[Match]:
        """All matches over contiguous tokens (joined only by space, hyphen, slash, apostrophe);
        ``variants`` adds word-order-free matches of other spans (flagged ``variant``)."""
        out: list[Match] = []
        n = len(tokens)
        for i in range(n):
            node = self._trie
            j = i
            while j < n:
                child = node.get(tokens[j].norm)
                if not isinstance(child, dict):
                    break
                node = child
                entry = node.get("")
                if isinstance(entry, Entry) and entry.available(exclude):
                    out.append(Match(tokens[i].start, tokens[j].end, i, j, entry))
                if j + 1 < n and not _JOIN.fullmatch(text[tokens[j].end : tokens[j + 1].start]):
                    break
                j += 1
        if variants:
            exact = {(m.first, m.last) for m in out}
            bags = self._bag_index()
            for i in range(n):
                for j in range(i + 1, min(i + 6, n)):
                    if not _JOIN.fullmatch(text[tokens[j - 1].end : tokens[j].start]):
                        break
                    if (
                        (i, j) in exact
                        or tokens[i].norm in _BAG_DROP
                        or tokens[j].norm in _BAG_DROP
                    ):
                        continue
                    bag = bag_of([t.norm for t in tokens[i : j + 1]])
                    for entry in bags.get(bag, []) if bag is not None else []:
                        if entry.available(exclude):
                            out.append(Match(tokens[i].start, tokens[j].end, i, j, entry, True))
                            break
        return out

    @classmethod
    def build(
        cls,
        records: Iterable[
            tuple[str, str, Sequence[tuple[str, str | None, int | None, str | None, int | None]]]
        ],
        hpo_terms: Iterable[Sequence[str]] = (),
    ) -> Lexicon:
        """Build from (label, text, [(mention, pt, pt_id, llt, llt_id)]) and HPO name groups.

        A key's normalisation is its most frequent (PT, LLT) among the training mentions, ties
        broken by ids, so the same records always give the same lexicon.
        """
        lex = cls()
        norms: dict[tuple[str, ...], Counter[_Norm]] = defaultdict(Counter)
        name_norms: dict[tuple[str, ...], Counter[_Norm]] = defaultdict(Counter)
        texts: list[tuple[str, str]] = []
        for label, text, events in records:
            texts.append((label, text))
            keys_here: set[tuple[str, ...]] = set()
            for mention, pt, pt_id, llt, llt_id in events:
                key = key_of(mention)
                if not key:
                    continue
                keys_here.add(key)
                if pt is None or pt_id is None or llt is None or llt_id is None:
                    continue
                norms[key][(pt, pt_id, llt, llt_id)] += 1
                # a PT is its own LLT in MedDRA; an LLT term points at its PT
                for nk, norm in (
                    (key_of(pt), (pt, pt_id, pt, pt_id)),
                    (key_of(llt), (pt, pt_id, llt, llt_id)),
                ):
                    if nk:
                        lex.add(nk).names.add(label)
                        name_norms[nk][norm] += 1
            for key in sorted(keys_here):
                lex.add(key).annotated[label] += 1
        chosen: dict[tuple[str, ...], Counter[_Norm]] = {}
        for key in lex.entries:
            chosen[key] = norms[key] if norms.get(key) else name_norms.get(key, Counter())
        for group in hpo_terms:
            keys = sorted({k for k in (key_of(name) for name in group) if k})
            known = [chosen[k] for k in keys if chosen.get(k)]
            for k in keys:
                lex.add(k).hpo = True
                if not chosen.get(k) and known:
                    chosen[k] = known[0]
        for key, counter in chosen.items():
            if counter:
                (pt, pt_id, llt, llt_id), _ = min(
                    counter.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][3])
                )
                entry = lex.entries[key]
                entry.pt_term, entry.pt_id, entry.llt_term, entry.llt_id = pt, pt_id, llt, llt_id
        for label, text in texts:
            found = {m.entry.key for m in lex.match(text, tokenize(text))}
            for key in found:
                lex.entries[key].seen[label] += 1
        return lex

    def iter_sorted(self) -> Iterator[Entry]:
        for key in sorted(self.entries):
            yield self.entries[key]
