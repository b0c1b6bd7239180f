"""The SPARQL 1.1 Protocol over real HTTP: formats, dataset, errors as problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
import pytest
from conftest import served_triples  # type: ignore[import-not-found]  # tests/api: no __init__

from kg.rdf.media import RDF_MEDIA, RESULTS_MEDIA
from kg.rdf.vocab import DMKG, GRAPH_ENTITIES, RDFS

PRE = f"PREFIX dmkg: <{DMKG}>\nPREFIX rdfs: <{RDFS}>\n"
DRUGS = PRE + "SELECT ?drug ?label WHERE { ?drug a dmkg:Drug ; rdfs:label ?label } ORDER BY ?label"
CONSTRUCT = (
    PRE + "CONSTRUCT { ?drug rdfs:label ?label } WHERE { ?drug a dmkg:Drug ; rdfs:label ?label }"
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and "detail" in body
    text = r.text
    assert "Traceback" not in text and "/work/" not in text and ".py" not in text
    return body


def count(r: httpx.Response) -> int:
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_get_select_defaults_to_json(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": DRUGS})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/sparql-results+json"
    assert "Accept" in r.headers["vary"]
    labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
    assert "anakinra" in labels and labels == sorted(labels)


@pytest.mark.parametrize("media", list(RESULTS_MEDIA))
def test_select_in_every_results_format(client: httpx.Client, media: str) -> None:
    r = client.get("/sparql", params={"query": DRUGS}, headers={"Accept": media})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "anakinra" in r.text


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
     ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("text/csv", "text/csv")],
)  # fmt: skip
def test_format_parameter_forces_the_type(client: httpx.Client, fmt: str, media: str) -> None:
    r = client.get(
        "/sparql",
        params={"query": DRUGS, "format": fmt},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.headers["content-type"].split(";")[0] == media


def test_format_parameter_repeated_like_sparqlwrapper(client: httpx.Client) -> None:
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("query", DRUGS),
        ("format", "tsv"),
        ("format", "text/tab-separated-values"),
        ("output", "tsv"),
    ]
    r = client.get("/sparql", params=params)
    assert r.headers["content-type"].startswith("text/tab-separated-values")


@pytest.mark.parametrize(
    "media", ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
)
def test_construct_in_every_rdf_format(client: httpx.Client, media: str) -> None:
    r = client.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": media})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    triples = list(pyoxigraph.parse(r.content, format=RDF_MEDIA[media]))
    assert len(triples) >= 4


def test_construct_defaults_to_turtle_and_ask_to_json(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT})
    assert r.headers["content-type"].startswith("text/turtle")
    r = client.get("/sparql", params={"query": PRE + "ASK { ?d a dmkg:Drug }"})
    assert r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": "DESCRIBE <https://w3id.org/dmkg/id/drug/anakinra>"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_post_form_and_direct_body(client: httpx.Client) -> None:
    a = client.post("/sparql", data={"query": DRUGS})
    b = client.post(
        "/sparql", content=DRUGS.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    c = client.post(
        "/sparql",
        content=DRUGS.encode(),
        headers={"Content-Type": "application/sparql-query; charset=UTF-8"},
    )
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.json() == b.json() == c.json()


def test_results_are_cached_per_release(client: httpx.Client) -> None:
    q = PRE + "SELECT (COUNT(*) AS ?n) { ?c a dmkg:Claim }"
    first, second = (
        client.get("/sparql", params={"query": q}),
        client.get("/sparql", params={"query": q}),
    )
    assert first.content == second.content
    assert (
        first.headers["server-timing"] == second.headers["server-timing"]
    )  # the same cached answer


def test_row_cap_is_stated_never_silent(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 1000
    assert r.headers["x-truncated"] == "true" and "truncated" in r.headers["warning"]
    r = client.get("/sparql", params={"query": DRUGS})
    assert "x-truncated" not in r.headers


def test_union_default_graph_and_protocol_dataset(
    client: httpx.Client, manifest: dict[str, Any], release_dir: Path
) -> None:
    # the default graph is the union of the named graphs, the reasoner's graph included
    # (pyoxigraph keeps a triple stated in two graphs twice; DISTINCT counts it once)
    quads, distinct_triples = served_triples(release_dir)
    assert count(client.get("/sparql", params={"query": COUNT})) == quads
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT * { ?s ?p ?o } }"
    assert count(client.get("/sparql", params={"query": distinct})) == distinct_triples
    only = client.get("/sparql", params={"query": COUNT, "default-graph-uri": GRAPH_ENTITIES})
    assert count(only) == manifest["graphs"][GRAPH_ENTITIES]
    two = [GRAPH_ENTITIES, "https://w3id.org/dmkg/graph/ontology"]
    r = client.get("/sparql", params=[("query", COUNT), *(("default-graph-uri", g) for g in two)])
    assert count(r) == sum(manifest["graphs"][g] for g in two)
    named = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    r = client.get("/sparql", params={"query": named, "named-graph-uri": GRAPH_ENTITIES})
    assert count(r) == manifest["graphs"][GRAPH_ENTITIES]
    r = client.get("/sparql", params={"query": COUNT, "named-graph-uri": GRAPH_ENTITIES})
    assert count(r) == 0  # named graphs only: the default graph is empty


@pytest.mark.parametrize(
    "query",
    ["SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> { ?s ?p ?o }",
     "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/dmkg/graph/nope> { ?s ?p ?o }",
     "SELECT (COUNT(*) AS ?n) FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }"],
)  # fmt: skip
def test_from_unknown_graph_is_empty(client: httpx.Client, query: str) -> None:
    assert count(client.get("/sparql", params={"query": query})) == 0


def test_from_our_graph_restricts_the_dataset(
    client: httpx.Client, manifest: dict[str, Any]
) -> None:
    q = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH_ENTITIES}> {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", params={"query": q})) == manifest["graphs"][GRAPH_ENTITIES]
    r = client.get("/sparql", params={"query": COUNT, "default-graph-uri": "file:///etc/passwd"})
    assert count(r) == 0


def test_language_tags_match_case_insensitively(client: httpx.Client) -> None:
    q = PRE + 'SELECT ?d { ?d rdfs:label "anakinra"@EN }'
    assert len(client.get("/sparql", params={"query": q}).json()["results"]["bindings"]) == 1
    q = PRE + 'SELECT ?d { ?d a dmkg:Drug ; rdfs:label ?l FILTER(langMatches(lang(?l), "EN")) }'
    assert len(client.get("/sparql", params={"query": q}).json()["results"]["bindings"]) >= 4


def test_service_description_without_query(client: httpx.Client) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = list(pyoxigraph.parse(r.content, format=pyoxigraph.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    preds = {t.predicate.value for t in graph}
    assert {sd + "endpoint", sd + "resultFormat", sd + "defaultDataset", sd + "namedGraph"} <= preds
    assert any(t.object == pyoxigraph.NamedNode(GRAPH_ENTITIES) for t in graph)
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json") and r.json()


def test_browser_gets_the_query_page(client: httpx.Client) -> None:
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/static/query.js" in r.text and "adverse-events" in r.text
    assert "<script>" not in r.text.replace('<script src="/static/query.js"></script>', "")
    assert client.get("/static/query.js").status_code == 200


def test_head_and_options(client: httpx.Client) -> None:
    r = client.head("/sparql", params={"query": DRUGS})
    assert r.status_code == 200 and r.content == b""
    r = client.options("/sparql")
    assert r.status_code in (200, 204) and "POST" in r.headers["allow"]


def test_cors_any_origin_without_credentials(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": DRUGS}, headers={"Origin": "https://evil.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    pre = client.options(
        "/sparql",
        headers={"Origin": "https://x.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )  # fmt: skip
    assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "*"


# --- errors ---------------------------------------------------------------------------------------


def test_syntax_error_is_400_with_line_and_column(client: httpx.Client) -> None:
    body = problem(
        client.get(
            "/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = ) }"}
        ),
        400,
    )
    assert (body["line"], body["column"]) == (3, 15) or body["line"] == 3
    assert "line 3" in body["detail"]


def test_our_prefixes_are_predeclared_and_a_query_prefix_wins(client: httpx.Client) -> None:
    prefixes = client.get("/prefixes").json()
    assert prefixes["dmkg"] == "https://w3id.org/dmkg/vocab/" and "MONDO" in prefixes
    query = "SELECT ?drug WHERE { ?drug a dmkg:Drug ; skos:exactMatch drugbank:DB00026 }"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert [r["drug"]["value"] for r in rows] == ["https://w3id.org/dmkg/id/drug/anakinra"]
    shadowed = "PREFIX dmkg: <http://example.org/> " + query
    assert client.get("/sparql", params={"query": shadowed}).json()["results"]["bindings"] == []


def test_an_undefined_prefix_is_named_in_one_line(client: httpx.Client) -> None:
    body = problem(
        client.get(
            "/sparql", params={"query": "SELECT * WHERE {\n  ?s rdfs:label ?l ;\n  ex:p ?o }"}
        ),
        400,
    )
    assert body["detail"] == (
        'line 3, column 3: undefined prefix "ex" in ex:p; declare it with PREFIX ex: <...>'
    )
    assert (body["line"], body["column"]) == (3, 3)


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"params": {"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 403),
        ({"params": {"query": "CLEAR ALL"}}, 403),
        ({"params": {"query": "LOAD <http://127.0.0.1:9/x>"}}, 403),
        ({"params": [("query", DRUGS), ("query", DRUGS)]}, 400),
        ({"params": {"query": DRUGS}, "headers": {"Accept": "image/png"}}, 406),
        ({"params": {"query": CONSTRUCT, "format": "csv"}}, 406),
        ({"params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400),
        ({"params": {"query": ""}}, 400),
    ],
)
def test_get_errors(client: httpx.Client, kwargs: dict[str, Any], status: int) -> None:
    body = problem(client.get("/sparql", **kwargs), status)
    if status == 406:
        assert "application/" in body["detail"] or "text/" in body["detail"]


@pytest.mark.parametrize(
    ("content", "ctype", "status"),
    [
        (DRUGS.encode(), "text/plain", 415),
        (DRUGS.encode(), "application/json", 415),
        (b"INSERT DATA { <a:a> <a:b> <a:c> }", "application/sparql-update", 403),
        (DRUGS.encode("utf-16"), "application/sparql-query", 415),
        (DRUGS.encode("utf-16-le"), "application/sparql-query", 400),
        (DRUGS.encode(), "application/sparql-query; charset=utf-16", 415),
        (b"SELECT * { ?s ?p \xff\xfe }", "application/sparql-query", 400),
        (b"query=a&query=b", "application/x-www-form-urlencoded", 400),
        (b"update=CLEAR+ALL", "application/x-www-form-urlencoded", 403),
        (b"query=%FF%FE", "application/x-www-form-urlencoded", 400),
    ],
)
def test_post_errors(client: httpx.Client, content: bytes, ctype: str, status: int) -> None:
    problem(client.post("/sparql", content=content, headers={"Content-Type": ctype}), status)


def test_query_in_url_and_body_is_two_queries(client: httpx.Client) -> None:
    r = client.post("/sparql", params={"query": DRUGS}, content=DRUGS.encode(),
                    headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    problem(r, 400)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: httpx.Client, method: str) -> None:
    r = client.request(method, "/sparql", content=b"x")
    problem(r, 405)
    assert "GET" in r.headers["allow"] and "POST" in r.headers["allow"]


def test_query_too_large_is_413(client: httpx.Client) -> None:
    values = "SELECT * { VALUES ?x { " + " ".join(f'"{i}"' for i in range(20_000)) + " } }"
    assert 100_000 < len(values) < 1_000_000
    problem(
        client.post(
            "/sparql", content=values.encode(), headers={"Content-Type": "application/sparql-query"}
        ),
        413,
    )


def test_body_too_large_is_413_by_length_and_by_stream(client: httpx.Client) -> None:
    big = b"query=" + b"a" * 1_100_000
    problem(
        client.post(
            "/sparql", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        413,
    )

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked, judged while streaming
        yield b"query="
        for _ in range(40):
            yield b"a" * 64_000

    r = client.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    problem(r, 413)


def test_unknown_route_is_404_problem(client: httpx.Client) -> None:
    problem(client.get("/no/such/route"), 404)
