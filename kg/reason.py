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

__all__ = ["Inference", "Limits", "project", "reason", "reason_release", "reasoning_gate"]

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


def _projection(data: bytes) -> tuple[bytes, dict[str, list[str]]]:
    """The part of ``data`` (N-Triples) the reasoner's answers depend on, as N-Triples, and
    the individuals left out because another one with the same types stands in for them.

    Kept: every triple about an ontology term (the TBox and the ontology's own individuals),
    every ``rdf:type``, every object-property assertion (declared ``owl:ObjectProperty``, or
    a sub-property of one, with an IRI value), and all assertions of functional properties
    and of any property a class expression names (``owl:onProperty``, property chains). A datatype-property assertion
    ``s p v`` is replaced by what it entails about individuals, ``s rdf:type D`` for each
    ``rdfs:domain D`` of ``p`` or of a super-property. Dropped: annotations (labels, quotes,
    offsets, provenance), which OWL gives no meaning, and literal values, whose only other
    consequence (a value outside a property's declared datatype) the SHACL gate refuses first
    (``DeclaredDatatype``). An object-property assertion ``s p o`` is dropped too when all that
    OWL says of ``p`` (and its super-properties) is ``rdfs:domain``/``rdfs:range`` and ``s``
    and ``o`` already have those types by their asserted types and the asserted class
    hierarchy: any model without the pair extends to one with it, so nothing changes (most
    claim links, evidence links and shortcuts; what is left is described by its types alone
    and collapses into stand-ins). What the reasoner classifies and infers is therefore the
    same; the tests prove it byte for byte on the real data and on a synthetic corpus."""
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    a = RDF + "type"
    kinds: dict[str, set[str]] = defaultdict(set)
    supers: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    named: set[str] = set()
    for t in triples:
        p = t.predicate.value
        if not isinstance(t.object, (ox.NamedNode, ox.BlankNode)):
            continue
        if p == a and t.object.value in _TERM_TYPES | {OWL + "FunctionalProperty"}:
            kinds[t.subject.value].add(t.object.value)
        elif p == RDFS + "subPropertyOf":
            supers[t.subject.value].add(t.object.value)
        elif p == RDFS + "domain" and isinstance(t.object, ox.NamedNode):
            domains[t.subject.value].add(t.object.value)
        elif p in (OWL + "onProperty", OWL + "propertyChainAxiom") or p == RDF + "first":
            named.add(t.object.value)
    up = _closure(supers)

    def is_object_property(prop: str) -> bool:
        return any(OWL + "ObjectProperty" in kinds[q] for q in {prop} | up.get(prop, set()))

    terms = {s for s, k in kinds.items() if k & _TERM_TYPES}
    # a functional property's values can clash (two values: inconsistent): keep them all
    named |= {s for s, k in kinds.items() if OWL + "FunctionalProperty" in k}
    implied = _implied_by_types(triples, terms, named, up, domains)
    keep: set[ox.Triple] = set()
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if (
            s.value in terms
            or isinstance(s, ox.BlankNode)
            or p == a
            or p in named
            or (isinstance(o, ox.NamedNode) and is_object_property(p) and not implied(t))
        ):
            keep.add(t)
        elif isinstance(o, ox.Literal) and isinstance(s, ox.NamedNode):
            for q in {p} | up.get(p, set()):
                for d in domains.get(q, ()):
                    keep.add(ox.Triple(s, ox.NamedNode(a), ox.NamedNode(d)))
    keep, stand_in = _stand_ins(keep, terms)
    lines = sorted(f"{t} .\n" for t in keep)
    return "".join(lines).encode("utf-8"), stand_in


_DOMAIN_RANGE = {RDFS + "domain", RDFS + "range", RDFS + "subPropertyOf"}
_DESCRIPTIVE = {RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "isDefinedBy"}


