"""What a Linked Data client gets for one IRI: its concise bounded description, extended the
way a reader needs it (an entity with the claims about it, a claim with its evidence and
selectors), so one request gives the statements *and* the quotes that back them."""

from __future__ import annotations

from pyoxigraph import BlankNode, NamedNode, Triple

from kg.rdf.vocab import HAS_EVIDENCE, HAS_OBJECT, HAS_SUBJECT, OA_HAS_SELECTOR, OA_HAS_TARGET
from kg.store.protocol import QueryableStore

__all__ = ["describe"]

_FOLLOW = {HAS_EVIDENCE, OA_HAS_SELECTOR, OA_HAS_TARGET}


def describe(store: QueryableStore, iri: str) -> list[Triple]:
    """The triples a client gets for ``iri``, sorted: its own (blank nodes followed), those
    of the claims whose subject or object it is, and of their evidence, selectors and notes."""
    start = NamedNode(iri)
    todo: list[NamedNode | BlankNode] = [start]
    for pred in (HAS_SUBJECT, HAS_OBJECT):
        for q in store.quads_for_pattern(None, pred, start):
            if isinstance(q.subject, NamedNode | BlankNode):
                todo.append(q.subject)
    seen: set[NamedNode | BlankNode] = set()
    out: dict[tuple[str, str, str], Triple] = {}
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None):
            out[(str(q.subject), str(q.predicate), str(q.object))] = q.triple
            o = q.object
            if isinstance(o, BlankNode) or (isinstance(o, NamedNode) and q.predicate in _FOLLOW):
                todo.append(o)
    return [out[k] for k in sorted(out)]
