"""Named SPARQL queries: ``queries/*.rq`` files with a comment header.

The header declares typed parameters; values are validated here and bound as RDF terms, never
pasted into the query text as given, so a parameter can not change what a query does (grlc's
long-open injection problem): rdflib gets ``initBindings``, pyoxigraph a ``VALUES`` block
holding the validated term's own N-Triples form (``kg.sparqltext``: it also lets the
optimiser start from the bound value).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pyoxigraph
import rdflib

from kg import prefixes as prefixes_map
from kg.sparqltext import with_values
from kg.vocab import PREFIXES

__all__ = [
    "NamedQuery",
    "Param",
    "ParamError",
    "ParamType",
    "QueryFileError",
    "bind",
    "load_named_queries",
    "parse_named_query",
    "rdflib_bindings",
    "run_pyoxigraph",
    "run_rdflib",
    "solutions_as_rows",
]


class ParamType(StrEnum):
    IRI = "iri"
    CURIE = "curie"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    LANGUAGE = "language"


class QueryFileError(ValueError):
    """A malformed header in a ``.rq`` file (names file and line)."""


class ParamError(ValueError):
    """A parameter value that does not fit its declared type (names the parameter)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    description: str
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    text: str
    form: str
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    example: Mapping[str, str] = field(default_factory=dict)
    level: str | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER = re.compile(r"^#\s*(?P<key>[a-z-]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)(?P<req>\s+required)?\s*(?P<desc>.*)$"
)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_named_query(path: Path, text: str | None = None) -> NamedQuery:
    """Read the comment header (``# summary:``, ``# tags:``, ``# param:``, ``# example:``,
    ``# level:``) of one ``.rq`` file."""
    text = path.read_text(encoding="utf-8") if text is None else text
    name = path.stem
    if not _NAME.match(name):
        raise QueryFileError(f"{path}: query names are kebab-case, got {name!r}")
    summary = ""
    tags: tuple[str, ...] = ()
    params: list[Param] = []
    example: dict[str, str] = {}
    level: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m["key"], m["value"]
        if key == "summary":
            summary = value
        elif key == "tags":
            tags = tuple(t.strip() for t in value.split(",") if t.strip())
        elif key == "level":
            level = value.upper()
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm or pm["type"] not in ParamType._value2member_map_:
                raise QueryFileError(
                    f"{path}:{lineno}: param must be 'NAME TYPE [required] description' with TYPE "
                    f"one of {', '.join(t.value for t in ParamType)}"
                )
            params.append(Param(pm["name"], ParamType(pm["type"]), pm["desc"], bool(pm["req"])))
        elif key == "example":
            for pair in value.split():
                k, _, v = pair.partition("=")
                example[k] = v
    if not summary:
        raise QueryFileError(f"{path}:1: the header needs a '# summary:' line")
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    form_match = _FORM.search(body)
    if not form_match:
        raise QueryFileError(f"{path}: no SELECT, CONSTRUCT, ASK or DESCRIBE found")
    for key in example:
        if key not in {p.name for p in params}:
            raise QueryFileError(f"{path}: example names undeclared parameter {key!r}")
    return NamedQuery(
        name, path, summary, text, form_match[1].upper(), tags, tuple(params), example, level
    )


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every ``*.rq`` directly in ``folder`` (QC checks in ``qc/`` are separate)."""
    return {q.name: q for q in (parse_named_query(p) for p in sorted(folder.glob("*.rq")))}


_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _iri(name: str, value: str) -> pyoxigraph.NamedNode:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        raise ParamError(name, f"expected an absolute http(s) IRI, got {value!r}")
    return pyoxigraph.NamedNode(value)


def _term(
    param: Param, value: str, prefixes: Mapping[str, str]
) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    name = param.name
    if param.type is ParamType.IRI:
        return _iri(name, value)
    if param.type is ParamType.CURIE:
        # the project prefix map: pattern-checked, case standardised, unknown prefixes refused
        try:
            return _iri(name, prefixes_map.expand(prefixes_map.standardize(value)))
        except prefixes_map.CurieError as exc:
            raise ParamError(name, str(exc)) from None
    if param.type is ParamType.INTEGER:
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise ParamError(name, f"expected an integer, got {value!r}")
        return pyoxigraph.Literal(
            str(int(value)), datatype=pyoxigraph.NamedNode(rdflib.XSD.integer)
        )
    if param.type is ParamType.DECIMAL:
        if not re.fullmatch(r"[+-]?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})", value):
            raise ParamError(name, f"expected a decimal number, got {value!r}")
        return pyoxigraph.Literal(value, datatype=pyoxigraph.NamedNode(rdflib.XSD.decimal))
    if param.type is ParamType.LANGUAGE:
        if not _LANG.fullmatch(value):
            raise ParamError(name, f"expected a BCP 47 language tag, got {value!r}")
        return pyoxigraph.Literal(value.lower())
    if len(value) > 1000:
        raise ParamError(name, "longer than 1000 characters")
    return pyoxigraph.Literal(value)


def bind(
    query: NamedQuery, values: Mapping[str, str], prefixes: Mapping[str, str] = PREFIXES
) -> dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal]:
    """Validate raw parameter values against the header and turn them into RDF terms."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        raise ParamError(unknown[0], f"not a parameter of {query.name}")
    out: dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal] = {}
    for param in query.params:
        if param.name in values:
            out[param.name] = _term(param, values[param.name], prefixes)
        elif param.required:
            raise ParamError(param.name, "is required")
    return out


def run_pyoxigraph(
    store: pyoxigraph.Store,
    query: NamedQuery,
    bindings: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal],
) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
    """Run ``query`` with ``bindings`` pre-bound by a ``VALUES`` block (``kg.sparqltext``)."""
    text = with_values(query.text, sorted(bindings.items()))
    return store.query(text, use_default_graph_as_union=True)


def rdflib_bindings(
    bindings: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal],
) -> dict[str, rdflib.term.Identifier]:
    out: dict[str, rdflib.term.Identifier] = {}
    for k, v in bindings.items():
        if isinstance(v, pyoxigraph.NamedNode):
            out[k] = rdflib.URIRef(v.value)
        else:
            out[k] = rdflib.Literal(
                v.value,
                lang=v.language,
                datatype=None if v.language else rdflib.URIRef(v.datatype.value),
            )
    return out


def run_rdflib(
    graph: rdflib.Graph,
    query: NamedQuery,
    bindings: Mapping[str, pyoxigraph.NamedNode | pyoxigraph.Literal],
) -> rdflib.query.Result:
    return graph.query(query.text, initBindings=rdflib_bindings(bindings))


def _nt(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.term.Node):
        return str(term.n3())
    return str(term)


def solutions_as_rows(result: object) -> Iterator[tuple[str, ...]]:
    """Rows of N-Triples term strings from either engine's SELECT result, for comparison."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = result.variables
        for sol in result:
            yield tuple(_nt(sol[v]) for v in variables)
    elif isinstance(result, rdflib.query.Result):
        for row in result:
            assert isinstance(row, rdflib.query.ResultRow)
            yield tuple(_nt(v) for v in row)
    else:  # pragma: no cover
        raise TypeError(f"not a SELECT result: {type(result).__name__}")
