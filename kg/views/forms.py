"""Named queries as forms: one typed input per parameter, and a picker of the values that make
sense where the release can say which.

A picker's choices, in order of precedence: the IRIs the parameter's description lists (``The
patient's age group: .../Adult or .../Child``); for an example that is one of our entities,
every entity of its kind (``drug=.../id/drug/canakinumab``: every drug); for an example that is
an ontology term, every class; for a CURIE, the external ids of that prefix our entities map to,
each named by our entity's label. Free input stays possible wherever no description lists the
values.

>>> _input_type(ParamType.DECIMAL), _input_type(ParamType.IRI)
('number', 'url')
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Final

from pydantic import BaseModel
from pyoxigraph import NamedNode

from kg.rdf import prefixes
from kg.rdf.queryfile import NamedQuery, Param, ParamType
from kg.rdf.vocab import DMKG, ID, SKOS_MATCHES
from kg.views.base import kind_id
from kg.views.reader import Reader

__all__ = ["Choice", "Field", "QueryForm", "query_forms"]

_IRI_IN_TEXT: Final = re.compile(r"https?://[^\s,;)]+[^\s,;.)]")
_MAX_CHOICES: Final = 2000
"""Suggestions offered at most (the first ones, by label)."""
_MAX_SELECT: Final = 200
"""A closed list longer than this is free input with suggestions instead of a select."""


class Choice(BaseModel):
    value: str
    label: str


class Field(BaseModel):
    """One parameter of a named query as an input."""

    name: str
    type: str
    input: str
    """``number``, ``url`` or ``text`` (the HTML input type)"""
    step: str | None = None
    pattern: str | None = None
    required: bool
    description: str
    example: str | None = None
    choices: list[Choice] = []
    closed: bool = False
    """True when ``choices`` are all the values that make sense (a select, not suggestions)"""
    choices_key: str | None = None
    """names the list of suggestions, shared by every field offering the same one"""


class QueryForm(BaseModel):
    name: str
    summary: str
    tags: list[str]
    fields: list[Field]


def _digest(values: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(values).encode("utf-8")).hexdigest()[:10]


def _input_type(t: ParamType) -> str:
    return {ParamType.INTEGER: "number", ParamType.DECIMAL: "number", ParamType.IRI: "url"}.get(
        t, "text"
    )


def _curie_choices(reader: Reader, prefix: str) -> list[Choice]:
    """The external ids of ``prefix`` our entities map to, each with our entity's label."""
    preferred = prefixes.converter().standardize_prefix(prefix)
    if preferred is None:
        return []
    found: dict[str, set[str]] = {}
    for match in SKOS_MATCHES:
        for q in reader.store.quads_for_pattern(None, match, None):
            if not isinstance(q.object, NamedNode) or not isinstance(q.subject, NamedNode):
                continue
            curie = prefixes.compress(q.object.value)
            if curie is not None and curie.split(":", 1)[0] == preferred:
                found.setdefault(curie, set()).add(q.subject.value)
    labels = reader.labels(i for iris in found.values() for i in iris)
    out = []
    for curie in sorted(found):
        names = sorted({labels[i] or i for i in found[curie]})
        out.append(Choice(value=curie, label=f"{curie} ({', '.join(names)})"))
    return out


def _entity_choices(reader: Reader, example: str) -> list[Choice]:
    kind, _ = kind_id(example)
    if kind is None:
        return []
    if kind == "vocab":
        refs = reader.terms().get("Class", [])
        return [Choice(value=r.iri, label=f"{r.label or r.id} (dmkg:{r.id})") for r in refs]
    return [Choice(value=s.iri, label=s.label or s.id) for s in reader.summaries(kind)]


def _listed(reader: Reader, description: str) -> list[Choice]:
    iris = list(dict.fromkeys(_IRI_IN_TEXT.findall(description)))
    labels = reader.labels(iris)
    return [Choice(value=i, label=labels[i] or prefixes.shorten(i)) for i in iris]


def _field(reader: Reader, p: Param, example: str | None) -> Field:
    choices: list[Choice] = []
    closed, key = False, None
    if p.type is ParamType.IRI:
        choices = _listed(reader, p.description)
        closed = bool(choices)
        if not choices and example and (example.startswith((ID, DMKG))):
            choices, closed = _entity_choices(reader, example), True
            key = f"kind-{kind_id(example)[0]}"
    elif p.type is ParamType.CURIE and example:
        choices = _curie_choices(reader, example.split(":", 1)[0])
        key = f"prefix-{example.split(':', 1)[0].lower()}"
    if len(choices) > _MAX_SELECT:
        choices, closed = choices[:_MAX_CHOICES], False
    return Field(
        name=p.name,
        type=p.type.value,
        input=_input_type(p.type),
        step={ParamType.INTEGER: "1", ParamType.DECIMAL: "any"}.get(p.type),
        pattern=r"[A-Za-z][A-Za-z0-9._\-]*:\S+" if p.type is ParamType.CURIE else None,
        required=p.required,
        description=p.description,
        example=example,
        choices=choices,
        closed=closed,
        choices_key=key or f"{p.name}-{_digest(c.value for c in choices)}",
    )


def query_forms(reader: Reader, named: Mapping[str, NamedQuery]) -> list[QueryForm]:
    """A form for each named query, in name order (cached: the release never changes)."""
    return reader.cached("forms", ",".join(sorted(named)), lambda: _forms(reader, named.values()))


def _forms(reader: Reader, queries: Iterable[NamedQuery]) -> list[QueryForm]:
    return [
        QueryForm(
            name=q.name,
            summary=q.summary,
            tags=list(q.tags),
            fields=[_field(reader, p, q.example.get(p.name)) for p in q.params],
        )
        for q in sorted(queries, key=lambda q: q.name)
    ]
