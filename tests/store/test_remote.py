"""``kg publish`` and ``kg serve --store`` against a real Oxigraph server (the ``oxigraph`` CLI).

Every server (Oxigraph, ``kg serve``, the fault-injecting proxy) runs on a free loopback port
and is stopped at the end of its test or module. Expected values come from the release files.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
import pytest
from pyoxigraph import NamedNode, Quad, Triple

import kg.build
from kg.build import Paths, build
from kg.rdf.vocab import DCTERMS, GRAPH_INFERRED, GRAPH_MAPPINGS
from kg.release.layout import MANIFEST
from kg.store.publish import Endpoints, publish
from kg.store.remote import META_GRAPH, RemoteError, basic_auth, published
from tests.support import ROOT, SHORT_LIMITS, free_port, serve, stop_group, wait_until_answers

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
    "oxigraph"
)
pytestmark = pytest.mark.skipif(
    OXIGRAPH is None, reason="the oxigraph server CLI is missing (pip install -e '.[dev]')"
)
SOURCE = "https://w3id.org/dmkg/graph/source/ilaris-patient-page"
"""A graph the second release keeps, with half its triples."""


# --- servers --------------------------------------------------------------------------------------


@dataclass
class Oxigraph:
    base: str

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    def endpoints(self, base: str | None = None, **options: Any) -> Endpoints:
        root = base or self.base
        return Endpoints(f"{root}/query", f"{root}/update", f"{root}/store", **options)


@contextlib.contextmanager
def oxigraph(location: Path, timeout_s: int = 20) -> Iterator[Oxigraph]:
    """``oxigraph serve`` on a free loopback port (its own query time limit too, so a query
    the service gave up on does not keep the shared CPUs busy); stopped afterwards."""
    assert OXIGRAPH is not None
    port = free_port()
    log = (location.parent / f"{location.name}.log").open("wb")
    proc = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--timeout-s", str(timeout_s)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    server = Oxigraph(f"http://127.0.0.1:{port}")
    try:
        wait_until_answers(proc, f"{server.query}?query=ASK%20%7B%7D", 30)
        yield server
    finally:
        stop_group(proc)
        log.close()


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(parts)
            parts.append(handler.rfile.read(size))
            handler.rfile.readline()
    return handler.rfile.read(int(handler.headers.get("Content-Length") or 0))


class Proxy:
    """A loopback HTTP proxy in front of the store that records each request's method and
    Authorization header, and can drop the connection of the ``cut_put``-th PUT or answer
    400 to an update containing ``refuse``: a store failing mid-way, for real."""

    def __init__(self, upstream: str, cut_put: int | None = None, refuse: str | None = None):
        self.upstream, self.cut_put, self.refuse = upstream, cut_put, refuse
        self.seen: list[tuple[str, str | None]] = []
        self.puts = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                proxy.seen.append((self.command, self.headers.get("Authorization")))
                if self.command == "PUT":
                    proxy.puts += 1
                    if proxy.puts == proxy.cut_put:
                        self.rfile.read(100)
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                body = _read_body(self)
                if proxy.refuse and self.command == "POST" and proxy.refuse.encode() in body:
                    self._reply(400, "text/plain", b"refused by the test proxy")
                    return
                keep = ("Content-Type", "Accept")
                reply = httpx.request(
                    self.command, proxy.upstream + self.path, content=body, timeout=30,
                    headers={k: v for k, v in self.headers.items() if k in keep},
                )  # fmt: skip
                self._reply(reply.status_code, reply.headers.get("content-type", ""), reply.content)

            def _reply(self, status: int, media: str, body: bytes) -> None:
                self.send_response(status)
                if media:
                    self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def proxy_factory() -> Iterator[Callable[..., Proxy]]:
    proxies: list[Proxy] = []

    def make(upstream: str, **options: Any) -> Proxy:
        proxies.append(Proxy(upstream, **options))
        return proxies[-1]

    yield make
    for p in proxies:
        p.close()


# --- releases ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release of the repository's data (gates included when they pass, as in tests/api)."""
    out = tmp_path_factory.mktemp("remote-release") / "dist"
    paths = Paths(data=ROOT / "data", ontology=ROOT / "ontology")
    checks = tuple(kg.build.default_gates(paths))
    try:
        build(paths, out, checks)
    except Exception as exc:  # a failing gate is the gates' tests' business
        warnings.warn(f"release gates failed; using the unchecked build: {exc}", stacklevel=1)
        build(paths, out)
    return out


