"""/resolve: external identifiers (CURIE or IRI) lead to our entities, with honest predicates."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("params", "entity", "predicate"),
    [
        ({"curie": "DRUGBANK:DB00026"}, "anakinra", "skos:exactMatch"),
        ({"iri": "https://go.drugbank.com/drugs/DB00026"}, "anakinra", "skos:exactMatch"),
        ({"curie": "mondo:0008383"}, "rheumatoid-arthritis", "skos:exactMatch"),
        ({"curie": "HP:0012531"}, "injection-site-pain", "skos:broadMatch"),
        ({"curie": "dmkgid:drug/canakinumab"}, "canakinumab", "self"),
    ],
)
def test_resolve_finds_our_entity_with_the_mapping_predicate(
    client: httpx.Client, params: dict[str, str], entity: str, predicate: str
) -> None:
    r = client.get("/resolve", params=params)
    assert r.status_code == 200, r.text
    matches = {(m["id"], m["predicate"]) for m in r.json()["matches"]}
    assert (entity, predicate) in matches
    first = next(m for m in r.json()["matches"] if m["id"] == entity)
    assert httpx.get(first["html"], timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("params", "status"),
    [({"curie": "nosuch:1"}, 422), ({"curie": "drugbank:bad id"}, 422), ({}, 422),
     ({"curie": "HP:0000001"}, 404)],
)  # fmt: skip
def test_resolve_errors_are_problems(
    client: httpx.Client, params: dict[str, str], status: int
) -> None:
    r = client.get("/resolve", params=params)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
