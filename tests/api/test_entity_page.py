"""Entity pages: literals are escaped (hardening item 12) and a real browser shows the quote."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import run_server  # type: ignore[import-not-found]  # tests/api: no __init__

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
            assert "<script" not in r.text.lower(), path  # our pages carry no scripts at all
            shown += r.text.count("&lt;script&gt;") + r.text.count("&lt;img src=x")
        assert shown >= 3  # the literals are shown, escaped


# -------------------------------------------------------------------- headless Chromium
def _chromium() -> tuple[str, str]:
    """Paths of Debian's chromium and chromedriver; installed with apt-get when missing and
    root, otherwise the test is skipped with the reason."""
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if browser and driver:
        return browser, driver
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium/chromium-driver missing and not root: cannot apt-get install them")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update"], env=env, check=True, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"],
            env=env,
            check=True,
            capture_output=True,
            timeout=900,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"could not install chromium with apt-get: {exc}")
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip("apt-get ran but chromium or chromedriver is still missing")
    return browser, driver


@pytest.fixture(scope="module")
def webdriver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    selenium = pytest.importorskip("selenium.webdriver")
    browser, driver_path = _chromium()
    options = selenium.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    service = selenium.ChromeService(executable_path=driver_path)
    driver = selenium.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def test_browser_shows_the_quote_on_the_drug_page(webdriver: Any, live_server: str) -> None:
    from selenium.webdriver.common.by import By

    webdriver.get(f"{live_server}/id/drug/anakinra")
    assert webdriver.title.startswith("anakinra")
    marks = webdriver.find_elements(By.CSS_SELECTOR, "mark.quote")
    shown = [m for m in marks if m.text == QUOTE]
    assert shown and shown[0].is_displayed()
    figure = shown[0].find_element(By.XPATH, "./ancestor::figure")
    assert figure.find_element(By.CSS_SELECTOR, 'a[href="/id/source/kineret-patient-sheet"]')
    # The stylesheet is ours and applied: no CDN, works offline.
    background = webdriver.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", shown[0]
    )
    assert background not in ("", "rgba(0, 0, 0, 0)")
    urls = webdriver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert all(u.startswith(live_server) for u in urls), urls
