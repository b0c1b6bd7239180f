"""Differential SHACL benchmark: the SPARQL engine against pyshacl on a synthetic corpus.

    python benchmarks/shacl_diff.py --drugs 1000 --seed 1 [--defects K] [--work DIR]

Synthesises ``--drugs`` monographs (``kg synth``), builds the graph as ``kg build`` does but
without its gates, validates it with both engines against ``ontology/shapes.ttl``, fails
(exit 1) unless both give the same result set, and prints one JSON object on stdout: sizes,
both timings and their ratio. Blank-node labels, which each engine draws itself, are compared
as ``_:``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(drugs: int, seed: int, defects: int, work: Path) -> dict[str, object]:
    from kg.build import Paths, load_inputs
    from kg.curation.synth import synthesize
    from kg.rdf.serialize import ntriples
    from kg.shacl import PyShaclValidator
    from kg.shacl.compare import rows
    from kg.shacl.shapes import load_shapes
    from kg.shacl.sparql_engine import SparqlValidator

    data_dir = work / "data"
    synthesize(data_dir, drugs=drugs, seed=seed, defects=defects)
    _, quads, _ = load_inputs(Paths(data=data_dir, ontology=ROOT / "ontology"))
    data = ntriples(quads)
    shapes = load_shapes(ROOT / "ontology" / "shapes.ttl").ntriples()
    timings: dict[str, float] = {}
    found: dict[str, set[tuple[str, ...]]] = {}
    for engine in (SparqlValidator(), PyShaclValidator()):
        start = time.perf_counter()
        results = engine.validate(data, shapes)
        timings[engine.name] = round(time.perf_counter() - start, 2)
        found[engine.name] = rows(results)
        print(f"{engine.name}: {len(results)} results in {timings[engine.name]} s", file=sys.stderr)
    only_sparql = sorted(found["sparql"] - found["pyshacl"])
    only_pyshacl = sorted(found["pyshacl"] - found["sparql"])
    return {
        "drugs": drugs,
        "seed": seed,
        "defects": defects,
        "triples": data.count(b"\n"),
        "results": len(found["sparql"]),
        "by_severity": dict(sorted(Counter(r[0] for r in found["sparql"]).items())),
        "identical": not only_sparql and not only_pyshacl,
        "only_sparql": only_sparql[:5],
        "only_pyshacl": only_pyshacl[:5],
        "seconds": timings,
        "ratio": round(timings["pyshacl"] / max(timings["sparql"], 1e-9), 1),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--drugs", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--defects", type=int, default=0, help="drugs given a duplicate label")
    p.add_argument("--work", help="folder for the synthetic corpus (default: a temporary one)")
    opts = p.parse_args()
    if Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        # run as a script: this folder heads sys.path, where benchmarks/http would shadow the
        # standard library's http (which rdflib imports); the project root stands in
        sys.path[0] = str(ROOT)
    if opts.work:
        out = run(opts.drugs, opts.seed, opts.defects, Path(opts.work))
    else:
        with tempfile.TemporaryDirectory(prefix="shacl-diff-") as tmp:
            out = run(opts.drugs, opts.seed, opts.defects, Path(tmp))
    print(json.dumps(out, indent=1))
    return 0 if out["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
