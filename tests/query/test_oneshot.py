"""One query in a plain fork: the answer comes back, the time limit and the memory cap hold,
and an engine that dies takes only the child with it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from kg.build import BuildResult
from kg.query.job import Job, QueryRefused
from kg.query.oneshot import run_forked
from kg.rdf.media import SPARQL_JSON
from kg.store.embedded import ServedRelease, open_release

HEAVY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def release(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> ServedRelease:
    return open_release(built.out, tmp_path_factory.mktemp("oneshot-cache"))


def test_the_answer_comes_back_from_the_child(release: ServedRelease) -> None:
    outcome = run_forked(release.store, Job("SELECT * { ?s ?p ?o } LIMIT 3", SPARQL_JSON), 30)
    body = json.loads(outcome.body)
    assert body["head"]["vars"] == ["s", "p", "o"] and len(body["results"]["bindings"]) == 3


def _children() -> set[int]:
    """The live and zombie children of this process (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        found |= {int(p) for p in (task / "children").read_text().split()}
    return found


def test_the_time_limit_kills_the_child(release: ServedRelease) -> None:
    before = _children()
    started = time.monotonic()
    with pytest.raises(QueryRefused) as info:
        run_forked(release.store, Job(HEAVY, SPARQL_JSON), 0.5)
    assert info.value.status == 503 and "ran longer than 0.5 s" in info.value.detail
    assert time.monotonic() - started < 5
    assert _children() <= before, "the child is killed and reaped"


def test_the_memory_cap_refuses_in_the_child_only(release: ServedRelease) -> None:
    """A 1 MiB address space cannot hold a million rows: the child fails (out of memory, or
    killed by the engine's abort), this process carries on."""
    big = Job("SELECT * { ?a ?b ?c . ?d ?e ?f } LIMIT 1000000", SPARQL_JSON, max_rows=1_000_000)
    with pytest.raises(QueryRefused) as info:
        run_forked(release.store, big, 60, memory_mb=1)
    assert info.value.status in (500, 503)
    assert run_forked(release.store, Job("ASK { ?s ?p ?o }", SPARQL_JSON), 30).body
