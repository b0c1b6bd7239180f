"""Benchmark of the whole pipeline on synthetic corpora, each figure beside its peer.

    python benchmarks/run.py --sizes 200,1000            # make bench-quick
    python benchmarks/run.py --sizes 1000,10000,50000    # make bench (long; not run by CI)

For each size N: ``kg synth`` writes the corpus (not timed); a fresh process builds it as
``kg build`` does (load, graph, SHACL gate, reasoning gate, write), timed per step, with its
peak resident memory and the reasoner's; then, on the same release, each in its own process:
SHACL with our SPARQL engine and with pyshacl (results compared), rdflib against pyoxigraph
parsing and serialising ``kg.ttl``, and the serving benchmark (``benchmarks.http``: named
queries, HTTP load on our server, ``oxigraph serve`` and rdflib-endpoint, start-up). A step
past its time limit or past ``--max-rss-mb`` is stopped and recorded as such, never dropped.
Results: ``results.json`` and ``RESULTS.md`` (targets first, met or not, then the tables).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if Path(sys.path[0] or ".").resolve() == HERE:
    # run as a script: this folder heads sys.path, where benchmarks/http would shadow the
    # standard library's http (which rdflib and httpx import); the project root stands in
    sys.path[0] = str(ROOT)

from benchmarks.corpus import synth_and_build  # noqa: E402  (after the path fix above)
from benchmarks.procs import run_measured  # noqa: E402


def _child_peer(engine: str, ttl: str) -> None:
    t = time.perf_counter()
    if engine == "rdflib":
        import rdflib

        g = rdflib.Graph().parse(ttl, format="turtle")
        parse = time.perf_counter() - t
        t = time.perf_counter()
        g.serialize(format="turtle")
        size = len(g)
    else:
        import pyoxigraph as ox

        triples = list(ox.parse(path=ttl, format=ox.RdfFormat.TURTLE))
        parse = time.perf_counter() - t
        t = time.perf_counter()
        ox.serialize(triples, format=ox.RdfFormat.TURTLE)
        size = len(triples)
    print(json.dumps({
        "parse": round(parse, 2), "serialize": round(time.perf_counter() - t, 2), "triples": size,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))  # fmt: skip


def _child_validate(engine: str, nt: str) -> None:
    """One SHACL engine on a release's ``kg.nt``: seconds (parsing included: each engine loads
    the graph its own way), result count and a digest of the sorted results to compare."""
    import hashlib

    from kg.shacl import engine as shacl_engine
    from kg.shacl.shapes import load_shapes

    shapes = load_shapes(ROOT / "ontology" / "shapes.ttl").ntriples()
    validator = shacl_engine(engine)
    data = Path(nt).read_bytes()
    t = time.perf_counter()
    results = sorted(set(validator.validate(data, shapes)))
    seconds = time.perf_counter() - t
    digest = hashlib.sha256("\n".join(map(repr, results)).encode("utf-8")).hexdigest()
    print(json.dumps({
        "seconds": round(seconds, 2), "results": len(results), "digest": digest[:16],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))  # fmt: skip


def _run(args: list[str], timeout: float, max_rss_mb: float = 0) -> dict[str, Any]:
    """A child step of this script (``--child-...``), stopped past its limits."""
    return run_measured([sys.executable, __file__, *args], timeout, max_rss_mb)


def bench(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    corpus = synth_and_build(
        n, work, shacl=True, timeout=opts.timeout, heap=opts.heap, max_rss_mb=opts.max_rss_mb
    )
    entry: dict[str, Any] = {"drugs": n, "synth_s": corpus.synth_s, "build": corpus.build}
    out = corpus.release
    nt, ttl = out / "kg.nt", out / "kg.ttl"
    if "error" in entry["build"] or not nt.exists():
        return entry
    # SHACL: our engine against pyshacl on the same kg.nt, results compared by digest
    sparql = entry["validate_sparql"] = _run(
        ["--child-validate", "sparql", str(nt)], opts.timeout, opts.max_rss_mb
    )
    if n <= opts.pyshacl_max:
        py = entry["validate_pyshacl"] = _run(
            ["--child-validate", "pyshacl", str(nt)], opts.peer_timeout, opts.max_rss_mb
        )
        if "error" not in py and "error" not in sparql:
            entry["validate_identical"] = py["digest"] == sparql["digest"]
            entry["ratio_pyshacl_over_sparql"] = round(
                py["seconds"] / max(sparql["seconds"], 0.01), 1
            )
    else:
        entry["validate_pyshacl"] = {"error": f"not run above {opts.pyshacl_max} drugs"}
    entry["peer_pyoxigraph"] = _run(["--child-peer", "pyoxigraph", str(ttl)], opts.timeout)
    if n <= opts.rdflib_max:
        entry["peer_rdflib"] = _run(
            ["--child-peer", "rdflib", str(ttl)], opts.peer_timeout, opts.max_rss_mb
        )
    else:
        entry["peer_rdflib"] = {"error": f"not run above {opts.rdflib_max} drugs"}
    ox_, rd = entry["peer_pyoxigraph"], entry["peer_rdflib"]
    if "error" not in ox_ and "error" not in rd:
        entry["ratio_rdflib_over_pyoxigraph"] = {
            k: round(rd[k] / max(ox_[k], 0.01), 1) for k in ("parse", "serialize")
        }
    if n <= opts.http_max:
        entry["http"] = _http(out, work / f"n{n}" / "http", opts)
    return entry


def _http(release: Path, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    """The HTTP and named-query benchmark (``benchmarks.http``) on one release."""
    from benchmarks.http import run_http  # here: this script's children need none of it

    try:
        result: dict[str, Any] = run_http(release, work, duration=opts.http_duration)
    except Exception as exc:  # recorded, never silently dropped
        return {"error": f"{type(exc).__name__}: {exc}"}
    return result


def _http_targets(by: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """The serving targets, judged at 10,000 drugs; at a smaller largest size they are shown
    but not judged (``met`` None)."""
    runs = {n: r["http"] for n, r in by.items() if "servers" in r.get("http", {})}
    if not runs:
        return [_target("serving targets", "HTTP benchmark", "not run", None)]
    n = max(runs)
    h, at = runs[n], f" at {n:,} drugs"

    def judge(ok: bool) -> bool | None:
        return ok if n >= 10000 else None

    def sc(server: str, scenario: str, key: str) -> Any:
        return h["servers"].get(server, {}).get("scenarios", {}).get(scenario, {}).get(key)

    out = []
    t = h.get("targets", {})
    if "named_query_max_p99_ms" in t:
        worst = t["named_query_max_p99_ms"]
        out.append(_target("named queries", "each < 50 ms at 10,000 drugs",
                           f"slowest p99 {worst} ms ({t['named_query_max_p99_query']}){at}",
                           judge(worst < 50)))  # fmt: skip
    r = h.get("ratios", {})
    ox = r.get("lookup_distinct_rps_ours_over_oxigraph")
    rd = r.get("lookup_distinct_rps_ours_over_rdflib")
    if ox is not None:
        rep = (
            r.get("lookup_repeat_rps_ours_over_oxigraph"),
            r.get("lookup_repeat_rps_ours_over_rdflib"),
        )
        ok = (ox >= 1 and rd >= 8) if rd is not None else (False if ox < 1 else None)
        out.append(_target(
            "one-drug lookup throughput, 20 clients",
            ">= oxigraph serve, >= 8x rdflib-endpoint",
            f"uncached {ox}x oxigraph, {rd if rd is not None else '-'}x rdflib-endpoint; "
            f"repeated (answer cache) {rep[0]}x, {rep[1] if rep[1] is not None else '-'}x{at}",
            judge(ok) if ok is not None else None,
        ))  # fmt: skip
    warm = sc("ours", "aggregate_repeat", "p50_ms")
    answered = sc("ours", "aggregate_repeat", "ok") or 0
    if warm is not None and answered >= 2:
        out.append(_target("aggregate once warm", "< 100 ms", f"p50 {warm} ms{at}",
                           judge(warm < 100)))  # fmt: skip
    elif warm is not None:
        out.append(_target("aggregate once warm", "< 100 ms",
                           f"not reached{at}: {answered} answer(s) in the window, the first "
                           f"(uncached) took {warm} ms", None))  # fmt: skip
    if "startup_s" in t:
        out.append(_target("server ready", "< 5 s at 10,000 drugs (persisted store)",
                           f"{t['startup_s']} s{at}", judge(t["startup_s"] < 5)))  # fmt: skip
    return out


def _http_markdown(results: list[dict[str, Any]]) -> list[str]:
    from benchmarks.http import http_table

    out = []
    for r in results:
        h = r.get("http")
        if h is None:
            continue
        out += [f"## Serving, {r['drugs']:,} drugs", ""]
        out += [h["note"] + ".", ""] if h.get("note") else []
        out += [http_table(h) if "servers" in h else f"error: {h.get('error')}", ""]
    return out


def _cell(d: dict[str, Any], key: str, unit: str = "") -> str:
    if "error" in d:
        return str(d["error"])
    return f"{d[key]}{unit}"


def _table(results: list[dict[str, Any]]) -> str:
    steps = ("load", "graph", "validate", "reason", "write")
    head = ["drugs", "claims", "quads", *steps, "total s", "s per 1k drugs", "peak MB",
            "reasoner MB"]  # fmt: skip
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        b = r["build"]
        if "error" in b:
            rows.append(f"| {r['drugs']} | build: {b['error']} |" + " |" * (len(head) - 2))
            continue
        t = b["timings"]
        cells = [
            r["drugs"], b["claims"], b["quads"], *(t.get(s, "-") for s in steps),
            b["total"], round(b["total"] * 1000 / r["drugs"], 1), b["peak_mb"],
            b["reasoner_peak_mb"],
        ]  # fmt: skip
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(rows)


def _peer_table(results: list[dict[str, Any]]) -> str:
    head = ["drugs", "SHACL: ours s", "pyshacl s", "pyshacl / ours", "same results",
            "rdflib / pyoxigraph parse", "rdflib / pyoxigraph serialise"]  # fmt: skip
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if "validate_sparql" not in r:
            continue
        ratio = r.get("ratio_rdflib_over_pyoxigraph")
        cells = [
            r["drugs"], _cell(r["validate_sparql"], "seconds"),
            _cell(r["validate_pyshacl"], "seconds"),
            f"{r['ratio_pyshacl_over_sparql']}x" if "ratio_pyshacl_over_sparql" in r else "-",
            {True: "yes", False: "NO"}.get(r.get("validate_identical"), "-"),  # type: ignore[arg-type]
            f"{ratio['parse']}x" if ratio else _cell(r["peer_rdflib"], "parse"),
            f"{ratio['serialize']}x" if ratio else "-",
        ]  # fmt: skip
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(rows)


def _target(name: str, goal: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": name, "goal": goal, "measured": measured, "met": met}


def _targets(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target of the scale issue against what this run measured; ``met`` is None where
    this run did not measure it (a size not run, a peer that did not finish)."""
    by = {r["drugs"]: r for r in results}
    out = []
    b10 = by.get(10000, {}).get("build", {})
    if "total" in b10:
        out.append(_target("build, 10,000 drugs", "<= 60 s, <= 1.5 GB peak",
                           f"{b10['total']} s, {b10['peak_mb']} MB peak",
                           b10["total"] <= 60 and b10["peak_mb"] <= 1536))  # fmt: skip
    else:
        out.append(_target("build, 10,000 drugs", "<= 60 s, <= 1.5 GB peak",
                           b10.get("error", "not run"), None))  # fmt: skip
    per = {n: r["build"]["total"] / n for n, r in by.items() if "total" in r.get("build", {})}
    if 1000 in per and len(per) > 1:
        worst = max((n for n in per if n > 1000), key=lambda n: per[n] / per[1000], default=None)
        if worst is not None:
            growth = per[worst] / per[1000]
            out.append(_target("build time growth", "no faster than linear from 1,000 drugs",
                               f"time per drug at {worst:,} = {growth:.2f}x that at 1,000",
                               growth <= 1.1))  # fmt: skip
    failed = [f"{n:,}: {r['build']['error']}" for n, r in by.items() if "error" in r["build"]]
    if failed:
        out.append(_target("build completes", "every size", "; ".join(failed), False))
    compared = [r for r in results if "ratio_pyshacl_over_sparql" in r]
    if compared:
        r = max(compared, key=lambda r: r["drugs"])
        out.append(_target(
            "SHACL validation vs pyshacl", ">= 6x faster, identical results",
            f"{r['ratio_pyshacl_over_sparql']}x at {r['drugs']:,} drugs, "
            f"{'identical' if r['validate_identical'] else 'DIFFERENT'} results",
            r["ratio_pyshacl_over_sparql"] >= 6 and r["validate_identical"],
        ))  # fmt: skip
    out += _http_targets(by)
    return out


