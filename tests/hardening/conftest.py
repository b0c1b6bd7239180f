"""Hardening fixtures: ``kg serve`` subprocesses whose process id the tests can see (memory,
restart), tree hashes, and the shared release of the real data (``built`` from tests/conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import BuildResult
from tests.support import Server, serve_short


@pytest.fixture(scope="session")
def hardening_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening-cache")


@pytest.fixture(scope="session")
def server(built: BuildResult, hardening_cache: Path) -> Iterator[Server]:
    """A server of the real release with short limits (2 s per query, 1000 rows)."""
    with serve_short(built.out, hardening_cache) as s:
        yield s
