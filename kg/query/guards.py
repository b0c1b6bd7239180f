"""Checks a query must pass before any engine sees it.

pyoxigraph makes outbound HTTP requests for ``SERVICE`` and crashes the whole process on deep
nesting (~2,500 ``{``, ~5,000 ``(``, ~10,000 ``!``, ~8,000 chained ``||``), so queries are
lexed here (strings, IRIs and comments skipped) and refused early: SERVICE -> 400, updates ->
403, too large -> 413, too deep or too many operators -> 400. The lexer errs towards refusing:
anything it cannot place is treated as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from kg.query.job import QueryRefused
from kg.rdf.sparqltext import Token, keyword, tokens

__all__ = ["UPDATE_KEYWORDS", "QueryInfo", "QueryLimits", "check_query", "update_refused"]

UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_FORMS: Final = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UNARY: Final = frozenset({"!", "-", "+", "^"})
_OPERATORS: Final = frozenset(
    {"||", "&&", "|", "/", "+", "-", "*", "=", "!=", "<", ">", "<=", ">="}
)
_OPEN: Final = {"{": "}", "(": ")", "[": "]"}

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryLimits:
    max_bytes: int = 100_000
    max_depth: int = 64
    max_operators: int = 2_000


@dataclass(frozen=True)
class QueryInfo:
    """What the guards learnt: the query form and the dataset it names (``FROM``)."""

    form: str
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def update_refused(detail: str) -> QueryRefused:
    """The one refusal of SPARQL Update, whichever way it was sent."""
    return QueryRefused(403, "Update refused", f"{detail}: this is a read-only endpoint; "
                        "SPARQL Update and LOAD are not allowed.")  # fmt: skip


def _decode_codepoints(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m[1] or m[2], 16))
        except (ValueError, OverflowError):
            return m[0]

    return _CODEPOINT.sub(repl, text)


def _refuse_keywords(toks: list[Token]) -> None:
    for t in toks:
        kw = keyword(t)
        if kw == "SERVICE":
            raise QueryRefused(
                400, "Federated query refused",
                "SERVICE is not allowed: this endpoint answers from its own release only.",
            )  # fmt: skip
        if kw in UPDATE_KEYWORDS:
            raise update_refused(kw)


def _check_shape(toks: list[Token], limits: QueryLimits) -> None:
    stack: list[str] = []
    depth = run = operators = 0
    for t in toks:
        kind, value = t.kind, t.text
        if kind != "punct":
            run = 0
            continue
        if value in _OPEN:
            stack.append(_OPEN[value])
            depth = max(depth, len(stack))
        elif stack and value == stack[-1]:
            stack.pop()
        run = run + 1 if value in _UNARY else 0
        operators += value in _OPERATORS
        if depth > limits.max_depth or run > limits.max_depth:
            raise QueryRefused(
                400, "Query too deeply nested",
                f"nesting of brackets or runs of unary operators deeper than {limits.max_depth}",
            )  # fmt: skip
        if operators > limits.max_operators:
            raise QueryRefused(
                400, "Query too complex",
                f"more than {limits.max_operators} operators; split the query",
            )  # fmt: skip


def _dataset(toks: list[Token]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    graphs: list[str] = []
    named: list[str] = []
    for i, t in enumerate(toks):
        if keyword(t) != "FROM":
            continue
        j = i + 1
        is_named = j < len(toks) and keyword(toks[j]) == "NAMED"
        j += is_named
        if j < len(toks):
            (named if is_named else graphs).append(toks[j].text.strip("<>"))
    return tuple(graphs), tuple(named)


def check_query(text: str, limits: QueryLimits = QueryLimits()) -> QueryInfo:
    """Refuse a query that must not reach an engine (raises ``QueryRefused``), else describe it."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise QueryRefused(
            413, "Query too large", f"the query is {size} bytes; the limit is {limits.max_bytes}",
        )  # fmt: skip
    if "\x00" in text:
        raise QueryRefused(400, "Malformed query", "the query contains a NUL character")
    toks = tokens(text, strings=False)
    _refuse_keywords(toks)
    if "\\u" in text or "\\U" in text:  # SPARQL codepoint escapes may spell a keyword
        _refuse_keywords(tokens(_decode_codepoints(text), strings=False))
    _check_shape(toks, limits)
    form = next((kw for t in toks if (kw := keyword(t)) in _FORMS), None)
    if form is None:
        raise QueryRefused(400, "Malformed query", "no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    graphs, named = _dataset(toks)
    return QueryInfo(form, graphs, named)
