"""``/resolve``: from an external identifier (CURIE or IRI) to our entity.

Users arrive with a DrugBank, ChEBI, MONDO or HPO id; this answers which of our entities map
to it, with the mapping's predicate, so a close or broad match is never passed off as exact.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from pyoxigraph import NamedNode

from kg.api.deps import PublicBaseDep, ReaderDep
from kg.api.problems import ProblemError
from kg.api.urls import COLLECTIONS
from kg.rdf import prefixes
from kg.rdf.vocab import ID
from kg.views.reader import Reader
from kg.views.search import mapped_to

__all__ = ["Resolved", "ResolvedEntity", "router"]

router = APIRouter(tags=["mappings"])


class ResolvedEntity(BaseModel):
    iri: str
    id: str
    kind: str
    label: str | None
    predicate: str
    """``skos:exactMatch`` ... ``skos:relatedMatch``; ``self`` when the id is our own."""
    html: str
    monograph: str | None


class Resolved(BaseModel):
    query: str
    iri: str
    curie: str | None
    matches: list[ResolvedEntity]


def _entity(reader: Reader, base: str, iri: str, predicate: str) -> ResolvedEntity:
    kind, _, ident = iri.removeprefix(ID).partition("/")
    collection = COLLECTIONS.get(kind)
    return ResolvedEntity(
        iri=iri, id=ident, kind=kind, label=reader.labels([iri])[iri], predicate=predicate,
        html=f"{base}/id/{kind}/{ident}",
        monograph=f"{base}/{collection}/{ident}" if collection else None,
    )  # fmt: skip


@router.get("/resolve", response_model=Resolved, summary="Find our entities for an external id")
def resolve(
    reader: ReaderDep,
    base: PublicBaseDep,
    curie: Annotated[str | None, Query(description="e.g. DRUGBANK:DB00026, MONDO:0008383")] = None,
    iri: Annotated[
        str | None, Query(description="e.g. https://go.drugbank.com/drugs/DB00026")
    ] = None,
) -> Resolved:
    """Our entities with a ``skos:*Match`` to the given CURIE or IRI (or the entity itself when
    the id is ours). Exact matches come first."""
    if (curie is None) == (iri is None):
        raise ProblemError(
            422, "Bad parameter", "give exactly one of curie and iri", parameter="curie"
        )
    standard: str | None
    if curie is not None:
        try:
            standard = prefixes.standardize(curie)
        except prefixes.CurieError as exc:
            raise ProblemError(422, "Bad parameter", str(exc), parameter="curie") from None
        target = prefixes.expand(standard)
    else:
        assert iri is not None
        target, standard = iri, prefixes.compress(iri)
    try:
        NamedNode(target)  # pyoxigraph refuses what is no IRI: the client's parameter
    except ValueError as exc:
        name = "curie" if curie is not None else "iri"
        raise ProblemError(422, "Bad parameter", f"not an IRI: {exc}", parameter=name) from None
    found = [_entity(reader, base, e, predicate) for e, predicate in mapped_to(reader, target)]
    if not found:
        raise ProblemError(404, "Not found", f"no entity of this graph maps to {curie or iri}")
    return Resolved(query=curie or iri or "", iri=target, curie=standard, matches=found)
