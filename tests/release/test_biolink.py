"""KGX exports as the Biolink tool chain reads them: Biolink's prefixes, valid CURIEs, checked
by the kgx package's own validator on the Biolink model of the biolink-model package, offline."""

from __future__ import annotations

import csv
import json
import socket
from collections.abc import Iterator
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kg.build import BuildResult
from kg.release.biolink import OWN_PREFIXES, biolink_prefix_map, biolink_version, kgx_curie
from kg.release.exports import BIOLINK_VERSION

KGX_FILES = ("kgx_nodes.tsv", "kgx_edges.tsv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def kgx() -> Iterator[ModuleType]:
    """kgx, with its Biolink model read from the biolink-model package and every socket
    connection refused: bmt and kgx fetch the model, the predicate map and a JSON-LD context
    from GitHub by default (even on import), which an offline test must never do."""
    refused: list[object] = []

    def no_network(self: socket.socket, address: object) -> None:
        refused.append(address)
        raise OSError(f"test_biolink: no network ({address})")

    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", no_network)
    import bmt

    schema = str(files("biolink_model").joinpath("schema/biolink_model.yaml"))
    # the local schema, and an empty predicate map (bmt's is remote; validation does not use it)
    mp.setattr(bmt.Toolkit.__init__, "__defaults__", (schema, {"predicate mappings": []}))
    import kgx.config

    # the prefixes the validator accepts: Biolink's own map, plus ours (declared in the README)
    mp.setitem(kgx.config.jsonld_context_map, "biolink", {**biolink_prefix_map(), **OWN_PREFIXES})
    import kgx.transformer
    import kgx.validator

    try:
        yield kgx
    finally:
        mp.undo()
    assert refused == [], "kgx tried to reach the network"


def _validate(kgx: ModuleType, folder: Path) -> dict[str, Any]:
    validator = kgx.validator.Validator()
    assert validator.get_validation_model_version() == BIOLINK_VERSION
    transformer = kgx.transformer.Transformer(stream=True)
    transformer.transform(
        input_args={"filename": [str(folder / n) for n in KGX_FILES], "format": "tsv"},
        output_args={"format": "null"},
        inspector=validator,
    )
    errors: dict[str, Any] = validator.get_errors()
    return errors


def test_the_committed_prefix_map_is_the_biolink_model_packages() -> None:
    package = files("biolink_model").joinpath("prefixmaps/biolink_model_prefix_map.json")
    assert biolink_prefix_map() == json.loads(package.read_text(encoding="utf-8"))
    assert biolink_version() == version("biolink-model") == BIOLINK_VERSION


def test_the_kgx_validator_finds_no_error(kgx: ModuleType, built: BuildResult) -> None:
    assert _validate(kgx, built.out) == {}


def test_the_validator_would_see_our_old_curies(
    kgx: ModuleType, built: BuildResult, tmp_path: Path
) -> None:
    """Control: the same files with ``dmkgid:drug/anakinra`` (a slash in the local part) and
    ``mesh:`` (not Biolink's ``MESH``) are refused, so the clean run above means something."""
    for name in KGX_FILES:
        text = (built.out / name).read_text(encoding="utf-8")
        text = text.replace("dmkg.drug:anakinra", "dmkgid:drug/anakinra").replace("MESH:", "mesh:")
        (tmp_path / name).write_text(text, encoding="utf-8")
    errors = json.dumps(_validate(kgx, tmp_path))
    assert "'dmkgid:drug/anakinra' which is not a proper CURIE" in errors
    assert "prefix 'mesh' that is not represented in Biolink Model JSON-LD context" in errors


def test_kgx_reads_every_edge_id_back_as_one_string(kgx: ModuleType, built: BuildResult) -> None:
    """``|`` is KGX's list delimiter: an id holding one would come back as a list."""
    transformer = kgx.transformer.Transformer()
    transformer.transform(
        input_args={"filename": [str(built.out / n) for n in KGX_FILES], "format": "tsv"}
    )
    read = sorted(d["id"] for _, _, d in transformer.store.graph.edges(data=True))
    assert all(isinstance(i, str) for i in read)
    assert read == sorted(e["id"] for e in _rows(built.out / "kgx_edges.tsv"))


def test_every_curie_has_a_biolink_prefix_or_ours(built: BuildResult) -> None:
    nodes, edges = (_rows(built.out / n) for n in KGX_FILES)
    allowed = set(biolink_prefix_map()) | set(OWN_PREFIXES)
    used = [n["id"] for n in nodes] + [x for n in nodes for x in n["xref"].split("|") if x]
    used += [e[k] for e in edges for k in ("subject", "object", "publications") if e[k]]
    assert {c.partition(":")[0] for c in used} <= allowed
    assert all("/" not in c.partition(":")[2] and "|" not in c for c in used)
    assert not any("|" in e["id"] for e in edges)
    assert {c.partition(":")[0] for c in used} >= {"MESH", "UniProtKB", "HGNC", "dmkg.drug"}


def test_a_scheme_biolink_has_no_prefix_for_is_left_out(built: BuildResult) -> None:
    """Biolink 4.4.6 has no ATC prefix: the four ATC broad matches stay in SSSOM and RDF only."""
    assert kgx_curie("atc:L04AC") is None
    sssom = (built.out / "mappings.sssom.tsv").read_text(encoding="utf-8")
    assert "atc:L04AC" in sssom
    kgx_text = "".join((built.out / n).read_text(encoding="utf-8") for n in KGX_FILES)
    assert "L04AC" not in kgx_text
