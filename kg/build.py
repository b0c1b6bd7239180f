"""The build pipeline as one library call: data -> records -> RDF -> checks -> release."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as pkg_version
from pathlib import Path

from pyoxigraph import Quad

from kg.graph import build_quads
from kg.load import Corpus, load_corpus
from kg.release import serialize_release, write_release

__all__ = ["BuildResult", "Paths", "build", "dmkg_version"]


def dmkg_version() -> str:
    try:
        return pkg_version("dmkg")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


@dataclass(frozen=True)
class Paths:
    """Where the inputs live; defaults are the repository layout."""

    data: Path = Path("data")
    ontology: Path = Path("ontology")

    @property
    def ontology_file(self) -> Path:
        return self.ontology / "dmkg.ttl"


@dataclass
class BuildResult:
    out: Path
    corpus: Corpus
    quads: list[Quad]
    timings: dict[str, float] = field(default_factory=dict)


Check = Callable[[Corpus, list[Quad]], None]
"""A release gate: raises to stop the build before anything is written."""


def build(paths: Paths, out: Path, checks: tuple[Check, ...] = ()) -> BuildResult:
    """Build a release into ``out``. Any error (curation, check, I/O) leaves ``out`` as it was."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    corpus = load_corpus(paths.data, paths.ontology_file)
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    quads = build_quads(corpus, paths.ontology_file)
    timings["graph"] = time.perf_counter() - t
    for check in checks:
        t = time.perf_counter()
        check(corpus, quads)
        timings[getattr(check, "__name__", "check")] = time.perf_counter() - t
    t = time.perf_counter()
    files = serialize_release(quads)
    extra = {
        "claims": len(corpus.claims),
        "sources": sorted(corpus.sources),
        "entities": len(corpus.entities),
    }
    write_release(files, quads, out, dmkg_version(), extra)
    timings["write"] = time.perf_counter() - t
    return BuildResult(out, corpus, quads, timings)
