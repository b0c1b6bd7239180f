"""The build stays offline: owl:imports, remote shapes and contexts are refused, never fetched.

A loopback listener records every connection; the ontology (and the shapes) import a document
from it. Build, validate and reason must refuse clearly and connect zero times. A final
control request proves the listener would have seen a fetch.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.build import Paths, build, default_gates
from kg.errors import OfflineError, ValidationFailedError
from kg.release.checks import reason_release, validate_release
from kg.shacl.shapes import load_shapes
from tests.support import LoopbackListener


def _import_from(paths: Paths, url: str) -> None:
    with open(paths.ontology_file, "a", encoding="utf-8") as fh:
        fh.write(f"\n<https://w3id.org/dmkg/vocab/> owl:imports <{url}> .\n")


def test_owl_imports_are_refused_by_build_validate_and_reason_without_a_connection(
    data_copy: Callable[[], Paths], tmp_path: Path, listener: LoopbackListener
) -> None:
    paths = data_copy()
    _import_from(paths, listener.url)

    gated = tmp_path / "gated"
    with pytest.raises(ValidationFailedError, match="Ontology-imports"):
        build(paths, gated, default_gates(paths))
    assert not gated.exists()

    release = build(paths, tmp_path / "ungated").out  # loading and writing fetch nothing
    report = validate_release(release, paths.shapes_file, paths.ontology_file)
    assert not report.conforms
    assert any(f.shape.endswith("/Ontology-imports>") for f in report.findings)
    with pytest.raises(OfflineError, match="refused"):
        reason_release(release)
    assert json.loads((release / "kg.jsonld").read_text())["@context"]["dmkg"]  # inline context

    assert listener.connections == 0
    urllib.request.urlopen(listener.url, timeout=5).read()  # control: a real fetch is seen
    assert listener.connections == 1


def test_remote_shapes_are_refused(
    data_copy: Callable[[], Paths], listener: LoopbackListener
) -> None:
    paths = data_copy()
    with open(paths.shapes_file, "a", encoding="utf-8") as fh:
        fh.write(f"\ndmkgsh: owl:imports <{listener.url}> .\n")
    with pytest.raises(OfflineError, match="never fetched"):
        load_shapes(paths.shapes_file)
    assert listener.connections == 0
