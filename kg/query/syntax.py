"""Syntax errors people can read: the undefined prefix, or the token the parser tripped on.

pyoxigraph's parse errors list every character class its grammar could have taken at the
furthest point it reached ("expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' ...":
600 characters that never name the prefix), and that point is often a token past the mistake.
So a failed query is explained here, in one line:

- an undefined prefix is found by the lexer (:mod:`kg.rdf.sparqltext`): the first prefixed
  name whose prefix neither the query nor the predeclared map declares;
- a rule pyoxigraph states in words ("The SELECT contains a variable that is unbound",
  "Duplicated variable name in SELECT") is kept, at pyoxigraph's position;
- any other syntax error is located by rdflib's SPARQL 1.1 parser (pyparsing reports the token
  where the longest valid beginning of the query ends), for queries up to
  :data:`SECOND_OPINION_BYTES` that use no SPARQL 1.2 syntax (which rdflib does not know); otherwise,
  or when rdflib accepts the text, the token at pyoxigraph's position is named.

>>> explain("SELECT * WHERE { ?s foo:p ?o }", "error at 1:27: expected one of Prefix not found", {})
SyntaxProblem(detail='line 1, column 21: undefined prefix "foo" in foo:p; declare it with PREFIX foo: <...>', line=1, column=21)
>>> explain("SELECT * WHERE { ?s ?p ?o } LIMT 5", "error at 1:35: expected one of HAVING", {}).detail
'line 1, column 29: unexpected "LIMT"'
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kg.rdf.sparqltext import tokens

__all__ = ["SECOND_OPINION_BYTES", "SyntaxProblem", "explain"]

SECOND_OPINION_BYTES: Final = 20_000
"""Longest query re-parsed by rdflib to place an error (pyparsing is slow on large texts)."""

_POSITION = re.compile(r"error at (\d+):(\d+):?\s*")
_CLASSES = re.compile(r"\[[^\]]*\]")
_SPARQL12_WORDS: Final = frozenset(
    {"LATERAL", "VERSION", "TRIPLE", "ISTRIPLE", "SUBJECT", "PREDICATE", "OBJECT"}
)
_PREFIXED = re.compile(r"^([A-Za-z][\w.-]*)?:")


@dataclass(frozen=True)
class SyntaxProblem:
    """One line saying what is wrong, and where (1-based, ``None`` when unknown)."""

    detail: str
    line: int | None = None
    column: int | None = None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _where(line: int | None, column: int | None) -> str:
    return f"line {line}, column {column}: " if line is not None else ""


def _undefined_prefix(query: str, predeclared: Mapping[str, str]) -> SyntaxProblem | None:
    """The first prefixed name whose prefix nobody declared."""
    toks = tokens(query)
    declared = set(predeclared)
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "PREFIX" and i + 1 < len(toks):
            declared.add(toks[i + 1].text.rstrip(":"))
    for i, t in enumerate(toks):
        if t.kind != "word" or (i > 0 and toks[i - 1].text.upper() == "PREFIX"):
            continue
        m = _PREFIXED.match(t.text)
        if m is None or t.text.startswith("_:"):
            continue
        prefix = m.group(1) or ""
        if prefix not in declared:
            line, column = _line_column(query, t.pos)
            name = t.text.rstrip(".;,")
            shown = f'prefix "{prefix}"' if prefix else "empty prefix"
            return SyntaxProblem(
                f"{_where(line, column)}undefined {shown} in {name}; "
                f"declare it with PREFIX {prefix}: <...>",
                line,
                column,
            )
    return None


def _rdflib_position(query: str) -> int | None:
    """Where rdflib's parser stops (a character offset), None if it accepts the query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(query)
    except ParseException as exc:
        return int(exc.loc)
    except Exception:  # a second opinion only: any other failure is no opinion
        return None
    return None


def _unexpected(query: str, offset: int) -> SyntaxProblem:
    line, column = _line_column(query, offset)
    token = next((t for t in tokens(query) if t.pos >= offset), None)
    if token is None:
        return SyntaxProblem(f"{_where(line, column)}unexpected end of query", line, column)
    line, column = _line_column(query, token.pos)
    text = token.text if len(token.text) <= 40 else token.text[:37] + "..."
    return SyntaxProblem(f'{_where(line, column)}unexpected "{text}"', line, column)


def _offset(query: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column (clamped to the text)."""
    starts = [0] + [m.end() for m in re.finditer(r"\n", query)]
    start = starts[min(max(line, 1), len(starts)) - 1]
    return min(start + max(column, 1) - 1, len(query))


def _rule(message: str) -> str | None:
    """A rule pyoxigraph's grammar states in words, among the alternatives it expected."""
    items = _CLASSES.sub("", _POSITION.sub("", message)).removeprefix("expected one of ")
    for item in (i.strip() for i in " ".join(items.split()).split(",")):
        words = item.removeprefix("expected ").split()
        if len(words) > 1 and words[0][:1].isupper() and not item.startswith('"'):
            return " ".join(words)
    return None


def _sparql12(query: str) -> bool:
    """Whether ``query`` uses SPARQL 1.2 syntax, which rdflib's parser does not know."""
    toks = tokens(query)
    pairs = itertools.pairwise(toks)
    return (
        any(t.text.upper() in _SPARQL12_WORDS for t in toks)
        or any(a.text + b.text in ("<<", ">>", "{|", "|}") and b.pos == a.pos + 1 for a, b in pairs)
        or any(t.text == "~" for t in toks)
    )


def explain(query: str, message: str, predeclared: Mapping[str, str]) -> SyntaxProblem:
    """One line for pyoxigraph's ``SyntaxError`` ``message`` about ``query``."""
    found = _undefined_prefix(query, predeclared)
    if found is not None:
        return found
    m = _POSITION.search(message)
    rule = _rule(message)
    if rule is not None:
        line, column = (int(m[1]), int(m[2])) if m else (None, None)
        return SyntaxProblem(_where(line, column) + rule, line, column)
    if len(query.encode("utf-8", "surrogatepass")) <= SECOND_OPINION_BYTES and not _sparql12(query):
        offset = _rdflib_position(query)
        if offset is not None:
            return _unexpected(query, offset)
    if m:
        return _unexpected(query, _offset(query, int(m[1]), int(m[2])))
    return SyntaxProblem(" ".join(message.split())[:300])
