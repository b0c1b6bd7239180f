"""HTTP and query benchmark of one release: our server against its peers, in the same run.

    python -m benchmarks.http --release dist                      # an existing release
    python -m benchmarks.http --drugs 200,1000 --work /tmp/bench  # synth + build each size first

On one release it measures, and reports each figure beside a peer measured in the same run:

- every named query of ``queries/*.rq`` run in-process on the persisted store (the one
  ``kg.store.embedded.open_release`` builds), with parameter values taken from the release itself:
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

Modules: ``stats`` (percentiles, ratios), ``loadgen`` (the client), ``inproc`` (named queries
in-process), ``servers`` (start, time, stop), ``scenarios`` (what is sent, in turns),
``runner`` (``run_http``), ``report`` (ratios, targets, ``http_table``), ``__main__`` (the
command line). The names below are imported on first use, not with the package: the children
(``python -m benchmarks.http --child-...``: load generator, query runner, rdflib-endpoint)
load only what they run, so that their memory and CPU figures are their own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.http.report import http_table
    from benchmarks.http.runner import run_http
    from benchmarks.http.servers import PEERS, oxigraph_binary, rdflib_endpoint_available

__all__ = ["PEERS", "http_table", "oxigraph_binary", "rdflib_endpoint_available", "run_http"]

_HOME = {
    "PEERS": "servers",
    "http_table": "report",
    "oxigraph_binary": "servers",
    "rdflib_endpoint_available": "servers",
    "run_http": "runner",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
