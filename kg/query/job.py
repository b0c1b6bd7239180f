"""One query to run (:class:`Job`), its answer (:class:`Outcome`) or refusal, and
:func:`execute`, which runs a job on any store (in a worker process, or a remote store).

A refusal reaches callers as :class:`QueryRefused` (status, title, detail), never as an HTTP
error: the API turns it into problem+json, the command line into a message and an exit code.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import NamedNode, QuerySolutions, QueryTriples

from kg.query.results import serialize_boolean, serialize_solutions, serialize_triples
from kg.query.syntax import explain
from kg.rdf.media import GRAPH_MEDIA, RESULTS_MEDIA, SOLUTION_MEDIA
from kg.rdf.sparqltext import star_columns, with_values
from kg.rdf.terms import Term
from kg.rdf.vocab import query_prefixes
from kg.store.protocol import QueryableStore

__all__ = ["Failure", "Job", "Outcome", "QueryRefused", "execute"]


class QueryRefused(Exception):
    """A query that is not answered, and why: ``status`` follows HTTP (400 malformed, 403
    update, 413 too large, 503 busy or timed out ...), so every front end words it alike."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        retry_after: int | None = None,
        **extensions: object,
    ) -> None:
        super().__init__(f"{title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.retry_after = retry_after
        self.extensions = extensions


@dataclass(frozen=True)
class Job:
    """One query to run. ``default_graphs``/``named_graphs`` come from the protocol and
    override the query's FROM; with neither and no FROM, the union of all graphs is used."""

    query: str
    media_type: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    query_has_dataset: bool = False
    substitutions: tuple[tuple[str, Term], ...] = ()
    offset: int = 0
    limit: int | None = None
    max_rows: int = 10_000
    base_iri: str | None = None
    """Base of relative IRIs in the query (the endpoint's URL, as the protocol allows)."""

    def key(self, release: str) -> tuple[object, ...]:
        subs = tuple((k, str(v)) for k, v in self.substitutions)
        return (release, self.query, self.media_type, self.default_graphs, self.named_graphs,
                subs, self.offset, self.limit, self.max_rows, self.base_iri)  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    """A serialised answer. ``truncated``: more than ``max_rows`` existed; ``more``: a next
    page exists (paged jobs only)."""

    media_type: str
    body: bytes
    rows: int
    truncated: bool = False
    more: bool = False
    elapsed: float = 0.0
    form: str = "SELECT"


@dataclass(frozen=True)
class Failure:
    """A query the engine refused (syntax or evaluation error), as the client will see it."""

    status: int
    title: str
    detail: str
    extensions: dict[str, object] = field(default_factory=dict)

    def refusal(self, retry_after: int | None = None) -> QueryRefused:
        """This failure as the exception callers get (``Retry-After`` only on a 503)."""
        retry = retry_after if self.status == 503 else None
        return QueryRefused(
            self.status, self.title, self.detail, retry_after=retry, **self.extensions
        )


def _dataset_options(job: Job) -> dict[str, Any]:
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [NamedNode(g) for g in job.named_graphs or ()],
        }
    if job.query_has_dataset:
        return {}  # the query's FROM / FROM NAMED; graphs not in the release are empty
    return {"use_default_graph_as_union": True}


def execute(store: QueryableStore, job: Job) -> Outcome | Failure:
    """Run ``job`` on ``store`` and serialise at most ``max_rows`` (or one page) of it."""
    start = time.perf_counter()
    # parameters pre-bound as a VALUES block: the plan starts from them (kg.sparqltext)
    text = with_values(job.query, job.substitutions)
    try:
        # our prefix map is predeclared: a query may use rdfs:, dmkg:, MONDO: ... undeclared,
        # and a PREFIX of its own wins
        options = {**_dataset_options(job), "prefixes": query_prefixes()}
        if job.base_iri is not None:
            options["base_iri"] = job.base_iri
        result = store.query(text, **options)
        cap = job.limit if job.limit is not None else job.max_rows
        if isinstance(result, QuerySolutions):
            names = [v.value for v in result.variables]
            variables = star_columns(job.query, names)  # SELECT *: in order of appearance
            at = [names.index(v) for v in variables]
            items = list(itertools.islice(result, job.offset, job.offset + cap + 1))
            rows = [[sol[i] for i in at] for sol in items[:cap]]
            media = job.media_type if job.media_type in RESULTS_MEDIA else SOLUTION_MEDIA[0]
            body, form = serialize_solutions(variables, rows, media), "SELECT"
        elif isinstance(result, QueryTriples):
            items = list(itertools.islice(result, job.offset, job.offset + cap + 1))
            media = job.media_type if job.media_type in GRAPH_MEDIA else GRAPH_MEDIA[0]
            body, form = serialize_triples(items[:cap], media), "CONSTRUCT"
        else:
            media = job.media_type if job.media_type in RESULTS_MEDIA else SOLUTION_MEDIA[0]
            return Outcome(media, serialize_boolean(bool(result), media), 1,
                           elapsed=time.perf_counter() - start, form="ASK")  # fmt: skip
    except SyntaxError as exc:
        problem = explain(text, str(exc), query_prefixes())
        ext: dict[str, object] = (
            {"line": problem.line, "column": problem.column} if problem.line is not None else {}
        )
        return Failure(400, "Query syntax error", problem.detail, ext)
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        return Failure(400, "Query evaluation failed", str(exc)[:500])
    more = len(items) > cap
    paged = job.limit is not None
    return Outcome(media, body, min(len(items), cap), truncated=more and not paged,
                   more=more and paged, elapsed=time.perf_counter() - start, form=form)  # fmt: skip
