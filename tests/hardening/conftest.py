"""Hardening fixtures: ``kg serve`` subprocesses whose process id the tests can see (memory,
restart), tree hashes, and the shared release of the real data (``built`` from tests/conftest)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.build import BuildResult
from tests import support
from tests.support import SHORT_LIMITS, Server

ROOT = Path(__file__).resolve().parents[2]


def serve(
    release: Path, cache_dir: Path, host: str | None = "127.0.0.1", **options: object
) -> contextlib.AbstractContextManager[Server]:
    """``tests.support.serve`` with the hardening suite's short limits as defaults."""
    return support.serve(release, cache_dir, host, **{**SHORT_LIMITS, **options})


@pytest.fixture(scope="session")
def hardening_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening-cache")


@pytest.fixture(scope="session")
def server(built: BuildResult, hardening_cache: Path) -> Iterator[Server]:
    """A server of the real release with short limits (2 s per query, 1000 rows)."""
    with serve(built.out, hardening_cache) as s:
        yield s
