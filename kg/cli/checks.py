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

    v = sub.add_parser("validate", help="validate a release against ontology/shapes.ttl (SHACL)")
    v.add_argument("--release", default="dist", help="release folder (default: dist)")
    v.add_argument(
        "--report-dir", help="where to write validation.ttl/.json (default: the release)"
    )
    v.add_argument("--limit", type=int, default=50, help="results to print (default: 50)")
    v.add_argument("--engine", default=next(iter(ENGINES)), choices=tuple(ENGINES),
                   help="SHACL engine: sparql (pyoxigraph, default) or pyshacl (the reference)")  # fmt: skip
    v.set_defaults(func=_cmd_validate)
    r = sub.add_parser("reason", help="check consistency and classify a release (HermiT)")
    r.add_argument("--release", default="dist", help="release folder (default: dist)")
    r.add_argument(
        "--out-dir", help="where to write kg-inferred.ttl/kg-full.ttl (default: the release)"
    )
    r.add_argument("--timeout", type=float, default=120.0, help="seconds (default: 120)")
    r.add_argument("--memory", type=int, default=1024, help="Java heap in MiB (default: 1024)")
    r.set_defaults(func=_cmd_reason)
    q = sub.add_parser("report", help="run the QC checks of queries/qc on a release")
    q.add_argument("--release", default="dist", help="release folder (default: dist)")
    q.add_argument("--fail-on", default="ERROR", choices=LEVELS,
                   help="exit 1 if a finding has this level or a more severe one (default: ERROR)")  # fmt: skip
    q.add_argument("--format", default="table", choices=("table", "tsv", "json"))
    q.add_argument("--checks", default="queries/qc", help="folder of *-violation.rq checks")
    q.add_argument("--exceptions", help="exceptions file (default: <data>/qc-exceptions.yaml)")
    q.set_defaults(func=_cmd_report)
