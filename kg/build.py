"""The build pipeline as one library call: data -> records -> RDF -> checks -> release."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as pkg_version
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import BuildError, CurationError, CurationErrors
from kg.export import export_files
from kg.graph import build_quads
from kg.load import Corpus, load_corpus
from kg.mappings import MappingSet, load_mappings
from kg.release import serialize_release, write_release
from kg.vocab import GRAPH_MAPPINGS, RDFS, vocab

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
    """The gates of ``kg build``: SHACL validation (shapes of ``paths.ontology``), then OWL
    reasoning (HermiT)."""
    from kg.reason import reasoning_gate
    from kg.validate import shacl_gate

    paths = paths or Paths()
    return shacl_gate(paths.shapes_file, paths.ontology_file), reasoning_gate()


def _mapping_subjects(corpus: Corpus, quads: list[Quad]) -> dict[str, str]:
    """CURIE -> label of everything a mapping may have as subject: entities and our classes."""
    subjects = {
        f"dmkgid:{e.kind.value}/{ident}": e.entity.label for ident, e in corpus.entities.items()
    }
    label = NamedNode(RDFS + "label")
    classes = {NamedNode(vocab(c)): c for c in corpus.classes}
    for q in quads:
        if q.predicate == label and q.subject in classes and isinstance(q.object, Literal):
            subjects[f"dmkg:{classes[q.subject]}"] = q.object.value  # type: ignore[index]
    return subjects


def load_inputs(paths: Paths) -> tuple[Corpus, list[Quad], MappingSet]:
    """Curated files and mappings -> checked records and quads; every curation error of both
    is raised together."""
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
    quads = build_quads(corpus, paths.ontology_file)
    mappings = load_mappings(paths.data, _mapping_subjects(corpus, quads))
    g = NamedNode(GRAPH_MAPPINGS)
    quads += [Quad(NamedNode(s), NamedNode(p), NamedNode(o), g) for s, p, o in mappings.triples()]
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return corpus, quads, mappings


def build(paths: Paths, out: Path, checks: tuple[Check, ...] = ()) -> BuildResult:
    """Build a release into ``out``. Any error (curation, check, I/O) leaves ``out`` as it was."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    corpus, quads, mappings = load_inputs(paths)
    timings["load+graph"] = time.perf_counter() - t
    checked: dict[str, bytes] = {}
    for check in checks:
        t = time.perf_counter()
        checked.update(check(corpus, quads))
        timings[getattr(check, "__name__", "check")] = time.perf_counter() - t
    t = time.perf_counter()
    files = serialize_release(quads)
    files["mappings.sssom.tsv"] = mappings.sssom_text(version=dmkg_version()).encode("utf-8")
    class_labels = {k.removeprefix("dmkg:"): v for k, v in _mapping_subjects(corpus, quads).items()}
    files.update(export_files(corpus, quads, mappings, class_labels))
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
    timings["write"] = time.perf_counter() - t
    return BuildResult(out, corpus, quads, mappings, timings)
