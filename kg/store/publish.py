"""``kg publish``: load a release into any SPARQL 1.1 store, switched in atomically.

What the store holds afterwards:

* the served graphs (:mod:`kg.store.served`: every graph of ``kg.trig``, same IRIs, plus the
  inferred graph): the same named graphs as the embedded store of ``kg serve``;
* the default graph: the union (RDF merge) of all those graphs, inferred included. It is what
  our endpoint's default graph shows (``use_default_graph_as_union``), so a client querying
  the store directly, without ``GRAPH``, sees the same triples. One difference is inherent:
  an RDF graph is a set, while pyoxigraph's union view counts a triple once per graph it is
  in; ``kg serve --store`` therefore never relies on this default graph and asks with the
  release's graphs as protocol dataset instead (``kg.remote``), which matches exactly;
* :data:`kg.store.remote.META_GRAPH`: ``<META_GRAPH> dcterms:identifier "<manifest release>"`` and one
  ``dcterms:hasPart <graph>`` per served graph, plus ``dcterms:modified``; ``kg serve --store``
  checks the identifier against its release folder.

How readers never see half a release: every graph (named ones, the union, the metadata) is
uploaded with the SPARQL 1.1 Graph Store HTTP Protocol (``PUT``, streamed N-Triples) under a
staging name ``<graph/staging/<release>-<token>/<n>>``; the triple count of each staging graph
is checked; then ONE SPARQL 1.1 Update request moves them all in (``MOVE`` for each graph, to
``DEFAULT`` for the union, ``DROP`` for graphs of the previous release that the new one lacks).
A store that runs one update request as one transaction (Oxigraph, Fuseki/TDB2, GraphDB)
switches atomically; ``MOVE`` drops the staging graphs as it goes. If anything fails before
the switch, the staging graphs are dropped (best effort) and the previous release is untouched.
"""

from __future__ import annotations

import contextlib
import datetime
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final
from urllib.parse import quote

import httpx
import pyoxigraph
from pyoxigraph import Literal, NamedNode

from kg.progress import Progress
from kg.rdf.vocab import DCTERMS_HAS_PART, DCTERMS_IDENTIFIER, DCTERMS_MODIFIED, XSD_DATE_TIME
from kg.release.manifest import verify_release
from kg.store.remote import META_GRAPH, STAGING, RemoteError, RemoteStore, published
from kg.store.served import served_files

__all__ = ["Endpoints", "Published", "publish"]

_CHUNK: Final = 1 << 20
_DEFAULT: Final = "DEFAULT"
"""Key of the union (default graph) among the graphs to upload."""


@dataclass(frozen=True)
class Endpoints:
    """Where a store takes queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    graph_store: str
    auth: httpx.Auth | None = None
    timeout: float = 300.0


@dataclass(frozen=True)
class Published:
    release: str
    graphs: dict[str, int]
    """Served graph -> triples uploaded."""
    previous: str | None


@dataclass
class _Spool:
    """One graph's N-Triples in a temporary file."""

    path: Path
    triples: int = 0
    handle: IO[bytes] | None = None


def _spool(release_dir: Path, tmp: Path) -> dict[str, _Spool]:
    """Split the release into N-Triples files: one per named graph, and the union (``DEFAULT``).

    Streams: kg.trig is parsed quad by quad and only one graph file is open at a time."""
    spools: dict[str, _Spool] = {}
    union = _Spool(tmp / "union.nt")
    union.handle = union.path.open("wb")
    current: _Spool | None = None

    def add(graph: str, triple: pyoxigraph.Triple) -> None:
        nonlocal current
        spool = spools.get(graph)
        if spool is None:
            spool = spools[graph] = _Spool(tmp / f"g{len(spools)}.nt")
        if current is not spool:
            if current is not None and current.handle is not None:
                current.handle.close()
                current.handle = None
            spool.handle = spool.path.open("ab")
            current = spool
        line = f"{triple} .\n".encode()
        assert spool.handle is not None and union.handle is not None
        spool.handle.write(line)
        spool.triples += 1
        union.handle.write(line)
        union.triples += 1

    try:
        for served in served_files(lambda name: release_dir / name):
            if served.graph is not None:  # served even when empty
                spools.setdefault(served.graph, _Spool(tmp / f"g{len(spools)}.nt"))
            for quad in pyoxigraph.parse(path=str(served.path), format=served.format):
                graph = served.graph or (
                    quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else None
                )
                if graph is not None:
                    add(graph, quad.triple)
                else:  # the default graph of kg.trig (empty today): part of the union only
                    line = f"{quad.triple} .\n".encode()
                    assert union.handle is not None
                    union.handle.write(line)
                    union.triples += 1
    finally:
        for spool in (*spools.values(), union):
            if spool.handle is not None:
                spool.handle.close()
                spool.handle = None
    spools[_DEFAULT] = union
    return spools


def _meta(release_id: str, graphs: list[str]) -> bytes:
    me = NamedNode(META_GRAPH)
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
    triples = [
        pyoxigraph.Triple(me, DCTERMS_IDENTIFIER, Literal(release_id)),
        pyoxigraph.Triple(me, DCTERMS_MODIFIED, Literal(now, datatype=XSD_DATE_TIME)),
    ]
    triples += [pyoxigraph.Triple(me, DCTERMS_HAS_PART, NamedNode(g)) for g in graphs]
    return b"".join(f"{t} .\n".encode() for t in triples)


