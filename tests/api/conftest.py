"""API fixtures: the real release built once, real servers on free loopback ports, and the
application in this process.

Servers run as ``python -m kg.cli serve`` subprocesses (the path users take), with short
limits so the time-limit and saturation tests stay fast; every server started is stopped.
Route tests that need no real socket or worker pool use ``inproc``, FastAPI's TestClient on
the same application, whose dependencies a test can override.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kg.api.app import create_app
from kg.api.deps import get_queries
from kg.api.settings import Settings
from kg.build import Paths, build, default_gates
from kg.query.job import Failure, Job, Outcome, execute
from kg.store.protocol import QueryableStore
from tests.support import ROOT, SHORT_LIMITS, serve

StartServer = Callable[..., str]


@pytest.fixture(scope="session")
def release_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release of the repository's own data, built once per session with both gates."""
    out = tmp_path_factory.mktemp("api-release") / "dist"
    paths = Paths(data=ROOT / "data", ontology=ROOT / "ontology")
    build(paths, out, default_gates(paths))
    return out


@contextlib.contextmanager
def run_server(release: Path, cache_dir: Path, **options: object) -> Iterator[str]:
    """Base URL of a ``kg serve`` subprocess (``tests.support.serve``) on a free port."""
    with serve(release, cache_dir, **options) as server:
        yield server.base


@pytest.fixture(scope="session")
def store_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store-cache")


@pytest.fixture(scope="session")
def live_server(release_dir: Path, store_cache: Path) -> Iterator[str]:
    """Base URL of a server of the test release with short limits (2 s per query)."""
    with run_server(release_dir, store_cache, **SHORT_LIMITS) as base:
        yield base


@pytest.fixture
def start_server(release_dir: Path, store_cache: Path) -> Iterator[StartServer]:
    """Factory for servers with other limits, stopped at the end of the test."""
    with contextlib.ExitStack() as stack:

        def start(**options: object) -> str:
            return stack.enter_context(
                run_server(release_dir, store_cache, **{**SHORT_LIMITS, **options})
            )

        yield start


def served_triples(release_dir: Path) -> tuple[int, int]:
    """(quads, distinct triples) the service holds: the release's graphs plus the inferred
    graph the store adds from kg-inferred.ttl."""
    import pyoxigraph

    def triples(name: str) -> set[str]:
        fmt = pyoxigraph.RdfFormat.from_extension(name.rsplit(".", 1)[1])
        assert fmt is not None
        return {str(t) for t in pyoxigraph.parse(path=str(release_dir / name), format=fmt)}

    asserted, inferred = triples("kg.nt"), triples("kg-inferred.ttl")
    manifest = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    return sum(manifest["graphs"].values()) + len(inferred), len(asserted | inferred)


@pytest.fixture(scope="module")
def client(live_server: str) -> Iterator[httpx.Client]:
    """An HTTP client on the shared live server."""
    with httpx.Client(base_url=live_server, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def manifest(release_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((release_dir / "manifest.json").read_text(encoding="utf-8"))
    return data


class InProcessQueries:
    """A query service that evaluates on the embedded store in this process (the real engine,
    without the worker processes): for route tests that do not test the pool itself."""

    busy = 0

    def __init__(self, store: QueryableStore) -> None:
        self.store = store

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def run(self, job: Job) -> Outcome:
        reply = execute(self.store, job)
        if isinstance(reply, Failure):
            raise reply.refusal()
        return reply


@pytest.fixture(scope="module")
def app(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The application of the test release, built in this process (no server, no workers:
    queries run through :class:`InProcessQueries`)."""
    settings = Settings(release=release_dir, cache_dir=tmp_path_factory.mktemp("inproc-cache"))
    application = create_app(release_dir, settings)
    store = application.state.service.release.store
    application.dependency_overrides[get_queries] = lambda: InProcessQueries(store)
    return application


@pytest.fixture
def inproc(app: FastAPI) -> Iterator[TestClient]:
    """A TestClient of :func:`app`; overrides a test adds are removed afterwards."""
    before = dict(app.dependency_overrides)
    # not entered as a context manager: no lifespan, so the worker pool is never started
    yield TestClient(app, base_url="http://testserver")
    app.dependency_overrides.clear()
    app.dependency_overrides.update(before)


# -------------------------------------------------------------------- headless Chromium
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--no-first-run",
    "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-pings",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--window-size=1280,1600", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)  # fmt: skip


def chromium() -> tuple[str, str]:
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
            env=env, check=True, capture_output=True, timeout=900,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"could not install chromium with apt-get: {exc}")
    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip("apt-get ran but chromium or chromedriver is still missing")
    return browser, driver


class Browser:
    """A headless Chromium whose every request is recorded (the DevTools network log), and
    which cannot resolve any host name (``--host-resolver-rules``): a page's request for
    anything but 127.0.0.1 fails in the browser and shows in :meth:`offsite`. (The
    browser's own service traffic, component updates and clock checks, fails the same way;
    it is not the page's and is not in the page's log.)"""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.seen: list[str] = []

    def open(self, url: str) -> None:
        """Load ``url`` (the logs of earlier pages drained first) and wait for it."""
        from selenium.webdriver.support.wait import WebDriverWait

        self.requests()
        self.driver.get_log("browser")
        self.driver.get(url)
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    def errors(self) -> list[dict[str, Any]]:
        """Severe console and network errors since the last call."""
        return [e for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def requests(self) -> list[str]:
        """URLs the pages requested since the last call (drains the log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        self.seen += urls
        return urls

    def offsite(self, base: str) -> list[str]:
        """Network requests a page made (or tried) off ``base``: any http(s), ws(s) or ftp URL
        elsewhere (data:, blob: and the browser's own chrome: pages are no network)."""
        network = ("http:", "https:", "ws:", "wss:", "ftp:")
        return [
            u for u in self.requests() if u.startswith(network) and not u.startswith(base + "/")
        ]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Headless Chromium (selenium), network-logged, resolving no host but 127.0.0.1."""
    selenium = pytest.importorskip("selenium.webdriver")
    binary, driver_path = chromium()
    options = selenium.ChromeOptions()
    options.binary_location = binary
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = selenium.Chrome(
        options=options, service=selenium.ChromeService(executable_path=driver_path)
    )
    driver.set_page_load_timeout(30)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
