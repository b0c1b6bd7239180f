"""``kg`` command line: thin wrappers over the library stages; exit codes are part of the API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.build import Paths, build
from kg.errors import BuildError, CurationErrors, ReleaseError

__all__ = ["main"]


def _paths(args: argparse.Namespace) -> Paths:
    return Paths(data=Path(args.data), ontology=Path(args.ontology))


def _cmd_build(args: argparse.Namespace) -> int:
    result = build(_paths(args), Path(args.out))
    print(
        f"built {result.out}: {len(result.corpus.claims)} claims from "
        f"{len(result.corpus.sources)} sources, {len(result.quads)} quads "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in result.timings.items())})"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kg", description="Drug Monograph Knowledge Graph tools")
    p.add_argument("--data", default="data", help="curated data folder (default: data)")
    p.add_argument("--ontology", default="ontology", help="ontology folder (default: ontology)")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the release from data/ (validated, atomic)")
    b.add_argument("--out", default="dist", help="release folder (default: dist)")
    b.set_defaults(func=_cmd_build)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except CurationErrors as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    except (BuildError, ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
