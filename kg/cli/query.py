"""``kg query``: one query (a ``.rq`` file, a named query or text) with the server's guards."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kg.cli import Exit
from kg.cli.serve import settings as service_settings
from kg.rdf import media

__all__ = ["add_commands"]

_FORMATS = {
    "json": (media.SPARQL_JSON, media.JSON_LD),
    "csv": (media.CSV, None),
    "tsv": (media.TSV, None),
    "ttl": (None, media.TURTLE),
    "table": (media.SPARQL_JSON, media.TURTLE),
}
"""``--format`` -> the answer type for SELECT/ASK and for CONSTRUCT/DESCRIBE."""


def _resolve(text: str, queries_dir: Path) -> tuple[str, Any]:
    """(query text, NamedQuery or None) for a file path, a named query name or query text."""
    from kg.query.named import load_queries
    from kg.rdf.queryfile import QueryFileError, parse_named_query

    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.suffix == ".rq" and path.is_file():
        try:
            named = parse_named_query(path)
        except QueryFileError:
            return path.read_text(encoding="utf-8"), None
        return named.text, named
    if len(text) < 200:
        known = load_queries(queries_dir)
        if text in known:
            return known[text].text, known[text]
    return text, None


def _cmd_query(args: argparse.Namespace) -> int:
    from kg.query.guards import check_query
    from kg.query.job import Job, QueryRefused
    from kg.query.named import ParamError, bind
    from kg.query.workers import run_once
    from kg.store.embedded import open_release

    settings = service_settings(args)
    release = open_release(settings.release, settings.cache_dir)
    text, named = _resolve(args.query, settings.queries_dir)
    values = dict(p.partition("=")[::2] for p in args.param)
    try:
        if values and named is None:
            raise ParamError("--param", "needs a named query or a .rq file with a header")
        terms = bind(named, values) if named is not None else {}
        info = check_query(text, settings.query_limits())
        graph = info.form in ("CONSTRUCT", "DESCRIBE")
        media = _FORMATS[args.format][1 if graph else 0]
        if media is None:
            print(
                f"error: --format {args.format} does not fit a {info.form} query", file=sys.stderr
            )
            return Exit.FINDINGS
        job = Job(text, media, query_has_dataset=info.has_dataset,
                  substitutions=tuple(terms.items()), max_rows=settings.max_rows)  # fmt: skip
        assert release.store_path is not None
        outcome = run_once(
            release.store_path, job, settings.query_timeout, settings.worker_memory_mb
        )
    except ParamError as exc:
        print(f"error: invalid parameter: {exc}", file=sys.stderr)
        return Exit.FINDINGS
    except QueryRefused as exc:
        print(f"error: {exc.title}: {exc.detail}", file=sys.stderr)
        return Exit.UNAVAILABLE if exc.status == 503 else Exit.FINDINGS
    if args.format == "table" and not graph:
        sys.stdout.write(_table(json.loads(outcome.body)))
    else:
        sys.stdout.write(outcome.body.decode("utf-8"))
    if outcome.truncated:
        print(f"# truncated to {outcome.rows} rows (--max-rows)", file=sys.stderr)
    return Exit.OK


def _short(term: dict[str, Any] | None) -> str:
    from kg.rdf.prefixes import shorten

    if term is None:
        return ""
    value = str(term["value"])
    if term["type"] == "uri":
        short = shorten(value)
        return short if short != value else f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    return value


def _table(doc: dict[str, Any]) -> str:
    """An aligned text table of SPARQL JSON results (ASK: true/false)."""
    from kg.tables import text_table

    if "boolean" in doc:
        return f"{str(doc['boolean']).lower()}\n"
    variables: list[str] = doc["head"]["vars"]
    rows = [[_short(b.get(v)) for v in variables] for b in doc["results"]["bindings"]]
    return f"{text_table(variables, rows)}\n({len(rows)} rows)\n"


def add_commands(sub: Any) -> None:
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
