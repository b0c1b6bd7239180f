"""What the figures mean: ratios of ours over each peer, the targets, a markdown table.

``ratios_and_targets`` derives them from the raw figures (``run_http`` stores both in its
result); ``http_table`` renders one result as the fragment that ``RESULTS.md`` and the command
line show: server figures side by side with the ratios, then the named queries in-process.
"""

from __future__ import annotations

from typing import Any

from benchmarks.http.servers import PEERS
from benchmarks.http.stats import ratio

__all__ = ["NAMED_TARGET_MS", "STARTUP_TARGET_S", "http_table", "ratios_and_targets"]

NAMED_TARGET_MS = 50.0
STARTUP_TARGET_S = 5.0


def ratios_and_targets(out: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ours over each peer (throughput, latency, start-up) and the targets: the slowest
    bound named query against ``NAMED_TARGET_MS``, our second start against
    ``STARTUP_TARGET_S``."""
    servers = out["servers"]

    def sc(server: str, scenario: str, key: str) -> Any:
        return servers.get(server, {}).get("scenarios", {}).get(scenario, {}).get(key)

    ratios: dict[str, Any] = {}
    for peer in PEERS:
        if "scenarios" not in servers.get(peer, {}):
            continue
        for variant in ("repeat", "distinct"):
            ratios[f"lookup_{variant}_rps_ours_over_{peer}"] = ratio(
                sc("ours", f"lookup_{variant}", "rps"), sc(peer, f"lookup_{variant}", "rps")
            )
            ratios[f"lookup_{variant}_p50_ours_over_{peer}"] = ratio(
                sc("ours", f"lookup_{variant}", "p50_ms"), sc(peer, f"lookup_{variant}", "p50_ms")
            )
        ratios[f"aggregate_warm_p50_ours_over_{peer}"] = ratio(
            sc("ours", "aggregate_repeat", "p50_ms"), sc(peer, "aggregate_repeat", "p50_ms"), 4
        )
        ratios[f"aggregate_uncached_p50_ours_over_{peer}"] = ratio(
            sc("ours", "aggregate_distinct", "p50_ms"), sc(peer, "aggregate_repeat", "p50_ms")
        )
        ratios[f"aggregate_cold_ours_over_{peer}"] = ratio(
            servers["ours"].get("aggregate_cold_ms"), servers[peer].get("aggregate_cold_ms")
        )
        ratios[f"startup_ours_over_{peer}"] = ratio(
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
        targets["named_query_max_p99_over_target"] = ratio(worst[1]["p99_ms"], NAMED_TARGET_MS)
        targets["named_query_max_cold_ms"] = max(v["cold_ms"] for _, v in bound)
    start = servers.get("ours", {}).get("start_s")
    if start is not None:
        targets["startup_s"] = start
        targets["startup_over_target"] = ratio(start, STARTUP_TARGET_S)
    return ratios, targets


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
    for label, scenario, key, unit, ratio_key in rows:
        cells = []
        for n in names:
            if "|" in key:
                a, b = key.split("|")
                cells.append(f"{cell(n, scenario, a, unit)} / {cell(n, scenario, b, unit)}")
            else:
                cells.append(cell(n, scenario, key, unit))
        lines.append(
            f"| {label} | " + " | ".join(cells) + f" | {ratios(ratio_key) if ratio_key else ''} |"
        )
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
