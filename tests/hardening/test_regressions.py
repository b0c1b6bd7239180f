"""Regression tests of the bugs the hardening work found (each fails without its fix)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pyoxigraph

from kg.rdf.vocab import GRAPH_ENTITIES
from kg.release.formats import serialize_release
from kg.release.write import write_release
from kg.store.embedded import open_release
from tests.support import Server


def test_relative_iris_in_a_query_resolve_against_the_endpoint(server: Server) -> None:
    """kg/api/sparql.py + executor.py: the engine was given no base IRI, so the W3C protocol
    test ``CONSTRUCT { <s> <p> 1 } WHERE {}`` was a 400; the endpoint URL is now the base."""
    r = httpx.post(
        f"{server.base}/sparql",
        content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert r.text.startswith(f"<{server.base}/s> <{server.base}/p> ")
    r = httpx.get(
        f"{server.base}/sparql",
        timeout=30,
        params={"query": "BASE <http://example.org/> ASK { FILTER(<a> = <http://example.org/a>) }"},
    )
    assert r.json()["boolean"] is True  # an explicit BASE still wins


def test_typed_named_query_parameters_with_a_trailing_newline_are_422(server: Server) -> None:
    """kg/api/named.py: ``$`` in the validators let "IRI\\n" through to pyoxigraph (a 500)."""
    for path, params in (
        ("/queries/adverse-events", {"drug": "https://w3id.org/dmkg/id/drug/anakinra\n"}),
        ("/queries/drugs-indicated-for", {"term": "MONDO:0008383\n"}),
    ):
        r = httpx.get(server.base + path, params=params, timeout=30)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["parameter"] in params


def test_resolve_with_something_that_is_no_iri_is_422(server: Server) -> None:
    """kg/api/resolve.py: ``/resolve?iri=H%C2%9E`` (found by schemathesis) was a 500."""
    for params in ({"iri": "H\x9e"}, {"iri": "http://a b/"}, {"iri": "relative"}):
        r = httpx.get(f"{server.base}/resolve", params=params, timeout=30)
        assert r.status_code == 422, (params, r.text)
        assert r.json()["parameter"] == "iri"


def test_release_files_stay_pinned_when_the_folder_is_swapped(tmp_path: Path) -> None:
    """kg/store.py + kg/api/meta.py: dumps were read from the folder at request time, so after a
    rebuild a running service served the new manifest and files beside the old graph."""
    graph = pyoxigraph.NamedNode(GRAPH_ENTITIES)

    def quads(value: str) -> list[pyoxigraph.Quad]:
        s, p = pyoxigraph.NamedNode("urn:x:s"), pyoxigraph.NamedNode("urn:x:p")
        return [pyoxigraph.Quad(s, p, pyoxigraph.Literal(value), graph)]

    out = tmp_path / "dist"
    write_release(serialize_release(quads("old")), quads("old"), out, "1")
    release = open_release(out, tmp_path / "cache")
    old_nt = (out / "kg.nt").read_bytes()
    write_release(serialize_release(quads("new")), quads("new"), out, "1")  # swapped in
    assert (out / "kg.nt").read_bytes() != old_nt
    assert release.file_path("kg.nt").read_bytes() == old_nt
    pinned_manifest = json.loads(release.file_path("manifest.json").read_bytes())
    assert pinned_manifest == release.manifest
