"""The servers measured: ours (``kg serve``), ``oxigraph serve`` and rdflib-endpoint.

Each binds 127.0.0.1 on a free port in its own process group (``benchmarks.procs``), is timed
from its start to its first successful SPARQL answer and is always stopped afterwards, with a
record that nothing of its group is left and its port is free again. The peers serve the same
union default graph as our store: ``kg.trig`` plus ``kg-inferred.ttl`` in its own graph.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from benchmarks.procs import free_port, port_free, start_group, stop_group, wait_until_answers

if TYPE_CHECKING:
    import httpx

__all__ = [
    "JSON_RESULTS",
    "PEERS",
    "PROBE",
    "Launch",
    "Server",
    "child_rdflib",
    "ours_launch",
    "oxigraph_binary",
    "peer_launch",
    "rdflib_endpoint_available",
    "running",
]

PEERS = ("oxigraph", "rdflib")
JSON_RESULTS = "application/sparql-results+json"
PROBE = "ASK { ?s ?p ?o }"
"""The start-up probe: the first successful SPARQL answer ends the start-up time."""


@dataclass(frozen=True)
class Launch:
    """How to start one server: ``{port}`` in ``cmd`` becomes its port."""

    cmd: list[str]
    sparql_path: str
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    sparql_path: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sparql(self, query: str) -> str:
        return f"{self.sparql_path}?query={quote(query, safe='')}"


def _probe_true(response: httpx.Response) -> bool:
    return response.status_code == 200 and response.json().get("boolean") is True


@contextlib.contextmanager
def running(
    name: str, launch: Launch, work: Path, timeout: float, stopped: list[dict[str, Any]]
) -> Iterator[tuple[Server, float]]:
    """A server process (its log in ``work/{name}.log``) and its start-up time to the first
    answer to ``PROBE``; always stopped after, its stop report appended to ``stopped``."""
    t0 = time.perf_counter()
    port = free_port()
    log = work / f"{name}.log"
    with log.open("ab") as fh:
        proc = start_group([c.replace("{port}", str(port)) for c in launch.cmd], fh, launch.env)
    server = Server(name, proc, port, launch.sparql_path, log)
    try:
        yield server, wait_until_answers(
            proc, server.base + server.sparql(PROBE), timeout,
            lambda: log.read_bytes()[-1500:].decode(errors="replace"),
            name=name, accept=JSON_RESULTS, answered=_probe_true, since=t0,
        )  # fmt: skip
    finally:
        t = time.perf_counter()
        left = stop_group(proc)
        stopped.append({
            "server": name, "pid": proc.pid, "port": port,
            "stop_s": round(time.perf_counter() - t, 3), "leftover_pids": left,
            "port_free": port_free(port), "stopped": not left,
        })  # fmt: skip


def ours_launch(release: Path, cache: Path, queries_dir: Path, env: dict[str, str]) -> Launch:
    """``kg serve`` on ``release``, its persisted store in ``cache``."""
    return Launch([
        sys.executable, "-m", "kg.cli", "serve", "--release", str(release),
        "--cache-dir", str(cache), "--queries-dir", str(queries_dir),
        "--host", "127.0.0.1", "--port", "{port}",
    ], "/sparql", env)  # fmt: skip


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI (PyPI package ``oxigraph``) beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def rdflib_endpoint_available() -> bool:
    return importlib.util.find_spec("rdflib_endpoint") is not None


def peer_launch(
    name: str, release: Path, work: Path, timeout: float, record: dict[str, Any]
) -> Launch | None:
    """How to start peer ``name`` on ``release``; None, with ``record["error"]``, when it is
    not installed or not known. oxigraph's store is loaded first (``record["load_s"]``)."""
    from kg.rdf.vocab import GRAPH_INFERRED

    trig, inferred = release / "kg.trig", release / "kg-inferred.ttl"
    if name == "oxigraph":
        binary = oxigraph_binary()
        if binary is None:
            record["error"] = "not installed (pip install oxigraph: the bench extra)"
            return None
        db = work / "oxigraph-db"
        shutil.rmtree(db, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run(
            [binary, "load", "--location", str(db), "--file", str(trig)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        if inferred.is_file():
            subprocess.run(
                [binary, "load", "--location", str(db), "--file", str(inferred),
                 "--graph", GRAPH_INFERRED],
                check=True, capture_output=True, timeout=timeout,
            )  # fmt: skip
        record["load_s"] = round(time.perf_counter() - t, 3)
        return Launch([
            binary, "serve", "--location", str(db), "--bind", "127.0.0.1:{port}",
            "--union-default-graph",
        ], "/query")  # fmt: skip
    if name == "rdflib":
        if not rdflib_endpoint_available():
            record["error"] = "not installed (pip install rdflib-endpoint: the bench extra)"
            return None
        return Launch([sys.executable, "-m", "benchmarks.http", "--child-rdflib", str(trig),
                       str(inferred), "{port}"], "/sparql")  # fmt: skip
    record["error"] = f"unknown peer {name!r}"
    return None


def child_rdflib(trig: str, inferred: str, port: int) -> None:
    """rdflib-endpoint's process: parse the release into an rdflib ``Dataset`` (union default
    graph) and serve it over SPARQL until stopped. Imports are made here, so that the group's
    memory is rdflib-endpoint's own."""
    import rdflib
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    from kg.rdf.vocab import GRAPH_INFERRED

    ds = rdflib.Dataset(default_union=True)
    ds.parse(trig, format="trig")
    if inferred and Path(inferred).is_file():
        ds.graph(rdflib.URIRef(GRAPH_INFERRED)).parse(inferred, format="turtle")
    app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
