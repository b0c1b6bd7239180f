"""HTTP and query benchmark of one release: our server against its peers, in the same run.

    python benchmarks/bench_http.py --release dist                      # an existing release
    python benchmarks/bench_http.py --drugs 200,1000 --work /tmp/bench  # synth + build each size first

On one release it measures, and reports each figure beside a peer measured in the same run:

- every named query of ``queries/*.rq`` run in-process on the persisted store (the one
  ``kg.store.open_release`` builds), with parameter values taken from the release itself:
  cold (first run in a fresh process that has just opened the store) and warm (p50/p99);
- HTTP throughput and latency under a bounded loopback load (``clients`` concurrent keep-alive
  connections for ``duration`` seconds, at most ``max_requests`` requests) of the monograph
  route ``/drugs/{id}`` (ours only), a one-drug lookup sent as the same SPARQL text to all three
  servers, a named lookup query ``/queries/{name}`` (ours only), and an aggregate query with one
  client, cold and warm; each both repeated (our answer cache serves it) and made distinct per
  request (a different drug, a trailing comment or page size: never cached anywhere);
- start-up time to the first successful SPARQL answer: ours on its second start (opening the
  persisted store) and on its first (building it), ``oxigraph serve`` on a pre-loaded store,
  and rdflib-endpoint (parses the release on start).

The peers serve the same release with the same union default graph (``kg.trig`` plus
``kg-inferred.ttl`` in its own graph, as our store holds it); their answers to the lookup and
aggregate queries are compared with ours before they are timed. The load generator is a small
asyncio HTTP/1.1 client in its own process (no shared GIL with any server), the same for all
servers. Every server binds 127.0.0.1 on a free port, runs in its own process group and is
stopped at the end (checked: no process of its group left, port free).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DMKG = "https://w3id.org/dmkg/vocab/"
DRUG_IRI = "https://w3id.org/dmkg/id/drug/"
GRAPH_INFERRED = "https://w3id.org/dmkg/graph/inferred"
NAMED_TARGET_MS = 50.0
STARTUP_TARGET_S = 5.0
PEERS = ("oxigraph", "rdflib")
JSON_RESULTS = "application/sparql-results+json"

LOOKUP = (
    f"PREFIX dmkg: <{DMKG}>\n"
    "SELECT DISTINCT ?claim ?type ?object WHERE {{\n"
    "  ?claim dmkg:hasSubject <{drug}> ; a ?type .\n"
    "  OPTIONAL {{ ?claim dmkg:hasObject ?object }}\n"
    "}} ORDER BY ?claim ?type ?object"
)
"""One drug's claims with their types and objects: the same text is sent to every server."""

AGGREGATE = (
    f"PREFIX dmkg: <{DMKG}>\n"
    "SELECT ?type (COUNT(DISTINCT ?claim) AS ?claims) WHERE {\n"
    "  ?claim dmkg:hasSubject ?subject ; a ?type .\n"
    "} GROUP BY ?type ORDER BY ?type"
)
"""Claims per type over the whole graph (DISTINCT: a triple stated in two graphs counts once
on every engine, whether its union default graph keeps duplicates or not)."""

PROBE = "ASK { ?s ?p ?o }"
"""The start-up probe: the first successful SPARQL answer ends the start-up time."""


# --------------------------------------------------------------------------------------------
# statistics


def _pct(sorted_xs: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    if not sorted_xs:
        return float("nan")
    return sorted_xs[min(len(sorted_xs) - 1, max(0, math.ceil(q * len(sorted_xs)) - 1))]


def _summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    xs = sorted(seconds)
    if not xs:
        return {"n": 0}
    return {
        "n": len(xs),
        "p50_ms": round(_pct(xs, 0.5) * 1000, 2),
        "p90_ms": round(_pct(xs, 0.9) * 1000, 2),
        "p99_ms": round(_pct(xs, 0.99) * 1000, 2),
        "max_ms": round(xs[-1] * 1000, 2),
        "mean_ms": round(sum(xs) / len(xs) * 1000, 2),
    }


def _ratio(a: Any, b: Any, digits: int = 2) -> float | None:
    if not isinstance(a, int | float) or not isinstance(b, int | float) or not b:
        return None
    if math.isnan(a) or math.isnan(b):
        return None
    return round(a / b, digits)


# --------------------------------------------------------------------------------------------
# load generator (runs in its own process: python benchmarks/bench_http.py --child-load < spec)


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool, int]:
    """Send one request and read the whole answer: (status, keep-alive, body bytes)."""
    writer.write(request)
    await writer.drain()
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("connection closed before the status line")
    status = int(line.split()[1])
    length: int | None = None
    chunked, keep = False, not line.startswith(b"HTTP/1.0")
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        key, _, value = header.partition(b":")
        key, value = key.strip().lower(), value.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif key == b"connection":
            keep = value != b"close"
    size = 0
    if chunked:
        while True:
            chunk = int((await reader.readline()).split(b";")[0], 16)
            if chunk == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                break
            await reader.readexactly(chunk + 2)
            size += chunk
    elif length is not None:
        await reader.readexactly(length)
        size = length
    else:
        size = len(await reader.read())
        keep = False
    return status, keep, size


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    bytes: int = 0


