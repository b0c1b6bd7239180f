"""``kg`` command line: thin wrappers over the library stages; exit codes are part of the API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kg.build import Paths, build, default_checks
from kg.errors import BuildError, CurationErrors, ReleaseError

__all__ = ["main"]


def _paths(args: argparse.Namespace) -> Paths:
    return Paths(data=Path(args.data), ontology=Path(args.ontology))


def _cmd_build(args: argparse.Namespace) -> int:
    paths = _paths(args)
    result = build(paths, Path(args.out), default_checks(paths))
    print(
        f"built {result.out}: {len(result.corpus.claims)} claims from "
        f"{len(result.corpus.sources)} sources, {len(result.quads)} quads "
        f"({', '.join(f'{k} {v:.2f}s' for k, v in result.timings.items())})"
    )
    return 0


def _cmd_mappings(args: argparse.Namespace) -> int:
    from kg.build import dmkg_version
    from kg.mappings import check, export

    paths = _paths(args)
    if args.action == "check":
        for line in check(paths.data, paths.ontology_file):
            print(line)
        return 0
    out = Path(args.out)
    mapping_set = export(paths.data, out, dmkg_version(), paths.ontology_file)
    print(f"wrote {out}: {len(mapping_set)} mappings")
    return 0


def _cmd_synth(args: argparse.Namespace) -> int:
    from kg.synth import synthesize

    stats = synthesize(Path(args.out), args.drugs, args.seed, args.defects)
    print(f"wrote {args.out}: {stats.drugs} drugs, {stats.claims} claims, {stats.defects} defects")
    return 0


EXPORT_FORMATS = {
    "owl": ("kg.owl",), "kgx": ("kgx_nodes.tsv", "kgx_edges.tsv"), "ttl": ("kg.ttl",),
    "nt": ("kg.nt",), "jsonld": ("kg.jsonld",), "trig": ("kg.trig",), "sssom": ("mappings.sssom.tsv",),
}  # fmt: skip


def _cmd_export(args: argparse.Namespace) -> int:
    import shutil

    from kg.release import verify_release

    release = Path(args.release)
    verify_release(release)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in EXPORT_FORMATS[args.format]:
        shutil.copyfile(release / name, out / name)
        print(out / name)
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    import os

    from kg.publish import Endpoints, publish
    from kg.remote import RemoteError, basic_auth

    secret = args.auth
    if args.auth_env:
        secret = os.environ.get(args.auth_env)
        if secret is None:
            print(f"error: --auth-env: {args.auth_env} is not set", file=sys.stderr)
            return 2
    try:
        auth = basic_auth(secret)
    except ValueError as exc:
        print(f"error: --auth: {exc}", file=sys.stderr)
        return 2
    endpoints = Endpoints(
        query=args.endpoint,
        update=args.update or args.endpoint,
        graph_store=args.graph_store or args.endpoint,
        auth=auth,
        timeout=args.timeout,
    )
    try:
        done = publish(Path(args.release), endpoints)
    except RemoteError as exc:
        print(
            f"error: publish failed, the store keeps its previous release: {exc}", file=sys.stderr
        )
        return 3
    before = f" (replacing {done.previous})" if done.previous else ""
    print(
        f"published {done.release} to {args.endpoint}{before}: {len(done.graphs)} graphs, "
        f"{sum(done.graphs.values())} triples"
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
    from kg.checks_cli import add_check_commands  # validate, reason, report

    add_check_commands(sub)
    m = sub.add_parser("mappings", help="check or export the SSSOM mappings of data/mappings")
    m.add_argument("action", choices=("check", "export"))
    m.add_argument(
        "--out", default="mappings.sssom.tsv", help="export target (default: %(default)s)"
    )
    m.set_defaults(func=_cmd_mappings)
    ex = sub.add_parser("export", help="copy one export format out of a verified release")
    ex.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
    ex.add_argument("--release", default="dist")
    ex.add_argument("--out", required=True, help="folder to write into")
    ex.set_defaults(func=_cmd_export)
    sy = sub.add_parser("synth", help="write a deterministic synthetic corpus in the data/ format")
    sy.add_argument("--drugs", type=int, required=True)
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--defects", type=int, default=0, help="drugs given a duplicate label")
    sy.add_argument("--out", required=True)
    sy.set_defaults(func=_cmd_synth)
    pu = sub.add_parser(
        "publish", help="load a release into a SPARQL 1.1 store (Graph Store Protocol), atomically"
    )
    pu.add_argument("--release", default="dist", help="release folder (default: dist)")
    pu.add_argument("--endpoint", required=True, metavar="URL", help="SPARQL query endpoint")
    pu.add_argument("--update", metavar="URL", help="SPARQL Update endpoint (default: --endpoint)")
    pu.add_argument(
        "--graph-store", metavar="URL", help="Graph Store Protocol endpoint (default: --endpoint)"
    )
    who = pu.add_mutually_exclusive_group()
    who.add_argument("--auth", metavar="USER:PASSWORD", help="HTTP Basic credentials")
    who.add_argument("--auth-env", metavar="VAR", help="variable holding USER:PASSWORD")
    pu.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per HTTP request (default: 300)"
    )
    pu.set_defaults(func=_cmd_publish)
    from kg.api import add_commands  # serve, query (lazy: the API is not needed to build)

    add_commands(sub)
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
