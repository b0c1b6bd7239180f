"""``kg``: the command line. Thin wrappers over the library stages; exit codes are part of
the interface (:class:`Exit`).

One module per command group: :mod:`~kg.cli.build` (build, synth), :mod:`~kg.cli.checks`
(validate, reason, report), :mod:`~kg.cli.mappings`, :mod:`~kg.cli.export`,
:mod:`~kg.cli.publish`, :mod:`~kg.cli.serve` (serve) and :mod:`~kg.cli.query`; every command
has a description and examples (:func:`kg.cli.helptext.command`). Messages name the file,
line or option at fault, never an HTTP status.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from enum import IntEnum

from kg import __version__
from kg.cli.helptext import Formatter, epilog
from kg.errors import (
    BuildError,
    CurationErrors,
    InconsistentOntologyError,
    ReleaseError,
    ValidationFailedError,
)

__all__ = ["Exit", "main", "parser"]


class Exit(IntEnum):
    """What the exit status of ``kg`` means."""

    OK = 0
    FINDINGS = 1
    """curation errors, SHACL violations (warnings with ``--strict``), an inconsistency, QC
    findings, a refused query"""
    FAILED = 2
    """the command could not run (no release, unreadable input, I/O, a build step failed)"""
    UNAVAILABLE = 3
    """a store or the query service did not answer (time-out, busy, unreachable): retry"""


_EXAMPLES = (
    "kg build                                  # data/ -> dist/, validated and reasoned",
    "kg serve                                  # http://127.0.0.1:8000",
    "kg query --list                           # the named queries and their parameters",
    "kg query dosing-for-age-group --param age_group=Child",
    "kg --data /tmp/synth/data build --out /tmp/synth/dist",
    "kg COMMAND --help                         # each command's options and examples",
)


def parser() -> argparse.ArgumentParser:
    from kg.cli import build, checks, export, mappings, publish, query, serve

    p = argparse.ArgumentParser(
        prog="kg",
        description="""\
Drug Monograph Knowledge Graph: build, check, serve and query releases of curated,
source-anchored drug facts.

--data and --ontology come before the command (kg --data DIR build).
Exit codes: 0 done; 1 findings (curation errors, SHACL violations, a refused query);
2 could not run; 3 unavailable (time-out, store down): retry.""",
        epilog=epilog(_EXAMPLES),
        formatter_class=Formatter,
    )
    p.add_argument("--version", action="version", version=f"kg (dmkg) {__version__}")
    p.add_argument("--data", default="data", help="curated data folder (default: data)")
    p.add_argument("--ontology", default="ontology", help="ontology folder (default: ontology)")
    sub = p.add_subparsers(dest="command", required=True)
    for group in (build, checks, mappings, export, publish, serve, query):
        group.add_commands(sub)
    sub.required = False  # `kg` alone prints the help (main)
    sub.metavar = "COMMAND"
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.command is None:  # `kg` alone: what there is to do
        p.print_help()
        return Exit.OK
    try:
        code: int = args.func(args)
        return code
    except BrokenPipeError:  # `kg query --list | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK
    except CurationErrors as exc:
        print(exc.render(), file=sys.stderr)
        return Exit.FINDINGS
    except (ValidationFailedError, InconsistentOntologyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return Exit.FINDINGS
    except (BuildError, ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return Exit.FAILED
