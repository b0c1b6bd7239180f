"""The load scenarios and the SPARQL they send, run on every server that has them.

The same SPARQL text goes to all three servers (``LOOKUP``: one drug's claims; ``AGGREGATE``:
claims per type over the whole graph); the peers' answers are compared with ours before any
is timed. Each scenario is repeated (an answer cache may serve it) and made distinct per
request (never cached anywhere); the servers take turns in rounds, so that a drift of the
machine's load weighs on all alike.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks.http.loadgen import load, merge
from benchmarks.http.servers import JSON_RESULTS, Launch, Server, peer_launch, running
from benchmarks.procs import group_rss_mb
from kg.rdf.vocab import DMKG, entity_iri

__all__ = [
    "AGGREGATE",
    "LOOKUP",
    "SCENARIOS",
    "get_timed",
    "interleaved",
    "rows",
    "scenario_plan",
    "serve_all",
]

DRUG_IRI = entity_iri("drug", "")

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


def rows(body: dict[str, Any]) -> set[tuple[tuple[str, str, str, str], ...]]:
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


def get_timed(server: Server, path: str, accept: str = JSON_RESULTS) -> tuple[float, Any]:
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


def scenario_plan(
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
    """Scenario -> arguments of ``load`` for one server (peers run the SPARQL ones only)."""
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


def interleaved(
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


def serve_all(
    out: dict[str, Any],
    release: Path,
    work: Path,
    ours: Launch,
    drug: str,
    drugs: Sequence[str],
    peers: Sequence[str],
    start_timeout: float,
    common: dict[str, Any],
    duration: float,
    rounds: int,
    stopped: list[dict[str, Any]],
) -> None:
    """Start our server and the peers one after the other (each start-up timed alone), check
    the peers' answers against ours, run the scenarios interleaved, stop them all (their stop
    reports in ``stopped``)."""
    answers: dict[str, Any] = {}
    plans: dict[str, tuple[Server, dict[str, dict[str, Any]]]] = {}
    with contextlib.ExitStack() as stack:
        for name in ("ours", *peers):
            s = out["servers"][name]
            try:
                launch = (
                    ours if name == "ours" else peer_launch(name, release, work, start_timeout, s)
                )
                if launch is None:
                    continue
                srv, t = stack.enter_context(running(name, launch, work, start_timeout, stopped))
                s["start_s"] = round(t, 3)
                cold, body = get_timed(srv, srv.sparql(AGGREGATE))
                s["aggregate_cold_ms"] = round(cold * 1000, 2)
                agg = rows(body)
                lookup = rows(get_timed(srv, srv.sparql(LOOKUP.format(drug=drug)))[1])
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
                plans[name] = (srv, scenario_plan(srv, drug, drugs, ours=name == "ours", **common))
            except Exception as exc:
                s["error"] = f"{type(exc).__name__}: {exc}"
                out["errors"].append(f"{name}: {s['error']}")
                if name == "ours":
                    return
        for name, scenarios in interleaved(plans, duration, rounds).items():
            out["servers"][name]["scenarios"] = scenarios
        for name, (srv, _) in plans.items():
            out["servers"][name]["rss_mb"] = group_rss_mb(srv.proc.pid)
