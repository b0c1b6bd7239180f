"""``kg export``: copy one export format out of a verified release."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from kg.cli.helptext import command
from kg.release.layout import EXPORT_FORMATS
from kg.release.manifest import verify_release

__all__ = ["add_commands"]


def _cmd_export(args: argparse.Namespace) -> int:
    release = Path(args.release)
    verify_release(release)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in EXPORT_FORMATS[args.format]:
        shutil.copyfile(release / name, out / name)
        print(out / name)
    return 0


def add_commands(sub: Any) -> None:
    ex = command(
        sub, "export", "copy one export format out of a verified release",
        """\
The release is checked against its manifest first. Formats: owl (kg.owl, RDF/XML with the
NamedIndividual declarations OWL tools need), kgx (kgx_nodes.tsv, kgx_edges.tsv: Biolink
categories, predicates and prefixes), ttl, nt, jsonld, trig, sssom (mappings.sssom.tsv).""",
        ["kg export --format kgx --out /tmp/kgx", "kg export --format owl --release dist --out ."],
    )  # fmt: skip
    ex.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS),
                    help="the export to copy (required)")  # fmt: skip
    ex.add_argument("--release", default="dist", help="release folder (default: dist)")
    ex.add_argument("--out", required=True, help="folder to write into (required)")
    ex.set_defaults(func=_cmd_export)