async def _client(
    spec: dict[str, Any], counter: Iterator[int], stop_at: float, limit: int, tally: _Tally
) -> None:
    host, port, paths = spec["host"], spec["port"], spec["paths"]
    accept = spec.get("accept", "*/*")
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    def close() -> None:
        nonlocal reader, writer
        if writer is not None:
            writer.close()
        reader = writer = None

    try:
        for n in counter:
            if n >= limit or time.perf_counter() >= stop_at:
                return
            path = paths[n % len(paths)].replace("{n}", str(n)).replace("{k}", str(100 + n % 9900))
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n"
                "User-Agent: dmkg-bench\r\n\r\n"
            ).encode()
            t = time.perf_counter()
            status, keep, size = -1, False, 0
            for attempt in (0, 1):  # a kept-alive connection the server closed: retry once
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    assert reader is not None
                    status, keep, size = await asyncio.wait_for(
                        _exchange(reader, writer, request), spec["timeout"]
                    )
                    break
                except TimeoutError:
                    close()
                    status = -2
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    close()
                    status = -1
                    if attempt:
                        break
            tally.latencies.append(time.perf_counter() - t)
            tally.statuses[status] += 1
            tally.bytes += size
            if not keep:
                close()
    finally:
        close()


async def _load(spec: dict[str, Any]) -> dict[str, Any]:
    first = spec.get("first", 0)
    counter = iter(range(first, 10**15))  # shared by the clients: each number is used once
    clients = spec["clients"]
    if spec.get("warmup", 0) > 0:
        warm = _Tally()
        stop = time.perf_counter() + spec.get("warmup_s", 5.0)
        limit = first + spec["warmup"]
        await asyncio.gather(*(_client(spec, counter, stop, limit, warm) for _ in range(clients)))
    start_n = next(counter)
    tally = _Tally()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    stop = t0 + spec["duration"]
    limit = start_n + spec["max_requests"]
    await asyncio.gather(*(_client(spec, counter, stop, limit, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "clients": clients,
        "elapsed_s": elapsed,
        "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "bytes": tally.bytes,
        "latencies": [round(x, 6) for x in tally.latencies],
    }


def _child_load() -> None:
    spec = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_load(spec))))


def load(
    port: int,
    paths: Sequence[str],
    *,
    clients: int,
    duration: float,
    max_requests: int,
    warmup: int,
    first: int = 0,
    timeout: float = 60.0,
    accept: str = "*/*",
) -> dict[str, Any]:
    """Run the load generator in its own process against 127.0.0.1:port: the raw figures
    (``merge`` summarises them). ``{n}`` in a path becomes the request number (from
    ``first`` on), ``{k}`` a number 100..9999 that changes with it."""
    spec = {
        "host": "127.0.0.1", "port": port, "paths": list(paths), "clients": clients,
        "duration": duration, "max_requests": max_requests, "warmup": warmup, "first": first,
        "warmup_s": min(5.0, max(duration, 0.5)), "timeout": timeout, "accept": accept,
    }  # fmt: skip
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child-load"], input=json.dumps(spec),
            capture_output=True, text=True, timeout=duration + timeout + 5 * 2 + 60,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": "load generator timed out"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["load generator failed"])[-1]}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _ok_rate(part: dict[str, Any]) -> float | None:
    ok = sum(c for st, c in part["statuses"].items() if 200 <= int(st) < 300)
    return round(ok / part["elapsed_s"], 1) if part["elapsed_s"] > 0 else None


def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several load runs (the rounds of a scenario): throughput counts 2xx
    answers over the summed time; percentiles over every request's latency."""
    errors = [p["error"] for p in parts if "error" in p]
    parts = [p for p in parts if "error" not in p]
    if not parts:
        return {"error": "; ".join(errors) or "no run"}
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    for part in parts:
        statuses.update(part["statuses"])
        latencies += part["latencies"]
    elapsed = sum(p["elapsed_s"] for p in parts)
    ok = sum(c for st, c in statuses.items() if 200 <= int(st) < 300)
    out: dict[str, Any] = {
        "clients": parts[0]["clients"],
        "rounds": len(parts),
        "requests": len(latencies),
        "ok": ok,
        "statuses": dict(sorted(statuses.items())),
        "elapsed_s": round(elapsed, 3),
        "rps": round(ok / elapsed, 1) if elapsed > 0 else None,
        "rps_per_round": [_ok_rate(p) for p in parts],
        "bytes_per_answer": round(sum(p["bytes"] for p in parts) / max(1, len(latencies))),
        "client_cpu": round(sum(p["cpu_s"] for p in parts) / elapsed, 2) if elapsed else None,
        **_summary_ms(latencies),
    }
    if errors:
        out["errors"] = errors
    return out


# --------------------------------------------------------------------------------------------
# named queries in-process on the persisted store


