"""``kg query`` for one query: the plain fork it uses now against the forkserver worker it
used before, on the same release and in the same run.

    python -m benchmarks.cli_query [--release dist] [--repeat 5]

Each figure is the median wall time of ``--repeat`` fresh processes, as a user pays it:
``kg_query_s`` the command itself (``python -m kg.cli query``); ``fork_s`` and
``forkserver_s`` a process that imports the package, opens the release's store and answers
the same query with :func:`kg.query.oneshot.run_forked` (now) or
:func:`kg.query.workers.run_once` (before: a forkserver worker, a fresh interpreter that
imports the package again). Prints one JSON object. The release is built first (``kg
build``) if the folder has none.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_ONE = """\
import sys
from pathlib import Path
from kg.query.job import Job
from kg.rdf.media import SPARQL_JSON
from kg.store.embedded import open_release
release = open_release(Path(sys.argv[1]), Path(sys.argv[2]))
job = Job(sys.argv[4], SPARQL_JSON)
if sys.argv[3] == "fork":
    from kg.query.oneshot import run_forked
    run_forked(release.store, job, 60)
else:
    from kg.query.workers import run_once
    run_once(release.store_path, job, 60)
"""


def _median(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def run(release: Path, repeat: int) -> dict[str, object]:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as cache:
        py = sys.executable
        subprocess.run([py, "-m", "kg.cli", "query", "ASK { ?s ?p ?o }", "--release",
                        str(release), "--cache-dir", cache], check=True, capture_output=True)  # fmt: skip
        cli = _median([py, "-m", "kg.cli", "query", QUERY, "--release", str(release),
                       "--cache-dir", cache], repeat)  # fmt: skip
        fork = _median([py, "-c", _ONE, str(release), cache, "fork", QUERY], repeat)
        forkserver = _median([py, "-c", _ONE, str(release), cache, "forkserver", QUERY], repeat)
    return {
        "release": str(release),
        "triples": manifest.get("triples"),
        "repeat": repeat,
        "query": QUERY,
        "kg_query_s": cli,
        "fork_s": fork,
        "forkserver_s": forkserver,
        "forkserver_over_fork": round(forkserver / fork, 1),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--release", type=Path, default=ROOT / "dist")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not (args.release / "manifest.json").is_file():
        subprocess.run([sys.executable, "-m", "kg.cli", "build", "--out", str(args.release)],
                       check=True, cwd=ROOT)  # fmt: skip
    print(json.dumps(run(args.release.absolute(), args.repeat), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
