"""``kg publish``: load a release into a SPARQL 1.1 store (Graph Store Protocol), atomically."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from kg.cli import Exit
from kg.cli.helptext import command

__all__ = ["add_commands"]


def _cmd_publish(args: argparse.Namespace) -> int:
    from kg.store.publish import Endpoints, publish
    from kg.store.remote import RemoteError, basic_auth

    secret = args.auth
    if args.auth_env:
        secret = os.environ.get(args.auth_env)
        if secret is None:
            print(f"error: --auth-env: {args.auth_env} is not set", file=sys.stderr)
            return Exit.FAILED
    try:
        auth = basic_auth(secret)
    except ValueError as exc:
        print(f"error: --auth: {exc}", file=sys.stderr)
        return Exit.FAILED
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
        return Exit.UNAVAILABLE
    before = f" (replacing {done.previous})" if done.previous else ""
    print(
        f"published {done.release} to {args.endpoint}{before}: {len(done.graphs)} graphs, "
        f"{sum(done.graphs.values())} triples"
    )
    return Exit.OK


def add_commands(sub: Any) -> None:
    pu = command(
        sub, "publish", "load a release into a SPARQL 1.1 store (Graph Store Protocol), atomically",
        """\
Each graph is uploaded under a staging name and counted, then ONE SPARQL Update moves them all
into place (and the union into the default graph); on any failure the store keeps its
previous release. Exit codes: 0 published, 2 release or argument error, 3 the store failed.""",
        ["kg publish --endpoint http://127.0.0.1:7878/query --update http://127.0.0.1:7878/update "
         "--graph-store http://127.0.0.1:7878/store",
         "kg publish --endpoint https://store.example/ds --auth-env STORE_AUTH"],
    )  # fmt: skip
    pu.add_argument("--release", default="dist", help="release folder (default: dist)")
    pu.add_argument("--endpoint", required=True, metavar="URL", help="SPARQL query endpoint")
    pu.add_argument("--update", metavar="URL", help="SPARQL Update endpoint (default: --endpoint)")
    pu.add_argument(
        "--graph-store", metavar="URL", help="Graph Store Protocol endpoint (default: --endpoint)"
    )
    who = pu.add_mutually_exclusive_group()
    who.add_argument("--auth", metavar="USER:PASSWORD",
                     help="HTTP Basic credentials (visible in ps: prefer --auth-env)")  # fmt: skip
    who.add_argument("--auth-env", metavar="VAR", help="variable holding USER:PASSWORD")
    pu.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per HTTP request (default: 300)"
    )
    pu.set_defaults(func=_cmd_publish)
