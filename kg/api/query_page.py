"""The query page: editor, named queries as forms, and an answer rendered as a table.

``GET /sparql?query=...`` and ``GET /queries/{name}?...`` from a browser (``Accept: text/html``
preferred, no ``format``) render this page with the query and its answer, so the address is a
permalink; other clients get the answer itself. The answer is computed by the same query
service as the API's (worker processes, guards, time limit), then labelled by the reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse

from kg.api.pages import render
from kg.api.problems import ProblemError
from kg.query.job import Job, QueryRefused
from kg.query.named import ParamError, bind
from kg.query.service import QueryService
from kg.rdf.media import N_TRIPLES, SPARQL_JSON
from kg.rdf.queryfile import NamedQuery
from kg.rdf.sparqltext import with_values
from kg.rdf.vocab import PREFIXES
from kg.views.forms import query_forms
from kg.views.reader import Reader
from kg.views.results import ResultTable, solutions_table, triples_table

__all__ = [
    "DEFAULT_QUERY", "HTML_ROWS", "PageQuery", "downloads", "example_text", "page_values",
    "problem_of", "render_query_page", "run",
]  # fmt: skip

HTML_ROWS: Final = 5000
"""Rows a page shows at most (sorting, filtering and paging happen in the browser); the
downloads give the whole answer, up to ``max_rows``."""
DEFAULT_QUERY: Final = (
    "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("dmkg", "rdfs"))
    + "SELECT ?drug ?label WHERE {\n  ?drug a dmkg:Drug ; rdfs:label ?label .\n}\n"
    "ORDER BY ?label\nLIMIT 100\n"
)
_SELECT_DOWNLOADS: Final = (("CSV", "csv"), ("TSV", "tsv"), ("JSON", "json"), ("XML", "xml"))
_GRAPH_DOWNLOADS: Final = (("Turtle", "ttl"), ("N-Triples", "nt"), ("JSON-LD", "jsonld"))


@dataclass
class PageQuery:
    """What the page shows: the query in the editor, its answer or why there is none."""

    text: str
    form: str = "SELECT"
    table: ResultTable | None = None
    rows: int = 0
    truncated: bool = False
    more: bool = False
    elapsed_ms: float = 0.0
    problem: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    permalink: str | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)
    named: str | None = None
    values: dict[str, str] = field(default_factory=dict)


def example_text(query: NamedQuery) -> str:
    """The named query with its example values as a ``VALUES`` block opening its WHERE group:
    the very text ``/queries/{name}`` runs for the example, so both give the same rows."""
    try:
        terms = bind(query, query.example)
    except ParamError:
        return query.text
    return with_values(query.text, list(terms.items()))


def downloads(form: str, url: str, joiner: str = "&") -> list[tuple[str, str]]:
    """``(label, URL)`` of the answer in each format (``url`` takes ``format=`` appended)."""
    offered = _GRAPH_DOWNLOADS if form in ("CONSTRUCT", "DESCRIBE") else _SELECT_DOWNLOADS
    return [(label, f"{url}{joiner}{urlencode({'format': fmt})}") for label, fmt in offered]


def problem_of(exc: QueryRefused | ProblemError) -> dict[str, Any]:
    """The RFC 9457 fields of a refusal, for the page to show."""
    return {"status": exc.status, "title": exc.title, "detail": exc.detail, **exc.extensions}


async def run(
    page: PageQuery, queries: QueryService, reader: Reader, job: Job, retry_after: int
) -> None:
    """Run ``job`` (its media type set here: JSON results, or N-Triples for a graph) and put
    its answer, labelled, or its refusal on ``page``."""
    graph = page.form in ("CONSTRUCT", "DESCRIBE")
    media = N_TRIPLES if graph else SPARQL_JSON
    job = replace(job, media_type=media)
    try:
        outcome = await queries.run(job)
    except QueryRefused as exc:
        page.problem, page.status = problem_of(exc), exc.status
        if exc.retry_after is not None:
            page.headers["Retry-After"] = str(exc.retry_after)
        return
    page.table = (
        triples_table(reader, outcome.body) if graph else solutions_table(reader, outcome.body)
    )
    page.rows, page.truncated, page.more = outcome.rows, outcome.truncated, outcome.more
    page.elapsed_ms = round(outcome.elapsed * 1000, 1)


def render_query_page(
    page: PageQuery,
    *,
    reader: Reader,
    named: dict[str, NamedQuery],
    release: str,
    endpoint: str,
    max_rows: int,
    ran: bool,
) -> HTMLResponse:
    """The page (its status the refusal's, so a failed permalink is not a 200)."""
    examples = {q.name: example_text(q) for q in named.values()}
    headers = {"Vary": "Accept", **page.headers}
    return render(
        "query.html",
        status=page.status,
        headers=headers,
        page=page,
        ran=ran,
        forms=query_forms(reader, named),
        examples=examples,
        summaries={q.name: q.summary for q in named.values()},
        release=release,
        endpoint=endpoint,
        max_rows=max_rows,
        html_rows=HTML_ROWS,
    )


def page_values(items: Sequence[tuple[str, str]], skip: Sequence[str]) -> dict[str, str]:
    """Form values as given, empty ones left out (an optional field left blank)."""
    return {k: v for k, v in items if v != "" and k not in skip}