def _markdown(meta: dict[str, Any], results: list[dict[str, Any]], targets: list[Any]) -> str:
    yes = {True: "met", False: "**not met**", None: "not measured"}
    rows = ["| target | goal | measured | |", "|---|---|---|---|"]
    rows += [
        f"| {t['target']} | {t['goal']} | {t['measured']} | {yes[t['met']]} |" for t in targets
    ]
    md = [
        "# Benchmark results",
        "",
        f"Generated by `{'`, then `'.join(meta['commands'])}` (last run {meta['date']}; "
        f"{meta['cpus']} CPUs, "
        f"Python {meta['python']}). How to reproduce and what each figure means: "
        "[README.md](README.md).",
        *(["", meta["note"]] if meta.get("note") else []),
        "",
        "## Targets",
        "",
        *rows,
        "",
        "## Build (`kg build` with both gates; seconds per step, peak resident memory)",
        "",
        _table(results),
        "",
        "## Naive peers on the same release",
        "",
        "SHACL: each engine on the release's `kg.nt`, loading included; results compared as "
        "sorted sets. rdflib against pyoxigraph parsing and serialising `kg.ttl`.",
        "",
        _peer_table(results),
        "",
        *_http_markdown(results),
    ]
    return "\n".join(md) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-peer":
        _child_peer(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-validate":
        _child_validate(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="200,1000", help="comma-separated drug counts")
    p.add_argument("--out", default=str(HERE), help="folder for results.json and RESULTS.md")
    p.add_argument("--pyshacl-max", type=int, default=1000,
                   help="run the pyshacl peer only up to this many drugs")  # fmt: skip
    p.add_argument("--http-max", type=int, default=10000,
                   help="run the HTTP benchmark only up to this many drugs")  # fmt: skip
    p.add_argument("--http-duration", type=float, default=10.0, help="seconds per HTTP load")
    p.add_argument("--timeout", type=float, default=3600, help="per build, seconds")
    p.add_argument("--peer-timeout", type=float, default=1800, help="per naive peer, seconds")
    p.add_argument("--heap", type=int, default=8192, help="reasoner heap, MiB")
    p.add_argument("--max-rss-mb", type=float, default=_default_rss_cap(),
                   help="stop a step above this resident memory (default: 80%% of RAM)")  # fmt: skip
    p.add_argument("--rdflib-max", type=int, default=1000,
                   help="run the rdflib parse/serialise peer only up to this many drugs")  # fmt: skip
    p.add_argument("--append", action="store_true",
                   help="keep the other sizes of --out's results.json (sizes run apart)")  # fmt: skip
    opts = p.parse_args()
    out = Path(opts.out)
    results = []
    commands = []
    if opts.append and (out / "results.json").exists():
        old = json.loads((out / "results.json").read_text(encoding="utf-8"))
        sizes = {int(x) for x in opts.sizes.split(",")}
        results = [r for r in old["results"] if r["drugs"] not in sizes]
        commands = old["meta"].get("commands", [old["meta"].get("command", "")])
    with tempfile.TemporaryDirectory(prefix="dmkg-bench-") as tmp:
        for n in (int(x) for x in opts.sizes.split(",")):
            print(f"benchmark: {n} drugs ...", file=sys.stderr, flush=True)
            results.append(bench(n, Path(tmp), opts))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
            shutil.rmtree(Path(tmp) / f"n{n}", ignore_errors=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commands": [*commands, "benchmarks/run.py " + " ".join(sys.argv[1:])],
    }
    results.sort(key=lambda r: int(r["drugs"]))
    targets = _targets(results)
    body = {"meta": meta, "results": results, "targets": targets}
    (out / "results.json").write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    (out / "RESULTS.md").write_text(_markdown(meta, results, targets), encoding="utf-8")
    print(_table(results))


def _default_rss_cap() -> float:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return round(pages * 0.8 / 2**20)


if __name__ == "__main__":
    main()
