"""Replayers for the W3C SPARQL 1.1 test suites (``tests/compliance/w3c/sparql11``).

* Protocol: each ``mf:ProtocolTest`` lists HTTP requests (``ht:``) with expected status classes,
  result formats and ASK booleans. They name graphs on the W3C's example server
  (``http://kasei.us/...``); the data of those graphs (``ut:graphData``) is loaded into a local
  release under the same graph names, so nothing is fetched.
* Query evaluation: ``mf:QueryEvaluationTest`` with a query, data and an expected result; run
  by an embedded pyoxigraph store and through the endpoint, and compared to the expected result
  up to blank-node renaming.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph
import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection

from kg.release.formats import serialize_release
from kg.release.write import write_release

# vendored (tests/compliance/w3c/sparql11/README.md); DMKG_W3C_TESTS points at another copy
W3C = Path(
    os.environ.get("DMKG_W3C_TESTS")
    or Path(__file__).resolve().parents[1] / "compliance" / "w3c" / "sparql11"
)
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
PROTOCOL_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"


def available() -> bool:
    return (W3C / "protocol" / "manifest.ttl").is_file()


def load_manifest(path: Path, base: str | None = None) -> tuple[rdflib.Graph, list[rdflib.Node]]:
    g = rdflib.Graph().parse(path, format="turtle", publicID=base or path.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    entries = g.value(manifest, MF.entries)
    return g, list(Collection(g, entries)) if entries is not None else []


# ---------------------------------------------------------------------------- releases
def release_from(quads: list[pyoxigraph.Quad], out: Path) -> Path:
    """A release folder (files + manifest) holding ``quads``, as ``kg serve`` expects."""
    ordered = sorted(
        quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
    )
    return write_release(serialize_release(ordered), ordered, out, "w3c-test")


def quads_of(path: Path, graph: str, base: str | None = None) -> list[pyoxigraph.Quad]:
    fmt = (
        pyoxigraph.RdfFormat.from_extension(path.suffix.lstrip(".")) or pyoxigraph.RdfFormat.TURTLE
    )
    g = pyoxigraph.NamedNode(graph)
    return [
        pyoxigraph.Quad(t.subject, t.predicate, t.object, g)
        for t in pyoxigraph.parse(path=str(path), format=fmt, base_iri=base or path.as_uri())
    ]


# ---------------------------------------------------------------------------- protocol
@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    id: str
    name: str
    requests: list[Request]
    graph_data: dict[str, Path] = field(default_factory=dict)  # graph name -> file

    @property
    def is_update(self) -> bool:
        first = self.requests[0]
        return "update" in self.id or "sparql-update" in first.headers.get("content-type", "")


def protocol_tests() -> list[ProtocolTest]:
    g, entries = load_manifest(W3C / "protocol" / "manifest.ttl", PROTOCOL_BASE + "manifest")
    tests = []
    for t in entries:
        action = g.value(t, MF.action)
        requests = []
        reqs = g.value(action, HT.requests)
        assert reqs is not None
        for r in Collection(g, reqs):
            headers = {}
            if (hs := g.value(r, HT.headers)) is not None:
                for h in Collection(g, hs):
                    headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
            body = None
            if (b := g.value(r, HT.body)) is not None:
                enc = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(enc.lower())
            resp = g.value(r, HT.resp)
            statuses = {str(s).removeprefix(HTS) for s in g.objects(resp, MF.expectedStatus)}
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            requests.append(
                Request(
                    str(g.value(r, HT.methodName)),
                    str(g.value(r, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    str(fmt) if fmt is not None else None,
                    str(boolean) == "true" if boolean is not None else None,
                )
            )
        data = {
            str(g.value(d, RDFS.label)): W3C / "protocol" / Path(str(g.value(d, UT.graph))).name
            for d in g.objects(t, UT.graphData)
        }
        tests.append(
            ProtocolTest(str(t).rsplit("#", 1)[1], str(g.value(t, MF.name)), requests, data)
        )
    return tests


def protocol_release(tests: Iterable[ProtocolTest], out: Path) -> Path:
    graphs: dict[str, Path] = {}
    for t in tests:
        graphs.update(t.graph_data)
    quads = [q for name, path in sorted(graphs.items()) for q in quads_of(path, name)]
    return release_from(quads, out)


FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ),
    "RDF": ("application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml"),
}


def status_class(code: int) -> str:
    return f"{code // 100}xx"


def boolean_of(media: str, body: bytes) -> bool:
    if "json" in media:
        return bool(json.loads(body)["boolean"])
    return b"<boolean>true</boolean>" in body


def endpoint_path(path: str) -> str:
    """``/sparql/?...`` of the manifest -> our ``/sparql?...``."""
    parsed = urllib.parse.urlsplit(path)
    return "/sparql" + (f"?{parsed.query}" if parsed.query else "")


def check_response(req: Request, status: int, media: str, body: bytes) -> list[str]:
    """What is wrong with an answer to ``req`` (empty: it passes)."""
    wrong = []
    if status_class(status) not in req.statuses:
        wrong.append(f"status {status}, expected {sorted(req.statuses)}")
    elif status < 300:
        media = media.split(";")[0].strip()
        if req.format and media not in FORMATS[req.format]:
            wrong.append(f"content type {media} for {req.format}")
        elif req.boolean is not None and boolean_of(media, body) != req.boolean:
            wrong.append(f"boolean is not {req.boolean}")
    elif status >= 400 and not media.startswith("application/problem+json"):
        wrong.append(f"error as {media}, not problem+json")
    return wrong


# ---------------------------------------------------------------------------- evaluation
@dataclass
class EvalTest:
    id: str
    folder: str
    query: Path
    data: list[Path]
    graph_data: list[Path]
    result: Path


SKIP_FOLDERS = {
    "service",
    "entailment",
    "syntax-fed",
    "protocol",
    "http-rdf-update",
    "graph-store-protocol",
    "service-description",
}


def eval_tests(folders: Iterable[str]) -> Iterator[EvalTest]:
    for folder in folders:
        if folder in SKIP_FOLDERS:
            continue
        path = W3C / folder / "manifest.ttl"
        g, entries = load_manifest(path)
        for t in entries:
            if (t, RDF.type, MF.QueryEvaluationTest) not in g:
                continue  # update, syntax, CSV/TSV result-format tests
            action = g.value(t, MF.action)
            query, result = g.value(action, QT.query), g.value(t, MF.result)
            if query is None or result is None:
                continue

            def local(node: rdflib.Node) -> Path:
                return Path(urllib.parse.urlsplit(str(node)).path)

            yield EvalTest(
                f"{folder}/{str(t).rsplit('#', 1)[-1]}",
                folder,
                local(query),
                [local(d) for d in g.objects(action, QT.data)],
                [local(d) for d in g.objects(action, QT.graphData)],
                local(result),
            )


Row = frozenset[tuple[str, str]]


def _term(t: Any) -> str:
    if isinstance(t, pyoxigraph.BlankNode):
        return "_:"
    if isinstance(t, pyoxigraph.Literal):
        return (
            str(pyoxigraph.Literal(t.value, datatype=t.datatype)) if t.language is None else str(t)
        )
    return str(t)


def canonical(result: Any) -> tuple[str, Any]:
    """A comparable form of a pyoxigraph query answer: (kind, value). Blank nodes are compared
    by position only (``_:``), rows as a multiset; graphs with ``isomorphic``."""
    if isinstance(result, bool):
        return "boolean", result
    if isinstance(result, pyoxigraph.QueryBoolean):
        return "boolean", bool(result)
    if isinstance(result, pyoxigraph.QuerySolutions):
        names = [v.value for v in result.variables]
        rows: dict[Row, int] = {}
        for s in result:
            row = frozenset((n, _term(s[n])) for n in names if s[n] is not None)
            rows[row] = rows.get(row, 0) + 1
        return "rows", rows
    triples = list(result)
    g = rdflib.Graph()
    for t in triples:
        g.add(tuple(_rdflib(x) for x in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    return "graph", g


def _rdflib(t: Any) -> rdflib.term.Node:
    if isinstance(t, pyoxigraph.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, pyoxigraph.BlankNode):
        return rdflib.BNode(t.value)
    lit: pyoxigraph.Literal = t
    if lit.language:
        return rdflib.Literal(lit.value, lang=lit.language)
    return rdflib.Literal(lit.value, datatype=rdflib.URIRef(lit.datatype.value))


def expected_of(path: Path) -> tuple[str, Any] | None:
    suffix = path.suffix
    if suffix in (".srx", ".srj", ".tsv", ".csv"):
        fmt = {
            ".srx": pyoxigraph.QueryResultsFormat.XML,
            ".srj": pyoxigraph.QueryResultsFormat.JSON,
            ".tsv": pyoxigraph.QueryResultsFormat.TSV,
            ".csv": pyoxigraph.QueryResultsFormat.CSV,
        }[suffix]
        return canonical(pyoxigraph.parse_query_results(path=str(path), format=fmt))
    if suffix in (".ttl", ".nt", ".rdf"):
        rfmt = pyoxigraph.RdfFormat.from_extension(suffix.lstrip("."))
        assert rfmt is not None
        return canonical(pyoxigraph.parse(path=str(path), format=rfmt, base_iri=path.as_uri()))
    return None


def same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "graph":
        from rdflib.compare import isomorphic

        return bool(isomorphic(a[1], b[1]))
    return bool(a[1] == b[1])
