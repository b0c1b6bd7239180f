"""OWL reasoning over a release: consistency, classification, inferred types (HermiT).

The graph is loaded into an owlready2 ``World`` from a local file (and saved back as the
N-Triples HermiT reads, as owlready2's own ``sync_reasoner`` does). HermiT then runs in a
Java subprocess that *we* start, with a heap cap (``-Xmx``) and a time limit after which its
whole process group is killed: owlready2's ``sync_reasoner`` has neither (hardening item 23).
``owl:imports`` is refused before anything is loaded, so neither owlready2 nor the OWL API
ever fetches an import (item 22).

Punning: drug and vaccine classes are used as individuals (the object of ``dmkg:hasObject``,
the subject of a class-level target claim). OWL 2 DL allows this and both owlready2 and
HermiT accept it. Its one odd entailment, that a punned class *as an individual* gets the
domain of a property (``dmkg:BiologicalDMARD rdf:type dmkg:Drug`` from ``dmkg:inhibits``), is
left out of ``kg-inferred.ttl``: inferred types are published for individuals only, never
for ontology terms.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import BuildError, InconsistentOntologyError, OfflineError, ReasonerError
from kg.load import Corpus
from kg.vocab import OWL, PREFIXES, RDF, RDFS

__all__ = ["Inference", "Limits", "reason", "reason_release", "reasoning_gate"]

_NOTHING = OWL + "Nothing"
_THING = OWL + "Thing"
_TERM_TYPES = {
    OWL + t
    for t in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "Ontology")
}
_AXIOM = re.compile(r"^(SubClassOf|EquivalentClasses|Type)\( ((?:<[^>]+>\s*)+)\)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Limits:
    """Resource caps for the reasoner process (time in seconds, Java heap in MiB)."""

    timeout_s: float = 120.0
    memory_mb: int = 1024


@dataclass(frozen=True)
class Inference:
    """What the reasoner added: triples not in the asserted graph, sorted."""

    triples: tuple[tuple[str, str, str], ...]
    seconds: float
    classes: int
    stats: dict[str, int] = field(default_factory=dict)

    def turtle(self) -> bytes:
        return _turtle(self.triples)


def _serialize(triples: list[ox.Triple]) -> bytes:
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert out is not None  # no output file given: the bytes are returned
    return out


def _turtle(triples: Iterable[tuple[str, str, str]]) -> bytes:
    ts = [
        ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
        for s, p, o in sorted(set(triples))
    ]
    return _serialize(ts)


def _asserted(data: bytes) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str]]:
    """(rdf:type pairs, rdfs:subClassOf pairs, ontology terms) between IRIs of ``data``."""
    types: set[tuple[str, str]] = set()
    subs: set[tuple[str, str]] = set()
    terms: set[str] = set()
    imports: list[str] = []
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        if not isinstance(t.subject, ox.NamedNode) or not isinstance(t.object, ox.NamedNode):
            continue
        p = t.predicate.value
        if p == RDF + "type":
            types.add((t.subject.value, t.object.value))
            if t.object.value in _TERM_TYPES:
                terms.add(t.subject.value)
        elif p == RDFS + "subClassOf":
            subs.add((t.subject.value, t.object.value))
        elif p == OWL + "imports":
            imports.append(t.object.value)
    if imports:
        raise OfflineError(
            f"owl:imports {', '.join(sorted(imports))} refused: the build is offline and never "
            "fetches an import; copy the terms you need into ontology/dmkg.ttl"
        )
    return types, subs, terms


def _hermit_input(data: bytes, folder: Path) -> Path:
    """Load the graph into a fresh owlready2 World from a local file; save what HermiT reads."""
    import owlready2

    src = folder / "asserted.nt"
    src.write_bytes(data)
    world = owlready2.World()
    try:
        with open(src, "rb") as fh:
            world.get_ontology(src.as_uri()).load(fileobj=fh, format="ntriples")
        out = folder / "hermit-input.nt"
        with open(out, "wb") as fh:
            world.save(fh, format="ntriples")
    except Exception as exc:  # owlready2 raises bare Exceptions for unreadable OWL
        raise ReasonerError(f"owlready2 could not load the graph: {exc}") from exc
    finally:
        world.close()
    return out


def _run_hermit(ontology: Path, limits: Limits) -> str:
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ReasonerError("java not found: the reasoner (HermiT) needs a Java runtime on PATH")
    hermit = Path(owlready2.__file__).parent / "hermit"
    command = [
        java, f"-Xmx{limits.memory_mb}m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=256m",
        "-cp", f"{hermit}{os.pathsep}{hermit / 'HermiT.jar'}",
        "org.semanticweb.HermiT.cli.CommandLine", "-c", "-I", ontology.as_uri(),
    ]  # fmt: skip
    proc = subprocess.Popen(  # fixed command, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReasonerError(
            f"the reasoner exceeded its time limit of {limits.timeout_s:g} s and was stopped"
        ) from None
    text = (out + err).decode("utf-8", "replace")
    if proc.returncode != 0:
        if "InconsistentOntologyException" in text or "Inconsistent ontology" in text:
            raise InconsistentOntologyError(
                "the ontology plus data is inconsistent: nothing was published. `kg validate` "
                "names the offending nodes (usually a DeclaredDatatype or DeclaredObjectRange "
                "violation, or an individual in two disjoint classes such as Drug and Vaccine)"
            )
        if "OutOfMemoryError" in text:
            raise ReasonerError(f"the reasoner ran out of its {limits.memory_mb} MiB heap")
        raise ReasonerError(f"HermiT failed (exit {proc.returncode}): {text.strip()[-2000:]}")
    return out.decode("utf-8", "replace")


def _closure(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}

    def walk(c: str, seen: set[str]) -> set[str]:
        if c in out:
            return out[c]
        acc: set[str] = set()
        for parent in direct.get(c, ()):
            if parent not in seen:
                acc |= {parent} | walk(parent, seen | {parent})
        out[c] = acc
        return acc

    for c in list(direct):
        walk(c, {c})
    return out


def reason(data: bytes, limits: Limits | None = None) -> Inference:
    """Check consistency and classify ``data`` (N-Triples); return the inferred triples.

    Raises ``InconsistentOntologyError`` naming unsatisfiable classes, ``ReasonerError`` on a
    time-out, the memory cap or a Java failure, ``OfflineError`` for ``owl:imports``."""
    limits = limits or Limits()
    t0 = time.perf_counter()
    types, subs, terms = _asserted(data)
    with tempfile.TemporaryDirectory(prefix="dmkg-reason-") as tmp:
        output = _run_hermit(_hermit_input(data, Path(tmp)), limits)
    parents: dict[str, set[str]] = defaultdict(set)
    direct_types: dict[str, set[str]] = defaultdict(set)
    unsatisfiable: set[str] = set()
    for kind, iris in _AXIOM.findall(output):
        names = re.findall(r"<([^>]+)>", iris)
        if kind == "SubClassOf":
            parents[names[0]].add(names[1])
        elif kind == "Type":
            direct_types[names[0]].add(names[1])
        elif _NOTHING in names:
            unsatisfiable |= {n for n in names if n != _NOTHING}
        else:
            for a in names:
                parents[a] |= {b for b in names if b != a}
    if unsatisfiable:
        raise InconsistentOntologyError(
            "unsatisfiable classes (nothing can belong to them): "
            + ", ".join(sorted(unsatisfiable))
            + "; nothing was published"
        )
    supers = _closure(parents)
    named = {c for c in supers if c not in (_THING, _NOTHING)}
    inferred: set[tuple[str, str, str]] = set()
    for c in named:
        for s in supers[c] - {_THING, c}:
            if (c, s) not in subs:
                inferred.add((c, RDFS + "subClassOf", s))
    for ind, classes in direct_types.items():
        if ind in terms:
            continue  # punned classes: see the module docstring
        for c in classes | {s for k in classes for s in supers.get(k, set())}:
            if c not in (_THING, OWL + "NamedIndividual") and (ind, c) not in types:
                inferred.add((ind, RDF + "type", c))
    stats = {
        "inferred_types": sum(p == RDF + "type" for _, p, _ in inferred),
        "inferred_subclass_links": sum(p == RDFS + "subClassOf" for _, p, _ in inferred),
    }
    return Inference(tuple(sorted(inferred)), time.perf_counter() - t0, len(named), stats)


def full_turtle(data: bytes, inference: Inference) -> bytes:
    """Asserted plus inferred triples, sorted, as Turtle (``kg-full.ttl``)."""
    triples = {
        (t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    }
    triples |= {
        (ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in inference.triples
    }
    ordered = sorted(triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    return _serialize([ox.Triple(*t) for t in ordered])


def _files(data: bytes, inference: Inference) -> dict[str, bytes]:
    return {"kg-inferred.ttl": inference.turtle(), "kg-full.ttl": full_turtle(data, inference)}


def reason_release(
    release: Path, limits: Limits | None = None
) -> tuple[Inference, dict[str, bytes]]:
    """Reason over a release folder's ``kg.nt``; returns the inference and the files to write."""
    path = release / "kg.nt"
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise BuildError(f"{path} is missing: is {release} a release? (run `kg build`)") from exc
    inference = reason(data, limits)
    return inference, _files(data, inference)


def reasoning_gate(
    limits: Limits | None = None,
) -> Callable[[Corpus, list[ox.Quad]], dict[str, bytes]]:
    """The build check: an inconsistent graph or unsatisfiable class blocks the release;
    otherwise ``kg-inferred.ttl`` and ``kg-full.ttl`` are published beside it."""
    from kg.validate import ntriples

    def reason_check(corpus: Corpus, quads: list[ox.Quad]) -> dict[str, bytes]:
        data = ntriples(quads)
        return _files(data, reason(data, limits))

    reason_check.__name__ = "reason"
    return reason_check
