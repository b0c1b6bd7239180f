"""Linked Data against the live server: every minted IRI resolves, by Accept or extension."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from kg.build import Paths
from kg.curation.load import load_corpus
from kg.graph import claim_node
from kg.ontology import Ontology
from kg.rdf.serialize import jsonld_context
from tests.support import ROOT

BASE = "https://w3id.org/dmkg/"
ANAKINRA = BASE + "id/drug/anakinra"
QUOTE = "The usual dose for adults is 100mg (one syringe) once a day."
PROBLEM = "application/problem+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
EXTENSIONS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}


def _claim_iris() -> list[str]:
    paths = Paths(data=ROOT / "data", ontology=ROOT / "ontology")
    corpus = load_corpus(paths.data, Ontology.read(paths.ontology_file))
    return sorted(claim_node(c).value for c in corpus.claims)


CLAIMS = _claim_iris()


def _path(iri: str) -> str:
    assert iri.startswith(BASE)
    return "/" + iri[len(BASE) :]


def _triples(r: httpx.Response, media: str) -> set[tuple[str, str, str]]:
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].split(";")[0] == media
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in parse(r.content, format=FORMATS[media], base_iri=BASE)
    }


def test_claims_in_release_are_the_parametrised_ones(release_dir: Path) -> None:
    nt = (release_dir / "kg.nt").read_text(encoding="utf-8")
    served = {
        line.split(" ", 1)[0][1:-1]
        for line in nt.splitlines()
        if line.startswith(f"<{BASE}id/claim/")
    }
    assert served == set(CLAIMS) and len(CLAIMS) > 50


@pytest.mark.parametrize("iri", CLAIMS, ids=[i.rsplit("/", 1)[-1] for i in CLAIMS])
def test_every_claim_resolves(client: httpx.Client, iri: str) -> None:
    r = client.get(_path(iri), headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<mark class="quote">' in r.text  # the claim's evidence is quoted


def test_every_minted_iri_resolves(client: httpx.Client, release_dir: Path) -> None:
    """Entities, claims, evidence, selectors, notes, sources and vocabulary terms."""
    nt = (release_dir / "kg.nt").read_text(encoding="utf-8")
    subjects = sorted(
        {
            line.split(" ", 1)[0][1:-1]
            for line in nt.splitlines()
            if line.startswith(f"<{BASE}") and not line.startswith(f"<{BASE}vocab/> ")
        }
    )
    assert len(subjects) > 300
    failed = []
    for iri in subjects[:5000]:  # bounded
        r = client.get(_path(iri), headers={"Accept": "application/n-triples"})
        if r.status_code != 200 or f"<{iri}> " not in r.text:
            failed.append((iri, r.status_code))
    assert not failed


@pytest.mark.parametrize("media", list(FORMATS))
def test_conneg_gives_the_description_with_claims_and_quotes(
    client: httpx.Client, media: str
) -> None:
    r = client.get("/id/drug/anakinra", headers={"Accept": media})
    triples = _triples(r, media)
    assert "Accept" in r.headers["vary"]
    assert (
        f"<{ANAKINRA}>",
        "<http://www.w3.org/2000/01/rdf-schema#label>",
        '"anakinra"@en',
    ) in triples
    assert str(Literal(QUOTE)) in {o for _, _, o in triples}
    has_subject = f"<{BASE}vocab/hasSubject>"
    claims = {s for s, p, o in triples if p == has_subject and o == f"<{ANAKINRA}>"}
    assert len(claims) > 10


@pytest.mark.parametrize(("ext", "media"), list(EXTENSIONS.items()))
def test_extension_forces_the_format(client: httpx.Client, ext: str, media: str) -> None:
    r = client.get(f"/id/drug/anakinra.{ext}", headers={"Accept": "text/html"})
    assert (
        f"<{ANAKINRA}>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        f"<{BASE}vocab/Drug>",
    ) in _triples(r, media)


def test_html_extension_and_browser_accept_give_the_page(client: httpx.Client) -> None:
    for r in (
        client.get("/id/drug/anakinra.html"),
        client.get("/id/drug/anakinra", headers={"Accept": BROWSER}),
    ):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "Accept" in r.headers["vary"]
        assert QUOTE in r.text and 'href="/id/source/kineret-patient-sheet"' in r.text
        assert "skos:exactMatch" in r.text and 'rel="external"' in r.text  # external terms


def test_default_is_turtle_with_alternate_links(client: httpx.Client) -> None:
    r = client.get("/id/drug/anakinra", headers={"Accept": "*/*"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert '</id/drug/anakinra.jsonld>; rel="alternate"' in r.headers["link"]


def test_jsonld_is_compacted_under_our_context(client: httpx.Client) -> None:
    doc = client.get("/id/drug/anakinra.jsonld").json()
    assert doc["@context"] == jsonld_context()["@context"]
    assert doc["@context"]["dmkg"] == BASE + "vocab/"
    node = next(n for n in doc["@graph"] if n["@id"] == "dmkg.drug:anakinra")
    assert "dmkg:Drug" in node["@type"] and "rdfs:label" in node
    assert not [k for n in doc["@graph"] for k in n if k.startswith("http")], "no full IRI keys"


def test_unacceptable_type_is_406_problem(client: httpx.Client) -> None:
    r = client.get("/id/drug/anakinra", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["content-type"].startswith(PROBLEM)
    assert "text/turtle" in r.json()["supported"]


@pytest.mark.parametrize(
    "path",
    [
        "/id/drug/no-such-drug",
        "/id/claim/nothing",
        "/id/evidence/0/quote",
        "/vocab/NoSuchTerm",
        "/graph/source/nothing",
        "/id/drug/bad%20iri",
        "/id/drug/no-such-drug.ttl",
    ],
)
def test_unknown_iri_is_404_problem(client: httpx.Client, path: str) -> None:
    r = client.get(path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["status"] == 404


def test_unknown_iri_in_a_browser_is_an_html_404(client: httpx.Client) -> None:
    r = client.get("/id/drug/no-such-drug", headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


def test_evidence_quote_note_and_source_pages(client: httpx.Client, release_dir: Path) -> None:
    nt = (release_dir / "kg.nt").read_text(encoding="utf-8")
    note = next(
        line.split(" ")[0][1:-1] for line in nt.splitlines() if line.startswith(f"<{BASE}id/note/")
    )
    sel = next(
        line.split(" ")[0][1:-1]
        for line in nt.splitlines()
        if "/quote> " in line.split(" ")[0] + " "
    )
    evidence = sel.removesuffix("/quote")
    for iri in (note, sel, evidence, BASE + "id/source/kineret-patient-sheet"):
        r = client.get(_path(iri), headers={"Accept": BROWSER})
        assert r.status_code == 200 and "<h1>" in r.text, iri
    page = client.get("/id/source/ilaris-patient-page.html").text
    assert "sha256" in page and "Notes on this source" in page
    # the curator notes on passages are listed with the passages of the whole text
    assert '<section id="passages"><h2>Passages and curator notes' in page
    assert '<span class="tag">' in page and "Claims curated from this source" in page
    quote = client.get(_path(sel) + ".ttl")
    assert "http://www.w3.org/ns/oa#exact" in quote.text or "oa:exact" in quote.text


def test_vocab_terms_and_ontology_resolve(client: httpx.Client) -> None:
    r = client.get("/vocab/Drug", headers={"Accept": "text/turtle"})
    assert (
        f"<{BASE}vocab/Drug>",
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
        "<http://www.w3.org/2002/07/owl#Class>",
    ) in _triples(r, "text/turtle")
    page = client.get("/vocab/Drug.html").text
    assert "/id/drug/anakinra" in page  # instances are listed
    index = client.get("/vocab/", headers={"Accept": BROWSER})
    assert index.status_code == 200 and 'href="/vocab/DosingRegimenClaim"' in index.text


@pytest.mark.parametrize("graph", ["ontology", "entities", "source/kineret-patient-sheet"])
def test_named_graphs_are_described(client: httpx.Client, release_dir: Path, graph: str) -> None:
    manifest = json.loads((release_dir / "manifest.json").read_text())
    iri = f"{BASE}graph/{graph}"
    r = client.get(f"/graph/{graph}", headers={"Accept": "application/n-triples"})
    count = f'"{manifest["graphs"][iri]}"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert (f"<{iri}>", "<http://rdfs.org/ns/void#triples>", count) in _triples(
        r, "application/n-triples"
    )
    assert client.get(f"/graph/{graph}.html").status_code == 200


def test_browse_index_links_every_drug(client: httpx.Client) -> None:
    page = client.get("/id/", headers={"Accept": BROWSER}).text
    for d in client.get("/drugs").json()["items"]:
        assert f'href="{d["href"]}"' in page


def test_head_works(client: httpx.Client) -> None:
    r = client.head("/id/drug/anakinra", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("text/turtle")


def test_rdf_is_deterministic(client: httpx.Client) -> None:
    a = client.get("/id/drug/canakinumab.nt").content
    assert a == client.get("/id/drug/canakinumab.nt").content
    lines = a.decode().splitlines()
    assert lines == sorted(lines)
    assert NamedNode(BASE + "id/drug/canakinumab")
