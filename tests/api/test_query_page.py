"""The query page in headless Chromium: the CodeMirror editor with prefixes and Ctrl+Enter,
the named queries as forms (the 30 kg child gets its row), permalinks, the results table
(labels, local links, sort, filter, paging, downloads), literals shown as text, and no request
leaving the machine."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import httpx
from conftest import Browser  # type: ignore[import-not-found]  # tests/api: no __init__
from fastapi import FastAPI
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from kg.api.query_page import example_text
from kg.rdf.media import SPARQL_JSON as JSON_RESULTS

CHILD = "https://w3id.org/dmkg/vocab/Child"


def wait(b: Browser, seconds: float = 15) -> WebDriverWait:  # type: ignore[type-arg]
    return WebDriverWait(b.driver, seconds)


def submit_and_wait(b: Browser, action: Callable[[], object]) -> None:
    """Do ``action`` (a click, a key) and wait for the page it leads to."""
    old = b.driver.find_element(By.TAG_NAME, "html")
    action()
    wait(b).until(expected_conditions.staleness_of(old))
    wait(b).until(lambda d: d.execute_script("return document.readyState") == "complete")


def cells(b: Browser, row: int | None = None) -> list[list[str]]:
    rows = b.driver.find_elements(By.CSS_SELECTOR, "#results-table tbody tr")
    out = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows if r.is_displayed()]
    return out if row is None else [out[row]]


def headers(b: Browser) -> list[str]:
    return [th.text for th in b.driver.find_elements(By.CSS_SELECTOR, "#results-table th")]


def test_the_editor_highlights_completes_prefixes_and_runs_on_ctrl_enter(
    browser: Browser, live_server: str
) -> None:
    d = browser.driver
    browser.open(f"{live_server}/sparql")
    editor = d.find_element(By.CSS_SELECTOR, ".cm-editor .cm-content")
    assert not d.find_element(By.ID, "query").is_displayed()  # the textarea is replaced
    # highlighted: keywords and IRIs are spans coloured unlike the plain text
    styled = d.execute_script(
        "const plain = getComputedStyle(document.querySelector('.cm-line')).color;"
        "return [...document.querySelectorAll('.cm-line span')]"
        ".filter(s => getComputedStyle(s).color !== plain).map(s => s.textContent)"
    )
    assert {"PREFIX", "SELECT", "WHERE", "<https://w3id.org/dmkg/vocab/>"} <= set(styled)
    # prefixes from /prefixes are offered and inserted
    wait(browser).until(
        lambda _: d.find_element(By.ID, "prefix-insert").get_attribute("data-loaded")
    )
    d.execute_script(
        "window.dmkgEditor.set('SELECT ?s WHERE { ?s skos:exactMatch drugbank:DB00026 ; a dm')"
    )
    editor.click()
    editor.send_keys(Keys.END, Keys.CONTROL + Keys.END)
    editor.send_keys(Keys.CONTROL, Keys.SPACE)
    option = wait(browser).until(
        lambda _: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")
             if o.text.startswith("dmkg:")), None,
        )
    )  # fmt: skip
    option.click()
    text = d.execute_script("return window.dmkgEditor.get()")
    assert text.startswith("PREFIX dmkg: <https://w3id.org/dmkg/vocab/>\n")
    assert text.endswith("a dmkg:")
    d.execute_script("window.dmkgEditor.set(window.dmkgEditor.get() + 'Drug }')")
    Select(d.find_element(By.ID, "prefix-insert")).select_by_value("skos")
    assert d.execute_script("return window.dmkgEditor.get()").startswith("PREFIX skos: <http")
    # Ctrl+Enter runs it: the answer's page, at a permalink
    editor = d.find_element(By.CSS_SELECTOR, ".cm-editor .cm-content")
    submit_and_wait(browser, lambda: editor.send_keys(Keys.CONTROL, Keys.ENTER))
    assert urlsplit(d.current_url).path == "/sparql"
    assert "drugbank:DB00026" in parse_qs(urlsplit(d.current_url).query)["query"][0]
    assert d.find_element(By.ID, "status").text.startswith("1 result(s)")
    assert cells(browser) == [["anakinra\ndmkgid:drug/anakinra"]]
    link = d.find_element(By.CSS_SELECTOR, "#results-table td a")
    assert link.get_attribute("href") == f"{live_server}/id/drug/anakinra"  # local, not w3id.org
    assert browser.offsite(live_server) == []


def test_a_named_query_form_gives_the_30_kg_child_its_row(
    browser: Browser, live_server: str
) -> None:
    d = browser.driver
    browser.open(f"{live_server}/sparql")
    d.find_element(By.CSS_SELECTOR, "#named-dosing-for-weight summary").click()
    weight = d.find_element(By.ID, "p-dosing-for-weight-weight_kg")
    assert weight.get_attribute("type") == "number"
    weight.clear()
    weight.send_keys("30")
    Select(d.find_element(By.ID, "p-dosing-for-weight-age_group")).select_by_value(CHILD)
    run = d.find_element(By.CSS_SELECTOR, "#named-dosing-for-weight button[type=submit]")
    submit_and_wait(browser, run.click)
    url = urlsplit(d.current_url)
    assert url.path == "/queries/dosing-for-weight"
    assert parse_qs(url.query) == {"weight_kg": ["30"], "age_group": [CHILD]}
    cols = headers(browser)
    [row] = cells(browser)
    got = dict(zip(cols, row, strict=True))
    assert got["drug"].startswith("anakinra") and (got["doseMin"], got["doseMax"]) == ("1", "2")
    assert got["unit"] == "mg/kg" and got["status"].startswith("studied")
    # the same question opened in the editor (its VALUES block first in WHERE) gives the row too
    d.find_element(By.CSS_SELECTOR, "#named-dosing-for-weight button.load-example").click()
    text = d.execute_script("return window.dmkgEditor.get()")
    assert "WHERE { VALUES (?weight_kg ?age_group)" in text
    submit_and_wait(browser, d.find_element(By.ID, "run").click)
    assert [dict(zip(headers(browser), r, strict=True)) for r in cells(browser)] == [got]
    assert browser.offsite(live_server) == []


def test_a_permalink_renders_the_query_and_its_table(browser: Browser, live_server: str) -> None:
    d = browser.driver
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 120"
    permalink = str(httpx.URL(f"{live_server}/sparql", params={"query": query}))
    browser.open(permalink)
    assert d.execute_script("return window.dmkgEditor.get()") == query
    share = d.find_element(By.ID, "permalink").get_attribute("href")
    assert httpx.URL(share) == httpx.URL(permalink)
    # paging: 50 rows a page
    assert len(cells(browser)) == 50
    assert d.find_element(By.ID, "page-info").text == "rows 1-50 of 120"
    d.find_element(By.XPATH, "//div[@class='table-tools']//button[contains(., 'next')]").click()
    assert d.find_element(By.ID, "page-info").text == "rows 51-100 of 120"
    # filter, then sort by a column
    d.find_element(By.ID, "filter").send_keys("rdfs:label")
    filtered = cells(browser)
    assert 0 < len(filtered) < 50 and all("rdfs:label" in " ".join(r) for r in filtered)
    d.find_element(By.CSS_SELECTOR, "#results-table th button[data-col='2']").click()
    d.find_element(By.CSS_SELECTOR, "#results-table th button[data-col='2']").click()
    shown = [r[2].lower() for r in cells(browser)]
    assert shown == sorted(shown, reverse=True)
    # datatypes hidden, labels shown; downloads are the same query in other formats
    links = {
        a.text: a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "a.download")
    }
    assert set(links) == {"CSV", "TSV", "JSON", "XML"}
    csv = httpx.get(links["CSV"], timeout=30)
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.count("\n") == 121
    assert "^^" not in d.find_element(By.ID, "results-table").text
    assert browser.offsite(live_server) == []


def test_literals_are_shown_as_text_and_errors_as_problems(
    browser: Browser, live_server: str
) -> None:
    d = browser.driver
    evil = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    browser.open(str(httpx.URL(f"{live_server}/sparql",
                                     params={"query": f"SELECT ?x WHERE {{ BIND('{evil}' AS ?x) }}"})))  # fmt: skip
    assert cells(browser) == [[evil]]
    assert d.execute_script("return window.pwned === undefined") is True
    assert not d.find_elements(By.CSS_SELECTOR, "#results img")
    browser.open(str(httpx.URL(f"{live_server}/sparql",
                                     params={"query": "SELECT * WHERE { ?s rdfs:label ?l . ?s ex:p ?o }"})))  # fmt: skip
    problem = d.find_element(By.ID, "problem").text
    assert "Error 400" in problem and 'undefined prefix "ex" in ex:p' in problem
    assert d.find_element(By.ID, "status").text.startswith("Error 400")
    assert browser.offsite(live_server) == []


# ------------------------------------------------------------------- in process, no browser
BROWSER_ACCEPT = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_every_example_gives_the_rest_routes_rows(app: FastAPI, inproc: TestClient) -> None:
    """The editor's text of each named query (its example bound by VALUES) and the REST route
    with the example's parameters answer the same rows, in the same order."""
    named = app.state.service.named_queries
    max_rows = app.state.service.settings.max_rows
    assert len(named) >= 10
    for query in named.values():
        text = example_text(query)
        if query.example:
            assert "VALUES (" in text.split("WHERE", 1)[1].split("}", 1)[0], query.name
        sparql = inproc.post("/sparql", data={"query": text}, headers={"Accept": JSON_RESULTS})
        rest = inproc.get(
            f"/queries/{query.name}.json", params={**query.example, "limit": max_rows}
        )
        assert sparql.status_code == rest.status_code == 200, query.name
        assert sparql.json() == rest.json(), query.name
        assert rest.json()["results"]["bindings"], query.name  # every example answers something


