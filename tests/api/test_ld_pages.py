"""The HTML of Linked Data pages: the ontology index as a class tree with the claim model,
claim-type pages with what such a claim holds and an example query that runs, entity pages
with key facts in human terms, and source pages with the whole text marked (in process, and
in headless Chromium for the highlights)."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

from conftest import Browser  # type: ignore[import-not-found]  # tests/api: no __init__
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By

from kg.api.pages import after_words, before_words

HTML = {"Accept": "text/html"}


def picture(page: str, element_id: str) -> dict[str, list[dict[str, object]]]:
    """The JSON of one picture of a page."""
    m = re.search(
        rf'<script type="application/json" id="{element_id}-data">(.*?)</script>', page, re.S
    )
    assert m, element_id
    data: dict[str, list[dict[str, object]]] = json.loads(m.group(1))
    return data


def test_the_ontology_index_is_a_class_tree_with_the_claim_model(inproc: TestClient) -> None:
    page = inproc.get("/vocab/", headers=HTML).text
    assert '<a href="/vocab/DosingRegimenClaim"><code>dmkg:DosingRegimenClaim</code></a>' in page
    assert (
        '<a href="/vocab/Drug"><code>dmkg:Drug</code></a> <span class="muted">drug</span>' in page
    )
    model = picture(page, "claim-model-picture")
    labels = {e["label"] for e in model["edges"]}
    assert {"dmkg:hasSubject", "dmkg:hasObject", "dmkg:hasEvidence", "oa:hasSelector",
            "oa:hasSource", "prov:wasDerivedFrom"} <= labels  # fmt: skip
    assert '<td><a href="/vocab/indicatedFor"><code>dmkg:indicatedFor</code></a></td>' in page
    assert "/static/vendor/cytoscape/cytoscape.min.js" in page


def test_a_claim_type_page_lists_what_such_a_claim_holds(inproc: TestClient) -> None:
    page = inproc.get("/vocab/IndicationClaim", headers=HTML).text
    assert "<h1><code>dmkg:IndicationClaim</code>" in page
    assert 'subclass of</dt><dd><a href="/vocab/Claim"><code>dmkg:Claim</code></a>' in page
    row = re.search(r'<tr><td><a href="/vocab/status">.*?</tr>', page, re.S)
    assert (
        row and "dmkg:IndicationStatus" in row.group(0) and '<td class="num">1</td>' in row.group(0)
    )
    assert "<code>?subject dmkg:indicatedFor ?object</code>" in page
    run = re.search(r'<a class="button" href="(/sparql\?[^"]+)">Run it</a>', page)
    assert run
    query = parse_qs(urlsplit(html.unescape(run.group(1))).query)["query"][0]
    answer = inproc.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    rows = answer.json()["results"]["bindings"]
    assert rows and all(
        r["status"]["value"].startswith("https://w3id.org/dmkg/vocab/") for r in rows
    )


def test_other_terms_show_their_place(inproc: TestClient) -> None:
    prop = inproc.get("/vocab/indicatedFor", headers=HTML).text
    assert (
        "<dt>domain</dt><dd>dmkg:Drug</dd>" in prop
        and "<dt>range</dt><dd>dmkg:Condition</dd>" in prop
    )
    value = inproc.get("/vocab/Studied", headers=HTML).text
    assert 'href="/vocab/IndicationStatus"' in value
    claim = inproc.get("/vocab/Claim", headers=HTML).text
    assert 'id="claim-model-picture-data"' in claim and "dmkg:IndicationClaim" in claim


def test_an_entity_page_shows_key_facts_with_human_labels(inproc: TestClient) -> None:
    page = inproc.get("/id/drug/anakinra", headers=HTML).text
    assert page.index('id="key-facts"') < page.index('id="claims"')
    dosing = re.search(r'<table class="facts-table" id="dosing-table">.*?</table>', page, re.S)
    assert dosing and '<td class="dose">100 mg once daily, subcutaneous</td>' in dosing.group(0)
    # qualifiers by their labels, the dose as one phrase; no raw names or QUDT IRIs
    assert '<dd class="dose">100 mg once daily, subcutaneous</dd>' in page
    assert '<dt title="dmkg:intervalMaxDays">maximum dosing interval in days</dt>' in page
    assert (
        ">doseUnit<" not in page and ">intervalMaxDays<" not in page and "unit:MilliGM" not in page
    )
    # shortcut triples are not shown as bare facts without status
    assert "<th>dmkg:indicatedFor</th>" not in page and "dmkg:indicatedFor" in page
    # each fact links to its claim on the page
    for claim_id in re.findall(r'<td class="q"><a href="#([^"]+)"', page):
        assert f'<article class="claim" id="{claim_id}">' in page


def test_quote_context_is_cut_at_word_boundaries(app: FastAPI) -> None:
    reader = app.state.service.reader
    monograph = reader.monograph("https://w3id.org/dmkg/id/drug/canakinumab")
    evidence = [ev for c in monograph.claims for ev in c.evidence]
    assert len(evidence) > 20
    for ev in evidence:
        before, after = before_words(ev.prefix), after_words(ev.suffix)
        assert ev.prefix.endswith(before) and ev.suffix.startswith(after)
        cut = len(ev.prefix) - len(before)
        assert cut == 0 or ev.prefix[cut - 1].isspace(), (ev.prefix, before)
        assert len(after) == len(ev.suffix) or ev.suffix[len(after)].isspace(), (ev.suffix, after)


def test_note_kinds_read_as_words(inproc: TestClient) -> None:
    page = inproc.get("/id/source/pontikaki-2008-poster", headers=HTML).text
    assert "not afact" not in page.lower()


def test_a_source_page_marks_every_passage_in_its_whole_text(inproc: TestClient) -> None:
    page = inproc.get("/id/source/kineret-patient-sheet", headers=HTML).text
    text = inproc.get("/sources/kineret-patient-sheet/text").text
    body = re.search(r'<div class="source-text" id="source-text">(.*?)</div>', page, re.S)
    assert body
    shown = html.unescape(re.sub(r"<[^>]+>", "", body.group(1)))
    assert shown == text  # the whole text, nothing added or lost
    anchors = set(
        re.findall(r'<a class="q[^"]*" id="char-\d+" href="#(ev-[0-9a-f]+)"', body.group(0))
    )
    entries = set(re.findall(r'<li id="(ev-[0-9a-f]+)" class="passage">', page))
    assert anchors <= entries and len(entries) > 20
    dose = re.search(r'<li id="ev-[0-9a-f]+" class="passage">\s*<blockquote><mark class="quote">'
                     r"The usual dose for adults is 100mg \(one syringe\) once a day\.</mark>.*?</li>", page, re.S)  # fmt: skip
    assert dose and 'href="/id/claim/' in dose.group(0)
    assert 'class="q noted"' in page and '<span class="tag">page furniture</span>' in page
    assert '<a href="/sources/kineret-patient-sheet/text">plain text</a>' in page


def test_a_browser_shows_the_highlights_and_follows_them_to_the_claims(
    browser: Browser, live_server: str
) -> None:
    d = browser.driver
    browser.open(f"{live_server}/id/source/kineret-patient-sheet")
    marks = d.find_elements(By.CSS_SELECTOR, "#source-text a.q")
    assert len(marks) > 20
    colours = {
        d.execute_script("return getComputedStyle(arguments[0]).backgroundColor", m) for m in marks
    }
    assert "rgba(0, 0, 0, 0)" not in colours and len(colours) >= 2  # quotes and noted passages
    dose = next(m for m in marks if m.text.startswith("The usual dose for adults is"))
    dose.click()
    target = d.execute_script("return document.querySelector(':target')")
    assert target.get_attribute("class") == "passage" and target.is_displayed()
    claims = [
        a.get_attribute("href") for a in target.find_elements(By.CSS_SELECTOR, "ul.claims-of a")
    ]
    assert claims and all(c.startswith(f"{live_server}/id/claim/") for c in claims)
    assert browser.errors() == []
    assert browser.offsite(live_server) == []
