"""The W3C SPARQL 1.1 Protocol tests replayed against a running ``kg serve``.

The service is read-only: every update test is flipped to expect 4xx (403 problem+json) for its
update request, and the queries that would check the update's effect are not sent. Anything else
that does not pass must be a named entry of DEVIATIONS.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support import Server
from tests.support import serve_short as serve

from . import w3c

pytestmark = pytest.mark.skipif(not w3c.available(), reason="W3C test suite not present")

DEVIATIONS: dict[str, str] = {}
"""Protocol tests that fail on purpose, with the reason (none at present). Data-dependence is
handled without deviations: the graphs the tests name on ``kasei.us`` are loaded under the same
names from the manifest's ``ut:graphData`` (``data0.rdf`` has no data and is an empty graph)."""


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("w3c-protocol")
    release = w3c.protocol_release(w3c.protocol_tests(), root / "dist")
    with serve(release, root / "cache") as s:
        yield s


def replay(client: httpx.Client, test: w3c.ProtocolTest) -> list[str]:
    wrong: list[str] = []
    for i, req in enumerate(test.requests):
        expected = req
        if test.is_update:
            if i > 0:  # would check the effect of an update the service refuses
                break
            expected = w3c.Request(req.method, req.path, req.headers, req.body, {"4xx"}, None, None)
        r = client.request(
            req.method, w3c.endpoint_path(req.path), headers=req.headers, content=req.body
        )
        problems = w3c.check_response(
            expected, r.status_code, r.headers.get("content-type", ""), r.content
        )
        if test.is_update and r.status_code != 403 and "bad_" not in test.id:
            problems.append(f"update answered {r.status_code}, not 403")
        wrong += [f"request {i + 1}: {p}" for p in problems]
    return wrong


def test_w3c_protocol(w3c_server: Server) -> None:
    tests = w3c.protocol_tests()
    assert len(tests) == 34
    results: dict[str, list[str]] = {}
    with httpx.Client(base_url=w3c_server.base, timeout=30) as client:
        for t in tests:
            results[t.id] = replay(client, t)
        assert client.get("/health").status_code == 200
    failing = {k: v for k, v in results.items() if v}
    unexpected = {k: v for k, v in failing.items() if k not in DEVIATIONS}
    stale = sorted(set(DEVIATIONS) - set(failing))
    assert not unexpected, unexpected
    assert not stale, f"deviations that now pass: {stale}"
    flipped = [t.id for t in tests if t.is_update and "bad_" not in t.id]
    assert len(flipped) == 7
