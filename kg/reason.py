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


Nt = tuple[str, str, str]
"""A triple as its three N-Triples terms (``<iri>``, ``_:b``, ``"literal"...``)."""

_TYPE = f"<{RDF}type>"
_SUBCLASS = f"<{RDFS}subClassOf>"
_SUBPROP = f"<{RDFS}subPropertyOf>"
_DOMAIN = f"<{RDFS}domain>"
_RANGE = f"<{RDFS}range>"
_OBJECT_PROPERTY = f"<{OWL}ObjectProperty>"
_FUNCTIONAL = f"<{OWL}FunctionalProperty>"
_NAMING = {f"<{OWL}onProperty>", f"<{OWL}propertyChainAxiom>", f"<{RDF}first>"}
_TERM_KINDS = {f"<{t}>" for t in _TERM_TYPES}
_DESCRIPTIVE = {_TYPE, f"<{RDFS}label>", f"<{RDFS}comment>", f"<{RDFS}isDefinedBy>"}
_LOGICAL = (f"<{OWL}", f"<{RDFS}")


def _split(data: bytes) -> list[Nt]:
    """The triples of canonical N-Triples (one per line, ``s p o .``, as ``kg.nt`` and
    :func:`kg.validate.ntriples` write it), split as text: a parser would make a Python term
    object for each of a million nodes, which cost most of the projection's time."""
    out: list[Nt] = []
    for n, line in enumerate(data.decode("utf-8").split("\n"), 1):
        if not line or line.startswith("#"):
            continue
        parts = line.split(" ", 2)
        if len(parts) != 3 or not parts[2].endswith(" ."):
            raise ReasonerError(f"line {n} is not canonical N-Triples (s p o .): {line[:200]}")
        out.append((parts[0], parts[1], parts[2][:-2]))
    return out


def _asserted(
    triples: list[Nt],
) -> tuple[set[tuple[str, str]], set[tuple[str, str]], set[str]]:
    """(rdf:type pairs, rdfs:subClassOf pairs, ontology terms) between IRIs, as plain IRIs."""
    types: set[tuple[str, str]] = set()
    subs: set[tuple[str, str]] = set()
    terms: set[str] = set()
    imports: list[str] = []
    for s, p, o in triples:
        if s[0] != "<" or o[0] != "<":
            continue
        if p == _TYPE:
            types.add((s[1:-1], o[1:-1]))
            if o in _TERM_KINDS:
                terms.add(s[1:-1])
        elif p == _SUBCLASS:
            subs.add((s[1:-1], o[1:-1]))
        elif p == f"<{OWL}imports>":
            imports.append(o[1:-1])
    if imports:
        raise OfflineError(
            f"owl:imports {', '.join(sorted(imports))} refused: the build is offline and never "
            "fetches an import; copy the terms you need into ontology/dmkg.ttl"
        )
    return types, subs, terms


def _projection(triples: list[Nt]) -> tuple[bytes, dict[str, list[str]]]:
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
    kinds: dict[str, set[str]] = defaultdict(set)
    supers: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    named: set[str] = set()
    for s, p, o in triples:
        if o[0] == '"':
            continue
        if p == _TYPE and (o in _TERM_KINDS or o == _FUNCTIONAL):
            kinds[s].add(o)
        elif p == _SUBPROP:
            supers[s].add(o)
        elif p == _DOMAIN and o[0] == "<":
            domains[s].add(o)
        elif p in _NAMING:
            named.add(o)
    up = _closure(supers)
    object_property: dict[str, bool] = {}

    def is_object_property(prop: str) -> bool:
        if prop not in object_property:
            object_property[prop] = any(
                _OBJECT_PROPERTY in kinds[q] for q in {prop} | up.get(prop, set())
            )
        return object_property[prop]

    terms = {s for s, k in kinds.items() if k & _TERM_KINDS}
    # a functional property's values can clash (two values: inconsistent): keep them all
    named |= {s for s, k in kinds.items() if _FUNCTIONAL in k}
    implied = _implied_by_types(triples, terms, named, up, domains)
    keep: set[Nt] = set()
    for t in triples:
        s, p, o = t
        if (
            s in terms
            or s[0] == "_"
            or p == _TYPE
            or p in named
            or (o[0] == "<" and is_object_property(p) and not implied(t))
        ):
            keep.add(t)
        elif o[0] == '"' and s[0] == "<":
            for q in {p} | up.get(p, set()):
                for d in domains.get(q, ()):
                    keep.add((s, _TYPE, d))
    keep, stand_in = _stand_ins(keep, terms)
    lines = sorted(f"{s} {p} {o} .\n" for s, p, o in keep)
    return "".join(lines).encode("utf-8"), stand_in


