"""The build pipeline as one library call: data -> records -> RDF -> checks -> release."""

from __future__ import annotations

import gc
import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as pkg_version
from pathlib import Path

from pyoxigraph import NamedNode, Quad

from kg.errors import BuildError, CurationError, CurationErrors
from kg.export import export_producers
from kg.graph import build_quads, quad_key
from kg.load import Corpus, load_corpus
from kg.mappings import MappingSet, class_subjects, corpus_subjects, load_mappings
from kg.progress import Progress
from kg.release import Producer, release_producers, write_release
from kg.vocab import GRAPH_MAPPINGS

__all__ = ["BuildResult", "Check", "Paths", "build", "default_checks", "dmkg_version"]


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

    @property
    def shapes_file(self) -> Path:
        return self.ontology / "shapes.ttl"


@dataclass
class BuildResult:
    out: Path
    corpus: Corpus
    quads: list[Quad]
    mappings: MappingSet
    timings: dict[str, float] = field(default_factory=dict)


Check = Callable[[Corpus, list[Quad]], dict[str, bytes]]
"""A release gate: raises to stop the build before anything is written; otherwise returns
extra release files (validation report, inferred graph) to publish with the release."""


def default_checks(paths: Paths | None = None) -> tuple[Check, Check]:
    """The gates of ``kg build``: SHACL validation (shapes of ``paths.ontology``, on the SPARQL
    engine, which gives pyshacl's results), then OWL reasoning (HermiT)."""
    from kg.reason import reasoning_gate
    from kg.validate import shacl_gate

    paths = paths or Paths()
    return shacl_gate(paths.shapes_file, paths.ontology_file), reasoning_gate()


def load_inputs(paths: Paths) -> tuple[Corpus, list[Quad], MappingSet]:
    """Curated files and mappings -> checked records and quads; every curation error of both
    is raised together."""
    corpus = _load(paths)
    quads, mappings = _graph(paths, corpus)
    return corpus, quads, mappings


def _load(paths: Paths) -> Corpus:
    errors: list[CurationError] = []
    try:
        corpus = load_corpus(paths.data, paths.ontology_file)
    except CurationErrors as exc:
        errors += exc.errors
        try:  # still check the mapping tables themselves, for one complete report
            load_mappings(paths.data)
        except CurationErrors as more:
            errors += more.errors
        raise CurationErrors(errors) from None
    return corpus


def _graph(paths: Paths, corpus: Corpus) -> tuple[list[Quad], MappingSet]:
    quads = build_quads(corpus, paths.ontology_file)
    mappings = load_mappings(paths.data, corpus_subjects(corpus, paths.ontology_file))
    g = NamedNode(GRAPH_MAPPINGS)
    extra = [Quad(NamedNode(s), NamedNode(p), NamedNode(o), g) for s, p, o in mappings.triples()]
    extra.sort(key=quad_key)
    # both lists are sorted: a stable merge equals sorting their concatenation
    quads = list(heapq.merge(quads, extra, key=quad_key))
    return quads, mappings


def build(paths: Paths, out: Path, checks: tuple[Check, ...] = ()) -> BuildResult:
    """Build a release into ``out``. Any error (curation, check, I/O) leaves ``out`` as it was."""
    # A build allocates millions of long-lived objects and no reference cycles worth
    # collecting: the cyclic collector would only rescan them (a third of the run time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(paths, out, checks)
    finally:
        if enabled:
            gc.enable()


def _build(paths: Paths, out: Path, checks: tuple[Check, ...]) -> BuildResult:
    timings: dict[str, float] = {}
    steps = 3 + len(checks)
    t = time.perf_counter()
    with Progress("build", steps) as bar:
        bar.step("load")
        corpus = _load(paths)
        timings["load"] = time.perf_counter() - t
        t = time.perf_counter()
        bar.step("graph")
        quads, mappings = _graph(paths, corpus)
        timings["graph"] = time.perf_counter() - t
        checked: dict[str, bytes] = {}
        for check in checks:
            name = getattr(check, "__name__", "check")
            bar.step(name)
            t = time.perf_counter()
            checked.update(check(corpus, quads))
            timings[name] = time.perf_counter() - t
        bar.step("write")
        t = time.perf_counter()
        _write(corpus, quads, mappings, checked, out, paths.ontology_file)
        timings["write"] = time.perf_counter() - t
    return BuildResult(out, corpus, quads, mappings, timings)


def _write(
    corpus: Corpus,
    quads: list[Quad],
    mappings: MappingSet,
    checked: dict[str, bytes],
    out: Path,
    ontology_file: Path,
) -> None:
    files: dict[str, bytes | Producer] = dict(release_producers(quads, rdfxml=True))
    files["mappings.sssom.tsv"] = mappings.sssom_text(version=dmkg_version()).encode("utf-8")
    class_labels = {k.removeprefix("dmkg:"): v for k, v in class_subjects(ontology_file).items()}
    files.update(export_producers(corpus, mappings, class_labels))
    clash = sorted(set(files) & set(checked))
    if clash:
        raise BuildError(f"a build check returned release files that already exist: {clash}")
    files.update(checked)
    extra = {
        "claims": len(corpus.claims),
        "sources": sorted(corpus.sources),
        "entities": len(corpus.entities),
    }
    write_release(files, quads, out, dmkg_version(), extra)
