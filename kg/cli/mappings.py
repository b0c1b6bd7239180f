"""``kg mappings check|export``: the SSSOM tables of ``data/mappings``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kg import __version__
from kg.cli.build import paths
from kg.cli.helptext import command

__all__ = ["add_commands"]


def _cmd_mappings(args: argparse.Namespace) -> int:
    from kg.mappings import check, export
    from kg.ontology import Ontology

    p = paths(args)
    ontology = Ontology.read(p.ontology_file)
    if args.action == "check":
        for line in check(p.data, ontology):
            print(line)
        return 0
    out = Path(args.out)
    mapping_set = export(p.data, out, __version__, ontology)
    print(f"wrote {out}: {len(mapping_set)} mappings")
    return 0


def add_commands(sub: Any) -> None:
    m = command(
        sub, "mappings", "check or export the SSSOM mappings of data/mappings",
        """\
check: every mapping of data/mappings/*.sssom.tsv (CURIEs against the prefix map, object
labels against the target ontology's own, subjects against the curated entities), with counts
per prefix and predicate. export: one SSSOM table of them all.""",
        ["kg mappings check", "kg mappings export --out /tmp/mappings.sssom.tsv"],
    )  # fmt: skip
    m.add_argument("action", choices=("check", "export"), help="check or export")
    m.add_argument(
        "--out", default="mappings.sssom.tsv", help="export target (default: %(default)s)"
    )
    m.set_defaults(func=_cmd_mappings)