def _chunks(path: Path, progress: Progress) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            progress.advance(len(chunk))
            yield chunk


def _check(reply: httpx.Response, what: str) -> None:
    if reply.status_code >= 300:
        text = reply.text[:500].strip()
        raise RemoteError(
            f"{what}: {reply.request.url}: HTTP {reply.status_code} {reply.reason_phrase}"
            + (f": {text}" if text else "")
        )


class _Session:
    """The HTTP side of one publish: GSP uploads, updates, queries; clear errors."""

    def __init__(self, endpoints: Endpoints) -> None:
        self.ep = endpoints
        self.client = httpx.Client(
            auth=endpoints.auth,
            timeout=httpx.Timeout(endpoints.timeout, connect=min(endpoints.timeout, 10.0)),
        )

    def _send(self, what: str, url: str, call: Callable[[], httpx.Response]) -> None:
        try:
            reply = call()
        except httpx.TimeoutException as exc:
            raise RemoteError(f"{what}: {url}: no answer in {self.ep.timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise RemoteError(f"{what}: {url}: {type(exc).__name__}: {exc}") from exc
        _check(reply, what)

    def put(self, graph: str, body: bytes | Iterator[bytes]) -> None:
        url = self.ep.graph_store
        self._send(
            f"upload of <{graph}>",
            url,
            lambda: self.client.put(
                url,
                params={"graph": graph},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            ),
        )

    def update(self, text: str) -> None:
        url = self.ep.update
        self._send(
            "SPARQL update",
            url,
            lambda: self.client.post(
                url,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            ),
        )

    def counts(self, graphs: list[str]) -> dict[str, int]:
        store = RemoteStore(self.ep.query, (), timeout=self.ep.timeout, client=self.client)
        values = " ".join(f"<{g}>" for g in graphs)
        rows = store.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            " GROUP BY ?g",
            [],
        )
        return {
            str(g.value): int(n.value)
            for g, n in rows
            if isinstance(g, NamedNode) and isinstance(n, Literal)
        }

    def close(self) -> None:
        self.client.close()


def _staging_names(release_id: str, graphs: list[str]) -> dict[str, str]:
    token = secrets.token_hex(4)
    root = f"{STAGING}{quote(release_id, safe='.+-_')}-{token}/"
    return {g: f"{root}{i}" for i, g in enumerate(graphs)}


def _switch(staging: dict[str, str], counts: dict[str, int], previous: tuple[str, ...]) -> str:
    """The one update that puts the new release in place."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in previous if g not in staging]
    for graph, name in staging.items():
        target = _DEFAULT if graph == _DEFAULT else f"GRAPH <{graph}>"
        if counts.get(graph, 0) == 0:  # nothing uploaded: stores need not keep empty graphs
            ops.append(f"DROP SILENT {'DEFAULT' if graph == _DEFAULT else target}")
        else:
            ops.append(f"MOVE GRAPH <{name}> TO {target}")
    return " ;\n".join(ops)


def publish(release_dir: Path, endpoints: Endpoints) -> Published:
    """Upload ``release_dir`` to the store at ``endpoints`` and switch to it in one update."""
    manifest = verify_release(release_dir)
    release_id = str(manifest.get("release", "unknown"))
    session = _Session(endpoints)
    with tempfile.TemporaryDirectory(prefix="dmkg-publish-") as tmp, contextlib.closing(session):
        spools = _spool(release_dir, Path(tmp))
        served = sorted(g for g in spools if g != _DEFAULT)
        meta_path = Path(tmp) / "meta.nt"
        meta_path.write_bytes(_meta(release_id, served))
        spools[META_GRAPH] = _Spool(meta_path, 2 + len(served))
        staging = _staging_names(release_id, [*served, _DEFAULT, META_GRAPH])
        expected = {g: s.triples for g, s in spools.items()}
        total = sum(s.path.stat().st_size for s in spools.values())
        try:
            with Progress(f"publish {release_id}", total) as progress:
                for graph, name in staging.items():
                    if expected[graph]:
                        progress.label = graph.rsplit("/", 1)[-1]
                        session.put(name, _chunks(spools[graph].path, progress))
            found = session.counts([staging[g] for g in staging if expected[g]])
            for graph, name in staging.items():
                # The union is a set: duplicates across graphs count once (at most the sum).
                ok = (0 < found.get(name, 0) <= expected[graph]) if graph == _DEFAULT else (
                    found.get(name, 0) == expected[graph])  # fmt: skip
                if expected[graph] and not ok:
                    raise RemoteError(
                        f"{endpoints.graph_store}: staging graph <{name}> holds "
                        f"{found.get(name, 0)} triples, {expected[graph]} were uploaded"
                    )
            previous, previous_graphs = published(
                endpoints.query, auth=endpoints.auth, timeout=endpoints.timeout
            )
            session.update(_switch(staging, expected, previous_graphs))
        except BaseException:
            with contextlib.suppress(Exception):  # the store may be what failed
                session.update(
                    " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in staging.values())
                )
            raise
    return Published(release_id, {g: expected[g] for g in served}, previous)
