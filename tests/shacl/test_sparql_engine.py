"""The SPARQL engine (``kg.shacl.sparql_engine``) against pyshacl: identical results, term for term.

Compared on the real release, on every valid and invalid shape fixture and on a synthetic
corpus with defects. Data is handed to both engines in pyoxigraph's canonical N-Triples, as
the build does; blank-node labels, which each engine draws itself, are compared as ``_:``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from kg.build import BuildResult, Paths, load_inputs
from kg.cli import main
from kg.curation.synth import synthesize
from kg.errors import BuildError
from kg.rdf.serialize import ntriples
from kg.rdf.vocab import SHAPES
from kg.shacl import PyShaclValidator
from kg.shacl.compare import Row, rows
from kg.shacl.shapes import Shapes
from kg.shacl.sparql_engine import SparqlValidator, rewritten_literals
from tests.shacl.support import ALL_SHAPES, FIXTURES, fixture, node_shapes
from tests.support import PATHS, LoopbackListener


def canonical(data: bytes) -> bytes:
    """N-Triples as pyoxigraph stores them (the form of kg.nt and of the build gate)."""
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return ntriples(store.quads_for_pattern(None, None, None, None))


def assert_same(data: bytes, shapes: Shapes) -> set[Row]:
    data, nt = canonical(data), shapes.ntriples()
    reference = rows(PyShaclValidator().validate(data, nt))
    ours = rows(SparqlValidator().validate(data, nt))
    assert sorted(ours - reference) == [] and sorted(reference - ours) == []
    return ours


def test_real_release_gives_the_same_results(built: BuildResult) -> None:
    assert_same(ntriples(built.quads), ALL_SHAPES)


def _fixture_cases() -> list[str]:
    return [f"{s}.{kind}" for s in node_shapes() for kind in ("valid", "invalid")]


@pytest.mark.parametrize("name", _fixture_cases())
def test_every_fixture_gives_the_same_results(name: str) -> None:
    shape = name.rsplit(".", 1)[0]
    assert (FIXTURES / f"{name}.ttl").exists()
    data, _, watched = fixture(name)
    wanted = ALL_SHAPES.family(SHAPES + shape) | {w.strip("<>") for w in watched or set()}
    found = assert_same(
        data, ALL_SHAPES.subset(wanted | {ALL_SHAPES.owner.get(w, w) for w in wanted})
    )
    if name.endswith(".invalid"):
        assert found, f"{name} produced no results in either engine"


def test_synthetic_corpus_with_defects_gives_the_same_results(tmp_path: Path) -> None:
    synthesize(tmp_path / "data", drugs=15, seed=7, defects=2)
    _, quads, _ = load_inputs(Paths(data=tmp_path / "data", ontology=PATHS.ontology))
    found = assert_same(ntriples(quads), ALL_SHAPES)
    assert any("UniqueLabel" in r[1] for r in found)


def test_a_graph_the_store_would_rewrite_is_validated_as_written() -> None:
    """``"10"^^xsd:nonNegativeInteger`` becomes an xsd:integer in the store: the engine hands
    such a graph to pyshacl, so the datatype violation is still reported."""
    data, _, _ = fixture("TextPositionSelector.invalid")
    shapes = ALL_SHAPES.subset({SHAPES + "TextPositionSelector"})
    assert rewritten_literals(data) == [
        '"10"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>'
    ]
    ours = rows(SparqlValidator().validate(data, shapes.ntriples()))
    assert ours == rows(PyShaclValidator().validate(data, shapes.ntriples()))
    assert any(r[1].endswith("TextPositionSelector-end>") for r in ours)


PREFIXES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix s: <{SHAPES}> ."""


def _shapes(turtle: str) -> bytes:
    graph = rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")
    return graph.serialize(format="nt", encoding="utf-8")


@pytest.mark.parametrize(
    ("turtle", "named"),
    [
        ('s:Closed a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; sh:message "m" .',
         "sh:closed"),
        ('s:Xone a sh:NodeShape ; sh:targetClass ex:C ; sh:message "m" ; sh:xone ( [ sh:class ex:D ] ) .',
         "sh:xone"),
        ('s:Alt a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:message "m" ; '
         "sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:minCount 1 ] .", "sh:path"),
        ('s:Dt a sh:NodeShape ; sh:targetClass ex:C ; sh:message "m" ; sh:datatype xsd:hexBinary .',
         "sh:datatype"),
        ('s:Minus a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select '
         '"SELECT $this WHERE { ?x ex:p ?y MINUS { ?y ex:q $this } }" ] .', "MINUS"),
        ('s:Sub a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select '
         '"SELECT $this WHERE { { SELECT ?x WHERE { ?x ex:p $this } } }" ] .', "SELECT"),
        ('s:Agg a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select '
         '"SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:p ?x } GROUP BY $this" ] .',
         "GROUP"),
        ('s:NoMessage a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select '
         '"SELECT $this WHERE { $this ?p ?o }" ] .', "sh:message"),
        ('s:Loop a sh:NodeShape ; sh:targetClass ex:C ; sh:message "m" ; sh:node s:Loop .',
         "recursive"),
        ('s:Values a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; sh:select '
         '"SELECT $this WHERE { VALUES ?x { 1 } $this ex:p ?x }" ] .', "VALUES"),
        ('s:Component a sh:NodeShape ; sh:targetClass ex:C ; ex:lang "de" . ex:C2 a '
         'sh:ConstraintComponent ; sh:parameter [ sh:path ex:lang ] .', "sh:ConstraintComponent"),
    ],
    ids=["closed", "xone", "alternative-path", "datatype", "minus", "subquery", "aggregate",
         "no-message", "recursive", "values", "component"],
)  # fmt: skip
def test_an_unsupported_construct_is_refused_naming_shape_and_construct(
    turtle: str, named: str
) -> None:
    shape = re.match(r"s:(\w+)", turtle)
    assert shape is not None
    with pytest.raises(BuildError) as err:
        SparqlValidator().validate(b"", _shapes(turtle))
    assert named in str(err.value)
    if named != "sh:ConstraintComponent":  # refused for the whole shapes graph
        assert f"<{SHAPES}{shape[1]}>" in str(err.value)


