"""HTTP and query benchmark of one release: our server against its peers, in the same run.

``python -m benchmarks.http --release DIR`` or ``--drugs N[,N...]`` (synth + build each size
into ``--work`` first, reused when there); the result is printed as JSON (also to ``--out``),
each release's table to stderr. The ``--child-*`` forms are the benchmark's own processes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _child(args: Sequence[str]) -> bool:
    """Run one of the benchmark's child processes if ``args`` names one (imports only what
    that child needs)."""
    if not args:
        return False
    if args[0] == "--child-load":
        from benchmarks.http.loadgen import child_load

        child_load()
    elif args[0] == "--child-query":
        from benchmarks.http.inproc import child_query

        print(json.dumps(child_query(json.loads(sys.stdin.read()))))
    elif args[0] == "--child-rdflib":
        from benchmarks.http.servers import child_rdflib

        child_rdflib(args[1], args[2], int(args[3]))
    else:
        return False
    return True


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if _child(args):
        return
    from benchmarks.corpus import synth_and_build
    from benchmarks.http.report import http_table
    from benchmarks.http.runner import run_http
    from benchmarks.http.servers import PEERS

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.http", description=__doc__.split("\n")[0]
    )
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
            # SHACL off: pyshacl does not finish in minutes at these sizes; the reasoner on
            corpus = synth_and_build(n, opts.work, shacl=False, reuse=True)
            if "error" in corpus.build:
                raise SystemExit(f"build of {n} drugs: {corpus.build['error']}")
            releases.append((f"n{n}", corpus.release))
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
