"""One size's synthetic corpus and release, made the same way by every benchmark.

``kg synth --drugs N --seed 1`` writes the corpus (timed apart: it is not the build), then a
child process builds it as ``kg build`` does, timed per step and stopped past its time or
memory limit. The child is this module: ``python -m benchmarks.corpus DATA OUT SHACL TIMEOUT
HEAP`` prints one JSON object (step timings, sizes, peak memory of the build and of the
reasoner); run as a module so that nothing but the build weighs on its peak memory.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.procs import ROOT, run_measured

__all__ = ["Corpus", "synth_and_build"]


@dataclass(frozen=True)
class Corpus:
    data: Path
    release: Path
    synth_s: float | None
    """Seconds ``kg synth`` took; None when an existing corpus was reused."""
    build: dict[str, Any]
    """The build child's figures, or ``{"error": ...}``; empty when the release was reused."""


def synth_and_build(
    n: int,
    work: Path,
    *,
    shacl: bool,
    timeout: float = 3600,
    heap: int = 8192,
    max_rss_mb: float = 0,
    reuse: bool = False,
) -> Corpus:
    """Synthesise ``n`` drugs into ``work/n{n}/data`` and build them into ``work/n{n}/dist``
    with the reasoning gate (``heap`` MiB) and, with ``shacl``, the SHACL gate. ``reuse``
    keeps a release that has its manifest, else a corpus already written."""
    data, dist = work / f"n{n}" / "data", work / f"n{n}" / "dist"
    if reuse and (dist / "manifest.json").is_file():
        return Corpus(data, dist, None, {})
    synth_s = None
    if not (reuse and data.is_dir()):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "synth", "--drugs", str(n), "--seed", "1",
             "--out", str(data)], check=True, cwd=ROOT, capture_output=True,
        )  # fmt: skip
        synth_s = round(time.perf_counter() - t, 2)
    cmd = [sys.executable, "-m", "benchmarks.corpus", str(data), str(dist),
           "1" if shacl else "0", str(timeout), str(heap)]  # fmt: skip
    return Corpus(data, dist, synth_s, run_measured(cmd, timeout, max_rss_mb))


def _child_build(data: str, out: str, shacl: bool, reason_timeout: float, heap: int) -> None:
    """`kg build` with the reasoning gate and (with ``shacl``) the SHACL gate, timed per step."""
    from kg.build import Paths, build
    from kg.gates import Gate, ReasoningGate, ShaclGate
    from kg.reasoning import Limits

    paths = Paths(Path(data), ROOT / "ontology")
    gates: list[Gate] = [ReasoningGate(Limits(timeout_s=reason_timeout, memory_mb=heap))]
    if shacl:
        gates.insert(0, ShaclGate(paths.shapes_file))
    t = time.perf_counter()
    result = build(paths, Path(out), tuple(gates))
    total = time.perf_counter() - t
    print(json.dumps({
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "total": round(total, 2),
        "quads": len(result.quads),
        "claims": len(result.corpus.claims),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "reasoner_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }))  # fmt: skip


if __name__ == "__main__":
    a = sys.argv[1:]
    _child_build(a[0], a[1], a[2] == "1", float(a[3]), int(a[4]))