def _implied_by_types(
    triples: list[ox.Triple],
    terms: set[str],
    named: set[str],
    up: dict[str, set[str]],
    domains: dict[str, set[str]],
) -> Callable[[ox.Triple], bool]:
    """A test: is this object-property assertion entailed away by types already asserted?

    True when every property it uses (itself and its super-properties) has no OWL meaning but
    named ``rdfs:domain``/``rdfs:range`` classes, and the subject and object are already
    asserted members of those (through ``rdfs:subClassOf`` between named classes)."""
    a = RDF + "type"
    ranges: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    meaningful: set[str] = set(named)  # properties with more OWL meaning than domain/range
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if p == a and isinstance(o, ox.NamedNode):
            if s.value in terms and o.value not in _TERM_TYPES:
                meaningful.add(s.value)  # a property characteristic (transitive, ...)
            types[s.value].add(o.value)
        elif s.value in terms and p not in _DESCRIPTIVE:
            if p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
                parents[s.value].add(o.value)
            elif p == RDFS + "range" and isinstance(o, ox.NamedNode):
                ranges[s.value].add(o.value)
            elif p in _DOMAIN_RANGE and isinstance(o, ox.NamedNode):
                pass  # named domains are in ``domains``; super-properties in ``up``
            elif p.startswith(OWL) or p.startswith(RDFS):
                meaningful.add(s.value)  # inverseOf, equivalentProperty, class domains, ...
                if isinstance(o, ox.NamedNode):
                    meaningful.add(o.value)
    supers = _closure(parents)
    told: dict[str, set[str]] = {}

    def told_types(node: str) -> set[str]:
        if node not in told:
            direct = types.get(node, set())
            told[node] = direct | {c for d in direct for c in supers.get(d, set())}
        return told[node]

    def implied(t: ox.Triple) -> bool:
        props = {t.predicate.value} | up.get(t.predicate.value, set())
        if props & meaningful or t.subject.value in terms or t.object.value in terms:
            return False
        need_s = {d for q in props for d in domains.get(q, ())}
        need_o = {r for q in props for r in ranges.get(q, ())}
        return need_s <= told_types(t.subject.value) and need_o <= told_types(t.object.value)

    return implied


def project(data: bytes) -> bytes:
    """What HermiT reads instead of ``data``: see :func:`_projection`."""
    return _projection(data)[0]


def _stand_ins(
    keep: set[ox.Triple], terms: set[str]
) -> tuple[set[ox.Triple], dict[str, list[str]]]:
    """Individuals described by their types alone (no other kept triple names them) are
    indistinguishable to the reasoner, which entails the same types for each (the ontology
    has no nominals): one per set of types stands in for the others, which get its answer."""
    a = RDF + "type"
    types_of: dict[str, set[str]] = defaultdict(set)
    linked: set[str] = set()
    for t in keep:  # ``linked``: N-Triples forms of the nodes other triples name
        if t.predicate.value == a and isinstance(t.subject, ox.NamedNode):
            types_of[t.subject.value].add(str(t.object))
            linked.add(str(t.object))  # used as a class (punning): not a plain individual
        else:
            linked.add(str(t.subject))
            if not isinstance(t.object, ox.Literal):
                linked.add(str(t.object))
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for ind, types in types_of.items():
        if f"<{ind}>" not in linked and ind not in terms:
            groups[frozenset(types)].append(ind)
    stand_in: dict[str, list[str]] = {}
    for members in groups.values():
        if len(members) > 1:
            members.sort()
            stand_in[members[0]] = members[1:]
    dropped = {m for others in stand_in.values() for m in others}
    kept = {
        t for t in keep if not (isinstance(t.subject, ox.NamedNode) and t.subject.value in dropped)
    }
    return kept, stand_in


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


def reason(data: bytes, limits: Limits | None = None, projected: bool = True) -> Inference:
    """Check consistency and classify ``data`` (N-Triples); return the inferred triples.

    HermiT sees :func:`project` of ``data`` unless ``projected`` is false (the whole graph:
    the reference the projection is tested against). Raises ``InconsistentOntologyError``
    naming unsatisfiable classes, ``ReasonerError`` on a time-out, the memory cap or a Java
    failure, ``OfflineError`` for ``owl:imports``."""
    limits = limits or Limits()
    t0 = time.perf_counter()
    types, subs, terms = _asserted(data)
    with tempfile.TemporaryDirectory(prefix="dmkg-reason-") as tmp:
        hermit_data, stand_in = _projection(data) if projected else (data, {})
        output = _run_hermit(_hermit_input(hermit_data, Path(tmp)), limits)
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
    for rep, others in stand_in.items():
        for other in others:
            direct_types[other] = set(direct_types.get(rep, set()))
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
