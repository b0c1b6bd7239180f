"""``kg build`` and ``kg synth``: releases from curated data, and synthetic corpora."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kg.build import Paths, build, default_gates

__all__ = ["add_commands", "paths"]


def paths(args: argparse.Namespace) -> Paths:
    """The input folders of the global ``--data`` and ``--ontology`` options."""
    return Paths(data=Path(args.data), ontology=Path(args.ontology))


def _cmd_build(args: argparse.Namespace) -> int:
    p = paths(args)
    result = build(p, Path(args.out), default_gates(p))
    print(
        f"built {result.out}: {len(result.corpus.claims)} claims from "
        f"{len(result.corpus.sources)} sources, {len(result.quads)} quads "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in result.timings.items())})"
    )
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from kg.curation.synth import synthesize

    stats = synthesize(Path(args.out), args.drugs, args.seed, args.defects)
    print(f"wrote {args.out}: {stats.drugs} drugs, {stats.claims} claims, {stats.defects} defects")
    return 0


def add_commands(sub: Any) -> None:
    b = sub.add_parser("build", help="build the release from data/ (validated, atomic)")
    b.add_argument("--out", default="dist", help="release folder (default: dist)")
    b.set_defaults(func=_cmd_build)
    sy = sub.add_parser("synth", help="write a deterministic synthetic corpus in the data/ format")
    sy.add_argument("--drugs", type=int, required=True)
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--defects", type=int, default=0, help="drugs given a duplicate label")
    sy.add_argument("--out", required=True)
    sy.set_defaults(func=_cmd_synth)
