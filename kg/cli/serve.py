"""``kg serve``: the HTTP service of a release (SPARQL, named queries, REST, Linked Data)."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["LIMIT_OPTIONS", "add_commands", "settings"]

LIMIT_OPTIONS = (
    ("--query-timeout", float, "seconds a query may run before it is killed"),
    ("--max-concurrent", int, "query worker processes"),
    ("--max-queued", int, "queries waiting for a worker before 503"),
    ("--max-rows", int, "rows per answer; more is truncated and flagged"),
    ("--max-query-bytes", int, "size of a query"),
    ("--max-body-bytes", int, "size of a request body"),
    ("--max-depth", int, "nesting depth of a query"),
    ("--worker-memory-mb", int, "address-space cap of a query worker (0: none)"),
    ("--keep-alive", int, "seconds an idle connection is kept"),
    ("--limit-concurrency", int, "open connections before 503"),
    ("--body-timeout", float, "seconds to receive request headers or a body"),
)
_NAMES = ("host", "port", "release", "cache_dir", "queries_dir", "base_url", "store",
          "store_auth_env", *(flag[2:].replace("-", "_") for flag, _, _ in LIMIT_OPTIONS))  # fmt: skip


def settings(args: argparse.Namespace) -> Any:
    """The service settings: defaults, ``DMKG_*`` variables, then the options given."""
    from kg.api.settings import Settings

    given = {n: getattr(args, n) for n in _NAMES if getattr(args, n, None) is not None}
    return Settings(**given)


def _cmd_serve(args: argparse.Namespace) -> int:
    from kg.api.app import serve

    serve(settings(args))
    return 0


def add_commands(sub: Any) -> None:
    s = sub.add_parser(
        "serve", help="serve the release over HTTP (SPARQL, named queries, Linked Data)"
    )
    s.add_argument("--host", help="address to bind (default 127.0.0.1; env DMKG_HOST)")
    s.add_argument("--port", type=int, help="port (default 8000; env DMKG_PORT)")
    s.add_argument("--release", help="release folder (default dist; env DMKG_RELEASE)")
    s.add_argument(
        "--cache-dir", help="store cache folder (default .cache/store beside the release)"
    )
    s.add_argument(
        "--store", metavar="URL",
        help="serve from this SPARQL query endpoint, loaded by `kg publish` (env DMKG_STORE)",
    )  # fmt: skip
    s.add_argument(
        "--store-auth-env", metavar="VAR",
        help="variable holding user:password for the store (or set DMKG_STORE_AUTH)",
    )  # fmt: skip
    s.add_argument("--queries-dir", help="named queries folder (default queries)")
    s.add_argument("--base-url", help="public base URL for links (default: from each request)")
    for flag, kind, text in LIMIT_OPTIONS:
        s.add_argument(
            flag, type=kind, help=f"{text} (env DMKG_{flag[2:].upper().replace('-', '_')})"
        )
    s.set_defaults(func=_cmd_serve)
