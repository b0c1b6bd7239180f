"""Entity pages: literals are escaped (hardening item 12); in a real browser, key facts come
first with the neighbourhood picture and the dosing chart, and a fact opens its quote."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import Browser, run_server  # type: ignore[import-not-found]  # tests/api: no __init__
from selenium.webdriver.common.by import By

from kg.build import Paths, build
from tests.support import ROOT

QUOTE = "The usual dose for adults is 100mg (one syringe) once a day."
SCRIPT = '<script>alert("dmkg")</script>'
IMG = "<img src=x onerror=alert(1)>"


def _poison(data: Path) -> None:
    """Put markup into literals shown on pages: a definition, notes, a claim's curator note."""
    drugs = data / "entities" / "drugs.yaml"
    text = drugs.read_text(encoding="utf-8")
    text = text.replace(
        "definition: A biological medicine that is an antagonist",
        f"definition: '{SCRIPT} A biological medicine that is an antagonist",
        1,
    ).replace("interleukin-1 receptor.\n", "interleukin-1 receptor.'\n", 1)
    drugs.write_text(text, encoding="utf-8")
    source = data / "sources" / "kineret-patient-sheet.yaml"
    line = "  - The text names neither its author nor its publisher; neither is recorded.\n"
    text = source.read_text(encoding="utf-8")
    assert line in text
    source.write_text(text.replace(line, f'  - "{IMG} {line.strip()[2:]}"\n'), encoding="utf-8")
    curation = data / "curation" / "kineret-patient-sheet.yaml"
    lines = curation.read_text(encoding="utf-8").splitlines(keepends=True)
    subject, at = "", -1
    for i, line in enumerate(lines):  # the first folded note of a claim about anakinra
        subject = line.split(":", 1)[1].strip() if line.strip().startswith("subject:") else subject
        if line.strip() == "note: >-" and subject == "anakinra":
            at = i
            break
    indent = lines[at + 1][: len(lines[at + 1]) - len(lines[at + 1].lstrip())]
    lines.insert(at + 1, f"{indent}{SCRIPT}\n")
    curation.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("poisoned")
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    _poison(root / "data")
    previous = Path.cwd()
    os.chdir(root)  # the build records paths relative to the working folder, as `kg build` does
    try:
        build(Paths(), root / "dist")  # no gates: escaping is under test, not curation
    finally:
        os.chdir(previous)
    with run_server(root / "dist", root / "cache") as base:
        yield base


def test_markup_in_literals_is_escaped_on_every_page(poisoned_server: str) -> None:
    with httpx.Client(base_url=poisoned_server, timeout=30) as client:
        m = client.get("/drugs/anakinra").json()
        assert SCRIPT in m["definition"]  # JSON carries the literal as it is
        noted = [c for c in m["claims"] if c["curator_note"] and SCRIPT in c["curator_note"]]
        assert noted, "the poisoned curator note did not reach the release"
        pages = [
            "/id/drug/anakinra",
            "/id/source/kineret-patient-sheet",
            "/id/" + noted[0]["iri"].split("/id/", 1)[1],
            "/id/target/interleukin-1-receptor",
            "/id/",
        ]
        shown = 0
        for path in pages:
            r = client.get(path, headers={"Accept": "text/html"})
            assert r.status_code == 200, path
            assert SCRIPT not in r.text and IMG not in r.text, path
            # the only scripts are ours, from /static, and JSON data blocks (HTML-escaped)
            for tag in re.findall(r"<script[^>]*>", r.text, re.I):
                assert tag.startswith(
                    ('<script src="/static/', '<script type="application/json"')
                ), tag
            shown += r.text.count("&lt;script&gt;") + r.text.count("&lt;img src=x")
        assert shown >= 3  # the literals are shown, escaped


# -------------------------------------------------------------------- headless Chromium
def test_key_facts_come_first_with_their_picture_and_chart(
    browser: Browser, live_server: str
) -> None:
    d = browser.driver
    browser.open(f"{live_server}/id/drug/anakinra")
    assert d.title.startswith("anakinra")
    sections = [h.text for h in d.find_elements(By.CSS_SELECTOR, "main h2")]
    assert sections[:2] == ["Key facts", "Neighbourhood"]
    rows = d.find_elements(By.CSS_SELECTOR, "#indications-table tbody tr")
    shown = {r.find_element(By.CSS_SELECTOR, "td").text: r.find_element(By.CSS_SELECTOR, ".status").text
             for r in rows}  # fmt: skip
    assert (
        shown["renal amyloidosis"] == "observed"
        and shown["rheumatoid arthritis"] == "not reimbursed"
    )
    doses = [td.text for td in d.find_elements(By.CSS_SELECTOR, "#dosing-table td.dose")]
    assert "100 mg once daily, subcutaneous" in doses
    # the neighbourhood is drawn by the vendored Cytoscape.js: as many nodes as the data holds
    data = d.execute_script(
        "return JSON.parse(document.getElementById('neighbourhood-picture-data').textContent)"
    )
    drawn = d.execute_script("return window.dmkgGraphs[0].nodes().map(n => n.data('label'))")
    assert (
        sorted(drawn) == sorted(n["label"] for n in data["nodes"]) and "renal amyloidosis" in drawn
    )
    colour = d.execute_script(
        "return window.dmkgGraphs[0].edges().filter(e => e.data('status') === 'observed')[0]"
        ".style('line-color')"
    )
    assert colour == "rgb(123,31,162)"  # observed: purple
    assert d.find_element(By.CSS_SELECTOR, "#neighbourhood-picture canvas").is_displayed()
    # the dosing chart (Chart.js) has a bar per weight band
    labels = d.execute_script("return window.dmkgChart.data.labels")
    assert labels == ["100 mg daily (patients weighing over 50 kg)",
                      "1\u20132 mg/kg daily (patients weighing under 50 kg)"]  # fmt: skip
    # a fact's quote link opens its collapsed claim, with the quote in context
    d.find_element(By.CSS_SELECTOR, "#dosing-table td.q a").click()
    marks = [m for m in d.find_elements(By.CSS_SELECTOR, "mark.quote") if m.is_displayed()]
    assert QUOTE in [m.text for m in marks]
    shown_mark = next(m for m in marks if m.text == QUOTE)
    figure = shown_mark.find_element(By.XPATH, "./ancestor::figure")
    assert figure.find_element(By.CSS_SELECTOR, 'a[href="/id/source/kineret-patient-sheet"]')
    background = d.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", shown_mark
    )
    assert background not in ("", "rgba(0, 0, 0, 0)")  # our stylesheet, applied
    assert browser.errors() == []
    assert browser.offsite(live_server) == []


def test_the_page_is_no_longer_a_wall(browser: Browser, live_server: str) -> None:
    browser.open(f"{live_server}/id/drug/canakinumab")
    height = browser.driver.execute_script("return document.body.scrollHeight")
    assert height < 6000  # was ~17,000 px: claims are collapsed under the key facts
    # one quote shared by nine adverse-event claims is shown once, then referred to
    shared = browser.driver.execute_script(
        "return document.querySelectorAll('#about-AdverseReactionClaim p.same-passage').length"
    )
    assert shared == 8