@pytest.mark.parametrize("where", ["constraint", "target"])
def test_service_in_a_sparql_shape_is_refused_and_never_connects(
    where: str, listener: LoopbackListener
) -> None:
    """A SHACL-SPARQL text naming a remote endpoint: pyoxigraph would really send the request
    (seen: ``POST /sparql``, user agent Oxigraph); the compiler refuses it first."""
    service = f"SERVICE <{listener.url}sparql> {{ ?a ?b ?c }}"
    if where == "constraint":
        turtle = ('s:Remote a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "m" ; '
                  f'sh:select "SELECT $this WHERE {{ $this ?p ?o . {service} }}" ] .')  # fmt: skip
    else:
        turtle = ('s:Remote a sh:NodeShape ; sh:message "m" ; sh:datatype xsd:string ; '
                  f'sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE {{ {service} }}" ] .')  # fmt: skip
    data = b'<https://example.org/a> <https://example.org/p> "x" .\n'
    with pytest.raises(BuildError, match="SERVICE is not supported"):
        SparqlValidator().validate(data, _shapes(turtle))
    assert listener.connections == 0


def test_this_is_joined_where_pre_binding_would_see_it() -> None:
    """$this in OPTIONAL (via a nested group), NOT EXISTS and FILTER: pyshacl's answers."""
    query = (
        "SELECT $this ?value WHERE { $this <p> ?value . OPTIONAL { { ?o <q> $this } ?o <r> ?value } "
        "FILTER (!BOUND(?o)) FILTER NOT EXISTS { ?value <s> $this } }"
    ).replace("<", "<https://example.org/")
    shapes = _shapes(
        f's:Opt a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:message "{{?value}}" ; '
        f'sh:select "{query}" ] .'
    )
    triples = [
        "<a> <type> <C>", '<a> <p> "1"', '<a> <p> "2"', '<a> <p> "3"', "<b> <type> <C>",
        '<b> <p> "2"', "<o> <q> <a>", '<o> <r> "1"', "<o2> <q> <b>", '<o2> <r> "2"',
    ]  # fmt: skip
    text = "".join(t.replace("<", "<https://example.org/") + " .\n" for t in triples)
    data = canonical(text.replace("https://example.org/type", str(rdflib.RDF.type)).encode())
    ours = rows(SparqlValidator().validate(data, shapes))
    assert ours == rows(PyShaclValidator().validate(data, shapes))
    assert {(r[2], r[4], r[5]) for r in ours} == {
        ("<https://example.org/a>", '"2"', "2"),
        ("<https://example.org/a>", '"3"', "3"),
    }


def test_kg_validate_engines_write_the_same_report(built: BuildResult, tmp_path: Path) -> None:
    reports = {}
    for engine in ("sparql", "pyshacl"):
        out = tmp_path / engine
        argv = ["--ontology", str(PATHS.ontology), "validate", "--release", str(built.out)]
        assert main([*argv, "--engine", engine, "--report-dir", str(out)]) == 0
        reports[engine] = (out / "validation.json").read_bytes()
    assert reports["sparql"] == reports["pyshacl"]


def _without_messages(shapes: Shapes) -> Shapes:
    """The shapes minus every sh:message outside SHACL-SPARQL constraints."""
    graph = rdflib.Graph()
    sparql = set(shapes.graph.subjects(SH.sparql, None)) | set(
        shapes.graph.objects(None, SH.sparql)
    )
    for s, p, o in shapes.graph:
        if p != SH.message or s in sparql:
            graph.add((s, p, o))
    return Shapes(graph, shapes.owner)


@pytest.mark.parametrize(
    "name",
    ["Claim.invalid", "Population.invalid", "SourceDocument.invalid", "InteractionClaim.invalid",
     "SpecificResource.invalid", "DosingRegimenClaim.invalid", "Ontology.invalid", "Label.invalid",
     "Evidence.invalid", "TextPositionSelector.valid"],
)  # fmt: skip
def test_shapes_without_messages_get_pyshacls_generic_messages(name: str) -> None:
    shape = name.rsplit(".", 1)[0]
    data, _, _ = fixture(name)
    wanted = ALL_SHAPES.family(SHAPES + shape)
    found = assert_same(data, _without_messages(ALL_SHAPES.subset(wanted)))
    assert all(r[5] for r in found), "every result has a message"
