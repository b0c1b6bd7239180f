"""Build-pipeline benchmark on synthetic corpora: each step timed, peak memory, naive peers.

    python benchmarks/run.py --sizes 200,1000            # make bench-quick
    python benchmarks/run.py --sizes 1000,10000,50000    # make bench (long; not run by CI)

For each size N: ``kg synth`` writes the corpus (not timed); a fresh Python process builds it
as ``kg build`` does, timing load, graph, validate (SHACL gate), reason (HermiT gate), write,
and reports its peak RSS and that of the reasoner's Java process; then the naive peers run on
the same release in their own processes: rdflib parsing and serialising ``kg.ttl`` against
pyoxigraph doing the same. Steps that cannot finish in the time allowed are recorded as
timed out, never silently dropped. Results go to ``results.json`` and ``RESULTS.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _child_build(data: str, out: str, shacl: bool, reason_timeout: float, heap: int) -> None:
    sys.path.insert(0, str(ROOT))
    from kg.build import Paths, build
    from kg.reason import Limits, reasoning_gate
    from kg.validate import shacl_gate

    paths = Paths(Path(data), ROOT / "ontology")
    checks = [reasoning_gate(Limits(timeout_s=reason_timeout, memory_mb=heap))]
    if shacl:
        checks.insert(0, shacl_gate(paths.shapes_file, paths.ontology_file))
    t = time.perf_counter()
    result = build(paths, Path(out), tuple(checks))
    total = time.perf_counter() - t
    print(json.dumps({
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "total": round(total, 2),
        "quads": len(result.quads),
        "claims": len(result.corpus.claims),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "reasoner_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }))  # fmt: skip


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


def _run(args: list[str], timeout: float) -> dict[str, Any]:
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = round(time.perf_counter() - t, 2)
    return out


def bench(n: int, work: Path, opts: argparse.Namespace) -> dict[str, Any]:
    data = work / f"n{n}" / "data"
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg.cli", "synth", "--drugs", str(n), "--seed", "1",
         "--out", str(data)], check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    entry: dict[str, Any] = {"drugs": n, "synth_s": round(time.perf_counter() - t, 2)}
    out = work / f"n{n}" / "dist"
    shacl = n <= opts.shacl_max
    entry["build"] = _run(
        ["--child-build", str(data), str(out), "1" if shacl else "0",
         str(opts.timeout), str(opts.heap)], opts.timeout,
    )  # fmt: skip
    if not shacl:
        entry["build"]["validate"] = (
            f"not run: pyshacl above {opts.shacl_max} drugs does not finish in minutes"
        )
    ttl = out / "kg.ttl"
    if ttl.exists():
        entry["peer_pyoxigraph"] = _run(["--child-peer", "pyoxigraph", str(ttl)], opts.timeout)
        entry["peer_rdflib"] = _run(["--child-peer", "rdflib", str(ttl)], opts.peer_timeout)
        ox_, rd = entry["peer_pyoxigraph"], entry["peer_rdflib"]
        if "error" not in ox_ and "error" not in rd:
            entry["ratio_rdflib_over_pyoxigraph"] = {
                k: round(rd[k] / max(ox_[k], 0.01), 1) for k in ("parse", "serialize")
            }
    return entry


def _table(results: list[dict[str, Any]]) -> str:
    steps = ("load", "graph", "validate", "reason", "write")
    head = ["drugs", "claims", "quads", *steps, "total s", "peak MB", "reasoner MB",
            "rdflib/ox parse", "rdflib/ox serialise"]  # fmt: skip
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        b = r["build"]
        if "error" in b:
            rows.append(f"| {r['drugs']} | build: {b['error']} |")
            continue
        t = b["timings"]
        ratio = r.get("ratio_rdflib_over_pyoxigraph", {})
        rd = r.get("peer_rdflib", {})
        cells = [
            r["drugs"], b["claims"], b["quads"],
            *(t.get(s, "-") for s in steps),
            b["total"], b["peak_mb"], b["reasoner_peak_mb"],
            f"{ratio['parse']}x" if ratio else rd.get("error", "-"),
            f"{ratio['serialize']}x" if ratio else "-",
        ]  # fmt: skip
        rows.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(rows)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-build":
        a = sys.argv[2:]
        _child_build(a[0], a[1], a[2] == "1", float(a[3]), int(a[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child-peer":
        _child_peer(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="200,1000", help="comma-separated drug counts")
    p.add_argument("--out", default=str(HERE), help="folder for results.json and RESULTS.md")
    p.add_argument("--shacl-max", type=int, default=20,
                   help="run the SHACL gate (pyshacl) only up to this many drugs")  # fmt: skip
    p.add_argument("--timeout", type=float, default=3600, help="per build, seconds")
    p.add_argument("--peer-timeout", type=float, default=300, help="per naive peer, seconds")
    p.add_argument("--heap", type=int, default=8192, help="reasoner heap, MiB")
    opts = p.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="dmkg-bench-") as tmp:
        for n in (int(x) for x in opts.sizes.split(",")):
            print(f"benchmark: {n} drugs ...", file=sys.stderr, flush=True)
            results.append(bench(n, Path(tmp), opts))
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    out = Path(opts.out)
    body = {"meta": meta, "results": results}
    (out / "results.json").write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    md = [
        "# Build benchmark results",
        "",
        f"Generated by `benchmarks/run.py --sizes {opts.sizes}` on {meta['date']} "
        f"({meta['cpus']} CPUs, Python {meta['python']}). Seconds per step of `kg build` "
        "(synthesis excluded); peak RSS of the build process and of the reasoner's Java "
        "process; the naive peer (rdflib) parsing and serialising the same `kg.ttl` as a "
        f"multiple of pyoxigraph's time. SHACL (pyshacl) runs only up to {opts.shacl_max} "
        "drugs (`--shacl-max`): above that it does not finish in minutes.",
        "",
        _table(results),
        "",
    ]
    (out / "RESULTS.md").write_text("\n".join(md), encoding="utf-8")
    print(_table(results))


if __name__ == "__main__":
    main()
