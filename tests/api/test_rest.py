"""REST JSON routes against the live server: lists, search, paging, monographs, errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import ROOT

QUOTE = "The usual dose for adults is 100mg (one syringe) once a day."
COLLECTIONS = ("drugs", "targets", "conditions", "adverse-events", "sources")
PROBLEM = "application/problem+json"


def _problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_list_has_items_and_total(client: httpx.Client, collection: str) -> None:
    r = client.get(f"/{collection}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    page = r.json()
    assert page["total"] == len(page["items"]) > 0
    assert page["limit"] == 50 and page["offset"] == 0
    assert "link" not in r.headers  # everything fits on the first page: no next link
    for item in page["items"]:
        assert item["iri"].startswith("https://w3id.org/dmkg/id/")


def test_drugs_list_is_sorted_by_label(client: httpx.Client) -> None:
    labels = [d["label"].casefold() for d in client.get("/drugs").json()["items"]]
    assert labels == sorted(labels) and "anakinra" in labels


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ANAKINRA", "anakinra"),
        ("kineret", "anakinra"),
        ("mtx", "methotrexate"),
        ("Ilaris", "canakinumab"),
    ],
)
def test_search_label_synonym_brand_case_insensitive(
    client: httpx.Client, q: str, expected: str
) -> None:
    page = client.get("/drugs", params={"q": q}).json()
    assert [d["id"] for d in page["items"]] == [expected]
    assert page["total"] == 1


def test_search_without_match_is_an_empty_page(client: httpx.Client) -> None:
    r = client.get("/conditions", params={"q": "no such condition at all"})
    assert r.status_code == 200 and r.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
    assert "link" not in r.headers


def test_search_matches_synonyms_of_conditions(client: httpx.Client) -> None:
    items = client.get("/conditions").json()["items"]
    with_syn = next(i for i in items if i["synonyms"])
    found = client.get("/conditions", params={"q": with_syn["synonyms"][0].upper()}).json()
    assert with_syn["id"] in [i["id"] for i in found["items"]]


@pytest.mark.parametrize("collection", ["adverse-events", "conditions"])
def test_paging_follows_next_links_to_the_end(client: httpx.Client, collection: str) -> None:
    everything = client.get(f"/{collection}", params={"limit": 1000}).json()
    url: str | None = f"/{collection}?limit=3"
    seen: list[str] = []
    for _ in range(200):  # bounded: a broken next link must not loop forever
        if url is None:
            break
        r = client.get(url)
        page = r.json()
        assert page["total"] == everything["total"] and len(page["items"]) <= 3
        seen += [i["id"] for i in page["items"]]
        link = r.headers.get("link")
        if page["offset"] + page["limit"] < page["total"]:
            assert link is not None and link.endswith('>; rel="next"')
            url = link[1 : link.index(">")]
        else:
            assert link is None  # the last page has no next link
            url = None
    assert url is None
    assert seen == [i["id"] for i in everything["items"]]


def test_next_link_keeps_the_search(client: httpx.Client) -> None:
    r = client.get("/adverse-events", params={"q": "in", "limit": 1})
    assert r.json()["total"] > 1
    link = r.headers["link"]
    assert "q=in" in link and "offset=1" in link and "limit=1" in link


def test_offset_past_the_end(client: httpx.Client) -> None:
    r = client.get("/drugs", params={"offset": 500})
    assert r.status_code == 200 and r.json()["items"] == [] and "link" not in r.headers


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"offset": -1}, {"q": "x" * 201}],
)
def test_bad_parameters_are_422_problems(client: httpx.Client, params: dict[str, Any]) -> None:
    body = _problem(client.get("/drugs", params=params), 422)
    assert next(iter(params)) in body["detail"]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_unknown_id_is_404_problem(client: httpx.Client, collection: str) -> None:
    _problem(client.get(f"/{collection}/no-such-thing"), 404)


def test_anakinra_monograph_has_the_dose_quote_with_its_source(client: httpx.Client) -> None:
    r = client.get("/drugs/anakinra")
    assert r.status_code == 200
    m = r.json()
    assert m["label"] == "anakinra" and m["brand_names"] == ["Kineret"]
    hits = [(c, e) for c in m["claims"] for e in c["evidence"] if e["quote"] == QUOTE]
    assert hits, "the adult dose sentence is missing"
    claim, ev = hits[0]
    assert claim["type"] == "DosingRegimenClaim"
    assert claim["subject"]["id"] == "anakinra"
    assert ev["source"]["id"] == "kineret-patient-sheet"
    assert ev["source"]["iri"] == "https://w3id.org/dmkg/id/source/kineret-patient-sheet"
    assert ev["source"]["label"]  # the source title
    assert isinstance(ev["start"], int) and ev["end"] - ev["start"] == len(QUOTE)
    assert ev["prefix"] and ev["suffix"]
    dose = {q["property"]: q["value"] for q in claim["qualifiers"]}
    assert dose["dmkg:dose"] == 100 and dose["dmkg:ucumCode"] == "mg"


def test_monograph_claims_are_complete(client: httpx.Client) -> None:
    m = client.get("/drugs/canakinumab").json()
    assert m["claims"]
    for c in m["claims"]:
        assert c["iri"].startswith("https://w3id.org/dmkg/id/claim/")
        assert c["type"].endswith("Claim") and c["type_label"]
        assert c["subject"]["iri"] == m["iri"]
        assert c["source"]["kind"] == "source"
        assert c["evidence"], c["iri"]
        for e in c["evidence"]:
            assert e["quote"] and e["source"]["id"] and e["end"] > e["start"]
        for q in c["qualifiers"]:
            assert q["property"].startswith("dmkg:")
            if q["ref"] is not None:
                assert q["ref"]["iri"] == q["value"]
    types = {c["type"] for c in m["claims"]}
    assert {"IndicationClaim", "AdverseReactionClaim", "DosingRegimenClaim"} <= types


def test_monograph_has_classes_mappings_and_relations(client: httpx.Client) -> None:
    m = client.get("/drugs/anakinra").json()
    assert "https://w3id.org/dmkg/vocab/Drug" in [c["iri"] for c in m["classes"]]
    assert any(x["predicate"] == "skos:exactMatch" for x in m["mappings"])
    for x in m["mappings"]:
        assert x["predicate"].startswith("skos:") and x["predicate"].endswith("Match")
        assert x["iri"].startswith("http") and x["curie"]
    assert any(s["property"] == "dmkg:indicatedFor" for s in m["statements"])


def test_target_page_lists_the_claims_naming_it(client: httpx.Client) -> None:
    m = client.get("/targets/interleukin-1").json()
    subjects = {c["subject"]["id"] for c in m["mentioned_in"]}
    assert {"anakinra", "canakinumab"} <= subjects


def test_sources_have_metadata_and_sha256(client: httpx.Client, release_dir: Path) -> None:
    items = client.get("/sources").json()["items"]
    data = ROOT / "data" / "sources"
    for s in items:
        text = (data / f"{s['id']}.txt").read_bytes()
        assert s["sha256"] == hashlib.sha256(text).hexdigest()
        assert s["title"] and s["language"] and s["claims"] > 0
    manifest = json.loads((release_dir / "manifest.json").read_text())
    assert sorted(s["id"] for s in items) == manifest["sources"]


def test_source_detail_has_curator_notes_and_claims(client: httpx.Client) -> None:
    s = client.get("/sources/ilaris-patient-page").json()
    assert s["curator_notes"] and all(n["quote"] and n["text"] for n in s["curator_notes"])
    assert len(s["claims_curated"]) == s["claims"]


def test_openapi_documents_the_response_models(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert {"Monograph", "Claim", "Evidence", "SourceRecord", "SourceDetail"} <= set(schemas)
    ok = doc["paths"]["/drugs/{id}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/Monograph")
    listing = doc["paths"]["/drugs"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"q", "limit", "offset"}


def test_cors_is_open_without_credentials(client: httpx.Client) -> None:
    r = client.get("/drugs", headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers


@pytest.mark.parametrize(
    "sid", ["ilaris-patient-page", "kineret-patient-sheet", "pontikaki-2008-poster"]
)
def test_source_text_is_served_byte_for_byte(client: httpx.Client, sid: str) -> None:
    meta = client.get(f"/sources/{sid}").json()
    r = client.get(f"/sources/{sid}/text")
    assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.content == (ROOT / "data" / "sources" / f"{sid}.txt").read_bytes()
    assert hashlib.sha256(r.content).hexdigest() == meta["sha256"]
    assert r.headers["etag"] == f'"{meta["sha256"]}"'
    assert r.headers["link"] == f'</id/source/{sid}>; rel="describedby"'
    again = client.get(f"/sources/{sid}/text", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert client.head(f"/sources/{sid}/text").status_code == 200


def test_unknown_source_text_is_404(client: httpx.Client) -> None:
    r = client.get("/sources/no-such-source/text")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
