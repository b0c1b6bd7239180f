"""Turning answers into HTTP responses: the answer type of a query, query outcomes, RDF."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.responses import Response
from pyoxigraph import RdfFormat, Triple

from kg.api.conneg import negotiate
from kg.api.problems import not_acceptable
from kg.query.job import Outcome
from kg.rdf.media import (
    GRAPH_MEDIA,
    GRAPH_NICKNAMES,
    RDF_MEDIA,
    SOLUTION_MEDIA,
    SOLUTION_NICKNAMES,
)
from kg.rdf.serialize import jsonld, ntriples, serialize

__all__ = ["choose_media", "outcome_response", "rdf_bytes", "rdf_response"]

VARY = {"Vary": "Accept"}


def choose_media(form: str, accept: str | None, forced: Sequence[str] = ()) -> str:
    """The answer type for a query form: a ``format`` parameter wins over Accept."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_MEDIA if graph else SOLUTION_MEDIA
    short = GRAPH_NICKNAMES if graph else SOLUTION_NICKNAMES
    for value in forced:
        value = value.strip().lower()
        media = short.get(value, value.split(";")[0].strip())
        if media in offered:
            return media
    if forced and any(v.strip() for v in forced):
        raise not_acceptable(offered)
    chosen = negotiate(accept, offered)
    if chosen is None:
        raise not_acceptable(offered)
    return chosen


def outcome_response(outcome: Outcome, headers: dict[str, str] | None = None) -> Response:
    """The HTTP response for an answer: type, ``Vary``, truncation stated in headers."""
    out = {
        **VARY,
        "Server-Timing": f"query;dur={outcome.elapsed * 1000:.1f}",
        **(headers or {}),
    }
    if outcome.truncated:
        out["X-Truncated"] = "true"
        out["Warning"] = f'199 - "results truncated to {outcome.rows} rows"'
    media = outcome.media_type
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return Response(outcome.body, headers=out, media_type=media)


def rdf_bytes(triples: Sequence[Triple], media: str) -> bytes:
    """Sorted triples in ``media``, with our prefixes (JSON-LD: our context)."""
    fmt = RDF_MEDIA[media]
    if fmt == RdfFormat.JSON_LD:
        return jsonld(triples)
    if fmt == RdfFormat.N_TRIPLES:
        return ntriples(triples)
    return serialize(triples, fmt)


def rdf_response(
    triples: Sequence[Triple], media: str, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        rdf_bytes(triples, media), media_type=media, headers={**VARY, **(headers or {})}
    )
