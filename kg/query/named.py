"""Named queries with typed parameters: every rule that turns a raw value into an RDF term.

The header of a ``.rq`` file (:mod:`kg.rdf.queryfile`) declares typed parameters; values are
validated here and bound as RDF terms, never pasted into the query text as given, so a
parameter can not change what a query does (grlc's long-open injection problem): rdflib gets
``initBindings``, pyoxigraph a ``VALUES`` block holding the validated term's own N-Triples
form (:func:`kg.rdf.sparqltext.with_values`: it also lets the optimiser start from the bound
value). ``/queries/{name}`` and ``kg query --param`` both call :func:`bind`, so a value is
accepted or refused the same way on the web and on the command line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyoxigraph
import rdflib

from kg.query.shortforms import ShortForms
from kg.rdf import prefixes as prefixes_map
from kg.rdf.queryfile import NamedQuery, Param, ParamType, load_named_queries
from kg.rdf.sparqltext import with_values
from kg.rdf.terms import nt, to_rdflib
from kg.rdf.vocab import PREFIXES, XSD_DECIMAL, XSD_INTEGER

__all__ = [
    "Bound",
    "ParamError",
    "bind",
    "default_queries_dir",
    "load_queries",
    "rdflib_bindings",
    "run_pyoxigraph",
    "run_rdflib",
    "solutions_as_rows",
]

Bound = dict[str, pyoxigraph.NamedNode | pyoxigraph.Literal]
"""Parameter name -> the validated term bound to it."""


class ParamError(ValueError):
    """A parameter value that does not fit its declared type (names the parameter)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.name = name
        self.message = message


def default_queries_dir() -> Path:
    """``queries/`` of the source tree this package runs from, else of the working folder."""
    beside = Path(__file__).resolve().parents[2] / "queries"
    return beside if beside.is_dir() else Path("queries")


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """The named queries of ``folder`` (else of :func:`default_queries_dir`); none if absent."""
    folder = folder if folder.is_dir() else default_queries_dir()
    return load_named_queries(folder) if folder.is_dir() else {}


_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _has_space(value: str) -> bool:
    return any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value)


_ABSOLUTE = re.compile(r"https?://[^\s<>\"{}|\\^`]+")


def _iri(name: str, value: str) -> pyoxigraph.NamedNode:
    if not _ABSOLUTE.fullmatch(value):
        raise ParamError(name, f"expected an absolute http(s) IRI, got {value!r}")
    return pyoxigraph.NamedNode(value)


def _short(name: str, value: str, forms: ShortForms | None) -> pyoxigraph.NamedNode:
    """An IRI parameter given as a CURIE or a bare name, resolved against the release."""
    if forms is None and ":" not in value:
        raise ParamError(name, f"expected an absolute http(s) IRI or a CURIE, got {value!r}")
    try:
        return _iri(name, (forms or ShortForms({})).resolve(value, check=forms is not None))
    except ValueError as exc:
        raise ParamError(name, str(exc)) from None


def _term(
    param: Param, value: str, prefixes: Mapping[str, str], forms: ShortForms | None = None
) -> pyoxigraph.NamedNode | pyoxigraph.Literal:
    name = param.name
    # "$" in the patterns below would let a trailing newline in: typed values never hold
    # white space or control characters (only strings may)
    if param.type is not ParamType.STRING and _has_space(value):
        raise ParamError(name, "white space or control characters in a typed value")
    if param.type is ParamType.IRI:
        return _iri(name, value) if _ABSOLUTE.match(value) else _short(name, value, forms)
    if param.type is ParamType.CURIE:
        # the project prefix map: pattern-checked, case standardised, unknown prefixes refused
        try:
            return _iri(name, prefixes_map.expand(prefixes_map.standardize(value)))
        except prefixes_map.CurieError as exc:
            raise ParamError(name, str(exc)) from None
    if param.type is ParamType.INTEGER:
        if not re.fullmatch(r"[+-]?\d{1,18}", value):
            raise ParamError(name, f"expected an integer, got {value!r}")
        return pyoxigraph.Literal(str(int(value)), datatype=XSD_INTEGER)
    if param.type is ParamType.DECIMAL:
        if not re.fullmatch(r"[+-]?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})", value):
            raise ParamError(name, f"expected a decimal number, got {value!r}")
        return pyoxigraph.Literal(value, datatype=XSD_DECIMAL)
    if param.type is ParamType.LANGUAGE:
        if not _LANG.fullmatch(value):
            raise ParamError(name, f"expected a BCP 47 language tag, got {value!r}")
        return pyoxigraph.Literal(value.lower())
    if len(value) > 1000:
        raise ParamError(name, "longer than 1000 characters")
    return pyoxigraph.Literal(value)


def bind(
    query: NamedQuery,
    values: Mapping[str, str],
    prefixes: Mapping[str, str] = PREFIXES,
    forms: ShortForms | None = None,
) -> Bound:
    """Validate raw parameter values against the header and turn them into RDF terms; with
    the release's ``forms``, ``iri`` parameters take short forms too.

    Raises :class:`ParamError` naming the parameter: unknown, missing, or not of its type."""
    names = [p.name for p in query.params]
    unknown = sorted(set(values) - set(names))
    if unknown:
        close = difflib.get_close_matches(unknown[0], names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        takes = f"it takes {', '.join(names)}" if names else "it takes none"
        raise ParamError(unknown[0], f"not a parameter of {query.name} ({takes}){hint}")
    out: Bound = {}
    for param in query.params:
        if param.name in values:
            try:
                out[param.name] = _term(param, values[param.name], prefixes, forms)
            except ParamError:
                raise
            except ValueError as exc:  # a term the engine refuses: still the caller's value
                raise ParamError(param.name, f"invalid value: {exc}") from None
        elif param.required:
            raise ParamError(param.name, "is required")
    return out


# --- running a named query directly on an engine (differential tests, scripts) -------------
def run_pyoxigraph(
    store: pyoxigraph.Store, query: NamedQuery, bindings: Bound
) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
    """Run ``query`` with ``bindings`` pre-bound by a ``VALUES`` block."""
    text = with_values(query.text, sorted(bindings.items()))
    return store.query(text, use_default_graph_as_union=True)


def rdflib_bindings(bindings: Bound) -> dict[str, rdflib.term.Identifier]:
    """The bound terms as rdflib terms, for ``initBindings``."""
    return {k: to_rdflib(v) for k, v in bindings.items()}


def run_rdflib(graph: rdflib.Graph, query: NamedQuery, bindings: Bound) -> rdflib.query.Result:
    """Run ``query`` on rdflib with ``bindings`` as ``initBindings``."""
    return graph.query(query.text, initBindings=rdflib_bindings(bindings))


def solutions_as_rows(result: object) -> Iterator[tuple[str, ...]]:
    """Rows of N-Triples term strings from either engine's SELECT result, for comparison."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = result.variables
        for sol in result:
            yield tuple(nt(sol[v]) for v in variables)
    elif isinstance(result, rdflib.query.Result):
        for row in result:
            assert isinstance(row, rdflib.query.ResultRow)
            yield tuple(nt(v) for v in row)
    else:  # pragma: no cover
        raise TypeError(f"not a SELECT result: {type(result).__name__}")
