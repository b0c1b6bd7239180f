"""A remote SPARQL 1.1 endpoint seen through the read-only ``pyoxigraph.Store`` interface.

``kg serve --store URL`` serves a release that ``kg publish`` loaded into another store
(Oxigraph server, Fuseki, ...). The routes only use ``query``, ``quads_for_pattern`` and
``named_graphs`` (:class:`kg.store.protocol.QueryableStore`), so this adapter offers exactly those and
answers with real pyoxigraph objects: SELECT/ASK answers are SPARQL JSON parsed by
``pyoxigraph.parse_query_results``; CONSTRUCT/DESCRIBE answers are N-Triples, loaded into a
small in-memory store so the caller gets a genuine ``QueryTriples``.

The dataset mirrors the embedded store's. With ``use_default_graph_as_union`` (what every
route uses) the query is sent with ``default-graph-uri`` *and* ``named-graph-uri`` set to the
release's graphs (the SPARQL 1.1 Protocol dataset): the default graph is their union, exactly
as pyoxigraph builds it (a triple in two graphs counts twice, as it does embedded), and
``GRAPH ?g`` never sees the publication metadata graph or the staging graphs of a publish in
progress. Explicit ``default_graph``/``named_graphs`` are sent the same way, and so is a
query's own ``FROM``/``FROM NAMED``: a graph outside the release is empty, as embedded.

Queries are parsed locally first (pyoxigraph, on an empty store, nothing evaluated) so that a
syntax error is the same 400 with the same line and column as on the embedded store, and so
the query form is known before asking. Substitutions (named-query parameters) become a
``VALUES`` block at the start of the outermost ``WHERE`` group: the standard way to pre-bind
a variable, which every store understands.

Every request has a total deadline (``timeout``): past it, ``RemoteTimeout`` (the service's
time-limit 503); a store that cannot be reached or answers an HTTP error raises
``RemoteError`` naming the URL and status. Blank nodes cannot be named in a query to another
store: ``quads_for_pattern`` finds a blank-node subject again by the path it was reached by,
and a blank-node object matches nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import httpx
import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from kg.errors import ReleaseError
from kg.rdf.sparqltext import from_clauses, with_values
from kg.rdf.terms import Term, sparql_text
from kg.rdf.vocab import DCTERMS_HAS_PART, DCTERMS_IDENTIFIER, GRAPH
from kg.store.embedded import ServedRelease, pin_release
from kg.store.served import served_graphs

__all__ = [
    "META_GRAPH",
    "STAGING",
    "RemoteError",
    "RemoteStore",
    "RemoteTimeout",
    "basic_auth",
    "open_remote_release",
    "published",
]

META_GRAPH: Final = GRAPH + "published"
"""The publication metadata graph ``kg publish`` writes: ``<META_GRAPH> dcterms:identifier
"<release id>"`` and one ``<META_GRAPH> dcterms:hasPart <graph>`` per served graph."""
STAGING: Final = GRAPH + "staging/"
"""Prefix of the graphs a publish uploads before switching them in (never served)."""
_JSON: Final = "application/sparql-results+json"
_NT: Final = "application/n-triples"
_MAX_ANSWER_BYTES: Final = 512_000_000
_MAX_PATH: Final = 32
"""Blank nodes further than this from an IRI are not followed (long RDF lists)."""
_MAX_PATHS: Final = 100_000

GraphName = NamedNode | BlankNode | DefaultGraph


class RemoteError(Exception):
    """The remote store failed (unreachable, HTTP error, malformed answer). Deliberately not an
    OSError/ValueError: the executor turns those into a 400 "query failed", which this is not."""

    status = 502


class RemoteTimeout(RemoteError):
    """The remote store did not answer within the time limit."""

    status = 503


def basic_auth(user_password: str | None) -> httpx.BasicAuth | None:
    """``user:password`` as HTTP Basic authentication (None: no authentication)."""
    if not user_password:
        return None
    user, sep, password = user_password.partition(":")
    if not sep:
        raise ValueError("authentication must be given as user:password")
    return httpx.BasicAuth(user, password)


# --- the adapter ----------------------------------------------------------------------------------


class RemoteStore:
    """Read-only ``QueryableStore`` over a SPARQL 1.1 query endpoint (thread-safe); each
    ``quads_for_pattern`` is a query over the network (not ``indexed``)."""

    indexed = False

    def __init__(
        self,
        endpoint: str,
        graphs: Iterable[str],
        *,
        auth: httpx.Auth | None = None,
        timeout: float = 10.0,
        max_bytes: int = _MAX_ANSWER_BYTES,
        client: httpx.Client | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(sorted(set(graphs)))
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._owned = client is None
        self.client = client or httpx.Client(auth=auth, follow_redirects=False)
        self._paths: dict[str, tuple[NamedNode, tuple[NamedNode, ...]]] = {}
        self._parser = pyoxigraph.Store()  # always empty: parses queries, finds their form

    def close(self) -> None:
        if self._owned:
            self.client.close()

    # ------------------------------------------------------------ HTTP
    def post(self, data: list[tuple[str, str]], accept: str) -> bytes:
        """POST a protocol form to the endpoint; the whole answer within ``timeout``."""
        deadline = time.monotonic() + self.timeout
        limit = httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0))
        headers = {"Accept": accept}
        chunks: list[bytes] = []
        size = 0
        try:
            with self.client.stream(
                "POST", self.endpoint, data=dict_items(data), headers=headers, timeout=limit
            ) as reply:
                if reply.status_code >= 400:
                    text = reply.read()[:500].decode("utf-8", "replace").strip()
                    raise RemoteError(
                        f"{self.endpoint}: HTTP {reply.status_code} {reply.reason_phrase}: {text}"
                    )
                for chunk in reply.iter_bytes():
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise RemoteTimeout(
                            f"{self.endpoint}: no full answer in {self.timeout:g} s"
                        )
                    if size > self.max_bytes:
                        raise RemoteError(
                            f"{self.endpoint}: answer larger than {self.max_bytes} bytes"
                        )
                    chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise RemoteTimeout(f"{self.endpoint}: no answer in {self.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise RemoteError(f"{self.endpoint}: {type(exc).__name__}: {exc}") from exc
        return b"".join(chunks)

    def _dataset(
        self,
        union: bool,
        default_graph: GraphName | list[GraphName] | None,
        named_graphs: list[NamedNode | BlankNode] | None,
        query: str | None = None,
    ) -> list[tuple[str, str]]:
        if default_graph is not None or named_graphs is not None:
            listed = default_graph if isinstance(default_graph, list) else [default_graph]
            defaults = [g.value for g in listed if isinstance(g, NamedNode)]
            named = [g.value for g in named_graphs or () if isinstance(g, NamedNode)]
            # A graph the release does not have is empty, as on the embedded store.
            out = [("default-graph-uri", g) for g in defaults if g in self.graphs]
            out += [("named-graph-uri", g) for g in named if g in self.graphs]
            return out or [("named-graph-uri", STAGING + "none")]
        if query is not None and (clauses := from_clauses(query)) is not None and any(clauses):
            # The query's own FROM / FROM NAMED, sent as the protocol dataset so that a graph
            # outside the release (staging, publication) is empty, as on the embedded store.
            default_graph = [NamedNode(g) for g in clauses[0]]
            return self._dataset(False, default_graph, [NamedNode(g) for g in clauses[1]])
        if union:
            return [("default-graph-uri", g) for g in self.graphs] + [
                ("named-graph-uri", g) for g in self.graphs
            ]
        return []

    # ------------------------------------------------------------ Store interface
    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | list[GraphName] | None = None,
        named_graphs: list[NamedNode | BlankNode] | None = None,
        substitutions: dict[pyoxigraph.Variable, Term] | None = None,
    ) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples:
        """Run ``query`` on the remote store, answered as pyoxigraph objects (see the module)."""
        # Parse here (raises SyntaxError just as the embedded store does); nothing is evaluated
        # for SELECT/CONSTRUCT and ASK has an empty store to look at.
        local = self._parser.query(
            query, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions
        )
        bindings = [(v.value, t) for v, t in (substitutions or {}).items()]
        prologue = f"BASE <{base_iri}>\n" if base_iri else ""
        prologue += "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
        text = prologue + with_values(query, bindings)
        form = [("query", text)]
        form += self._dataset(use_default_graph_as_union, default_graph, named_graphs, query)
        if isinstance(local, pyoxigraph.QueryTriples):
            body = self.post(form, _NT)
            try:
                triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
            except (SyntaxError, ValueError) as exc:
                raise RemoteError(f"{self.endpoint}: malformed N-Triples answer: {exc}") from exc
            holder = pyoxigraph.Store()
            holder.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
            result = holder.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(result, pyoxigraph.QueryTriples)
            return result
        body = self.post(form, _JSON)
        try:  # parse once to the end so a malformed answer is the store's fault, not a 400
            parsed = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
            if isinstance(parsed, pyoxigraph.QuerySolutions):
                for _ in parsed:
                    pass
            return pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.endpoint}: malformed SPARQL JSON answer: {exc}") from exc

    def select(self, text: str, dataset: list[tuple[str, str]]) -> list[list[Term | None]]:
        """Rows of a SELECT sent as is (for this module and ``kg.publish``)."""
        body = self.post([("query", text), *dataset], _JSON)
        try:
            result = pyoxigraph.parse_query_results(body, pyoxigraph.QueryResultsFormat.JSON)
            assert isinstance(result, pyoxigraph.QuerySolutions)
            width = len(result.variables)
            return [[row[i] for i in range(width)] for row in result]
        except (SyntaxError, ValueError, AssertionError) as exc:
            raise RemoteError(f"{self.endpoint}: malformed SPARQL JSON answer: {exc}") from exc

    def quads_for_pattern(
        self,
        subject: NamedNode | BlankNode | Triple | None,
        predicate: NamedNode | None,
        object: NamedNode | BlankNode | Literal | Triple | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[Quad]:
        """The quads of the release's graphs matching the pattern (``None``: any).

        A blank node cannot be named in a query, so a blank-node subject is found again by the
        path from the IRI it was reached from (``<root> p1 ?b1 . ?b1 p2 ?b2 ...``), recorded
        when an earlier answer returned it as an object: enough for Linked Data pages, which
        follow blank nodes from their subject. An unknown blank node matches nothing."""
        if isinstance(subject, Triple) or isinstance(object, BlankNode | Triple):
            return iter(())
        if isinstance(graph_name, BlankNode | DefaultGraph) or (
            isinstance(graph_name, NamedNode) and graph_name.value not in self.graphs
        ):
            return iter(())  # the release's triples are all in named graphs
        chain = ""
        if isinstance(subject, BlankNode):
            path = self._paths.get(subject.value)
            if path is None:
                return iter(())
            root, steps = path
            node = sparql_text(root)
            for i, step in enumerate(steps):
                chain += f"GRAPH ?c{i} {{ {node} {sparql_text(step)} ?b{i} }} "
                node = f"?b{i}"
            s = node
        else:
            s = sparql_text(subject) if subject is not None else "?s"
        p = sparql_text(predicate) if predicate is not None else "?p"
        o = sparql_text(object) if object is not None else "?o"
        g = sparql_text(graph_name) if graph_name is not None else "?g"
        names = [n for n in (s, p, o, g) if n.startswith("?")] or ["(1 AS ?x)"]
        text = f"SELECT {' '.join(names)} WHERE {{ {chain}GRAPH {g} {{ {s} {p} {o} }} }}"
        rows = self.select(text, [("named-graph-uri", x) for x in self.graphs])
        if isinstance(subject, BlankNode):
            # Candidates at the end of the path: the one with this label (stores that keep
            # labels), else the only one there is.
            found = {str(row[0]) for row in rows}
            mine = f"_:{subject.value}"
            if mine in found:
                rows = [row for row in rows if str(row[0]) == mine]
            elif len(found) > 1:
                return iter(())
            rows = [row[1:] for row in rows]
        fixed: list[Term | None] = [subject, predicate, object, graph_name]
        out: list[Quad] = []
        for row in rows:
            values = iter(row)
            terms = [t if t is not None else next(values) for t in fixed]
            quad = Quad(*terms)  # type: ignore[arg-type]
            self._remember(quad)
            out.append(quad)
        return iter(out)

    def _remember(self, quad: Quad) -> None:
        """Record how a blank-node object was reached (see ``quads_for_pattern``)."""
        o, s = quad.object, quad.subject
        if not isinstance(o, BlankNode):
            return
        if isinstance(s, NamedNode):
            path: tuple[NamedNode, tuple[NamedNode, ...]] | None = (s, (quad.predicate,))
        elif isinstance(s, BlankNode) and (parent := self._paths.get(s.value)) is not None:
            path = (parent[0], (*parent[1], quad.predicate))
        else:
            path = None
        if path is not None and len(path[1]) <= _MAX_PATH:
            if len(self._paths) > _MAX_PATHS:
                self._paths.clear()
            self._paths.setdefault(o.value, path)

    def named_graphs(self) -> Iterator[NamedNode]:
        """The graphs of the published release (never staging or metadata graphs)."""
        return iter([NamedNode(g) for g in self.graphs])


def dict_items(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Repeated form fields as httpx wants them (one key, a list of values, order kept)."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def published(
    endpoint: str, *, auth: httpx.Auth | None = None, timeout: float = 30.0
) -> tuple[str | None, tuple[str, ...]]:
    """(release id, served graphs) recorded by ``kg publish`` at ``endpoint``; (None, ()) if
    nothing was published there."""
    store = RemoteStore(endpoint, (), auth=auth, timeout=timeout)
    try:
        rows = store.select(
            f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> ?p ?o }} }}", []
        )
    finally:
        store.close()
    ids = sorted(o.value for p, o in rows if p == DCTERMS_IDENTIFIER and isinstance(o, Literal))
    parts = sorted(o.value for p, o in rows if p == DCTERMS_HAS_PART and isinstance(o, NamedNode))
    return (ids[0] if ids else None), tuple(parts)


def open_remote_release(
    release_dir: Path, url: str, *, auth: httpx.Auth | None = None, timeout: float = 10.0
) -> ServedRelease:
    """The verified release folder with a :class:`RemoteStore` that must hold that very
    release: a service never answers from one release while describing another."""
    release_dir = release_dir.absolute()
    manifest, pinned = pin_release(release_dir)
    try:
        release_id, graphs = published(url, auth=auth, timeout=max(timeout, 10))
    except RemoteError as exc:
        raise ReleaseError(f"cannot read the published release: {exc}") from None
    wanted = str(manifest.get("release", "unknown"))
    if release_id is None:
        raise ReleaseError(f"{url}: no dmkg release is published there (run `kg publish`)")
    if release_id != wanted:
        raise ReleaseError(
            f"{url} holds release {release_id}, but {release_dir} is release {wanted}: "
            "publish this folder (`kg publish`) or serve the matching one"
        )
    missing = served_graphs(manifest, release_dir) - set(graphs)
    if missing:
        raise ReleaseError(
            f"{url}: the published release lacks graphs: {', '.join(sorted(missing))}"
        )
    store = RemoteStore(url, graphs, auth=auth, timeout=timeout)
    return ServedRelease(release_dir, manifest, store, None, frozenset(graphs), pinned)
