"""SPARQL as text: the one lexer, and the few rewrites the project makes to query text.

Why a lexer at all: the guards must refuse ``SERVICE`` or an update keyword wherever it hides,
the SHACL engine splits ``sh:select`` texts, named-query parameters are pre-bound as a
``VALUES`` block, and a query's ``FROM`` clauses are sent to remote stores as the protocol
dataset. All of them need the same answer to "is this a keyword, or inside a string, an IRI
or a comment?", so there is one token pattern. It errs towards code: anything it cannot place
is a punctuation token.

Why ``VALUES`` and not pyoxigraph's ``substitutions`` for parameters: substitutions bind the
variable but do not change the plan, so a query that starts from ``?drug`` still scans every
drug and filters afterwards (6 s instead of 7 ms for the provenance query at 1,000 synthetic
drugs). A ``VALUES`` block is the standard way to pre-bind, every store understands it, and the
optimiser joins from it. Only typed, validated terms are written, in their N-Triples form
(:func:`kg.rdf.terms.sparql_text`), so raw input never becomes query text.

>>> [t.text for t in tokens('SELECT * { ?s <urn:p> "}" } # }')]
['SELECT', '*', '{', '?s', '<urn:p>', '"}"', '}']
>>> with_values("SELECT ?x WHERE { ?x ?p ?o }", [("p", NamedNode("urn:p"))])
'SELECT ?x WHERE { VALUES (?p) { (<urn:p>) }  ?x ?p ?o }'
>>> star_columns("SELECT * WHERE { ?s ?p ?o }", ["o", "p", "s"])
['s', 'p', 'o']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from pyoxigraph import NamedNode

from kg.rdf.terms import Term, sparql_text

__all__ = [
    "TOKEN",
    "Token",
    "from_clauses",
    "iris_block",
    "keyword",
    "star_columns",
    "tokens",
    "values_block",
    "where_brace",
    "with_values",
]

TOKEN: Final = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7]+)
    | (?P<word>[\w:][\w.\-:%\\\u00B7]*)
    | (?P<punct>\|\||&&|!=|<=|>=|\^\^|.)
    """,
    re.VERBOSE | re.DOTALL,
)
"""SPARQL tokens: white space, comments, strings, IRIs, variables, words (keywords, prefixed
names, numbers) and punctuation (two-character operators first)."""


@dataclass(frozen=True)
class Token:
    kind: str
    """``string``, ``iri``, ``var``, ``word`` or ``punct``."""
    text: str
    pos: int


def tokens(text: str, *, strings: bool = True) -> list[Token]:
    """The tokens of ``text`` without white space and comments (and without string literals
    when ``strings`` is false)."""
    skip = {"ws", "comment"} if strings else {"ws", "comment", "string"}
    return [
        Token(m.lastgroup or "punct", m.group(), m.start())
        for m in TOKEN.finditer(text)
        if m.lastgroup not in skip
    ]


def keyword(token: Token) -> str | None:
    """The upper-cased keyword a ``word`` token is (``select`` -> ``SELECT``), else None."""
    if token.kind != "word":
        return None
    word = token.text.rstrip(".")
    return word.upper() if word and ":" not in word and word.isalpha() else None


def where_brace(query: str) -> int:
    """Offset just after the ``{`` that opens the outermost WHERE group (the one after a
    top-level ``WHERE``, else the first top-level ``{`` of a SELECT/ASK/DESCRIBE)."""
    depth, after_where, first = 0, False, -1
    for t in tokens(query):
        if t.kind == "word" and depth == 0:
            after_where = after_where or keyword(t) == "WHERE"
        elif t.text == "{":
            if depth == 0:
                if after_where:
                    return t.pos + 1
                if first < 0:
                    first = t.pos + 1
            depth += 1
        elif t.text == "}":
            depth = max(depth - 1, 0)
    if first < 0:
        raise ValueError("parameters need a query with a WHERE group")
    return first


def values_block(bindings: Sequence[tuple[str, Term]]) -> str:
    """``VALUES (?a ?b) { (t1 t2) }`` for one row of validated terms."""
    names = " ".join(f"?{name}" for name, _ in bindings)
    terms = " ".join(sparql_text(term) for _, term in bindings)
    return f"VALUES ({names}) {{ ({terms}) }}"


def with_values(query: str, bindings: Sequence[tuple[str, Term]]) -> str:
    """``query`` with a ``VALUES`` block of ``bindings`` opening its outermost WHERE group:
    every FILTER and OPTIONAL of the query sees the parameters bound."""
    if not bindings:
        return query
    at = where_brace(query)
    return f"{query[:at]} {values_block(bindings)} {query[at:]}"


def from_clauses(query: str) -> tuple[list[str], list[str]] | None:
    """The IRIs of a query's ``FROM`` and ``FROM NAMED`` clauses; None when a clause names its
    graph some other way (a prefixed name, a relative IRI) and the query must go as it is."""
    defaults: list[str] = []
    named: list[str] = []
    toks = tokens(query, strings=False)
    for i, t in enumerate(toks):
        if keyword(t) != "FROM":
            continue
        nxt = toks[i + 1 : i + 3]
        is_named = bool(nxt) and keyword(nxt[0]) == "NAMED"
        target = nxt[1] if is_named and len(nxt) > 1 else (nxt[0] if nxt else None)
        iri = target.text if target is not None else ""
        if not (target is not None and target.kind == "iri" and ":" in iri):
            return None
        (named if is_named else defaults).append(iri[1:-1])
    return defaults, named


def iris_block(iris: Iterable[str]) -> str:
    """Sorted, distinct IRIs as the body of a ``VALUES`` block (each validated as an IRI by
    pyoxigraph, so nothing can break out of the brackets)."""
    return " ".join(str(NamedNode(i)) for i in sorted(set(iris)))


def _is_select_star(toks: Sequence[Token]) -> bool:
    """Whether the query's outermost SELECT projects ``*`` (a sub-SELECT's ``*`` does not
    count: its columns are named by the outer projection)."""
    depth = 0
    for i, t in enumerate(toks):
        if t.text in ("{", "("):
            depth += 1
        elif t.text in ("}", ")"):
            depth -= 1
        elif depth == 0 and keyword(t) == "SELECT":
            rest = [x for x in toks[i + 1 : i + 3] if keyword(x) not in ("DISTINCT", "REDUCED")]
            return bool(rest) and rest[0].text == "*"
    return False


def star_columns(query: str, variables: Sequence[str]) -> list[str]:
    """The columns of a ``SELECT *`` answer in the order their variables first appear in the
    query (what Jena and most SPARQL tools show; pyoxigraph returns them in its own order).
    ``variables`` are the engine's columns, which decide which variables are in scope; any
    other query keeps them as given."""
    toks = tokens(query, strings=False)
    if not _is_select_star(toks):
        return list(variables)
    first: dict[str, int] = {}
    for t in toks:
        if t.kind == "var":
            first.setdefault(t.text[1:], t.pos)
    unseen = len(query)
    return sorted(variables, key=lambda v: first.get(v, unseen))
