"""The HTTP service: SPARQL 1.1 Protocol endpoint, named queries, REST and Linked Data routes.

Build the application with ``kg.api.app.create_app``. This module only adds the ``kg serve``
and ``kg query`` subcommands; it imports nothing heavy, so that ``kg build`` and the query
worker processes start quickly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]

_FORMATS = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "ttl": (None, "text/turtle"),
    "table": ("application/sparql-results+json", "text/turtle"),
}
_LIMIT_OPTIONS = (
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


def add_commands(sub: Any) -> None:
    """Register ``serve`` and ``query`` on the ``kg`` subcommand parser."""
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
    for flag, kind, text in _LIMIT_OPTIONS:
        s.add_argument(
            flag, type=kind, help=f"{text} (env DMKG_{flag[2:].upper().replace('-', '_')})"
        )
    s.set_defaults(func=_cmd_serve)

    q = sub.add_parser(
        "query", help="run a query (file, named query or text) with the server's guards"
    )
    q.add_argument(
        "query", metavar="QUERY_OR_FILE", help="a .rq file, a named query name, or query text"
    )
    q.add_argument("--release", help="release folder (default dist)")
    q.add_argument("--cache-dir", help="store cache folder")
    q.add_argument("--format", choices=sorted(_FORMATS), default="table")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a named-query parameter (repeatable)")  # fmt: skip
    q.add_argument("--query-timeout", type=float, help="seconds before the query is killed")
    q.add_argument("--max-rows", type=int, help="rows to print; more is flagged")
    q.set_defaults(func=_cmd_query)


def _settings(args: argparse.Namespace) -> Any:
    from kg.api.settings import Settings

    names = ("host", "port", "release", "cache_dir", "queries_dir", "base_url", "store",
             "store_auth_env",
             *(flag[2:].replace("-", "_") for flag, _, _ in _LIMIT_OPTIONS))  # fmt: skip
    given = {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}
    return Settings(**given)


def _cmd_serve(args: argparse.Namespace) -> int:
    from kg.api.app import serve

    serve(_settings(args))
    return 0


def _resolve(text: str, queries_dir: Path) -> tuple[str, Any]:
    """(query text, NamedQuery or None) for a file path, a named query name or query text."""
    from kg.namedqueries import QueryFileError, load_named_queries, parse_named_query

    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.suffix == ".rq" and path.is_file():
        try:
            named = parse_named_query(path)
        except QueryFileError:
            return path.read_text(encoding="utf-8"), None
        return named.text, named
    if len(text) < 200 and queries_dir.is_dir():
        known = load_named_queries(queries_dir)
        if text in known:
            return known[text].text, known[text]
    return text, None


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.api.executor import Job, run_once
    from kg.api.guards import check_query
    from kg.api.problems import ProblemError
    from kg.api.sparql import limits
    from kg.namedqueries import ParamError, bind
    from kg.store import open_release

    settings = _settings(args)
    release = open_release(settings.release, settings.cache_dir)
    folder = settings.queries_dir if settings.queries_dir.is_dir() else Path("queries")
    if not folder.is_dir():
        from kg.api.named import default_queries_dir

        folder = default_queries_dir()
    text, named = _resolve(args.query, folder)
    values = dict(p.partition("=")[::2] for p in args.param)
    try:
        if values and named is None:
            raise ProblemError(
                422, "Invalid parameter", "--param needs a named query or a .rq file with a header"
            )
        terms = bind(named, values) if named is not None else {}
        info = check_query(text, limits(settings))
        graph = info.form in ("CONSTRUCT", "DESCRIBE")
        media = _FORMATS[args.format][1 if graph else 0]
        if media is None:
            raise ProblemError(
                406, "Not Acceptable", f"--format {args.format} does not fit a {info.form} query"
            )
        job = Job(text, media, query_has_dataset=info.has_dataset,
                  substitutions=tuple(terms.items()), max_rows=settings.max_rows)  # fmt: skip
        outcome = run_once(
            release.store_path, job, settings.query_timeout, settings.worker_memory_mb
        )
    except ParamError as exc:
        print(f"error: 422 Invalid parameter: {exc}", file=sys.stderr)
        return 1
    except ProblemError as exc:
        print(f"error: {exc.status} {exc.title}: {exc.detail}", file=sys.stderr)
        return 3 if exc.status == 503 else 1
    if args.format == "table" and not graph:
        sys.stdout.write(_table(json.loads(outcome.body)))
    else:
        sys.stdout.write(outcome.body.decode("utf-8"))
    if outcome.truncated:
        print(f"# truncated to {outcome.rows} rows (--max-rows)", file=sys.stderr)
    return 0


def _short(term: dict[str, Any] | None) -> str:
    from kg.vocab import PREFIXES

    if term is None:
        return ""
    value = str(term["value"])
    if term["type"] == "uri":
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if value.startswith(ns):
                return f"{prefix}:{value[len(ns) :]}"
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    return value


def _table(doc: dict[str, Any]) -> str:
    """An aligned text table of SPARQL JSON results (ASK: true/false)."""
    if "boolean" in doc:
        return f"{str(doc['boolean']).lower()}\n"
    variables: list[str] = doc["head"]["vars"]
    rows = [
        [_short(b.get(v)).replace("\n", " ") for v in variables] for b in doc["results"]["bindings"]
    ]
    widths = [max([len(v), *(len(r[i]) for r in rows)]) for i, v in enumerate(variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines) + "\n"
