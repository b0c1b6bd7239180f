"""Rule-based realisation (HermiT on the ontology alone, rules over the data) against the
reference, HermiT on the whole projection: the same inferred triples, byte for byte, on the
real release, on a synthetic corpus, and on a graph that uses every class and property of the
ontology; and a named refusal of what the rules do not cover."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import BuildResult, Paths, load_inputs
from kg.curation.synth import synthesize
from kg.errors import InconsistentOntologyError, ReasonerError
from kg.ontology import Ontology
from kg.rdf.serialize import ntriples
from kg.rdf.vocab import DMKG, ID, OWL, RDF, RDFS
from kg.reasoning import reason, reason_by_rules
from kg.reasoning.projection import split
from kg.reasoning.realise import UnsupportedAxiom
from tests.support import PATHS

ONTOLOGY = Ontology.read(PATHS.ontology_file)
TBOX = ntriples(ONTOLOGY.quads)


def same(data: bytes, ontology: bytes = TBOX) -> int:
    """Both methods on ``data``; asserts identical Turtle; the number of inferred triples."""
    reference, rules = reason(data), reason_by_rules(data, ontology)
    assert sorted(set(rules.triples) - set(reference.triples)) == []
    assert sorted(set(reference.triples) - set(rules.triples)) == []
    assert rules.turtle() == reference.turtle()
    assert (rules.classes, rules.stats) == (reference.classes, reference.stats)
    return len(rules.triples)


def test_the_real_release(built: BuildResult) -> None:
    assert same(ntriples(built.quads)) > 20


def test_a_synthetic_corpus(tmp_path: Path) -> None:
    synthesize(tmp_path / "data", drugs=40, seed=3)
    _, quads, _ = load_inputs(Paths(data=tmp_path / "data", ontology=PATHS.ontology))
    assert same(ntriples(quads)) > 20


def _every_term() -> bytes:
    """The ontology plus, for every named class, an individual of that class; for every
    property, a triple from an individual of its domain to one of its range (a literal for
    datatype and annotation properties); and a drug inhibiting an IL-1 family target, so the
    defined class fires. No two disjoint classes meet on one individual."""
    triples = split(TBOX)
    kinds: dict[str, set[str]] = {}
    domain: dict[str, str] = {}
    range_: dict[str, str] = {}
    for s, p, o in triples:
        if s[0] != "<" or o[0] != "<":
            continue
        if p == f"<{RDF}type>":
            kinds.setdefault(s, set()).add(o)
        elif p == f"<{RDFS}domain>":
            domain.setdefault(s, o)
        elif p == f"<{RDFS}range>":
            range_.setdefault(s, o)
    classes = sorted(
        s for s, k in kinds.items() if f"<{OWL}Class>" in k and s.startswith(f"<{DMKG}")
    )
    lines = {f"{s} {p} {o} .\n" for s, p, o in triples}

    def of(cls: str) -> str:
        return f"<{ID}every/{cls[len(DMKG) + 1 : -1]}>"

    for c in classes:
        lines.add(f"{of(c)} <{RDF}type> {c} .\n")
    for prop, k in sorted(kinds.items()):
        if not prop.startswith(f"<{DMKG}") or not k & {
            f"<{OWL}{x}>" for x in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")
        }:
            continue
        subject = of(domain[prop]) if prop in domain else f"<{ID}every/untyped>"
        if f"<{OWL}ObjectProperty>" in k:
            target = (
                of(range_[prop])
                if prop in range_ and range_[prop] in classes
                else f"<{ID}every/target>"
            )
            lines.add(f"{subject} {prop} {target} .\n")
        else:
            lines.add(f'{subject} {prop} "x" .\n')
    drug, target = f"<{ID}every/inhibitor>", f"<{ID}every/il1>"
    lines |= {
        f"{drug} <{RDF}type> <{DMKG}Drug> .\n",
        f"{target} <{RDF}type> <{DMKG}Interleukin1FamilyTarget> .\n",
        f"{drug} <{DMKG}inhibits> {target} .\n",
    }
    return "".join(sorted(lines)).encode("utf-8")


def test_a_graph_using_every_class_and_property() -> None:
    data = _every_term()
    assert same(data) > 50
    inferred = set(reason_by_rules(data, TBOX).triples)
    assert (f"{ID}every/inhibitor", RDF + "type", DMKG + "Interleukin1Inhibitor") in inferred


@pytest.mark.parametrize(
    ("axiom", "named"),
    [
        (f"<{DMKG}inhibits> <{OWL}inverseOf> <{DMKG}hasSubject> .", "inverseOf"),
        (f"<{DMKG}inhibits> <{RDF}type> <{OWL}TransitiveProperty> .", "TransitiveProperty"),
        (
            f"<{DMKG}Drug> <{RDFS}subClassOf> _:r . _:r <{OWL}onProperty> <{DMKG}inhibits> .",
            "named",
        ),
    ],
)
def test_an_axiom_the_rules_do_not_cover_is_refused_by_name(axiom: str, named: str) -> None:
    ontology = TBOX + axiom.replace(" . ", " .\n").encode() + b"\n"
    with pytest.raises(UnsupportedAxiom, match=named):
        reason_by_rules(ontology, ontology)


def test_an_axiom_outside_the_ontology_graph_is_refused(built: BuildResult) -> None:
    extra = f"<{DMKG}Drug> <{RDFS}subClassOf> <{DMKG}Vaccine> .\n".encode()
    with pytest.raises(UnsupportedAxiom, match="outside the ontology graph"):
        reason_by_rules(ntriples(built.quads) + extra, TBOX)


def test_two_values_of_a_functional_property_are_refused_not_merged() -> None:
    claim = f"<{ID}claim/x>"
    data = (
        TBOX
        + (
            f"{claim} <{DMKG}status> <{DMKG}Labelled> .\n{claim} <{DMKG}status> <{DMKG}Studied> .\n"
        ).encode()
    )
    with pytest.raises(ReasonerError, match="functional property"):
        reason_by_rules(data, TBOX)


def test_a_disjointness_clash_is_an_inconsistency_naming_the_individual() -> None:
    x = f"<{ID}drug/both>"
    data = TBOX + f"{x} <{RDF}type> <{DMKG}Drug> .\n{x} <{RDF}type> <{DMKG}Vaccine> .\n".encode()
    with pytest.raises(InconsistentOntologyError):
        reason(data)
    with pytest.raises(InconsistentOntologyError, match="drug/both"):
        reason_by_rules(data, TBOX)


def test_the_gate_uses_the_rules_and_the_reference_gives_the_same_files(
    built: BuildResult,
) -> None:
    from kg.gates import GateContext, ReasoningGate

    ctx = GateContext(ONTOLOGY, str)
    assert ReasoningGate().method == "rules"
    assert ReasoningGate()(built.quads, ctx) == ReasoningGate(method="hermit")(built.quads, ctx)
