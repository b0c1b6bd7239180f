"""API fixtures: the real release built once, and real servers on free loopback ports.

Servers run as ``python -m kg.cli serve`` subprocesses (the path users take), with short
limits so the time-limit and saturation tests stay fast; every server started is stopped.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kg.build import Paths, build, default_gates
from tests.support import SHORT_LIMITS, serve

ROOT = Path(__file__).resolve().parents[2]

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
