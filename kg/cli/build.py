"""``kg build`` and ``kg synth``: releases from curated data, and synthetic corpora."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.cli.helptext import command

if TYPE_CHECKING:  # the build stages load when a command runs, not for `kg --help`
    from kg.build import BuildResult, Paths

__all__ = ["add_commands", "paths", "shacl_summary"]


def paths(args: argparse.Namespace) -> Paths:
    """The input folders of the global ``--data`` and ``--ontology`` options."""
    from kg.build import Paths

    return Paths(data=Path(args.data), ontology=Path(args.ontology))


def shacl_summary(result: BuildResult, shown: int) -> str | None:
    """The SHACL counts of a published graph and its first ``shown`` warnings and infos (a
    graph with violations is never published); None when no SHACL gate ran."""
    report = result.reports.get("validate")
    if report is None:
        return None
    counts = ", ".join(f"{n} {s.lower()}(s)" for s, n in report.counts().items())
    lines = [f"SHACL: {counts} (all in {result.out / 'validation.json'})"]
    findings = [f for f in report.findings if f.severity != "Violation"]
    lines += ["  " + f.render() for f in findings[:shown]]
    if len(findings) > shown:
        lines.append(f"  ... and {len(findings) - shown} more: kg validate --release {result.out}")
    return "\n".join(lines)


def _cmd_build(args: argparse.Namespace) -> int:
    from kg.build import build, default_gates

    p = paths(args)
    result = build(p, Path(args.out), default_gates(p, strict=args.strict))
    print(
        f"built {result.out}: {len(result.corpus.claims)} claims from "
        f"{len(result.corpus.sources)} sources, {len(result.quads)} quads "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in result.timings.items())})"
    )
    summary = shacl_summary(result, args.show)
    if summary:
        print(summary, file=sys.stderr)
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from kg.curation.synth import synthesize

    stats = synthesize(Path(args.out), args.drugs, args.seed, args.defects)
    print(f"wrote {args.out}: {stats.drugs} drugs, {stats.claims} claims, {stats.defects} defects")
    return 0


def add_commands(sub: Any) -> None:
    b = command(
        sub, "build", "build the release from the curated data (validated, reasoned, atomic)",
        """\
Reads --data and --ontology (global options: kg --data DIR build), checks every curated file
(all problems of a run reported together, with file, line and field), builds the graph, runs
the SHACL and reasoning gates and swaps the new release in atomically; on any error the last
good release stays. SHACL warnings and infos of the published graph are counted on stderr,
the first few shown. Exit codes: 0 built, 1 curation errors, SHACL violations (and warnings
with --strict) or an inconsistent ontology, 2 another failure.""",
        ["kg build", "kg build --out /tmp/dist --strict",
         "kg --data /tmp/synth/data build --out /tmp/synth/dist"],
    )  # fmt: skip
    b.add_argument("--out", default="dist", help="release folder (default: dist)")
    b.add_argument(
        "--strict", action="store_true", help="SHACL warnings fail the build too (default: off)"
    )
    b.add_argument(
        "--show", type=int, default=5, metavar="N",
        help="SHACL warnings and infos to print (default: 5; all in validation.json)",
    )  # fmt: skip
    b.set_defaults(func=_cmd_build)
    sy = command(
        sub, "synth", "write a deterministic synthetic corpus in the data/ format",
        """\
One source text per drug and its curation file (quotes, targets, indications, adverse events,
interactions, dosing, studies), so the whole pipeline runs on it unchanged; the same --seed
gives the same files. --defects K gives K drugs a duplicate label, which the SHACL gate
refuses.""",
        ["kg synth --drugs 1000 --seed 1 --out /tmp/synth/data",
         "kg --data /tmp/synth/data build --out /tmp/synth/dist"],
    )  # fmt: skip
    sy.add_argument("--drugs", type=int, required=True, help="number of drugs (required)")
    sy.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    sy.add_argument(
        "--defects", type=int, default=0, help="drugs given a duplicate label (default: 0)"
    )
    sy.add_argument("--out", required=True, help="data folder to write (required)")
    sy.set_defaults(func=_cmd_synth)