def _child_query(spec: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from kg.query.named import bind, run_pyoxigraph
    from kg.rdf.queryfile import parse_named_query
    from kg.store.embedded import open_store

    path = Path(spec["file"])
    text = spec.get("text")
    query = parse_named_query(path, None if text is None else f"# summary: {path.stem}\n{text}")
    t = time.perf_counter()
    store = open_store(Path(spec["store"]))
    opened = time.perf_counter() - t
    out: dict[str, Any] = {"open_s": round(opened, 3)}
    for variant, values in spec["variants"].items():
        terms = bind(query, values)
        runs: list[float] = []
        rows = 0
        budget = time.perf_counter() + spec["budget_s"]
        while len(runs) < spec["repeats"] + 1 and (len(runs) < 3 or time.perf_counter() < budget):
            t = time.perf_counter()
            result = run_pyoxigraph(store, query, terms)
            rows = sum(1 for _ in result)  # type: ignore[union-attr]
            runs.append(time.perf_counter() - t)
        out[variant] = {
            "rows": rows,
            "cold_ms": round(runs[0] * 1000, 2),
            **_summary_ms(runs[1:]),
        }
    return out


def _representative(
    store: Any, queries: dict[str, Any], drug: str
) -> dict[str, dict[str, dict[str, str]]]:
    """Per named query, the variants to time: ``bound`` and, when every parameter is optional,
    ``all`` (no parameters: the whole graph). Bound values come from the release: the header's
    example when it has answers here, else the first answer of the query run without its
    parameters, else (for ``drug``) the first drug, else the example."""
    import pyoxigraph

    from kg.query.named import ParamError, bind, run_pyoxigraph
    from kg.rdf import prefixes
    from kg.rdf.queryfile import ParamType

    def answers(q: Any, values: dict[str, str]) -> int:
        try:
            return sum(1 for _ in run_pyoxigraph(store, q, bind(q, values)))
        except (ParamError, ValueError, OSError):
            return -1

    plan: dict[str, dict[str, dict[str, str]]] = {}
    for name, q in sorted(queries.items()):
        variants: dict[str, dict[str, str]] = {}
        if q.params and q.example and answers(q, dict(q.example)) > 0:
            variants["bound"] = dict(q.example)
        elif q.params:
            text = q.text if re.search(r"\bLIMIT\b", q.text, re.I) else q.text + "\nLIMIT 1"
            first: Any = None
            with contextlib.suppress(Exception):
                first = next(iter(store.query(text, use_default_graph_as_union=True)), None)
            values: dict[str, str] = {}
            for p in q.params:
                term = first[p.name] if first is not None else None
                value: str | None = None
                if isinstance(term, pyoxigraph.NamedNode):
                    value = (
                        prefixes.compress(term.value) if p.type is ParamType.CURIE else term.value
                    )
                elif isinstance(term, pyoxigraph.Literal):
                    value = term.value
                elif p.name == "drug":
                    value = drug
                values[p.name] = value or q.example.get(p.name, "")
            values = {k: v for k, v in values.items() if v}
            if answers(q, values) < 0:
                values = dict(q.example)
            variants["bound"] = values
        if not any(p.required for p in q.params):
            variants["all"] = {}
        plan[name] = variants
    return plan


def named_queries(
    store_path: Path,
    plan: dict[str, dict[str, dict[str, str]]],
    queries_dir: Path,
    *,
    repeats: int = 20,
    budget_s: float = 5.0,
    timeout: float = 600.0,
    texts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Each named query in a fresh process: cold (first run) then up to ``repeats`` warm runs
    (at least 2, else as many as ``budget_s`` allows). ``texts``: query text of names that are
    not files of ``queries_dir`` (the HTTP scenarios' lookup and aggregate)."""
    out: dict[str, Any] = {}
    for name, variants in plan.items():
        spec = {
            "file": str(queries_dir / f"{name}.rq"), "store": str(store_path),
            "variants": variants, "repeats": repeats, "budget_s": budget_s,
            "text": (texts or {}).get(name),
        }  # fmt: skip
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child-query"], input=json.dumps(spec),
                capture_output=True, text=True, timeout=timeout,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            out[name] = {"error": f"timed out after {timeout:g} s"}
            continue
        if proc.returncode != 0:
            out[name] = {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["params"] = variants.get("bound", {})
        out[name] = result
    return out


# --------------------------------------------------------------------------------------------
# servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _group_pids(pgid: int) -> list[int]:
    """Processes (not zombies) whose process group is ``pgid``."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
    return pids


def group_rss_mb(pgid: int) -> float:
    """Resident memory (MB) of every live process in a process group."""
    total = 0
    for pid in _group_pids(pgid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


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


def _spawn(name: str, cmd: list[str], sparql_path: str, work: Path, **env: str) -> Server:
    port = free_port()
    cmd = [c.replace("{port}", str(port)) for c in cmd]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DMKG_")}
    environ.update(env)
    log = work / f"{name}.log"
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=fh,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return Server(name, proc, port, sparql_path, log)


def _await_answer(server: Server, t0: float, timeout: float) -> float:
    """Seconds from ``t0`` to the first successful answer to the probe query."""
    import httpx

    url = server.base + server.sparql(PROBE)
    deadline = t0 + timeout
    with httpx.Client(timeout=5, headers={"Accept": JSON_RESULTS}) as http:
        while time.perf_counter() < deadline:
            if server.proc.poll() is not None:
                tail = server.log.read_bytes()[-1500:].decode(errors="replace")
                raise RuntimeError(f"{server.name} exited {server.proc.returncode}: {tail}")
            with contextlib.suppress(httpx.HTTPError):
                r = http.get(url)
                if r.status_code == 200 and r.json().get("boolean") is True:
                    return time.perf_counter() - t0
            time.sleep(0.02)
    raise RuntimeError(f"{server.name} gave no answer within {timeout:g} s")


def stop(server: Server) -> dict[str, Any]:
    """Stop the server's whole process group (TERM, then KILL after 10 s); report leftovers."""
    pgid = server.proc.pid
    t = time.perf_counter()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        server.proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _group_pids(pgid) and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.05)
    left = _group_pids(pgid)
    return {
        "pid": pgid, "port": server.port, "stop_s": round(time.perf_counter() - t, 3),
        "leftover_pids": left,
        "port_free": _port_free(server.port), "stopped": not left,
    }  # fmt: skip


@contextlib.contextmanager
def running(
    name: str, cmd: list[str], sparql_path: str, work: Path, timeout: float, **env: str
) -> Iterator[tuple[Server, float]]:
    """A server process and its start-up time (to the first answer); always stopped after.
    The stop report goes to ``STOPPED`` (the caller's record)."""
    t0 = time.perf_counter()
    server = _spawn(name, cmd, sparql_path, work, **env)
    try:
        yield server, _await_answer(server, t0, timeout)
    finally:
        STOPPED.append({"server": name, **stop(server)})


STOPPED: list[dict[str, Any]] = []


def _ours_cmd(release: Path, cache: Path, queries_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "kg.cli", "serve", "--release", str(release),
        "--cache-dir", str(cache), "--queries-dir", str(queries_dir),
        "--host", "127.0.0.1", "--port", "{port}",
    ]  # fmt: skip


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` CLI (PyPI package ``oxigraph``) beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def rdflib_endpoint_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("rdflib_endpoint") is not None


def _child_rdflib(trig: str, inferred: str, port: int) -> None:
    import rdflib
    import uvicorn
    from rdflib_endpoint import SparqlEndpoint

    ds = rdflib.Dataset(default_union=True)
    ds.parse(trig, format="trig")
    if inferred and Path(inferred).is_file():
        ds.graph(rdflib.URIRef(GRAPH_INFERRED)).parse(inferred, format="turtle")
    app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


# --------------------------------------------------------------------------------------------
# the benchmark


def _rows(body: dict[str, Any]) -> set[tuple[tuple[str, str, str, str], ...]]:
    """SPARQL JSON results as a set of rows, comparable across engines."""
    out = set()
    for binding in body["results"]["bindings"]:
        row = []
        for var, term in sorted(binding.items()):
            kind = "literal" if term["type"] == "typed-literal" else term["type"]
            extra = term.get("datatype") or term.get("xml:lang") or ""
            row.append((var, kind, term["value"], extra))
        out.add(tuple(row))
    return out


def _get_timed(server: Server, path: str, accept: str = JSON_RESULTS) -> tuple[float, Any]:
    import httpx

    t = time.perf_counter()
    r = httpx.get(server.base + path, headers={"Accept": accept}, timeout=600)
    elapsed = time.perf_counter() - t
    r.raise_for_status()
    return elapsed, r.json()


SCENARIOS = (
    "monograph", "monograph_repeat", "lookup_repeat", "lookup_distinct", "named_repeat",
    "named_distinct", "aggregate_repeat", "aggregate_distinct",
)  # fmt: skip
"""The load scenarios, in the order they run; peers run lookup_* and aggregate_repeat."""


def _plan(
    server: Server,
    drug: str,
    drugs: Sequence[str],
    *,
    ours: bool,
    named: str,
    clients: int,
    max_requests: int,
    warmup: int,
) -> dict[str, dict[str, Any]]:
    """Scenario -> arguments of ``load`` for one server."""
    rotating = list(drugs) or [drug]
    plan: dict[str, dict[str, Any]] = {}
    if ours:
        ids = [quote(d.removeprefix(DRUG_IRI), safe="") for d in rotating if d.startswith(DRUG_IRI)]
        plan["monograph"] = {"paths": [f"/drugs/{i}" for i in ids], "accept": "application/json"}
        plan["monograph_repeat"] = {"paths": [f"/drugs/{ids[0]}"], "accept": "application/json"}
    plan["lookup_repeat"] = {"paths": [server.sparql(LOOKUP.format(drug=drug))]}
    plan["lookup_distinct"] = {
        "paths": [server.sparql(LOOKUP.format(drug=d)) + "%0A%23%20{n}" for d in rotating]
    }
    if ours:
        route = f"/queries/{named}?drug="
        plan["named_repeat"] = {"paths": [route + quote(drug, safe="")]}
        plan["named_distinct"] = {
            "paths": [route + quote(d, safe="") + "&limit={k}" for d in rotating]
        }
    single = {"clients": 1, "max_requests": max(3, min(max_requests, 50)), "warmup": 0}
    plan["aggregate_repeat"] = {"paths": [server.sparql(AGGREGATE)], **single}
    if ours:
        plan["aggregate_distinct"] = {
            "paths": [server.sparql(AGGREGATE) + "%0A%23%20{n}"],
            **single,
        }
    defaults = {
        "accept": JSON_RESULTS, "clients": clients, "max_requests": max_requests,
        "warmup": warmup,
    }  # fmt: skip
    return {name: {**defaults, **args} for name, args in plan.items()}


def _interleaved(
    plans: dict[str, tuple[Server, dict[str, dict[str, Any]]]], duration: float, rounds: int
) -> dict[str, dict[str, Any]]:
    """Each scenario on every server that has it, in ``rounds`` alternating runs of
    ``duration / rounds`` seconds (ours, oxigraph, rdflib, ours, ...), so that a machine
    whose load drifts over the run weighs on every server alike; warm-up in the first round."""
    results: dict[str, dict[str, Any]] = {name: {} for name in plans}
    for scenario in SCENARIOS:
        parts: dict[str, list[dict[str, Any]]] = {
            name: [] for name, (_, plan) in plans.items() if scenario in plan
        }
        for r in range(rounds):
            for name in parts:
                server, plan = plans[name]
                args = dict(plan[scenario])
                args["max_requests"] = max(1, math.ceil(args["max_requests"] / rounds))
                if r:
                    args["warmup"] = 0
                part = load(server.port, duration=duration / rounds, first=r * 10**9, **args)
                parts[name].append(part)
        for name, runs in parts.items():
            results[name][scenario] = merge(runs)
    return results


def _build_store(release: Path, cache: Path) -> tuple[Any, Path]:
    sys.path.insert(0, str(ROOT))
    from kg.store.embedded import open_release

    rel = open_release(release, cache)
    return rel, rel.store_path


def run_http(
    release: Path,
    work: Path,
    *,
    clients: int = 20,
    duration: float = 10.0,
    rounds: int = 2,
    max_requests: int = 100_000,
    warmup: int = 200,
    peers: Sequence[str] = PEERS,
    queries: Sequence[str] | None = None,
    query_repeats: int = 20,
    named: str = "adverse-events",
    start_timeout: float = 900.0,
    queries_dir: Path = ROOT / "queries",
) -> dict[str, Any]:
    """Benchmark one release (see the module docstring); ``work`` holds the store caches and
    server logs. Each load scenario runs ``duration`` seconds per server in all, in ``rounds``
    alternating runs. ``peers``: which of ``oxigraph`` and ``rdflib`` to run (skipped with a
    note when not installed); ``queries``: the named queries timed in-process (default all).
    Returns a JSON-serialisable dict: raw figures per server, ``ratios`` and ``targets``."""
    release, work = release.absolute(), work.absolute()
    work.mkdir(parents=True, exist_ok=True)
    STOPPED.clear()
    trig = release / "kg.trig"
    cache = work / "ours-cache"
    shutil.rmtree(cache, ignore_errors=True)
    out: dict[str, Any] = {
        "release": {"dir": str(release)},
        "settings": {
            "clients": clients,
            "duration_s": duration,
            "rounds": rounds,
            "max_requests": max_requests,
            "warmup_requests": warmup,
            "named_route": named,
            "cpus": os.cpu_count(),
            "client": "asyncio HTTP/1.1 keep-alive client in its own process (one per run)",
            "ours_env": {"DMKG_MAX_QUEUED": str(max(8, clients))},
            "loadavg_start": [round(x, 2) for x in os.getloadavg()],
            "code": _code_state(),
        },
        "queries": {},
        "adhoc": {},
        "servers": {"ours": {}, **{peer: {} for peer in peers}},
        "errors": [],
    }
    ours_env = out["settings"]["ours_env"]
    cmd = _ours_cmd(release, cache, queries_dir)
    s: dict[str, Any] = out["servers"]["ours"]
    try:
        # first start, alone: the store is built from kg.trig into the (empty) cache
        with running("ours-first", cmd, "/sparql", work, start_timeout, **ours_env) as (_, t):
            s["start_first_s"] = round(t, 3)
        # in-process, no server running: parameters from the release, then each query timed
        rel, store_path = _build_store(release, cache)
        from kg.rdf.queryfile import load_named_queries

        all_q = load_named_queries(queries_dir)
        chosen = {k: v for k, v in all_q.items() if queries is None or k in queries}
        drugs = [
            str(sol["d"].value)
            for sol in rel.store.query(
                f"SELECT DISTINCT ?d WHERE {{ ?d a <{DMKG}Drug> }} ORDER BY ?d",
                use_default_graph_as_union=True,
            )
        ]
        out["release"].update(
            id=rel.id, drugs=len(drugs), quads=len(rel.store),
            kg_trig_mb=round(trig.stat().st_size / 2**20, 1),
        )  # fmt: skip
        if not drugs:
            raise RuntimeError("the release has no dmkg:Drug")
        drug = drugs[0]
        out["release"]["first_drug"] = drug
        plan = _representative(rel.store, chosen, drug)
        for fd in rel.pinned.values():
            os.close(fd)
        del rel
        out["queries"] = named_queries(store_path, plan, queries_dir, repeats=query_repeats)
        # the HTTP scenarios' SPARQL text in-process too: what the HTTP layers add to it
        out["adhoc"] = named_queries(
            store_path, {"lookup": {"all": {}}, "aggregate": {"all": {}}}, queries_dir,
            repeats=query_repeats, texts={"lookup": LOOKUP.format(drug=drug), "aggregate": AGGREGATE},
        )  # fmt: skip
    except Exception as exc:
        s["error"] = f"{type(exc).__name__}: {exc}"
        out["errors"].append(f"ours: {s['error']}")
    if "error" not in s:
        _serve_all(out, release, work, cmd, drug, drugs, peers, start_timeout,
                   dict(named=named, clients=clients, max_requests=max_requests, warmup=warmup),
                   duration, rounds)  # fmt: skip
    out["stopped"] = list(STOPPED)
    out["settings"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    for entry in STOPPED:
        if not entry["stopped"] or not entry["port_free"]:
            out["errors"].append(f"{entry['server']}: not stopped cleanly {entry}")
    out["ratios"], out["targets"] = _ratios(out)
    return out


def _code_state() -> dict[str, Any]:
    """The commit measured, and whether kg/ differs from it (the server runs the working tree)."""

    def git(*args: str) -> str | None:
        try:
            proc = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return proc.stdout.strip() if proc.returncode == 0 else None

    status = git("status", "--porcelain", "--", "kg", "queries")
    return {
        "commit": git("rev-parse", "HEAD"),
        "kg_modified": bool(status) if status is not None else None,
    }


def _serve_all(
    out: dict[str, Any],
    release: Path,
    work: Path,
    cmd: list[str],
    drug: str,
    drugs: Sequence[str],
    peers: Sequence[str],
    start_timeout: float,
    common: dict[str, Any],
    duration: float,
    rounds: int,
) -> None:
    """Start our server and the peers one after the other (each start-up timed alone), check
    the peers' answers against ours, run the scenarios interleaved, stop them all."""
    trig, inferred = release / "kg.trig", release / "kg-inferred.ttl"
    answers: dict[str, Any] = {}
    plans: dict[str, tuple[Server, dict[str, dict[str, Any]]]] = {}
    with contextlib.ExitStack() as stack:
        for name in ("ours", *peers):
            s = out["servers"][name]
            try:
                if name == "ours":
                    server_cmd, path, env = cmd, "/sparql", out["settings"]["ours_env"]
                elif name == "oxigraph":
                    binary = oxigraph_binary()
                    if binary is None:
                        s["error"] = "not installed (pip install oxigraph: the bench extra)"
                        continue
                    db = work / "oxigraph-db"
                    shutil.rmtree(db, ignore_errors=True)
                    t = time.perf_counter()
                    subprocess.run(
                        [binary, "load", "--location", str(db), "--file", str(trig)],
                        check=True, capture_output=True, timeout=start_timeout,
                    )  # fmt: skip
                    if inferred.is_file():
                        subprocess.run(
                            [binary, "load", "--location", str(db), "--file", str(inferred),
                             "--graph", GRAPH_INFERRED],
                            check=True, capture_output=True, timeout=start_timeout,
                        )  # fmt: skip
                    s["load_s"] = round(time.perf_counter() - t, 3)
                    server_cmd = [
                        binary, "serve", "--location", str(db), "--bind", "127.0.0.1:{port}",
                        "--union-default-graph",
                    ]  # fmt: skip
                    path, env = "/query", {}
                elif name == "rdflib":
                    if not rdflib_endpoint_available():
                        s["error"] = "not installed (pip install rdflib-endpoint: the bench extra)"
                        continue
                    server_cmd = [sys.executable, __file__, "--child-rdflib", str(trig),
                                  str(inferred), "{port}"]  # fmt: skip
                    path, env = "/sparql", {}
                else:
                    s["error"] = f"unknown peer {name!r}"
                    continue
                srv, t = stack.enter_context(
                    running(name, server_cmd, path, work, start_timeout, **env)
                )
                s["start_s"] = round(t, 3)
                cold, body = _get_timed(srv, srv.sparql(AGGREGATE))
                s["aggregate_cold_ms"] = round(cold * 1000, 2)
                agg = _rows(body)
                lookup = _rows(_get_timed(srv, srv.sparql(LOOKUP.format(drug=drug)))[1])
                s["lookup_rows"], s["aggregate_rows"] = len(lookup), len(agg)
                if name == "ours":
                    answers = {"lookup": lookup, "aggregate": agg}
                else:
                    s["answers_match"] = {
                        "lookup": lookup == answers["lookup"],
                        "aggregate": agg == answers["aggregate"],
                    }
                    if not all(s["answers_match"].values()):
                        out["errors"].append(
                            f"{name}: answers differ from ours {s['answers_match']}"
                        )
                plans[name] = (srv, _plan(srv, drug, drugs, ours=name == "ours", **common))
            except Exception as exc:
                s["error"] = f"{type(exc).__name__}: {exc}"
                out["errors"].append(f"{name}: {s['error']}")
                if name == "ours":
                    return
        for name, scenarios in _interleaved(plans, duration, rounds).items():
            out["servers"][name]["scenarios"] = scenarios
        for name, (srv, _) in plans.items():
            out["servers"][name]["rss_mb"] = group_rss_mb(srv.proc.pid)


def _ratios(out: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    servers = out["servers"]

    def sc(server: str, scenario: str, key: str) -> Any:
        return servers.get(server, {}).get("scenarios", {}).get(scenario, {}).get(key)

    ratios: dict[str, Any] = {}
    for peer in PEERS:
        if "scenarios" not in servers.get(peer, {}):
            continue
        for variant in ("repeat", "distinct"):
            ratios[f"lookup_{variant}_rps_ours_over_{peer}"] = _ratio(
                sc("ours", f"lookup_{variant}", "rps"), sc(peer, f"lookup_{variant}", "rps")
            )
            ratios[f"lookup_{variant}_p50_ours_over_{peer}"] = _ratio(
                sc("ours", f"lookup_{variant}", "p50_ms"), sc(peer, f"lookup_{variant}", "p50_ms")
            )
        ratios[f"aggregate_warm_p50_ours_over_{peer}"] = _ratio(
            sc("ours", "aggregate_repeat", "p50_ms"), sc(peer, "aggregate_repeat", "p50_ms"), 4
        )
        ratios[f"aggregate_uncached_p50_ours_over_{peer}"] = _ratio(
            sc("ours", "aggregate_distinct", "p50_ms"), sc(peer, "aggregate_repeat", "p50_ms")
        )
        ratios[f"aggregate_cold_ours_over_{peer}"] = _ratio(
            servers["ours"].get("aggregate_cold_ms"), servers[peer].get("aggregate_cold_ms")
        )
        ratios[f"startup_ours_over_{peer}"] = _ratio(
            servers["ours"].get("start_s"), servers[peer].get("start_s")
        )
    bound = [
        (name, v)
        for name, q in out["queries"].items()
        for variant, v in q.items()
        if variant == "bound" and isinstance(v, dict) and "p99_ms" in v
    ]
    worst = max(bound, key=lambda nv: nv[1]["p99_ms"], default=None)
    targets: dict[str, Any] = {
        "named_query_target_ms": NAMED_TARGET_MS,
        "startup_target_s": STARTUP_TARGET_S,
    }
    if worst is not None:
        targets["named_query_max_p99_ms"] = worst[1]["p99_ms"]
        targets["named_query_max_p99_query"] = worst[0]
        targets["named_query_max_p99_over_target"] = _ratio(worst[1]["p99_ms"], NAMED_TARGET_MS)
        targets["named_query_max_cold_ms"] = max(v["cold_ms"] for _, v in bound)
    start = servers.get("ours", {}).get("start_s")
    if start is not None:
        targets["startup_s"] = start
        targets["startup_over_target"] = _ratio(start, STARTUP_TARGET_S)
    return ratios, targets


# --------------------------------------------------------------------------------------------
# report


def _fmt(x: Any, unit: str = "") -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        x = f"{x:,.1f}" if abs(x) >= 10 else f"{x:.2f}"
    elif isinstance(x, int):
        x = f"{x:,}"
    return f"{x}{unit}"


def http_table(results: dict[str, Any]) -> str:
    """A markdown fragment: server figures side by side with the ratios, then the named
    queries in-process."""
    servers = results["servers"]
    names = ["ours", *PEERS]
    heads = {"ours": "ours (kg serve)", "oxigraph": "oxigraph serve", "rdflib": "rdflib-endpoint"}
    rel = results.get("release", {})

    def cell(server: str, scenario: str | None, key: str, unit: str = "") -> str:
        s = servers.get(server, {})
        if "error" in s and scenario is not None and "scenarios" not in s:
            return "-"
        v = s.get("scenarios", {}).get(scenario, {}) if scenario else s
        if isinstance(v, dict) and "error" in v:
            return "error"
        return _fmt(v.get(key), unit)

    r = results.get("ratios", {})

    def ratios(fmt: str) -> str:
        vals = [r.get(fmt.format(peer=p)) for p in PEERS]
        return " / ".join(f"{v}x" if v is not None else "-" for v in vals)

    lines = [
        f"HTTP and queries: {_fmt(rel.get('drugs'))} drugs, {_fmt(rel.get('quads'))} quads; "
        f"{results['settings']['clients']} clients, {results['settings']['duration_s']:g} s "
        "per scenario (ratios: ours over oxigraph / over rdflib-endpoint)",
        "",
        "| metric | " + " | ".join(heads[n] for n in names) + " | ratio |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    rows: list[tuple[str, str | None, str, str, str]] = [
        ("start-up s (ours: 2nd start)", None, "start_s", "", "startup_ours_over_{peer}"),
        ("monograph /drugs/{id} req/s", "monograph", "rps", "", ""),
        ("monograph p50 / p99 ms", "monograph", "p50_ms|p99_ms", "", ""),
        ("monograph req/s, one drug repeated", "monograph_repeat", "rps", "", ""),
        ("lookup SPARQL req/s, repeated", "lookup_repeat", "rps", "",
         "lookup_repeat_rps_ours_over_{peer}"),
        ("lookup SPARQL req/s, distinct", "lookup_distinct", "rps", "",
         "lookup_distinct_rps_ours_over_{peer}"),
        ("lookup p50 / p99 ms, distinct", "lookup_distinct", "p50_ms|p99_ms", "",
         "lookup_distinct_p50_ours_over_{peer}"),
        ("named /queries req/s, repeated", "named_repeat", "rps", "", ""),
        ("named /queries req/s, distinct", "named_distinct", "rps", "", ""),
        ("aggregate cold ms", None, "aggregate_cold_ms", "", "aggregate_cold_ours_over_{peer}"),
        ("aggregate warm p50 ms", "aggregate_repeat", "p50_ms", "",
         "aggregate_warm_p50_ours_over_{peer}"),
        ("aggregate uncached p50 ms", "aggregate_distinct", "p50_ms", "",
         "aggregate_uncached_p50_ours_over_{peer}"),
        ("RSS MB (process group)", None, "rss_mb", "", ""),
    ]  # fmt: skip
    for label, scenario, key, unit, ratio in rows:
        cells = []
        for n in names:
            if "|" in key:
                a, b = key.split("|")
                cells.append(f"{cell(n, scenario, a, unit)} / {cell(n, scenario, b, unit)}")
            else:
                cells.append(cell(n, scenario, key, unit))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratios(ratio) if ratio else ''} |")
    ours = servers.get("ours", {})
    t = results.get("targets", {})
    lines += [
        "",
        f"Ours: first start (builds the store) {_fmt(ours.get('start_first_s'))} s; second start "
        f"{_fmt(t.get('startup_s'))} s = {_fmt(t.get('startup_over_target'))}x the "
        f"{STARTUP_TARGET_S:g} s target. oxigraph load {_fmt(servers.get('oxigraph', {}).get('load_s'))} s. "
        f"Slowest named query (warm p99, bound): {t.get('named_query_max_p99_query', '-')} "
        f"{_fmt(t.get('named_query_max_p99_ms'))} ms = {_fmt(t.get('named_query_max_p99_over_target'))}x "
        f"the {NAMED_TARGET_MS:g} ms target.",
        "",
        "| named query (in-process) | params | rows | cold ms | p50 ms | p99 ms | all: rows | all: p50 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, q in results.get("queries", {}).items():
        if "error" in q:
            lines.append(f"| {name} | error: {q['error']} | | | | | | |")
            continue
        b, a = q.get("bound", {}), q.get("all", {})
        params = " ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in q.get("params", {}).items())
        lines.append(
            f"| {name} | {params or '-'} | {_fmt(b.get('rows'))} | {_fmt(b.get('cold_ms'))} | "
            f"{_fmt(b.get('p50_ms'))} | {_fmt(b.get('p99_ms'))} | {_fmt(a.get('rows'))} | "
            f"{_fmt(a.get('p50_ms'))} |"
        )
    for name, q in results.get("adhoc", {}).items():
        a = q.get("all", {})
        lines.append(
            f"| ({name}, as sent over HTTP) | - | {_fmt(a.get('rows'))} | {_fmt(a.get('cold_ms'))} "
            f"| {_fmt(a.get('p50_ms'))} | {_fmt(a.get('p99_ms'))} | | |"
        )
    if results.get("errors"):
        lines += ["", "Errors: " + "; ".join(results["errors"])]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# command line


def synth_and_build(n: int, work: Path, timeout: float = 3600) -> Path:
    """``kg synth --drugs n --seed 1`` and a build as benchmarks/run.py does it, reasoner on and
    SHACL off (pyshacl does not finish in minutes at these sizes); reused when present."""
    data, dist = work / f"n{n}" / "data", work / f"n{n}" / "dist"
    if (dist / "manifest.json").is_file():
        return dist
    if not data.is_dir():
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "synth", "--drugs", str(n), "--seed", "1",
             "--out", str(data)], check=True, cwd=ROOT, capture_output=True,
        )  # fmt: skip
    subprocess.run(
        [sys.executable, str(HERE / "run.py"), "--child-build", str(data), str(dist), "0",
         str(timeout), "8192"], check=True, cwd=ROOT, capture_output=True, timeout=timeout,
    )  # fmt: skip
    return dist


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    children: dict[str, Callable[[], None]] = {
        "--child-load": _child_load,
        "--child-query": lambda: print(json.dumps(_child_query(json.loads(sys.stdin.read())))),
    }
    if args and args[0] in children:
        children[args[0]]()
        return
    if args and args[0] == "--child-rdflib":
        _child_rdflib(args[1], args[2], int(args[3]))
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--release", type=Path, help="an existing release folder")
    src.add_argument("--drugs", "--sizes", help="comma-separated drug counts to synth and build")
    p.add_argument("--work", type=Path, default=Path("/tmp/dmkg-bench-http"),
                   help="folder for corpora, releases, store caches and server logs")  # fmt: skip
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per load scenario")
    p.add_argument("--max-requests", type=int, default=100_000, help="per load scenario")
    p.add_argument("--peers", default=",".join(PEERS), help="oxigraph,rdflib (or empty)")
    p.add_argument("--out", type=Path, help="also write the JSON here")
    opts = p.parse_args(args)
    releases: list[tuple[str, Path]] = []
    if opts.release:
        releases.append((opts.release.name, opts.release))
    else:
        for n in (int(x) for x in opts.drugs.split(",")):
            print(f"synth + build: {n} drugs ...", file=sys.stderr, flush=True)
            releases.append((f"n{n}", synth_and_build(n, opts.work)))
    results = []
    for label, rel in releases:
        print(f"http benchmark: {rel} ...", file=sys.stderr, flush=True)
        r = run_http(
            rel, opts.work / label / "http", clients=opts.clients, duration=opts.duration,
            max_requests=opts.max_requests, peers=[x for x in opts.peers.split(",") if x],
        )  # fmt: skip
        results.append(r)
        print(http_table(r) + "\n", file=sys.stderr, flush=True)
    body = results[0] if len(results) == 1 else results
    if opts.out:
        opts.out.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(body, indent=1))


if __name__ == "__main__":
    main()
