"""Property-based round trips: random small graphs (IRIs, unicode literals, language tags,
datatypes, blank nodes) written in every release format by ``kg.release.formats.serialize_release`` and
read back by both rdflib and pyoxigraph give the graph that was written."""

from __future__ import annotations

import json

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.rdf.vocab import GRAPH_ENTITIES, GRAPH_ONTOLOGY
from kg.release.formats import serialize_release

XSD = "http://www.w3.org/2001/XMLSchema#"
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
local = st.text(st.characters(categories=["Ll", "Lu", "Nd", "Lo"]), min_size=1, max_size=8)
iris = st.builds(
    lambda ns, name: pyoxigraph.NamedNode(f"{ns}{name}"),
    st.sampled_from(
        [
            "https://w3id.org/dmkg/id/drug/",
            "https://w3id.org/dmkg/vocab/",
            "http://example.org/a%20b/",
            "urn:x:",
        ]
    ),
    local,
)
blanks = st.sampled_from([pyoxigraph.BlankNode(f"b{i}") for i in range(3)])
tags = st.sampled_from(["en", "en-gb", "fr", "de-ch", "zh-hant", "sr-latn-rs", "es-419"])
"""Lower case: the build normalises tags (pyoxigraph lower-cases them, rdflib keeps them)."""
literals = st.one_of(
    st.builds(pyoxigraph.Literal, text),
    st.builds(lambda v, t: pyoxigraph.Literal(v, language=t), text, tags),
    st.builds(
        lambda i: pyoxigraph.Literal(str(i), datatype=pyoxigraph.NamedNode(XSD + "integer")),
        st.integers(-(10**30), 10**30),
    ),
    st.builds(
        lambda v: pyoxigraph.Literal(v, datatype=pyoxigraph.NamedNode("urn:dt:custom")), text
    ),
    st.builds(
        lambda b: pyoxigraph.Literal(
            "true" if b else "false", datatype=pyoxigraph.NamedNode(XSD + "boolean")
        ),
        st.booleans(),
    ),
)
graphs = st.sampled_from(
    [pyoxigraph.NamedNode(GRAPH_ENTITIES), pyoxigraph.NamedNode(GRAPH_ONTOLOGY)]
)
quads = st.lists(
    st.builds(
        pyoxigraph.Quad, st.one_of(iris, blanks), iris, st.one_of(iris, blanks, literals), graphs
    ),
    min_size=1,
    max_size=12,
)


def to_rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return rdflib.BNode(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def graph_of(triples: object) -> rdflib.Graph:
    g = rdflib.Graph()
    for t in triples:  # type: ignore[attr-defined]
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


FORMATS = {
    "kg.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    "kg.nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
    "kg.jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    "kg.trig": ("trig", pyoxigraph.RdfFormat.TRIG),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quads)
def test_every_release_format_round_trips_through_both_parsers(qs: list[pyoxigraph.Quad]) -> None:
    qs = sorted(set(qs), key=str)
    files = serialize_release(qs)
    expected = graph_of(q.triple for q in qs)
    for name, (rdflib_fmt, oxi_fmt) in FORMATS.items():
        data = files[name]
        by_oxigraph = graph_of(pyoxigraph.parse(data, format=oxi_fmt))
        assert isomorphic(by_oxigraph, expected), (name, data.decode())
        if rdflib_fmt == "trig":
            ds = rdflib.Dataset()
            ds.parse(data=data, format="trig")
            by_rdflib = rdflib.Graph()
            for s, p, o, _ in ds.quads((None, None, None, None)):
                by_rdflib.add((s, p, o))
        else:
            by_rdflib = rdflib.Graph().parse(data=data, format=rdflib_fmt)
        assert isomorphic(by_rdflib, expected), (name, data.decode())
    assert json.loads(files["kg.jsonld"])["@context"]  # inline context: nothing to fetch


@settings(max_examples=40, deadline=None)
@given(quads)
def test_serialisation_is_deterministic_and_nt_is_sorted(qs: list[pyoxigraph.Quad]) -> None:
    qs = sorted(set(qs), key=str)
    assert serialize_release(qs) == serialize_release(list(qs))
    lines = serialize_release(qs)["kg.nt"].decode().split("\n")[:-1]  # not splitlines(): U+2028
    assert lines == sorted(lines) and len(lines) == len({str(q.triple) for q in qs})


def test_line_separators_in_literals_keep_kg_nt_parseable() -> None:
    """Regression: kg.nt was split with str.splitlines(), which cut a triple at U+0085/U+2028."""
    value = "a\x85b\u2028c\u2029d\x1ce\x0bf\x0cg"
    q = pyoxigraph.Quad(
        pyoxigraph.NamedNode("urn:x:s"),
        pyoxigraph.NamedNode("urn:x:p"),
        pyoxigraph.Literal(value),
        pyoxigraph.NamedNode(GRAPH_ENTITIES),
    )
    nt = serialize_release([q])["kg.nt"]
    (t,) = pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES)
    assert t.object == pyoxigraph.Literal(value)
