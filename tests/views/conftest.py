"""Read-model fixtures: the real release, opened once per session as the service opens it."""

from __future__ import annotations

import pytest

from kg.build import BuildResult
from kg.store.embedded import ServedRelease, open_release
from kg.views.reader import Reader


@pytest.fixture(scope="session")
def served(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> ServedRelease:
    return open_release(built.out, tmp_path_factory.mktemp("views-store"))


@pytest.fixture(scope="session")
def reader(served: ServedRelease) -> Reader:
    return Reader(served.store)
