"""``run_http``: one release, every measurement in order, one JSON-serialisable result.

Order matters: our first start alone (it builds the persisted store), then the named queries
in-process with no server running, then every server started and timed alone, then the load
scenarios with the servers taking turns. A failure is recorded under ``errors``, never raised:
a size the machine cannot serve is reported as such.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.http.inproc import named_queries, representative
from benchmarks.http.report import ratios_and_targets
from benchmarks.http.scenarios import AGGREGATE, LOOKUP, serve_all
from benchmarks.http.servers import PEERS, ours_launch, running
from benchmarks.procs import ROOT
from kg.rdf.queryfile import load_named_queries
from kg.rdf.vocab import vocab
from kg.store.embedded import open_release

__all__ = ["run_http"]


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
    """Benchmark one release (see ``benchmarks.http``); ``work`` holds the store caches and
    server logs. Each load scenario runs ``duration`` seconds per server in all, in ``rounds``
    alternating runs. ``peers``: which of ``oxigraph`` and ``rdflib`` to run (skipped with a
    note when not installed); ``queries``: the named queries timed in-process (default all).
    Returns a JSON-serialisable dict: raw figures per server, ``ratios`` and ``targets``."""
    release, work, queries_dir = release.absolute(), work.absolute(), queries_dir.absolute()
    work.mkdir(parents=True, exist_ok=True)
    stopped: list[dict[str, Any]] = []
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
    ours = ours_launch(release, cache, queries_dir, out["settings"]["ours_env"])
    s: dict[str, Any] = out["servers"]["ours"]
    try:
        # first start, alone: the store is built from kg.trig into the (empty) cache
        with running("ours-first", ours, work, start_timeout, stopped) as (_, t):
            s["start_first_s"] = round(t, 3)
        # in-process, no server running: parameters from the release, then each query timed
        rel = open_release(release, cache)
        store_path = rel.store_path

        all_q = load_named_queries(queries_dir)
        chosen = {k: v for k, v in all_q.items() if queries is None or k in queries}
        drugs = [
            str(sol["d"].value)
            for sol in rel.store.query(
                f"SELECT DISTINCT ?d WHERE {{ ?d a <{vocab('Drug')}> }} ORDER BY ?d",
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
        plan = representative(rel.store, chosen, drug)
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
        serve_all(out, release, work, ours, drug, drugs, peers, start_timeout,
                  dict(named=named, clients=clients, max_requests=max_requests, warmup=warmup),
                  duration, rounds, stopped)  # fmt: skip
    out["stopped"] = stopped
    out["settings"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    for entry in stopped:
        if not entry["stopped"] or not entry["port_free"]:
            out["errors"].append(f"{entry['server']}: not stopped cleanly {entry}")
    out["ratios"], out["targets"] = ratios_and_targets(out)
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