def _implied_by_types(
    triples: list[Nt],
    terms: set[str],
    named: set[str],
    up: dict[str, set[str]],
    domains: dict[str, set[str]],
) -> Callable[[Nt], bool]:
    """A test: is this object-property assertion entailed away by types already asserted?

    True when every property it uses (itself and its super-properties) has no OWL meaning but
    named ``rdfs:domain``/``rdfs:range`` classes, and the subject and object are already
    asserted members of those (through ``rdfs:subClassOf`` between named classes)."""
    ranges: dict[str, set[str]] = defaultdict(set)
    parents: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    meaningful: set[str] = set(named)  # properties with more OWL meaning than domain/range
    for s, p, o in triples:
        if p == _TYPE and o[0] == "<":
            if s in terms and o not in _TERM_KINDS:
                meaningful.add(s)  # a property characteristic (functional, transitive, ...)
            types[s].add(o)
        elif s in terms and p not in _DESCRIPTIVE:
            if p == _SUBCLASS and o[0] == "<":
                parents[s].add(o)
            elif p == _RANGE and o[0] == "<":
                ranges[s].add(o)
            elif p in (_DOMAIN, _SUBPROP) and o[0] == "<":
                pass  # named domains are in ``domains``; super-properties in ``up``
            elif p.startswith(_LOGICAL):
                meaningful.add(s)  # inverseOf, equivalentProperty, class domains, ...
                if o[0] == "<":
                    meaningful.add(o)
    supers = _closure(parents)
    told: dict[str, set[str]] = {}

    def told_types(node: str) -> set[str]:
        if node not in told:
            direct = types.get(node, set())
            told[node] = direct | {c for d in direct for c in supers.get(d, set())}
        return told[node]

    def implied(t: Nt) -> bool:
        s, p, o = t
        props = {p} | up.get(p, set())
        if props & meaningful or s in terms or o in terms:
            return False
        need_s = {d for q in props for d in domains.get(q, ())}
        need_o = {r for q in props for r in ranges.get(q, ())}
        return need_s <= told_types(s) and need_o <= told_types(o)

    return implied


def project(data: bytes) -> bytes:
    """What HermiT reads instead of ``data`` (canonical N-Triples): see :func:`_projection`."""
    return _projection(_split(data))[0]


def _stand_ins(keep: set[Nt], terms: set[str]) -> tuple[set[Nt], dict[str, list[str]]]:
    """Individuals described by their types alone (no other kept triple names them) are
    indistinguishable to the reasoner, which entails the same types for each (the ontology
    has no nominals): one per set of types stands in for the others, which get its answer.
    Returned as plain IRIs: representative -> the others."""
    types_of: dict[str, set[str]] = defaultdict(set)
    linked: set[str] = set()
    for s, p, o in keep:  # ``linked``: the nodes other triples name
        if p == _TYPE and s[0] == "<":
            types_of[s].add(o)
            linked.add(o)  # used as a class (punning): not a plain individual
        else:
            linked.add(s)
            if o[0] != '"':
                linked.add(o)
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for ind, types in types_of.items():
        if ind not in linked and ind not in terms:
            groups[frozenset(types)].append(ind)
    stand_in: dict[str, list[str]] = {}
    dropped: set[str] = set()
    for members in groups.values():
        if len(members) > 1:
            members.sort()
            stand_in[members[0][1:-1]] = [m[1:-1] for m in members[1:]]
            dropped.update(members[1:])
    return {t for t in keep if t[0] not in dropped}, stand_in


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
    triples = _split(data)
    types, subs, terms = _asserted(triples)
    with tempfile.TemporaryDirectory(prefix="dmkg-reason-") as tmp:
        hermit_data, stand_in = _projection(triples) if projected else (data, {})
        del triples
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
