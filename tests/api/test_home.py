"""The front door: the landing page, the search box of every page, and /docs and /redoc
working offline (headless Chromium that resolves no host but 127.0.0.1; the network log must
show no request elsewhere)."""

from __future__ import annotations

import httpx
import pytest
from conftest import Browser  # type: ignore[import-not-found]  # tests/api: no __init__
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
JSON = {"Accept": "application/json"}


def test_the_landing_page_says_what_the_graph_holds(inproc: TestClient) -> None:
    r = inproc.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for link in ('href="/id/"', 'href="/sparql"', 'href="/vocab/"', 'href="/docs"',
                 'href="/redoc"', 'href="/void"', 'href="/dump/kg.ttl"', 'action="/search"'):  # fmt: skip
        assert link in r.text, link
    drugs = inproc.get("/drugs").json()["total"]
    assert f'<span class="n">{drugs}</span> drugs' in r.text
    links = inproc.get("/", headers={"Accept": "application/json"}).json()["links"]
    assert links["sparql"] == "http://testserver/sparql" and links["docs"].endswith("/docs")
    assert inproc.get("/", headers={"Accept": "text/csv"}).status_code == 406
    assert inproc.head("/", headers=HTML).status_code == 200


@pytest.mark.parametrize(
    ("q", "where"),
    [
        ("kineret", "/id/drug/anakinra"),  # a brand name
        ("Anakinra", "/id/drug/anakinra"),  # a label, any case
        ("DRUGBANK:DB00026", "/id/drug/anakinra"),  # an external CURIE, through /resolve's mappings
        ("https://go.drugbank.com/drugs/DB00026", "/id/drug/anakinra"),  # an external IRI
        ("DosingRegimenClaim", "/vocab/DosingRegimenClaim"),  # the name one types
    ],
)
def test_a_unique_exact_match_goes_to_its_page(inproc: TestClient, q: str, where: str) -> None:
    r = inproc.get("/search", params={"q": q}, headers=HTML, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, where)


def test_search_lists_matches_and_says_how_they_matched(inproc: TestClient) -> None:
    page = inproc.get("/search", params={"q": "arthritis"}, headers=HTML)
    assert page.status_code == 200
    assert 'href="/id/condition/rheumatoid-arthritis"' in page.text
    hits = inproc.get("/search", params={"q": "HP:0012531"}, headers=JSON).json()["hits"]
    assert [(h["href"], h["via"]) for h in hits] == [
        ("/id/adverse-event/injection-site-pain", "skos:broadMatch")
    ]
    assert inproc.get("/search", params={"q": "zzzz-nothing"}, headers=JSON).json()["hits"] == []
    assert inproc.get("/search", params={"q": "x" * 201}).status_code == 422


def test_every_page_has_the_search_box(inproc: TestClient) -> None:
    for path in ("/", "/id/", "/id/drug/anakinra", "/vocab/", "/sparql", "/search?q=x"):
        assert 'action="/search"' in inproc.get(path, headers=HTML).text, path


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#search-summary, .tiles"),
        ("/docs", ".swagger-ui .opblock"),  # operations rendered from /openapi.json
        ("/redoc", "[data-section-id]"),
    ],
)
def test_pages_work_offline(browser: Browser, live_server: str, path: str, ready: str) -> None:
    browser.open(live_server + path)
    WebDriverWait(browser.driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ready))
    assert browser.errors() == []
    assert browser.offsite(live_server) == []
    urls = browser.seen
    if path == "/docs":
        assert f"{live_server}/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls
        assert f"{live_server}/openapi.json" in urls
    if path == "/redoc":
        assert f"{live_server}/static/vendor/redoc/redoc.standalone.js" in urls


def test_the_search_box_of_a_page_finds_by_brand_name(browser: Browser, live_server: str) -> None:
    browser.open(f"{live_server}/vocab/")
    box = browser.driver.find_element(By.CSS_SELECTOR, "header form.search input[name=q]")
    box.send_keys("Ilaris\n")
    WebDriverWait(browser.driver, 15).until(
        lambda d: d.current_url.endswith("/id/drug/canakinumab")
    )
    assert browser.offsite(live_server) == []


def test_docs_html_names_only_local_assets(client: httpx.Client) -> None:
    for path in ("/docs", "/redoc"):
        text = client.get(path).text
        assert "cdn." not in text and "fonts.googleapis" not in text and "tiangolo" not in text
