"""benchmarks.http on the real (tiny) release: a very short run of every scenario,
against our server and whichever peers are installed (the ``bench`` extra), that checks the
shape of the results and that every server it started is gone afterwards."""

from __future__ import annotations

import json
import os
from pathlib import Path

from benchmarks.http import http_table, oxigraph_binary, rdflib_endpoint_available, run_http
from benchmarks.procs import group_pids
from kg.build import Paths, build
from tests.support import ROOT


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_http_short(tmp_path: Path) -> None:
    release = tmp_path / "dist"
    build(Paths(ROOT / "data", ROOT / "ontology"), release)  # no gates: the bytes are what count
    peers = [
        name
        for name, installed in (
            ("oxigraph", oxigraph_binary() is not None),
            ("rdflib", rdflib_endpoint_available()),
        )
        if installed
    ]
    result = run_http(
        release, tmp_path / "work", clients=2, duration=0.4, max_requests=20, warmup=2,
        peers=peers, queries=["adverse-events", "drugs-targeting-il1"], query_repeats=2,
    )  # fmt: skip
    json.dumps(result)  # JSON-serialisable as it is
    assert result["errors"] == []
    assert result["release"]["drugs"] > 0 and result["release"]["quads"] > 0

    ours = result["servers"]["ours"]
    assert ours["start_s"] > 0 and ours["start_first_s"] > 0
    assert ours["aggregate_cold_ms"] > 0 and ours["lookup_rows"] > 0
    scenarios = ("monograph", "monograph_repeat", "lookup_repeat", "lookup_distinct",
                 "named_repeat", "named_distinct", "aggregate_repeat", "aggregate_distinct")  # fmt: skip
    assert set(ours["scenarios"]) == set(scenarios)
    for name in scenarios:
        sc = ours["scenarios"][name]
        assert 0 < sc["requests"] <= 20 and sc["ok"] == sc["requests"], (name, sc)
        assert sc["rounds"] == 2
        assert sc["p50_ms"] <= sc["p99_ms"] <= sc["max_ms"] and sc["rps"] > 0
    for peer in peers:
        p = result["servers"][peer]
        assert p["answers_match"] == {"lookup": True, "aggregate": True}
        assert set(p["scenarios"]) == {"lookup_repeat", "lookup_distinct", "aggregate_repeat"}
        assert all(sc["ok"] == sc["requests"] > 0 for sc in p["scenarios"].values())
        assert result["ratios"][f"lookup_distinct_rps_ours_over_{peer}"] > 0
        assert result["ratios"][f"startup_ours_over_{peer}"] > 0

    queries = result["queries"]
    assert set(queries) == {"adverse-events", "drugs-targeting-il1"}
    assert queries["adverse-events"]["bound"]["rows"] > 0  # parameters from the release
    assert {"cold_ms", "p50_ms", "p99_ms"} <= set(queries["drugs-targeting-il1"]["all"])
    assert result["targets"]["named_query_max_p99_ms"] > 0
    assert result["targets"]["startup_over_target"] > 0

    # every server started was stopped: no process of its group left, its port free again
    assert sorted(e["server"] for e in result["stopped"]) == sorted(["ours-first", "ours", *peers])
    for entry in result["stopped"]:
        assert entry["stopped"] and entry["port_free"] and entry["leftover_pids"] == []
        assert not _alive(entry["pid"])
        assert group_pids(entry["pid"]) == []

    table = http_table(result)
    assert table.startswith("HTTP and queries:") and "| lookup SPARQL req/s, distinct |" in table
