"""The RDF files of a release: ``kg.owl`` declares its individuals, as OWL tools need."""

from __future__ import annotations

import owlready2
import rdflib

from kg.build import BuildResult
from kg.rdf.serialize import sorted_triples
from kg.rdf.vocab import DMKG, ID, UNIT
from kg.release.formats import named_individuals


def test_owlready2_finds_every_individual_of_kg_owl(built: BuildResult) -> None:
    world = owlready2.World()
    onto = world.get_ontology((built.out / "kg.owl").absolute().as_uri()).load()
    found = {i.iri for i in onto.individuals()}
    graph = rdflib.Graph().parse(built.out / "kg.nt", format="nt")
    typed = {
        str(s)
        for s, o in graph.subject_objects(rdflib.RDF.type)
        if isinstance(s, rdflib.URIRef)
        and not str(o).startswith((str(rdflib.RDF), str(rdflib.RDFS), str(rdflib.OWL)))
    }
    units = {str(o) for o in graph.objects(None, rdflib.URIRef(DMKG + "doseUnit"))}
    assert found == typed | units
    assert {f"{ID}drug/anakinra", f"{DMKG}Child", f"{UNIT}MilliGM"} <= found
    terms = {
        str(s)
        for kind in (rdflib.OWL.Class, rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty)
        for s in graph.subjects(rdflib.RDF.type, kind)
    }
    assert terms and not found & terms, "classes and properties stay classes and properties"


def test_declarations_come_from_the_graph_alone(built: BuildResult) -> None:
    declared = named_individuals(sorted_triples(built.quads))
    assert [str(t) for t in declared] == sorted(str(t) for t in declared)
    owl = rdflib.Graph().parse(built.out / "kg.owl", format="xml")
    in_file = set(owl.subjects(rdflib.RDF.type, rdflib.OWL.NamedIndividual))
    assert {t.subject.value for t in declared} == {str(s) for s in in_file}
