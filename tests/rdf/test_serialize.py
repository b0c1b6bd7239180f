"""Release serialisations read the same in every engine: Turtle without escaped slashes,
JSON-LD compacted under our context (never fetched), N-Triples canonical."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.build import BuildResult
from kg.rdf.serialize import TURTLE_PREFIXES, jsonld, jsonld_context, serialize, sorted_triples
from kg.rdf.vocab import ID, KIND_PREFIXES
from tests.support import ROOT, LoopbackListener

FORMATS = {
    "kg.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE),
    "kg.jsonld": ("json-ld", pyoxigraph.RdfFormat.JSON_LD),
    "kg.nt": ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
}


@pytest.fixture(scope="module")
def reference(built: BuildResult) -> rdflib.Graph:
    return rdflib.Graph().parse(built.out / "kg.nt", format="nt")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_rdflib_and_pyoxigraph_read_the_same_graph(
    built: BuildResult, reference: rdflib.Graph, name: str
) -> None:
    rdflib_name, ox_format = FORMATS[name]
    by_rdflib = rdflib.Graph().parse(built.out / name, format=rdflib_name)
    by_oxigraph = rdflib.Graph()
    for t in pyoxigraph.parse(path=built.out / name, format=ox_format):
        by_oxigraph.add(tuple(_rdflib(term) for term in (t.subject, t.predicate, t.object)))  # type: ignore[arg-type]
    assert len(by_rdflib) == len(reference) and isomorphic(by_rdflib, reference)
    assert isomorphic(by_oxigraph, reference)


def _rdflib(term: object) -> rdflib.term.Node:
    from kg.rdf.terms import to_rdflib

    return to_rdflib(term)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["kg.ttl", "kg.trig", "ontology.ttl", "kg-full.ttl"])
def test_turtle_has_no_escaped_slash(built: BuildResult, name: str) -> None:
    text = (built.out / name).read_text(encoding="utf-8")
    assert "\\/" not in text
    assert "dmkgid:" not in text
    if name != "ontology.ttl":
        assert "dmkg.drug:anakinra" in text
        assert f"@prefix dmkg.drug: <{TURTLE_PREFIXES['dmkg.drug']}> ." in text


def test_an_iri_no_prefix_fits_is_written_in_full() -> None:
    """An evidence selector's local part would hold a ``/``: the whole IRI is written."""
    selector = pyoxigraph.NamedNode(f"{ID}evidence/0123456789abcdef/quote")
    drug = pyoxigraph.NamedNode(f"{ID}drug/anakinra")
    text = serialize([pyoxigraph.Triple(drug, drug, selector)], pyoxigraph.RdfFormat.TURTLE)
    assert f"dmkg.drug:anakinra dmkg.drug:anakinra <{selector.value}> .".encode() in text


def test_jsonld_is_compacted_under_our_context(built: BuildResult) -> None:
    doc = json.loads((built.out / "kg.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == jsonld_context()["@context"]
    assert set(KIND_PREFIXES) <= set(doc["@context"])
    keys = {k for node in doc["@graph"] for k in node}
    assert not [k for k in keys if re.match(r"https?://", k)], "every property is a CURIE"
    anakinra = next(n for n in doc["@graph"] if n["@id"] == "dmkg.drug:anakinra")
    assert "dmkg:Drug" in anakinra["@type"]
    evidence = [n["@id"] for n in doc["@graph"] if n["@id"].startswith("dmkgid:evidence/")]
    assert evidence, "evidence IRIs compact with dmkgid: (JSON-LD allows the slash)"


def test_jsonld_compaction_never_fetches(listener: LoopbackListener) -> None:
    """Our context goes inline; a remote one could only come through PyLD's document loader,
    and ours refuses without connecting."""
    from pyld import jsonld as pyld

    from kg.rdf import serialize as module

    with pytest.raises(pyld.JsonLdError) as info:
        pyld.compact({}, {"@context": listener.url}, {"documentLoader": module._no_fetch})
    chain, error = [], info.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__ or error.__context__
    assert any("dmkg never fetches" in e for e in chain)
    assert listener.connections == 0
    drug = pyoxigraph.NamedNode(f"{ID}drug/anakinra")
    out = json.loads(jsonld([pyoxigraph.Triple(drug, drug, pyoxigraph.Literal("x"))]))
    assert out["@graph"] == [{"@id": "dmkg.drug:anakinra", "dmkg.drug:anakinra": "x"}]


def test_memoised_chunked_compaction_is_plain_pyld(built: BuildResult, tmp_path: Path) -> None:
    """The release's JSON-LD (IRI compaction memoised, nodes compacted in runs) is byte for
    byte one plain PyLD compaction of the whole graph, on the real data and a synthetic one."""
    from kg.build import Paths, load_inputs
    from kg.curation.synth import synthesize

    synthesize(tmp_path / "data", drugs=5, seed=3, defects=0)
    synthetic = load_inputs(Paths(data=tmp_path / "data", ontology=ROOT / "ontology"))[1]
    for quads in (built.quads, synthetic):
        triples = sorted_triples(quads)
        plain = jsonld(triples, memoise=False, chunk=len(triples) + 1)
        assert jsonld(triples, chunk=97) == plain
        doc = json.loads(plain)
        assert plain == (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode()
    assert (built.out / "kg.jsonld").read_bytes() == jsonld(
        sorted_triples(built.quads), memoise=False
    )
