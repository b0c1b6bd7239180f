"""Layer 3: OWL reasoning over a graph: consistency, classification, inferred types (HermiT).

HermiT sees a projection of the graph (:mod:`~kg.reasoning.projection`: what its answers
depend on) and runs in a Java process of our own with a heap cap and a time limit
(:mod:`~kg.reasoning.hermit`). ``owl:imports`` is refused before anything is loaded, so
neither owlready2 nor the OWL API ever fetches an import.

Punning: drug and vaccine classes are used as individuals (the object of ``dmkg:hasObject``,
the subject of a class-level target claim). OWL 2 DL allows this and both owlready2 and
HermiT accept it. Its one odd entailment, that a punned class *as an individual* gets the
domain of a property (``dmkg:BiologicalDMARD rdf:type dmkg:Drug`` from ``dmkg:inhibits``), is
left out of ``kg-inferred.ttl``: inferred types are published for individuals only, never
for ontology terms.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InconsistentOntologyError
from kg.rdf.serialize import serialize
from kg.rdf.vocab import OWL, OWL_NAMED_INDIVIDUAL, RDF, RDFS
from kg.reasoning.hermit import Limits, hermit_input, run_hermit
from kg.reasoning.projection import asserted, closure, project, projection, split

__all__ = ["METHODS", "Inference", "Limits", "full_turtle", "project", "reason", "reason_by_rules"]

METHODS = ("rules", "hermit")
"""How the release gate reasons, default first: HermiT on the ontology and rules over the
data (linear; :mod:`~kg.reasoning.realise`), or HermiT on the whole projection (the
reference)."""

_NOTHING = OWL + "Nothing"
_THING = OWL + "Thing"
_AXIOM = re.compile(r"^(SubClassOf|EquivalentClasses|Type)\( ((?:<[^>]+>\s*)+)\)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Inference:
    """What the reasoner added: triples not in the asserted graph, sorted."""

    triples: tuple[tuple[str, str, str], ...]
    seconds: float
    classes: int
    stats: dict[str, int] = field(default_factory=dict)

    def turtle(self) -> bytes:
        return _turtle(self.triples)


def _turtle(triples: Iterable[tuple[str, str, str]]) -> bytes:
    ts = [
        ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o))
        for s, p, o in sorted(set(triples))
    ]
    return serialize(ts, ox.RdfFormat.TURTLE)


def reason(data: bytes, limits: Limits | None = None, projected: bool = True) -> Inference:
    """Check consistency and classify ``data`` (N-Triples); return the inferred triples.

    HermiT sees :func:`project` of ``data`` unless ``projected`` is false (the whole graph:
    the reference the projection is tested against). Raises ``InconsistentOntologyError``
    naming unsatisfiable classes, ``ReasonerError`` on a time-out, the memory cap or a Java
    failure, ``OfflineError`` for ``owl:imports``."""
    limits = limits or Limits()
    t0 = time.perf_counter()
    triples = split(data)
    types, subs, terms = asserted(triples)
    with tempfile.TemporaryDirectory(prefix="dmkg-reason-") as tmp:
        hermit_data, stand_in = projection(triples) if projected else (data, {})
        del triples
        output = run_hermit(hermit_input(hermit_data, Path(tmp)), limits)
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
    supers = closure(parents)
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
            if c not in (_THING, OWL_NAMED_INDIVIDUAL.value) and (ind, c) not in types:
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
    return serialize([ox.Triple(*t) for t in ordered], ox.RdfFormat.TURTLE)


def reason_by_rules(data: bytes, ontology: bytes, limits: Limits | None = None) -> Inference:
    """The inferences of :func:`reason`, computed by :mod:`~kg.reasoning.realise`: HermiT on
    ``ontology`` (canonical N-Triples of the ontology graph) and rules over ``data`` (the
    whole graph). Raises ``UnsupportedAxiom`` when the ontology has an axiom the rules do not
    cover, ``InconsistentOntologyError`` as :func:`reason` does."""
    from kg.reasoning.realise import realise, tbox

    t0 = time.perf_counter()
    box = tbox(ontology, limits)
    inferred, _ = realise(data, box)
    stats = {
        "inferred_types": sum(p == RDF + "type" for _, p, _ in inferred),
        "inferred_subclass_links": sum(p == RDFS + "subClassOf" for _, p, _ in inferred),
    }
    return Inference(tuple(sorted(inferred)), time.perf_counter() - t0, box.classes, stats)
