"""``kg``: the command line. Thin wrappers over the library stages; exit codes are part of
the interface (:class:`Exit`).

One module per command group: :mod:`~kg.cli.build` (build, synth), :mod:`~kg.cli.checks`
(validate, reason, report), :mod:`~kg.cli.mappings`, :mod:`~kg.cli.export`,
:mod:`~kg.cli.publish`, :mod:`~kg.cli.serve` (serve) and :mod:`~kg.cli.query`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from enum import IntEnum

from kg.errors import BuildError, CurationErrors, ReleaseError

__all__ = ["Exit", "main", "parser"]


class Exit(IntEnum):
    """What the exit status of ``kg`` means."""

    OK = 0
    FINDINGS = 1
    """curation errors, SHACL violations, an inconsistency, QC findings, a refused query"""
    FAILED = 2
    """the command could not run (no release, unreadable input, I/O, a build step failed)"""
    UNAVAILABLE = 3
    """a store or the query service did not answer (time-out, busy, unreachable): retry"""


def parser() -> argparse.ArgumentParser:
    from kg.cli import build, checks, export, mappings, publish, query, serve

    p = argparse.ArgumentParser(prog="kg", description="Drug Monograph Knowledge Graph tools")
    p.add_argument("--data", default="data", help="curated data folder (default: data)")
    p.add_argument("--ontology", default="ontology", help="ontology folder (default: ontology)")
    sub = p.add_subparsers(dest="command", required=True)
    for group in (build, checks, mappings, export, publish, serve, query):
        group.add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except CurationErrors as exc:
        print(exc.render(), file=sys.stderr)
        return Exit.FINDINGS
    except (BuildError, ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return Exit.FAILED
