"""The guards through a real server: no outbound requests, time limit with real cancellation,
a bounded queue, deep nesting refused while the server keeps answering, slow clients dropped."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support import LoopbackListener

StartServer = Callable[..., str]

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
"""A cartesian product over the graph: hours of work unless cancelled."""
QUICK = "SELECT ?s WHERE { ?s a <https://w3id.org/dmkg/vocab/Drug> }"


def is_problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    return body


def test_listener_records_connections(listener: LoopbackListener) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.get(listener.url, timeout=1)
    time.sleep(0.3)
    assert listener.connections, (
        "the listener must see a direct connection, or the tests below prove nothing"
    )


def test_service_and_from_never_connect_out(
    client: httpx.Client, listener: LoopbackListener
) -> None:
    url = listener.url
    for query in (
        f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ BIND(<{url}> AS ?v) SERVICE ?v {{ ?s ?p ?o }} }}",
    ):
        is_problem(client.get("/sparql", params={"query": query}), 400)
    for params in (
        {"query": f"SELECT * FROM <{url}> {{ ?s ?p ?o }}"},
        {"query": f"SELECT * FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
        {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": url},
        {"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": url},
    ):
        r = client.get("/sparql", params=params)
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    is_problem(client.get("/sparql", params={"query": f"LOAD <{url}>"}), 403)
    time.sleep(0.5)
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * " + "{" * 2_500 + "}" * 2_500,
        "SELECT * { FILTER(" + "(" * 5_000 + "1" + ")" * 5_000 + ") }",
        "SELECT * { FILTER(" + "!" * 10_000 + "true) }",
    ],
)
def test_deep_nesting_is_400_and_the_server_survives(client: httpx.Client, query: str) -> None:
    r = client.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert "nested" in is_problem(r, 400)["title"]
    assert client.get("/sparql", params={"query": QUICK}).status_code == 200


def test_catastrophic_regex_ends_quickly(client: httpx.Client) -> None:
    q = 'SELECT * { BIND("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" AS ?x) FILTER REGEX(?x, "^(a+)+$") }'
    start = time.monotonic()
    r = client.get("/sparql", params={"query": q})
    assert r.status_code in (200, 503) and time.monotonic() - start < 3


def timed_health(base: str) -> float:
    start = time.monotonic()
    assert httpx.get(f"{base}/health", timeout=5).status_code == 200
    return time.monotonic() - start


def test_time_limit_cancels_and_the_server_keeps_answering(
    client: httpx.Client, live_server: str
) -> None:
    with ThreadPoolExecutor(1) as pool:
        start = time.monotonic()
        slow = pool.submit(client.get, "/sparql", params={"query": SLOW})
        time.sleep(0.5)
        assert timed_health(live_server) < 1
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200  # second worker
        r = slow.result(timeout=20)
    elapsed = time.monotonic() - start
    body = is_problem(r, 503)
    assert "timed out" in body["title"].lower() and int(r.headers["retry-after"]) > 0
    assert 1.5 < elapsed < 6, elapsed
    # the killed worker is replaced: the pool answers again at full strength
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        rs = [client.get("/sparql", params={"query": QUICK + f" LIMIT {i + 1}"}) for i in range(3)]
        if all(x.status_code == 200 for x in rs):
            break
        time.sleep(0.2)
    assert all(x.status_code == 200 for x in rs)


def test_concurrency_cap_refuses_at_once_past_a_bounded_queue(start_server: StartServer) -> None:
    base = start_server(max_concurrent=1, max_queued=0, query_timeout=2, body_timeout=1)
    with httpx.Client(base_url=base, timeout=20) as c, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(c.get, "/sparql", params={"query": SLOW})
        time.sleep(0.5)
        start = time.monotonic()
        busy = c.get("/sparql", params={"query": QUICK})
        assert time.monotonic() - start < 1
        assert is_problem(busy, 503)["title"] == "Server busy"
        assert int(busy.headers["retry-after"]) > 0
        assert timed_health(base) < 1
        assert is_problem(slow.result(timeout=20), 503)["title"] == "Query timed out"
        deadline = time.monotonic() + 10
        while (
            r := c.get("/sparql", params={"query": QUICK})
        ).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert r.status_code == 200
        _slow_clients_are_dropped(base)


def _slow_clients_are_dropped(base: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    # silent: connects and sends nothing
    with socket.create_connection((host, int(port)), timeout=5) as s:
        start = time.monotonic()
        assert s.recv(1024) == b""
        assert time.monotonic() - start < 4
    # dribbling headers, one byte at a time
    with socket.create_connection((host, int(port)), timeout=5) as s:
        start = time.monotonic()
        closed = False
        for byte in b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            try:
                s.send(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
            if time.monotonic() - start > 4:
                break
        if not closed:
            s.settimeout(2)
            with contextlib.suppress(OSError):
                closed = s.recv(1024) == b""
        assert closed and time.monotonic() - start < 6
    # a body that stalls: 408 problem
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nSELECT"
        )
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408") and b"problem+json" in answer
    assert timed_health(base) < 1
