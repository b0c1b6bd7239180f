"""The HTML query page driven in headless Chromium: load an example, run a query, see a table,
and literals shown as text, never as markup."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator

import pytest

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage")  # fmt: skip


def _binaries() -> tuple[str | None, str | None]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    return browser, shutil.which("chromedriver")


def _ensure_chromium() -> tuple[str, str]:
    browser, driver = _binaries()
    if browser and driver:
        return browser, driver
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(
            "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(
            ["apt-get", "update", "-qq"], check=True, env=env, timeout=300, capture_output=True
        )
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"],
                       check=True, env=env, timeout=600, capture_output=True)  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"could not install chromium with apt-get: {exc}")
    browser, driver = _binaries()
    if not (browser and driver):
        pytest.skip("chromium or chromedriver still missing after apt-get install")
    return browser, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    binary, driver_path = _ensure_chromium()
    profile = tempfile.mkdtemp(prefix="dmkg-chromium-")
    options = Options()
    options.binary_location = binary
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def run(browser: WebDriver, query: str) -> str:
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(query)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 15).until(
        lambda d: d.find_element(By.ID, "status").text not in ("", "Running...")
    )
    return str(browser.find_element(By.ID, "status").text)


def test_query_page_runs_a_query_and_renders_a_table(browser: WebDriver, live_server: str) -> None:
    browser.get(f"{live_server}/sparql")
    assert "SPARQL" in browser.title
    Select(browser.find_element(By.ID, "examples")).select_by_value("adverse-events")
    loaded = browser.find_element(By.ID, "query").get_attribute("value") or ""
    assert "AdverseReactionClaim" in loaded and "VALUES" in loaded

    status = run(browser, "SELECT ?drug ?label WHERE { ?drug a <https://w3id.org/dmkg/vocab/Drug> ; "
                          "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label")  # fmt: skip
    assert "result" in status, status
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results-table th")]
    assert headers == ["drug", "label"]
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#results-table td")]
    assert any(c.startswith("anakinra") for c in cells)


def test_literals_are_shown_as_text_and_errors_as_problems(
    browser: WebDriver, live_server: str
) -> None:
    browser.get(f"{live_server}/sparql")
    evil = "<script>window.pwned=1</script><img src=x onerror=window.pwned=2>"
    run(browser, f"SELECT ?x WHERE {{ BIND('{evil}' AS ?x) }}")
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#results-table td")]
    assert cells and evil in cells[0]
    assert browser.execute_script("return window.pwned === undefined") is True
    assert not browser.find_elements(By.CSS_SELECTOR, "#results img")
    status = run(browser, "SELECT * WHERE { ?s ?p }")
    assert status.startswith("Error 400") and "syntax" in status.lower()
