"""Routes through FastAPI's TestClient, in this process, with dependencies overridden.

The live-server tests (beside this file) keep the worker pool, limits and real sockets; these
show what a route does with what it is given: a public base URL, another set of named
queries, another limit, without starting a server.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kg.api.deps import get_named_queries, get_settings
from kg.api.settings import Settings


def test_the_app_answers_in_process(inproc: TestClient) -> None:
    r = inproc.get("/drugs/anakinra")
    assert r.status_code == 200
    assert r.json()["label"] == "anakinra"
    rows = inproc.get(
        "/queries/adverse-events.json", params={"drug": "https://w3id.org/dmkg/id/drug/canakinumab"}
    )
    assert rows.status_code == 200 and rows.json()["results"]["bindings"]


def _behind_a_proxy(app: FastAPI) -> None:
    configured = app.state.service.settings.model_copy(
        update={"base_url": "https://kg.example.org/dmkg"}
    )
    app.dependency_overrides[get_settings] = lambda: configured


def test_resolve_links_honour_the_public_base_url(app: FastAPI, inproc: TestClient) -> None:
    """``DMKG_BASE_URL`` (a service behind a proxy) is the base of every link /resolve writes,
    not the Host the request came with."""
    plain = inproc.get("/resolve", params={"curie": "DRUGBANK:DB00026"}).json()["matches"][0]
    assert plain["html"] == "http://testserver/id/drug/anakinra"
    assert plain["monograph"] == "http://testserver/drugs/anakinra"
    _behind_a_proxy(app)
    match = inproc.get("/resolve", params={"curie": "DRUGBANK:DB00026"}).json()["matches"][0]
    assert match["html"] == "https://kg.example.org/dmkg/id/drug/anakinra"
    assert match["monograph"] == "https://kg.example.org/dmkg/drugs/anakinra"


def test_paging_and_named_query_links_honour_the_public_base_url(
    app: FastAPI, inproc: TestClient
) -> None:
    _behind_a_proxy(app)
    listed = inproc.get("/adverse-events", params={"limit": 1})
    assert listed.headers["link"].startswith("<https://kg.example.org/dmkg/adverse-events?")
    named = inproc.get("/queries").json()["queries"][0]["links"]["self"]
    assert named.startswith("https://kg.example.org/dmkg/queries/")


def test_named_queries_are_a_dependency(app: FastAPI, inproc: TestClient) -> None:
    everything = app.state.service.named_queries
    app.dependency_overrides[get_named_queries] = lambda: {"indications": everything["indications"]}
    assert [q["name"] for q in inproc.get("/queries").json()["queries"]] == ["indications"]
    assert inproc.get("/queries/adverse-events").status_code == 404


def test_a_row_cap_from_the_settings_dependency(app: FastAPI, inproc: TestClient) -> None:
    capped = Settings(release=app.state.service.release.dir, max_rows=2)
    app.dependency_overrides[get_settings] = lambda: capped
    r = inproc.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})  # fmt: skip
    assert r.status_code == 200 and r.headers["x-truncated"] == "true"
    assert len(r.json()["results"]["bindings"]) == 2
