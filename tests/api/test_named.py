"""Named queries over HTTP: listing, typed parameters (422), suffixes, paging, OpenAPI, and the
same answers as rdflib on kg.ttl for every query in queries/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
import pytest
import rdflib

from kg.query.named import bind, run_rdflib, solutions_as_rows
from kg.rdf.queryfile import load_named_queries
from tests.support import ROOT

QUERIES = load_named_queries(ROOT / "queries")
NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


@pytest.fixture(scope="module")
def graph(release_dir: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(release_dir / "kg.ttl")


@pytest.fixture(scope="module")
def full_graph(release_dir: Path) -> rdflib.Graph:
    """Asserted + inferred: what the service answers queries tagged ``reasoning`` from."""
    return rdflib.Graph().parse(release_dir / "kg-full.ttl")


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    return body


def rows_of(r: httpx.Response) -> list[tuple[str, ...]]:
    assert r.status_code == 200, r.text
    parsed = pyoxigraph.parse_query_results(r.content, format=pyoxigraph.QueryResultsFormat.JSON)
    return list(solutions_as_rows(parsed))


def test_every_query_is_listed_with_its_parameters(client: httpx.Client) -> None:
    listed = {q["name"]: q for q in client.get("/queries").json()["queries"]}
    assert set(listed) == set(QUERIES)
    for name, q in QUERIES.items():
        entry = listed[name]
        assert entry["summary"] == q.summary and entry["tags"] == list(q.tags)
        assert [(p["name"], p["type"], p["required"]) for p in entry["parameters"]] == [
            (p.name, p.type.value, p.required) for p in q.params
        ]
        assert entry["example"] == dict(q.example)
        assert entry["links"]["self"].endswith(f"/queries/{name}")


@pytest.mark.parametrize("name", sorted(n for n, q in QUERIES.items() if q.form == "SELECT"))
def test_named_query_gives_the_same_rows_as_rdflib(
    client: httpx.Client, graph: rdflib.Graph, full_graph: rdflib.Graph, name: str
) -> None:
    query = QUERIES[name]
    r = client.get(f"/queries/{name}.json", params={**query.example, "limit": 1000})
    got = rows_of(r)
    reference = full_graph if "reasoning" in query.tags else graph
    want = list(solutions_as_rows(run_rdflib(reference, query, bind(query, query.example))))
    assert got, f"{name}: an empty answer proves nothing"
    assert sorted(got) == sorted(want)
    assert "link" not in r.headers


@pytest.mark.parametrize(
    ("suffix", "accept", "media"),
    [(".csv", None, "text/csv"), (".tsv", None, "text/tab-separated-values"),
     (".json", "text/csv", "application/sparql-results+json"), ("", "text/csv", "text/csv"),
     ("", None, "application/sparql-results+json"), (".xml", None, "application/sparql-results+xml")],
)  # fmt: skip
def test_suffixes_and_conneg(
    client: httpx.Client, suffix: str, accept: str | None, media: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get(f"/queries/adverse-events{suffix}", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]


def test_ttl_of_a_select_is_406(client: httpx.Client) -> None:
    assert "text/csv" in problem(client.get("/queries/adverse-events.ttl"), 406)["detail"]


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("adverse-events", {"drug": "not an iri"}, "drug"),
        ("adverse-events", {"drug": "https://x/> } UNION { ?s ?p ?o"}, "drug"),
        ("adverse-events", {"colour": "red"}, "colour"),
        ("dosing-for-weight", {"age_group": "https://w3id.org/dmkg/vocab/Child"}, "weight_kg"),
        (
            "dosing-for-weight",
            {"weight_kg": "heavy", "age_group": "https://w3id.org/dmkg/vocab/Child"},
            "weight_kg",
        ),
        ("adverse-events", {"limit": "-1"}, "limit"),
        ("adverse-events", {"offset": "x"}, "offset"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    client: httpx.Client, name: str, params: dict[str, str], parameter: str
) -> None:
    body = problem(client.get(f"/queries/{name}", params=params), 422)
    assert body["parameter"] == parameter and parameter in body["detail"]


def test_unknown_query_is_404(client: httpx.Client) -> None:
    problem(client.get("/queries/no-such-query"), 404)


@pytest.mark.parametrize(
    ("name", "short", "full"),
    [
        ("dosing-for-age-group", {"age_group": "Child"}, {"age_group": "https://w3id.org/dmkg/vocab/Child"}),
        ("dosing-for-age-group", {"age_group": "dmkg:Child"}, {"age_group": "https://w3id.org/dmkg/vocab/Child"}),
        ("adverse-events", {"drug": "anakinra"}, {"drug": "https://w3id.org/dmkg/id/drug/anakinra"}),
        ("adverse-events", {"drug": "dmkg.drug:anakinra"}, {"drug": "https://w3id.org/dmkg/id/drug/anakinra"}),
        ("adverse-events", {"drug": "dmkgid:drug/anakinra"}, {"drug": "https://w3id.org/dmkg/id/drug/anakinra"}),
    ],
)  # fmt: skip
def test_iri_parameters_take_the_releases_short_forms(
    client: httpx.Client, name: str, short: dict[str, str], full: dict[str, str]
) -> None:
    """``Child``, ``dmkg:Child`` and ``anakinra`` stand for the release's own IRIs, as on the
    command line; the answer is the full IRI's, row for row."""
    rows = rows_of(client.get(f"/queries/{name}.json", params=short))
    assert rows and rows == rows_of(client.get(f"/queries/{name}.json", params=full))


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"drug": "anakinr"}, "no term or entity 'anakinr' in this release; did you mean dmkgid:drug/anakinra?"),
        ({"drug": "dmkg:Chlid"}, "no dmkg:Chlid in this release; did you mean dmkg:Child?"),
        ({"drug": "nosuch:x"}, "unknown prefix 'nosuch'"),
    ],
)  # fmt: skip
def test_unknown_short_forms_are_422_with_the_closest_names(
    client: httpx.Client, params: dict[str, str], detail: str
) -> None:
    body = problem(client.get("/queries/adverse-events", params=params), 422)
    assert body["parameter"] == "drug" and detail in body["detail"]


def test_paging_links_next_only_while_rows_remain(client: httpx.Client) -> None:
    everything = rows_of(client.get("/queries/adverse-events", params={"limit": 1000}))
    assert len(everything) > 5
    url: str | None = "/queries/adverse-events?limit=4"
    pages: list[list[tuple[str, ...]]] = []
    for _ in range(len(everything)):  # bounded
        if url is None:
            break
        r = client.get(url)
        pages.append(rows_of(r))
        m = NEXT.search(r.headers.get("link", ""))
        url = m[1] if m else None
    assert url is None
    assert [row for page in pages for row in page] == everything
    assert all(len(p) == 4 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 4
    exact = client.get("/queries/adverse-events", params={"limit": len(everything)})
    assert 'rel="next"' not in exact.headers.get("link", "")


def test_openapi_has_a_path_per_named_query(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    for name, q in QUERIES.items():
        op = doc["paths"][f"/queries/{name}"]["get"]
        names = {p["name"] for p in op["parameters"]}
        assert {p.name for p in q.params} | {"limit", "offset"} == names
        required = {p["name"] for p in op["parameters"] if p["required"]}
        assert required == {p.name for p in q.params if p.required}
    assert "/sparql" in doc["paths"] and "post" in doc["paths"]["/sparql"]
