"""``kg query``: one query (a ``.rq`` file, a named query or text) with the server's guards.

The query runs in a plain fork of this process (:func:`kg.query.oneshot.run_forked`) with
the server's guards, time limit and memory cap: no worker pool is started for one query.
Messages say what is wrong in words (``Query timed out: ...``), never as an HTTP status.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any, Final

from kg.cli import Exit
from kg.cli.helptext import command
from kg.cli.serve import add_settings_options
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
_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
"""What a query name looks like; no SPARQL query does (it needs braces or white space)."""
_SETTINGS: Final = (
    "release", "cache_dir", "queries_dir", "query_timeout", "max_rows", "worker_memory_mb",
    "max_query_bytes", "max_depth", "max_operators",
)  # fmt: skip


class _Refusal(Exception):
    """A command-line mistake worded for the user, with its exit code."""


def _resolve(text: str, queries_dir: Path) -> tuple[str, Any]:
    """(query text, NamedQuery or None) for a file path, a named query name or query text."""
    from kg.query.named import load_queries
    from kg.rdf.queryfile import QueryFileError, parse_named_query

    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.suffix == ".rq":
        if not path.is_file():
            raise _Refusal(f"no query file {text}")
        try:
            named = parse_named_query(path)
        except QueryFileError:
            return path.read_text(encoding="utf-8"), None
        return named.text, named
    if len(text) < 200 and _NAME.fullmatch(text):
        known = load_queries(queries_dir)
        if text in known:
            return known[text].text, known[text]
        close = difflib.get_close_matches(text, list(known), n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise _Refusal(f"no named query {text!r}{hint} (kg query --list shows them all)")
    return text, None


def _list(queries_dir: Path) -> int:
    """The named queries: name, summary, parameters with their types and an example."""
    from shlex import quote

    from kg.query.named import load_queries

    for q in load_queries(queries_dir).values():
        print(f"{q.name}  [{q.form.lower()}{', ' if q.tags else ''}{', '.join(q.tags)}]")
        print(f"    {q.summary}")
        for p in q.params:
            need = " (required)" if p.required else ""
            print(f"    --param {p.name}=<{p.type.value}>{need}  {p.description}")
        if q.example:
            params = " ".join(f"--param {quote(f'{k}={v}')}" for k, v in q.example.items())
            print(f"    e.g. kg query {q.name} {params}")
    return Exit.OK


def _cmd_query(args: argparse.Namespace) -> int:
    settings = service_settings(args)
    if args.list:
        return _list(settings.queries_dir)
    if args.query is None:
        print("error: give a query (file, named query or text), or --list", file=sys.stderr)
        return Exit.FAILED
    try:
        return _run(args, settings)
    except _Refusal as exc:
        print(f"error: {exc}", file=sys.stderr)
        return Exit.FINDINGS


def _run(args: argparse.Namespace, settings: Any) -> int:
    from kg.query.guards import check_query
    from kg.query.job import Job, QueryRefused
    from kg.query.named import ParamError, bind
    from kg.query.oneshot import run_forked
    from kg.query.shortforms import ShortForms
    from kg.store.embedded import open_release

    text, named = _resolve(args.query, settings.queries_dir)
    values = dict(p.partition("=")[::2] for p in args.param)
    release = open_release(settings.release, settings.cache_dir)
    try:
        if values and named is None:
            raise _Refusal("--param needs a named query or a .rq file with a header")
        forms = ShortForms.of_store(release.store) if values else None
        terms = bind(named, values, forms=forms) if named is not None else {}
        info = check_query(text, settings.query_limits())
        graph = info.form in ("CONSTRUCT", "DESCRIBE")
        answer_type = _FORMATS[args.format][1 if graph else 0]
        if answer_type is None:
            raise _Refusal(f"--format {args.format} does not fit a {info.form} query")
        job = Job(text, answer_type, query_has_dataset=info.has_dataset,
                  substitutions=tuple(terms.items()), max_rows=settings.max_rows)  # fmt: skip
        outcome = run_forked(release.store, job, settings.query_timeout, settings.worker_memory_mb)
    except ParamError as exc:
        print(f"error: {exc}", file=sys.stderr)
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
    q = command(
        sub, "query", "run a query (file, named query or text) with the server's guards",
        """\
QUERY is a .rq file, the name of a named query (queries/*.rq; --list shows them) or SPARQL
text. It runs on the release's store with the server's guards (no SERVICE, no updates, size
and nesting limits), time limit and row cap. A named query's parameters (--param NAME=VALUE)
are typed and bound as RDF terms; an iri parameter takes a full IRI, a CURIE (dmkg:Child,
dmkgid:drug/anakinra) or a name of the release (Child, anakinra). Exit codes: 0 answered,
1 refused or invalid, 2 release error, 3 timed out.""",
        ["kg query --list",
         "kg query dosing-for-age-group --param age_group=Child",
         "kg query adverse-events --param drug=anakinra --format csv",
         "kg query queries/drugs-targeting-il1.rq --format json",
         "kg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'"],
    )  # fmt: skip
    q.add_argument(
        "query", metavar="QUERY", nargs="?", help="a .rq file, a named query, or query text"
    )
    q.add_argument("--list", action="store_true", help="list the named queries and exit")
    q.add_argument("--format", choices=sorted(_FORMATS), default="table",
                   help="table (default), json, csv, tsv, or ttl for CONSTRUCT/DESCRIBE")  # fmt: skip
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a named-query parameter (repeatable)")  # fmt: skip
    add_settings_options(q, _SETTINGS)
    q.set_defaults(func=_cmd_query)
