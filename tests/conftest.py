"""Shared fixtures: the real repository data, built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.build import BuildResult, Paths, build, default_gates
from tests.support import PATHS, ROOT, LoopbackListener


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The release of the real curated data, built as `kg build` does (validated, reasoned)."""
    return build(PATHS, tmp_path_factory.mktemp("release") / "dist", default_gates(PATHS))


@pytest.fixture
def data_copy(tmp_path: Path) -> Callable[[], Paths]:
    """A fresh copy of data/ and ontology/ in tmp_path, to break one thing in."""

    def make() -> Paths:
        shutil.copytree(ROOT / "data", tmp_path / "data")
        shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
        return Paths(data=tmp_path / "data", ontology=tmp_path / "ontology")

    return make


@pytest.fixture
def listener() -> Iterator[LoopbackListener]:
    """A loopback listener that counts connections; closed after the test."""
    server = LoopbackListener()
    try:
        yield server
    finally:
        server.close()