def _quads(release_dir: Path) -> list[Quad]:
    quads = list(
        pyoxigraph.parse(path=str(release_dir / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    )
    inferred = release_dir / "kg-inferred.ttl"
    if inferred.is_file():
        quads += [
            Quad(t.subject, t.predicate, t.object, NamedNode(GRAPH_INFERRED))
            for t in pyoxigraph.parse(path=str(inferred), format=pyoxigraph.RdfFormat.TURTLE)
        ]
    return quads


def _graphs(release_dir: Path) -> dict[str, list[Triple]]:
    out: dict[str, list[Triple]] = {}
    for q in _quads(release_dir):
        assert isinstance(q.graph_name, NamedNode)
        out.setdefault(q.graph_name.value, []).append(q.triple)
    return out


@pytest.fixture(scope="module")
def second_release(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another valid release: without the mappings graph, half of SOURCE, another id."""
    import hashlib

    out = tmp_path_factory.mktemp("remote-release-2") / "dist"
    shutil.copytree(release, out)
    quads = [q for q in _quads(release) if q.graph_name != NamedNode(GRAPH_INFERRED)]
    quads = [q for q in quads if q.graph_name != NamedNode(GRAPH_MAPPINGS)]
    source = [q for q in quads if q.graph_name == NamedNode(SOURCE)]
    drop = set(source[: len(source) // 2])
    quads = [q for q in quads if q not in drop]
    (out / "kg.trig").write_bytes(
        pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.TRIG) or b""
    )
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    manifest["release"] += "-second"
    counts: dict[str, int] = {}
    for q in quads:
        assert isinstance(q.graph_name, NamedNode)
        counts[q.graph_name.value] = counts.get(q.graph_name.value, 0) + 1
    manifest["graphs"] = counts
    manifest["files"]["kg.trig"]["sha256"] = hashlib.sha256(
        (out / "kg.trig").read_bytes()
    ).hexdigest()
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return out


# --- reading the store back ----------------------------------------------------------------------


def canonical(triples: list[Triple]) -> set[str]:
    """Triples with blank nodes renamed canonically (the store chooses its own labels)."""
    ds = pyoxigraph.Dataset([Quad(t.subject, t.predicate, t.object) for t in triples])
    ds.canonicalize(pyoxigraph.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in ds}


def construct(url: str, where: str) -> list[Triple]:
    reply = httpx.post(
        url, data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}"},
        headers={"Accept": "application/n-triples"}, timeout=30,
    )  # fmt: skip
    reply.raise_for_status()
    return list(pyoxigraph.parse(reply.content, format=pyoxigraph.RdfFormat.N_TRIPLES))


def store_graphs(url: str) -> set[str]:
    reply = httpx.post(
        url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"}, timeout=30,
    )  # fmt: skip
    return {b["g"]["value"] for b in reply.json()["results"]["bindings"]}


STATE = f"""SELECT ?id ?a ?m ?d WHERE {{
  GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <{DCTERMS}identifier> ?id }}
  {{ SELECT (COUNT(*) AS ?a) WHERE {{ GRAPH <{SOURCE}> {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?m) WHERE {{ GRAPH <{GRAPH_MAPPINGS}> {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(*) AS ?d) WHERE {{ ?s ?p ?o }} }}
}}"""
"""What a reader sees, in one query (one snapshot): release id, a graph, a dropped graph, the
default graph."""


def state(url: str) -> tuple[str, int, int, int] | None:
    reply = httpx.post(
        url, data={"query": STATE}, headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )  # fmt: skip
    rows = reply.json()["results"]["bindings"]
    if not rows:
        return None
    row = rows[0]
    return (row["id"]["value"], int(row["a"]["value"]), int(row["m"]["value"]),
            int(row["d"]["value"]))  # fmt: skip


def expected_state(release_dir: Path) -> tuple[str, int, int, int]:
    graphs = _graphs(release_dir)
    manifest = json.loads((release_dir / MANIFEST).read_text(encoding="utf-8"))
    union = canonical([t for ts in graphs.values() for t in ts])
    return (manifest["release"], len(set(graphs.get(SOURCE, []))),
            len(set(graphs.get(GRAPH_MAPPINGS, []))), len(union))  # fmt: skip


# --- kg publish ----------------------------------------------------------------------------------


def test_publish_loads_every_graph_and_the_union(release: Path, tmp_path: Path) -> None:
    with oxigraph(tmp_path / "db") as ox:
        done = publish(release, ox.endpoints())
        graphs = _graphs(release)
        manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
        assert done.release == manifest["release"] and done.previous is None
        assert set(graphs) == set(manifest["graphs"]) | {GRAPH_INFERRED}
        for graph, triples in graphs.items():  # each graph holds exactly the release's triples
            held = construct(ox.query, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
            assert canonical(held) == canonical(triples), graph
        # the default graph: the union of every graph, inferred included
        union = canonical([t for ts in graphs.values() for t in ts])
        assert canonical(construct(ox.query, "?s ?p ?o")) == union
        # the metadata graph names the release and its graphs; no staging graph is left
        assert published(ox.query) == (manifest["release"], tuple(sorted(graphs)))
        assert store_graphs(ox.query) == set(graphs) | {META_GRAPH}


def test_republish_switches_atomically(release: Path, second_release: Path, tmp_path: Path) -> None:
    old, new = expected_state(release), expected_state(second_release)
    assert old != new and old[2] > 0 and new[2] == 0
    with oxigraph(tmp_path / "db") as ox:
        publish(release, ox.endpoints())
        assert state(ox.query) == old
        seen: list[tuple[str, int, int, int] | None] = []
        done = threading.Event()

        def read() -> None:
            deadline = time.monotonic() + 120
            while not done.is_set() and time.monotonic() < deadline:
                seen.append(state(ox.query))
            seen.append(state(ox.query))

        reader = threading.Thread(target=read)
        reader.start()
        try:
            time.sleep(0.2)
            result = publish(second_release, ox.endpoints())
        finally:
            done.set()
            reader.join(timeout=60)
        assert result.previous == old[0]
        assert len(seen) > 2
        assert set(seen) <= {old, new}, set(seen) - {old, new}
        assert seen[0] == old and seen[-1] == new
        # graphs of the old release the new one lacks are gone; no staging graph is left
        assert store_graphs(ox.query) == set(_graphs(second_release)) | {META_GRAPH}


def test_failed_upload_leaves_the_previous_release(
    release: Path, second_release: Path, tmp_path: Path, proxy_factory: Callable[..., Proxy]
) -> None:
    with oxigraph(tmp_path / "db") as ox:
        publish(release, ox.endpoints())
        old = state(ox.query)
        graphs_before = store_graphs(ox.query)
        # the store stops answering in the middle of an upload (connection dropped)
        cut = proxy_factory(ox.base, cut_put=3)
        with pytest.raises(RemoteError, match=r"upload of <.*/staging/.*>: http://127\.0\.0\.1"):
            publish(second_release, ox.endpoints(cut.base))
        assert state(ox.query) == old
        assert store_graphs(ox.query) == graphs_before  # staging graphs dropped
        # the store refuses the switch (4xx): still the previous release
        refuse = proxy_factory(ox.base, refuse="MOVE")
        with pytest.raises(RemoteError, match=r"/update: HTTP 400 Bad Request"):
            publish(second_release, ox.endpoints(refuse.base))
        assert state(ox.query) == old
        assert store_graphs(ox.query) == graphs_before
        # a wrong Graph Store URL: 4xx named with its URL, nothing switched
        wrong = Endpoints(ox.query, f"{ox.base}/update", f"{ox.base}/no-such-path")
        with pytest.raises(RemoteError, match=r"/no-such-path\?graph=.*HTTP 404"):
            publish(second_release, wrong)
        assert state(ox.query) == old


def test_auth_is_sent(release: Path, tmp_path: Path, proxy_factory: Callable[..., Proxy]) -> None:
    """Oxigraph has no authentication: a proxy records what the client sends."""
    with oxigraph(tmp_path / "db") as ox:
        proxy = proxy_factory(ox.base)
        publish(release, ox.endpoints(proxy.base, auth=basic_auth("curator:s3cret")))
        token = "Basic " + base64.b64encode(b"curator:s3cret").decode()
        assert {m for m, _ in proxy.seen} == {"PUT", "POST"}
        assert all(auth == token for _, auth in proxy.seen)
        # the CLI takes it from a variable (never on the command line), and says what it did
        proxy.seen.clear()
        env = {**os.environ, "STORE_SECRET": "ops:other"}
        cli = subprocess.run(
            [sys.executable, "-m", "kg.cli", "publish", "--release", str(release),
             "--endpoint", f"{proxy.base}/query", "--update", f"{proxy.base}/update",
             "--graph-store", f"{proxy.base}/store", "--auth-env", "STORE_SECRET"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert cli.returncode == 0, cli.stderr
        assert "published" in cli.stdout and "replacing" in cli.stdout
        other = "Basic " + base64.b64encode(b"ops:other").decode()
        assert proxy.seen and all(auth == other for _, auth in proxy.seen)
        assert "\r" not in cli.stderr  # no progress bar off a terminal


# --- kg serve --store ----------------------------------------------------------------------------


@dataclass
class Pair:
    remote: str
    embedded: str


@pytest.fixture(scope="module")
def pair(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """The same release served embedded and from an Oxigraph server ``kg publish`` loaded."""
    tmp = tmp_path_factory.mktemp("remote-serve")
    with oxigraph(tmp / "db", timeout_s=5) as ox:
        publish(release, ox.endpoints())
        with (
            serve(release, tmp / "cache", **SHORT_LIMITS, store=ox.query) as remote,
            serve(release, tmp / "cache", **SHORT_LIMITS) as embedded,
        ):
            yield Pair(remote.base, embedded.base)


def both(
    pair: Pair, method: str, path: str, **kwargs: Any
) -> tuple[httpx.Response, httpx.Response]:
    return tuple(  # type: ignore[return-value]
        httpx.request(method, base + path, timeout=60, **kwargs)
        for base in (pair.remote, pair.embedded)
    )


SELECT = """PREFIX dmkg: <https://w3id.org/dmkg/vocab/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?drug ?label (COUNT(?claim) AS ?claims) WHERE {
  ?drug a dmkg:Drug ; rdfs:label ?label . OPTIONAL { ?claim dmkg:hasSubject ?drug }
} GROUP BY ?drug ?label ORDER BY ?label"""


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/tab-separated-values"])
def test_select_answers_alike(pair: Pair, accept: str) -> None:
    remote, embedded = both(
        pair, "POST", "/sparql", data={"query": SELECT}, headers={"Accept": accept}
    )
    assert remote.status_code == embedded.status_code == 200
    assert remote.headers["content-type"] == embedded.headers["content-type"]
    assert remote.content == embedded.content
    assert len(remote.content.splitlines()) > 1 or b'"bindings":[{' in remote.content


def test_whole_union_counts_alike(pair: Pair) -> None:
    """The default graph is the union as pyoxigraph counts it: a triple once per graph."""
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query})
    assert remote.json() == embedded.json()
    graphs = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    remote, embedded = both(pair, "GET", "/sparql", params={"query": graphs})
    assert remote.json() == embedded.json()  # the metadata graph is not visible


@pytest.mark.parametrize(
    "query, params",
    [
        (f"SELECT ?s ?p ?o FROM <{META_GRAPH}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_INFERRED}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{GRAPH_MAPPINGS}> FROM NAMED <{META_GRAPH}> "
         "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", {"default-graph-uri": GRAPH_MAPPINGS}),
    ],
)  # fmt: skip
def test_datasets_alike(pair: Pair, query: str, params: dict[str, str]) -> None:
    """FROM and protocol graphs select graphs of the release; any other graph (the publication
    or a staging graph) is empty, as on the embedded store."""
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query, **params})
    assert remote.status_code == embedded.status_code == 200
    assert remote.json() == embedded.json()


@pytest.mark.parametrize("query, expected", [
    ("ASK { <https://w3id.org/dmkg/id/drug/anakinra> ?p ?o }", True),
    ("ASK { <https://w3id.org/dmkg/id/drug/no-such-drug> ?p ?o }", False),
])  # fmt: skip
def test_ask_answers_alike(pair: Pair, query: str, expected: bool) -> None:
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query})
    assert remote.json() == embedded.json() == {"head": {}, "boolean": expected}


def test_construct_answers_alike(pair: Pair) -> None:
    query = ("CONSTRUCT { ?c ?p ?o } WHERE { ?c <https://w3id.org/dmkg/vocab/hasSubject> "
             "<https://w3id.org/dmkg/id/drug/anakinra> ; ?p ?o }")  # fmt: skip
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query},
                            headers={"Accept": "text/turtle"})  # fmt: skip
    assert remote.headers["content-type"].startswith("text/turtle")
    parsed = [
        list(pyoxigraph.parse(r.content, format=pyoxigraph.RdfFormat.TURTLE))
        for r in (remote, embedded)
    ]
    assert parsed[0] and canonical(parsed[0]) == canonical(parsed[1])


def test_named_query_answers_alike(pair: Pair) -> None:
    path = "/queries/adverse-events.json?drug=https://w3id.org/dmkg/id/drug/anakinra"
    remote, embedded = both(pair, "GET", path)
    assert remote.status_code == embedded.status_code == 200
    assert remote.json() == embedded.json() and remote.json()["results"]["bindings"]


def test_monograph_is_the_same(pair: Pair) -> None:
    remote, embedded = both(pair, "GET", "/drugs/anakinra")
    assert remote.status_code == embedded.status_code == 200
    assert remote.json() == embedded.json()


@pytest.mark.parametrize("path", ["/id/drug/anakinra", "/vocab/Interleukin1Inhibitor"])
def test_linked_data_pages_alike(pair: Pair, path: str) -> None:
    remote, embedded = both(pair, "GET", path, headers={"Accept": "text/turtle"})
    assert remote.status_code == embedded.status_code == 200
    parsed = [
        list(pyoxigraph.parse(r.content, format=pyoxigraph.RdfFormat.TURTLE))
        for r in (remote, embedded)
    ]
    assert canonical(parsed[0]) == canonical(parsed[1])  # blank nodes followed too
    html = both(pair, "GET", path, headers={"Accept": "text/html"})
    assert html[0].status_code == html[1].status_code == 200
    if not any(isinstance(t.object, pyoxigraph.BlankNode) for t in parsed[1]):  # labels differ
        assert html[0].text.replace(pair.remote, "") == html[1].text.replace(pair.embedded, "")


@pytest.mark.parametrize(
    "params", [{"curie": "drugbank:DB00026"}, {"iri": "https://w3id.org/dmkg/id/drug/anakinra"}]
)
def test_resolve_alike(pair: Pair, params: dict[str, str]) -> None:
    remote, embedded = both(pair, "GET", "/resolve", params=params)
    assert remote.status_code == embedded.status_code == 200
    assert remote.json()["matches"]  # links name each server's own address
    assert remote.text.replace(pair.remote, "") == embedded.text.replace(pair.embedded, "")


def test_guards_still_refuse(pair: Pair) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query})
    assert remote.status_code == embedded.status_code  # refused before reaching any store
    assert remote.json()["title"] == "Federated query refused"
    update = both(pair, "POST", "/sparql", content=b"DROP ALL",
                  headers={"Content-Type": "application/sparql-update"})  # fmt: skip
    assert update[0].status_code == update[1].status_code == 403
    syntax = both(pair, "GET", "/sparql", params={"query": "SELECT * WHERE { ?s ?p"})
    assert syntax[0].status_code == 400 and syntax[0].json() == syntax[1].json()


def test_predeclared_prefixes_alike(pair: Pair) -> None:
    """The remote store gets our prefix map as a prologue; a PREFIX of the query still wins."""
    query = "SELECT ?l WHERE { <https://w3id.org/dmkg/id/drug/anakinra> rdfs:label ?l }"
    remote, embedded = both(pair, "GET", "/sparql", params={"query": query})
    assert remote.status_code == embedded.status_code == 200
    assert remote.json() == embedded.json() and remote.json()["results"]["bindings"]
    own = "PREFIX rdfs: <http://example.org/> " + query
    shadowed = both(pair, "GET", "/sparql", params={"query": own})
    assert (
        shadowed[0].json() == shadowed[1].json() and not shadowed[0].json()["results"]["bindings"]
    )
    undefined = both(pair, "GET", "/sparql", params={"query": "SELECT * { ?s nope:p ?o }"})
    assert undefined[0].json() == undefined[1].json()
    assert 'undefined prefix "nope"' in undefined[0].json()["detail"]


def test_slow_query_gets_the_time_limit_503(pair: Pair) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    reply = httpx.get(f"{pair.remote}/sparql", params={"query": query}, timeout=60)
    assert reply.status_code == 503 and "Retry-After" in reply.headers
    assert reply.json()["title"] == "Query timed out"
    assert time.monotonic() - start < float(str(SHORT_LIMITS["query_timeout"])) + 5
    # and the service still answers
    assert httpx.get(f"{pair.remote}/drugs/anakinra", timeout=30).status_code == 200


def test_serve_refuses_a_store_with_another_release(
    release: Path, second_release: Path, tmp_path: Path
) -> None:
    """``kg serve --store`` checks the store holds the release its folder describes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMKG_")}
    ids = [json.loads((r / MANIFEST).read_text(encoding="utf-8"))["release"]
           for r in (release, second_release)]  # fmt: skip
    with oxigraph(tmp_path / "db") as ox:
        publish(second_release, ox.endpoints())
        cli = subprocess.run(
            [sys.executable, "-m", "kg.cli", "serve", "--release", str(release), "--store",
             ox.query, "--port", str(free_port())],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert cli.returncode == 2
    assert f"holds release {ids[1]}, but" in cli.stderr and f"is release {ids[0]}" in cli.stderr
