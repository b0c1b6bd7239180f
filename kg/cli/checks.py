"""``kg validate``, ``kg reason`` and ``kg report``: checks of a built release.

Exit codes: 0 the release passes, 1 it has findings (SHACL violations, an inconsistency, QC
findings at or above ``--fail-on``), 2 the check itself could not run (raised as
``BuildError``/``ReleaseError`` and mapped by :func:`kg.cli.main`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kg.cli.helptext import command
from kg.errors import InconsistentOntologyError
from kg.gates import VALIDATION_JSON, VALIDATION_TTL

__all__ = ["add_commands"]


def _write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(files.items()):
        (folder / name).write_bytes(data)


def _cmd_validate(args: argparse.Namespace) -> int:
    from kg.cli.build import paths
    from kg.release.checks import validate_release
    from kg.shacl import engine

    release = Path(args.release)
    p = paths(args)
    report = validate_release(release, p.shapes_file, p.ontology_file, engine(args.engine))
    out = Path(args.report_dir) if args.report_dir else release
    _write(out, {VALIDATION_TTL: report.to_turtle(), VALIDATION_JSON: report.to_json()})
    print(report.render(limit=args.limit))
    print(f"wrote {out / VALIDATION_TTL} and {out / VALIDATION_JSON}")
    return 0 if report.conforms else 1


def _cmd_reason(args: argparse.Namespace) -> int:
    from kg.reasoning import Limits
    from kg.release.checks import reason_release

    release = Path(args.release)
    try:
        inference, files = reason_release(release, Limits(args.timeout, args.memory))
    except InconsistentOntologyError as exc:
        print(f"inconsistent: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out_dir) if args.out_dir else release
    _write(out, files)
    stats = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in inference.stats.items())
    print(
        f"consistent; {inference.classes} classes classified, {stats} in "
        f"{inference.seconds:.2f}s; wrote {', '.join(str(out / n) for n in sorted(files))}"
    )
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from kg.release.checks import qc_release

    exceptions = (
        Path(args.exceptions) if args.exceptions else Path(args.data) / "qc-exceptions.yaml"
    )
    report = qc_release(Path(args.release), Path(args.checks), exceptions)
    print(report.render(args.format))
    return 1 if report.at_or_above(args.fail_on) else 0


def add_commands(sub: Any) -> None:
    """Register the three commands on the ``kg`` sub-command parser."""
    from kg.qc import LEVELS
    from kg.shacl import ENGINES

    v = command(
        sub, "validate", "validate a release against ontology/shapes.ttl (SHACL)",
        """\
Every result with severity, focus node and label, path, value, message, shape and the curated
file:line; written as a W3C validation report (validation.ttl) and as validation.json. The
default engine compiles the shapes to SPARQL on pyoxigraph and gives pyshacl's results;
--engine pyshacl runs the reference. Exit codes: 0 conforms, 1 violations, 2 error.""",
        ["kg validate", "kg validate --release /tmp/dist --engine pyshacl --limit 10"],
    )  # fmt: skip
    v.add_argument("--release", default="dist", help="release folder (default: dist)")
    v.add_argument(
        "--report-dir", help="where to write validation.ttl/.json (default: the release)"
    )
    v.add_argument("--limit", type=int, default=50, help="results to print (default: 50)")
    v.add_argument("--engine", default=next(iter(ENGINES)), choices=tuple(ENGINES),
                   help="SHACL engine: sparql (pyoxigraph, default) or pyshacl (the reference)")  # fmt: skip
    v.set_defaults(func=_cmd_validate)
    r = command(
        sub, "reason", "check consistency and classify a release (HermiT)",
        """\
Runs HermiT (owlready2, in a Java process with a time limit and heap cap) on the release's
projection; an inconsistency or an unsatisfiable class is named. Writes kg-inferred.ttl and
kg-full.ttl. Exit codes: 0 consistent, 1 inconsistent, 2 error (Java missing, time limit).""",
        ["kg reason", "kg reason --release /tmp/dist --timeout 300 --memory 4096"],
    )  # fmt: skip
    r.add_argument("--release", default="dist", help="release folder (default: dist)")
    r.add_argument(
        "--out-dir", help="where to write kg-inferred.ttl/kg-full.ttl (default: the release)"
    )
    r.add_argument("--timeout", type=float, default=120.0, help="seconds (default: 120)")
    r.add_argument("--memory", type=int, default=1024, help="Java heap in MiB (default: 1024)")
    r.set_defaults(func=_cmd_reason)
    q = command(
        sub, "report", "run the QC checks of queries/qc on a release",
        """\
Each queries/qc/<name>-violation.rq is a check (any row a finding, its level in the header);
exceptions with their reasons in <data>/qc-exceptions.yaml suppress single findings. SHACL
results are kg validate's. Exit codes: 0 no finding at or above --fail-on, 1 findings.""",
        ["kg report", "kg report --fail-on WARN --format tsv"],
    )  # fmt: skip
    q.add_argument("--release", default="dist", help="release folder (default: dist)")
    q.add_argument("--fail-on", default="ERROR", choices=LEVELS,
                   help="exit 1 if a finding has this level or a more severe one (default: ERROR)")  # fmt: skip
    q.add_argument("--format", default="table", choices=("table", "tsv", "json"),
                   help="output format (default: table)")  # fmt: skip
    q.add_argument("--checks", default="queries/qc",
                   help="folder of *-violation.rq checks (default: queries/qc)")  # fmt: skip
    q.add_argument("--exceptions", help="exceptions file (default: <data>/qc-exceptions.yaml)")
    q.set_defaults(func=_cmd_report)
