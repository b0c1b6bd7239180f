"""Dataset metadata and dumps against the live server: VoID, prefixes, dumps, health."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from conftest import served_triples  # type: ignore[import-not-found]  # tests/api: no __init__
from pyoxigraph import RdfFormat, parse

from kg.rdf.serialize import CONTEXT_PREFIXES
from kg.rdf.vocab import KIND_PREFIXES, PREFIXES, query_prefixes
from kg.release.layout import RELEASE_FILES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DATASET = "https://w3id.org/dmkg/void#dmkg"
PROBLEM = "application/problem+json"


def _void(client: httpx.Client, media: str, fmt: RdfFormat) -> dict[str, list[str]]:
    r = client.get("/void", headers={"Accept": media})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    out: dict[str, list[str]] = {}
    for t in parse(r.content, format=fmt):
        if t.subject.value == DATASET:
            out.setdefault(t.predicate.value, []).append(t.object.value)
    return out


@pytest.mark.parametrize(
    ("media", "fmt"),
    [("text/turtle", RdfFormat.TURTLE), ("application/ld+json", RdfFormat.JSON_LD)],
)
def test_void_describes_the_release(
    client: httpx.Client,
    manifest: dict[str, Any],
    live_server: str,
    release_dir: Path,
    media: str,
    fmt: RdfFormat,
) -> None:
    ds = _void(client, media, fmt)
    # VoID describes the served dataset: the release plus the reasoner's inferred graph
    assert ds[VOID + "triples"] == [str(served_triples(release_dir)[1])]
    assert int(ds[VOID + "distinctSubjects"][0]) > 100
    assert int(ds[VOID + "distinctObjects"][0]) > 100
    assert ds["http://purl.org/dc/terms/license"] == [
        "https://creativecommons.org/licenses/by/4.0/"
    ]
    assert ds[DCAT + "version"] == [manifest["version"]]
    assert ds[VOID + "sparqlEndpoint"] == [live_server + "/sparql"]
    dumps = set(ds[VOID + "dataDump"])
    assert {f"{live_server}/dump/{name}" for name in manifest["files"]} <= dumps
    assert len(ds[VOID + "classPartition"]) == int(ds[VOID + "classes"][0]) > 10
    assert len(ds[VOID + "propertyPartition"]) == int(ds[VOID + "properties"][0]) > 10
    assert set(ds[VOID + "subset"]) == {*manifest["graphs"], "https://w3id.org/dmkg/graph/inferred"}


def test_void_partitions_count_claims(client: httpx.Client, manifest: dict[str, Any]) -> None:
    graph = parse(
        client.get("/void", headers={"Accept": "text/turtle"}).content, format=RdfFormat.TURTLE
    )
    by_node: dict[str, dict[str, str]] = {}
    for t in graph:
        by_node.setdefault(t.subject.value, {})[t.predicate.value] = t.object.value
    claim = next(
        n for n in by_node.values() if n.get(VOID + "class") == "https://w3id.org/dmkg/vocab/Claim"
    )
    assert int(claim[VOID + "entities"]) == manifest["claims"]


def test_void_406(client: httpx.Client) -> None:
    r = client.get("/void", headers={"Accept": "text/csv"})
    assert r.status_code == 406 and r.headers["content-type"].startswith(PROBLEM)


def test_prefixes_json_and_jsonld_context(client: httpx.Client) -> None:
    r = client.get("/prefixes")
    # JSON: every prefix the endpoint predeclares (the whole map and the kind prefixes);
    # JSON-LD: the release's context (our prefixes and the kind prefixes)
    assert r.headers["content-type"].startswith("application/json") and r.json() == query_prefixes()
    assert set(PREFIXES) | set(KIND_PREFIXES) <= set(r.json())
    assert r.json()["HP"] == "http://purl.obolibrary.org/obo/HP_"
    ours = {**PREFIXES, **KIND_PREFIXES}
    assert dict(CONTEXT_PREFIXES) == ours
    ctx = client.get("/prefixes", headers={"Accept": "application/ld+json"})
    assert ctx.headers["content-type"].startswith("application/ld+json")
    assert ctx.json() == {"@context": ours}
    assert client.get("/prefixes", params={"format": "jsonld"}).json() == {"@context": ours}
    assert client.get("/prefixes", params={"format": "xml"}).status_code == 422


@pytest.mark.parametrize("name", [*RELEASE_FILES, "manifest.json"])
def test_dump_streams_the_release_file_with_validators(
    client: httpx.Client, release_dir: Path, manifest: dict[str, Any], name: str
) -> None:
    r = client.get(f"/dump/{name}")
    assert r.status_code == 200
    body = (release_dir / name).read_bytes()
    assert r.content == body
    sha = hashlib.sha256(body).hexdigest()
    if name in manifest["files"]:
        assert manifest["files"][name]["sha256"] == sha
    etag = r.headers["etag"]
    assert etag == f'"{sha}"'
    assert r.headers["last-modified"].endswith("GMT")
    assert "public" in r.headers["cache-control"] and "max-age=" in r.headers["cache-control"]
    again = client.get(f"/dump/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get(f"/dump/{name}", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_dump_media_types_and_head(client: httpx.Client) -> None:
    assert client.get("/dump/kg.ttl").headers["content-type"].startswith("text/turtle")
    assert client.get("/dump/kg.nt").headers["content-type"].startswith("application/n-triples")
    assert client.get("/dump/kg.jsonld").headers["content-type"].startswith("application/ld+json")
    assert client.get("/dump/kg.trig").headers["content-type"].startswith("application/trig")
    head = client.head("/dump/kg.nt")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]


def test_dump_if_modified_since(client: httpx.Client) -> None:
    lm = client.get("/dump/kg.ttl").headers["last-modified"]
    assert client.get("/dump/kg.ttl", headers={"If-Modified-Since": lm}).status_code == 304


@pytest.mark.parametrize("name", ["nothing.ttl", "..%2Fmanifest.json", ".hidden", "kg.ttl.bak"])
def test_unknown_dump_is_404_problem(client: httpx.Client, name: str) -> None:
    r = client.get(f"/dump/{name}")
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)


def test_ontology_by_conneg(client: httpx.Client, release_dir: Path) -> None:
    ttl = client.get("/ontology")
    assert ttl.headers["content-type"].startswith("text/turtle")
    assert ttl.content == (release_dir / "ontology.ttl").read_bytes() and ttl.headers["etag"]
    nt = client.get("/ontology", headers={"Accept": "application/n-triples"})
    assert len(list(parse(nt.content, format=RdfFormat.N_TRIPLES))) == len(
        list(parse(ttl.content, format=RdfFormat.TURTLE))
    )
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "/vocab/Drug" in html.text
    assert client.get("/ontology", headers={"Accept": "image/png"}).status_code == 406


def test_health_and_version(client: httpx.Client, manifest: dict[str, Any]) -> None:
    assert client.get("/health").json() == {"status": "ok", "release": manifest["release"]}
    v = client.get("/version").json()
    assert v["release"] == manifest["release"] and v["version"] == manifest["version"]
    assert v["triples"] == manifest["triples"]
    assert v["commit"] is None or len(v["commit"]) in (40, 64)


def test_cors_on_dumps(client: httpx.Client) -> None:
    r = client.get("/dump/manifest.json", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "etag" in r.headers["access-control-expose-headers"].lower()


def _count(client: httpx.Client, query: str) -> int:
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_service_description_and_void_counts_are_what_the_endpoint_answers(
    client: httpx.Client,
) -> None:
    """Every number the service description and VoID state equals a COUNT query sent to the
    same endpoint: the default graph (the union, a triple in two graphs counted once) and each
    named graph it serves, the inferred graph included."""
    sd = rdflib.Graph().parse(data=client.get("/sparql").text, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    triples = rdflib.URIRef(VOID + "triples")
    [default] = list(sd.objects(None, SD.defaultGraph))
    distinct = _count(client, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert int(sd.value(default, triples)) == distinct  # type: ignore[arg-type]
    named = {
        str(sd.value(ng, SD.name)): int(sd.value(sd.value(ng, SD.graph), triples))  # type: ignore[arg-type]
        for ng in sd.objects(None, SD.namedGraph)
    }
    served = {
        row["g"]["value"]
        for row in client.post(
            "/sparql", data={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"]
    }  # fmt: skip
    assert set(named) == served and "https://w3id.org/dmkg/graph/inferred" in served
    for graph, n in named.items():
        assert n == _count(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    void = rdflib.Graph().parse(data=client.get("/void", headers={"Accept": "text/turtle"}).text, format="turtle")  # fmt: skip
    assert int(void.value(rdflib.URIRef(DATASET), triples)) == distinct  # type: ignore[arg-type]
    for graph, n in named.items():
        assert int(void.value(rdflib.URIRef(graph), triples)) == n  # type: ignore[arg-type]
    subjects = _count(client, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")
    assert (
        int(void.value(rdflib.URIRef(DATASET), rdflib.URIRef(VOID + "distinctSubjects")))
        == subjects
    )  # type: ignore[arg-type]
