"""``/resolve``: from an external identifier (CURIE or IRI) to our entity.

Users arrive with a DrugBank, ChEBI, MONDO or HPO id; this answers which of our entities map
to it, with the mapping's predicate, so a close or broad match is never passed off as exact.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from pyoxigraph import Literal, NamedNode

from kg import prefixes
from kg.api.problems import ProblemError
from kg.vocab import ID, RDFS, SKOS

__all__ = ["Resolved", "ResolvedEntity", "router"]

router = APIRouter(tags=["mappings"])

MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


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


def _entity(request: Request, iri: str, predicate: str) -> ResolvedEntity:
    kind, _, ident = iri.removeprefix(ID).partition("/")
    store = request.app.state.release.store
    labels = [
        q.object for q in store.quads_for_pattern(NamedNode(iri), NamedNode(RDFS + "label"), None)
    ]
    label = next((t.value for t in labels if isinstance(t, Literal)), None)
    base = str(request.base_url)
    rest = {
        "drug": "drugs",
        "target": "targets",
        "condition": "conditions",
        "adverse-event": "adverse-events",
    }
    return ResolvedEntity(
        iri=iri, id=ident, kind=kind, label=label, predicate=predicate,
        html=f"{base}id/{kind}/{ident}",
        monograph=f"{base}{rest[kind]}/{ident}" if kind in rest else None,
    )  # fmt: skip


@router.get("/resolve", response_model=Resolved, summary="Find our entities for an external id")
def resolve(
    request: Request,
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
        NamedNode(target)  # pyoxigraph refuses what is no IRI (was a 500)
    except ValueError as exc:
        name = "curie" if curie is not None else "iri"
        raise ProblemError(422, "Bad parameter", f"not an IRI: {exc}", parameter=name) from None
    store = request.app.state.release.store
    found: list[ResolvedEntity] = []
    if target.startswith(ID) and any(
        True for _ in store.quads_for_pattern(NamedNode(target), None, None)
    ):
        found.append(_entity(request, target, "self"))
    for name in MATCHES:
        for q in store.quads_for_pattern(None, NamedNode(SKOS + name), NamedNode(target)):
            if isinstance(q.subject, NamedNode) and q.subject.value.startswith(ID):
                found.append(_entity(request, q.subject.value, f"skos:{name}"))
    if not found:
        raise ProblemError(404, "Not found", f"no entity of this graph maps to {curie or iri}")
    unique = {(e.iri, e.predicate): e for e in found}
    return Resolved(
        query=curie or iri or "", iri=target, curie=standard, matches=list(unique.values())
    )
