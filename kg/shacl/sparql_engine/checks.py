"""What the compiler produces for the engine: target queries, checks and how their rows
become results."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib

from kg.shacl.sparql_engine.select import SelectQuery

__all__ = ["Check", "Compiled", "SparqlCheck"]


@dataclass(frozen=True)
class Check:
    """Constraints of one reporting shape: a query and how its rows become results.

    ``kind``: ``value`` (rows are ?this ?value), ``values`` (?this ?value and one flag ?_fN
    per constraint, component ``components[N]``), ``focus`` (rows are ?this), ``pattern``
    (rows are ?this ?value, filtered by Python's ``re`` as pyshacl does), ``count`` and
    ``qualified`` (rows are ?this ?_n, compared with ``low``/``high``)."""

    shape: rdflib.term.Node
    component: str
    query: str
    kind: str
    path: str = ""
    regex: re.Pattern[str] | None = None
    low: int | None = None
    high: int | None = None
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class SparqlCheck:
    """An ``sh:sparql`` constraint rewritten to run over all focus nodes at once."""

    shape: rdflib.term.Node
    query: str
    select: SelectQuery
    node_shape: bool
    path: str
    messages: tuple[str, ...]  # of the sh:sparql node, minus those equal to a shape message


@dataclass
class Compiled:
    """What the engine runs: target queries per focus key, then checks."""

    targets: dict[str, str] = field(default_factory=dict)  # focus key IRI -> SELECT ?this
    checks: list[Check] = field(default_factory=list)
    sparql: list[SparqlCheck] = field(default_factory=list)
    severity: dict[rdflib.term.Node, str] = field(default_factory=dict)
    messages: dict[rdflib.term.Node, list[rdflib.Literal]] = field(default_factory=dict)
    focus_key: dict[rdflib.term.Node, str] = field(default_factory=dict)
    graph: rdflib.Graph = field(default_factory=rdflib.Graph)  # the shapes, for messages