def test_a_browser_gets_the_page_and_a_client_the_answer(inproc: TestClient) -> None:
    params = {"query": "SELECT ?d WHERE { ?d a dmkg:Drug } ORDER BY ?d"}
    page = inproc.get("/sparql", params=params, headers=BROWSER_ACCEPT)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"] and 'id="results-table"' in page.text
    assert '<a href="/id/drug/anakinra"' in page.text
    for headers, extra in (({"Accept": "*/*"}, {}), (BROWSER_ACCEPT, {"format": "json"}), ({}, {})):
        answer = inproc.get("/sparql", params={**params, **extra}, headers=headers)
        assert answer.headers["content-type"].startswith(JSON_RESULTS), (headers, extra)
    csv = inproc.get("/sparql", params={**params, "format": "csv"}, headers=BROWSER_ACCEPT)
    assert csv.headers["content-type"].startswith("text/csv")
    wrong = inproc.get("/sparql", params={"query": "SELECT * { ?s ?p }"}, headers=BROWSER_ACCEPT)
    assert wrong.status_code == 400 and 'id="problem"' in wrong.text


def test_a_named_query_permalink_renders_its_form_filled_in(inproc: TestClient) -> None:
    child = {"weight_kg": "30", "age_group": "https://w3id.org/dmkg/vocab/Child"}
    page = inproc.get("/queries/dosing-for-weight", params=child, headers=BROWSER_ACCEPT)
    assert page.status_code == 200 and page.text.count("<tr>") == 2  # header and the one row
    assert '<details class="named" id="named-dosing-for-weight" open>' in page.text
    assert (
        'value="30"' in page.text and f'<option value="{child["age_group"]}" selected>' in page.text
    )
    assert 'href="/queries/dosing-for-weight.csv?weight_kg=30&amp;age_group=' in page.text
    blank = inproc.get("/queries/adverse-events", params={"drug": ""}, headers=BROWSER_ACCEPT)
    assert blank.status_code == 200  # a blank optional field is no parameter
    bad = inproc.get(
        "/queries/dosing-for-weight", params={"weight_kg": "heavy"}, headers=BROWSER_ACCEPT
    )
    assert bad.status_code == 422 and "weight_kg" in bad.text and 'id="problem"' in bad.text
    assert inproc.get("/queries/dosing-for-weight.json", params=child).json()["results"]["bindings"]
