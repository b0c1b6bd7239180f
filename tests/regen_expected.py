"""Regenerate ``queries/expected/*.tsv`` from a fresh build: ``make expected``.

The output is reviewed by a curator before it is committed; the tests then hold both engines
to it. Never regenerate to make a failing test pass without reading the diff.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pyoxigraph

from kg.build import Paths, build, default_gates
from kg.query.named import bind, run_pyoxigraph
from kg.rdf.queryfile import load_named_queries

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        paths = Paths(ROOT / "data", ROOT / "ontology")
        build(paths, out, default_gates(paths))
        store = pyoxigraph.Store()
        store.bulk_load(path=str(out / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
        full = pyoxigraph.Store()  # asserted + inferred, for queries tagged "reasoning"
        full.bulk_load(path=str(out / "kg-full.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
        target = ROOT / "queries" / "expected"
        target.mkdir(exist_ok=True)
        for name, query in load_named_queries(ROOT / "queries").items():
            engine = full if "reasoning" in query.tags else store
            result = run_pyoxigraph(engine, query, bind(query, query.example))
            assert isinstance(result, pyoxigraph.QuerySolutions), name
            data = result.serialize(format=pyoxigraph.QueryResultsFormat.TSV)
            (target / f"{name}.tsv").write_bytes(data)
            print(f"wrote queries/expected/{name}.tsv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
