"""Layer 5: the build as one library call, orchestration only.

``data/`` -> :func:`kg.curation.load.load_corpus` -> :func:`kg.graph.build_quads` -> the gates
(:mod:`kg.gates`) -> :func:`kg.release.write.write_release`. Every curation error of a run
(curated files and mapping tables) is reported together; any error leaves the last good
release as it was.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from pyoxigraph import Quad

from kg import __version__
from kg.curation.corpus import Corpus
from kg.curation.load import load_corpus
from kg.errors import BuildError, CurationError, CurationErrors
from kg.gates import Gate, GateContext, GateFiles, ReasoningGate, ShaclGate
from kg.graph import build_quads
from kg.mappings import MappingSet, corpus_subjects, load_mappings
from kg.ontology import Ontology
from kg.progress import Progress
from kg.release import layout
from kg.release.exports import export_producers
from kg.release.formats import Producer, release_producers
from kg.release.sources import source_archive
from kg.release.write import write_release
from kg.shacl import Report

__all__ = ["BuildResult", "Paths", "build", "default_gates", "load_inputs", "source_texts"]

T = TypeVar("T")


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
    reports: dict[str, Report] = field(default_factory=dict)
    """What gates found without blocking, by gate name (``validate``: the SHACL warnings
    and infos of the published graph)."""


def default_gates(paths: Paths | None = None, *, strict: bool = False) -> tuple[Gate, ...]:
    """The gates of ``kg build``: SHACL validation (shapes of ``paths.ontology``, on the SPARQL
    engine, which gives pyshacl's results; ``strict``: warnings block too), then OWL
    reasoning (HermiT)."""
    paths = paths or Paths()
    return ShaclGate(paths.shapes_file, strict=strict), ReasoningGate()


def _load(paths: Paths, ontology: Ontology) -> tuple[Corpus, MappingSet]:
    """The corpus and the mappings, or every curation error of both at once."""
    try:
        corpus = load_corpus(paths.data, ontology)
    except CurationErrors as exc:
        errors: list[CurationError] = list(exc.errors)
        try:  # still check the mapping tables themselves, for one complete report
            load_mappings(paths.data)
        except CurationErrors as more:
            errors += more.errors
        raise CurationErrors(errors) from None
    return corpus, load_mappings(paths.data, corpus_subjects(corpus, ontology))


def _read(paths: Paths) -> tuple[Ontology, Corpus, MappingSet]:
    ontology = Ontology.read(paths.ontology_file)
    return (ontology, *_load(paths, ontology))


def load_inputs(paths: Paths) -> tuple[Corpus, list[Quad], MappingSet]:
    """Curated files and mappings -> checked records and the release's quads."""
    ontology, corpus, mappings = _read(paths)
    return corpus, build_quads(corpus, ontology, mappings), mappings


def build(paths: Paths, out: Path, gates: Sequence[Gate] = ()) -> BuildResult:
    """Build a release into ``out``. Any error (curation, gate, I/O) leaves ``out`` as it was."""
    # A build allocates millions of long-lived objects and no reference cycles worth
    # collecting: the cyclic collector would only rescan them (a third of the run time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(paths, out, gates)
    finally:
        if enabled:
            gc.enable()


def _build(paths: Paths, out: Path, gates: Sequence[Gate]) -> BuildResult:
    timings: dict[str, float] = {}
    with Progress("build", 3 + len(gates)) as bar:

        def step(name: str, work: Callable[[], T]) -> T:
            bar.step(name)
            started = time.perf_counter()
            result = work()
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started
            return result

        ontology, corpus, mappings = step("load", lambda: _read(paths))
        quads = step("graph", lambda: build_quads(corpus, ontology, mappings))
        ctx = GateContext(ontology, corpus.rel)
        checked: dict[str, bytes] = {}
        reports: dict[str, Report] = {}
        for gate in gates:
            files = step(gate.name, partial(gate, quads, ctx))
            if isinstance(files, GateFiles) and files.report is not None:
                reports[gate.name] = files.report
            checked.update(files)
        step("write", lambda: _write(corpus, quads, mappings, ontology, checked, out))
    return BuildResult(out, corpus, quads, mappings, timings, reports)


def source_texts(corpus: Corpus) -> bytes:
    """The release's archive of source texts, each exactly the checked, curated bytes."""
    return source_archive({sid: s.text.encode("utf-8") for sid, s in corpus.sources.items()})


def _write(
    corpus: Corpus,
    quads: list[Quad],
    mappings: MappingSet,
    ontology: Ontology,
    checked: dict[str, bytes],
    out: Path,
) -> None:
    files: dict[str, bytes | Producer] = dict(release_producers(quads, rdfxml=True))
    files[layout.SSSOM] = mappings.sssom_text(version=__version__).encode("utf-8")
    class_labels = {k.removeprefix("dmkg:"): v for k, v in ontology.class_labels.items()}
    files.update(export_producers(corpus, mappings, class_labels))
    files[layout.SOURCES] = partial(source_texts, corpus)
    clash = sorted(set(files) & set(checked))
    if clash:
        raise BuildError(f"a release gate returned release files that already exist: {clash}")
    files.update(checked)
    extra = {
        "claims": len(corpus.claims),
        "sources": sorted(corpus.sources),
        "entities": len(corpus.entities),
    }
    write_release(files, quads, out, __version__, extra)
