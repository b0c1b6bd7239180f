"""Labels and curated file:line of the nodes a validation result names, read from the data.

A finding on a selector or an evidence node is traced to the claim or note that owns it, and
a finding on an ontology term to the line of ``ontology/dmkg.ttl`` that describes it, so every
finding sends the curator to a line they can edit.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.rdf.vocab import CURATED_IN, HAS_EVIDENCE, OA_HAS_SELECTOR, OA_HAS_TARGET, RDFS_LABEL

__all__ = ["Provenance"]


class Provenance:
    """Labels and curated file:line of nodes, read from the validated data (N-Triples)."""

    def __init__(self, data: bytes, ontology_lines: dict[str, str]) -> None:
        self.store = ox.Store()
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        self.ontology = ontology_lines
        self.owners = [HAS_EVIDENCE, OA_HAS_TARGET]

    @staticmethod
    def _node(term: str) -> ox.NamedNode | None:
        return ox.NamedNode(term[1:-1]) if term.startswith("<") and term.endswith(">") else None

    def _values(self, s: ox.NamedNode, p: ox.NamedNode) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(s, p, None)
            if not isinstance(q.object, ox.Triple)
        )

    def label(self, term: str) -> str:
        node = self._node(term)
        values = self._values(node, RDFS_LABEL) if node else []
        return values[0] if values else ""

    def curated_in(self, term: str, depth: int = 0) -> str:
        node = self._node(term)
        if node is None:
            return ""
        direct = self._values(node, CURATED_IN)
        if direct:
            return direct[0]
        if term in self.ontology:
            return self.ontology[term]
        if depth < 2:  # evidence -> claim or note; selector -> evidence -> claim
            for p in [*self.owners, OA_HAS_SELECTOR]:
                found = sorted(
                    self.curated_in(str(q.subject), depth + 1)
                    for q in self.store.quads_for_pattern(None, p, node)
                )
                if found and found[0]:
                    return found[0]
        return ""
