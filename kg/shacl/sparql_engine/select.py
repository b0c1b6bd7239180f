"""Reading and rewriting the SELECT text of SHACL-SPARQL constraints and targets.

SHACL pre-binds ``$this`` to one focus node per query. To run a constraint over all focus
nodes at once, the engine instead joins the constraint's WHERE group with the set of focus
nodes, placed first in that group. That is the same as pre-binding wherever ``$this`` is
visible to the join: in the top-level group, its FILTERs and BINDs, in ``OPTIONAL`` groups
(a left join on ``?this``) and inside ``EXISTS`` / ``NOT EXISTS`` (evaluated per solution).
In a sub-SELECT, ``MINUS``, ``UNION`` branch, nested plain group, ``GRAPH`` or ``SERVICE``,
or in a ``BIND`` inside an ``OPTIONAL``, a substituted constant and a joined variable differ
(the variable is not yet bound there), so those are refused with ``BuildError`` rather than
answered differently. Aggregates and ``GROUP BY`` / ``HAVING`` / ``LIMIT`` / ``OFFSET`` /
trailing ``VALUES`` would mix focus nodes and are refused too.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import BuildError
from kg.rdf.sparqltext import Token, keyword, tokens

__all__ = ["SelectQuery", "parse_select"]

_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
_REFUSED_TAIL = {"GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}


@dataclass(frozen=True)
class SelectQuery:
    """A SELECT split into prologue, projection, WHERE body and solution modifiers."""

    prologue: str
    select: str  # SELECT [DISTINCT|REDUCED] <projection>, with ?this added if missing
    variables: tuple[str, ...] | None  # projected names in order; None for SELECT *
    projects_this: bool
    body: str
    tail: str
    text: str

    def _prefixes(self, prefixes: dict[str, str]) -> str:
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))

    def over_focus(self, prefixes: dict[str, str], focus: str) -> str:
        """A constraint: the focus-node pattern joined first into the WHERE group."""
        return (
            self._prefixes(prefixes)
            + self.prologue
            + f"\n{self.select} WHERE {{ {focus}\n{self.body}\n}} {self.tail}"
        )


def _group_kind(toks: list[Token], i: int) -> str:
    """What opens the group at ``toks[i]`` (a ``{``)."""
    if i + 1 < len(toks) and toks[i + 1].text.upper() == "SELECT":
        return "SELECT"
    prev = toks[i - 1].text.upper() if i else ""
    before = toks[i - 2].text.upper() if i > 1 else ""
    if before in ("GRAPH", "SERVICE", "SILENT"):
        return "GRAPH"
    if prev in ("EXISTS", "OPTIONAL", "MINUS", "UNION"):
        return prev
    return "GROUP"


def _check_this(toks: list[Token], where: str) -> None:
    """Refuse a ``$this`` whose joined value could differ from a pre-bound one.

    Contexts: ``bound`` (the WHERE group, after the focus join; EXISTS evaluated from a bound
    context), ``optional`` (an OPTIONAL of a bound group: a left join on ?this, but its BINDs
    see only the OPTIONAL's own patterns) and ``unbound`` (a nested group or UNION branch:
    evaluated before the join, so ``$this`` may only appear as a term of a triple pattern).
    """
    stack: list[str] = []  # context of each open group
    parens: list[tuple[int, str]] = []  # (group depth, token before the parenthesis)
    state = "bound"
    for i, t in enumerate(toks):
        if t.text == "{":
            kind = _group_kind(toks, i)
            if kind in ("SELECT", "MINUS", "GRAPH"):
                new = "refused:" + kind
            elif state.startswith("refused"):
                new = state
            elif kind == "EXISTS":
                new = "bound" if state in ("bound", "optional") else "refused:EXISTS"
            elif kind == "OPTIONAL":
                new = "optional" if state == "bound" else "refused:OPTIONAL"
            else:
                new = "unbound"
            stack.append(state)
            state = new
        elif t.text == "}":
            state = stack.pop() if stack else "bound"
        elif t.text == "(":
            parens.append((len(stack), toks[i - 1].text.upper() if i else ""))
        elif t.text == ")":
            if parens:
                parens.pop()
        elif t.kind == "var" and t.text[1:] == "this":
            here = [owner for depth, owner in parens if depth == len(stack)]
            if state.startswith("refused"):
                what = state.split(":", 1)[1]
                raise BuildError(
                    f"{where}: $this inside {what} {{...}} is not supported: a join with the "
                    "focus nodes would not reach it there (SHACL pre-binding would)"
                )
            if state == "optional" and "BIND" in here:
                raise BuildError(f"{where}: $this in a BIND inside OPTIONAL is not supported")
            if state == "unbound" and here:
                raise BuildError(
                    f"{where}: $this in an expression of a nested group is not supported"
                )


_NEVER = {"SERVICE"}
"""Refused in every query: the engine never fetches anything."""
_NOT_IN_CONSTRAINTS = {"MINUS", "VALUES"}
"""SHACL 5.2.1: constraints with pre-bound variables contain no MINUS, SERVICE or VALUES
(https://www.w3.org/TR/shacl/#pre-binding); nor sub-queries that could hide ``$this``."""


def _refuse_keywords(toks: list[Token], where: str, constraint: bool) -> None:
    refused = _NEVER | (_NOT_IN_CONSTRAINTS if constraint else set())
    for i, t in enumerate(toks):
        kw = keyword(t)
        if kw in refused:
            raise BuildError(
                f"{where}: {kw} is not supported (https://www.w3.org/TR/shacl/#pre-binding)"
            )
        if constraint and kw == "SELECT" and i > 0 and toks[i - 1].text == "{":
            raise BuildError(f"{where}: a sub-SELECT is not supported in a SPARQL constraint")


def parse_select(text: str, shape: str, *, constraint: bool = True) -> SelectQuery:
    """Split and check one ``sh:select`` text; ``shape`` names the shape in errors.

    ``constraint``: the text is an ``sh:sparql`` constraint (SHACL 5.2.1's restrictions
    apply), not an ``sh:SPARQLTarget`` (evaluated once, on its own: only SERVICE is
    refused)."""
    where = f"SHACL shape {shape}: sh:select"
    toks = tokens(text)
    _refuse_keywords(toks, where, constraint)
    starts = [i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "SELECT"]
    if not starts:
        raise BuildError(f"{where}: not a SELECT query")
    s = starts[0]
    prologue = text[: toks[s].pos]
    i = s + 1
    while i < len(toks) and toks[i].text != "{" and toks[i].text.upper() != "WHERE":
        i += 1
    if i >= len(toks):
        raise BuildError(f"{where}: no WHERE clause")
    proj = toks[s + 1 : i]
    open_i = i if toks[i].text == "{" else i + 1
    if open_i >= len(toks) or toks[open_i].text != "{":
        raise BuildError(f"{where}: no WHERE group")
    depth, close_i = 0, None
    for k in range(open_i, len(toks)):
        if toks[k].text == "{":
            depth += 1
        elif toks[k].text == "}":
            depth -= 1
            if depth == 0:
                close_i = k
                break
    if close_i is None:
        raise BuildError(f"{where}: unbalanced braces")
    body = text[toks[open_i].pos + 1 : toks[close_i].pos]
    tail_toks = toks[close_i + 1 :]
    tail = text[toks[close_i].pos + 1 :]
    refused = sorted({t.text.upper() for t in tail_toks if t.text.upper() in _REFUSED_TAIL})
    if refused:
        raise BuildError(f"{where}: {refused[0]} after the WHERE group is not supported")
    words = {t.text.upper() for t in proj if t.kind == "word"}
    if words & _AGGREGATES:
        raise BuildError(f"{where}: aggregates in the projection are not supported")
    body_toks = toks[open_i + 1 : close_i]
    _check_this(body_toks, where)
    modifier = ""
    if proj and proj[0].text.upper() in ("DISTINCT", "REDUCED"):
        modifier, proj = proj[0].text.upper(), proj[1:]
    variables: tuple[str, ...] | None
    if len(proj) == 1 and proj[0].text == "*":
        variables, projects_this, projection = None, True, "*"
    else:
        names = []
        depth = 0
        for k, t in enumerate(proj):
            if t.text == "(":
                depth += 1
            elif t.text == ")":
                depth -= 1
            elif t.kind == "var" and (
                depth == 0 or (k > 0 and proj[k - 1].text.upper() == "AS" and depth == 1)
            ):
                names.append(t.text[1:])
        variables = tuple(names)
        projects_this = "this" in names
        first, last = toks[s + 1].pos, toks[i].pos
        projection = text[first:last].strip()
        if modifier:
            projection = projection[len(modifier) :].strip()
        if not projects_this:
            projection = "?this " + projection
    select = f"SELECT {modifier} {projection}".replace("  ", " ")
    full = text[toks[s].pos :]
    return SelectQuery(prologue, select, variables, projects_this, body, tail, full)
