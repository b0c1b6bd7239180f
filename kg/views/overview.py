"""What the graph holds, in numbers a newcomer reads first: entities by kind, claims by type,
sources. For the landing page; one grouped query plus the reader's cached lists.

>>> from pyoxigraph import Store
>>> from kg.store.embedded import EmbeddedStore
>>> overview(Reader(EmbeddedStore(Store()))).claims
0
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from kg.curation.claimtypes import CLAIM_SPECS
from kg.rdf.vocab import DMKG, vocab
from kg.views.reader import Reader

__all__ = ["ENTITY_GROUPS", "Count", "Overview", "overview"]

ENTITY_GROUPS: Final = (
    ("Drugs", "drug"),
    ("Vaccines", "vaccine"),
    ("Molecular targets", "target"),
    ("Conditions", "condition"),
    ("Adverse events", "adverse-event"),
    ("Populations", "population"),
    ("Clinical studies", "study"),
)
"""Entity kinds as people name them, in the order pages list them."""


class Count(BaseModel):
    label: str
    n: int
    href: str


class Overview(BaseModel):
    entities: list[Count]
    claim_types: list[Count]
    claims: int
    sources: int


def overview(reader: Reader) -> Overview:
    """Entities per kind, claims per claim type (in the claim table's order), sources."""
    return reader.cached("overview", "", lambda: _overview(reader))


def _overview(reader: Reader) -> Overview:
    rows = reader.select(
        "SELECT ?t (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a dmkg:Claim ; a ?t } GROUP BY ?t"
    )
    per_type = {t.value: int(n.value) for t, n in rows}
    classes = [vocab(spec.rdf_class) for spec in CLAIM_SPECS.values()]
    labels = reader.labels(classes)
    claim_types = [
        Count(
            label=labels[c] or c.removeprefix(DMKG), n=per_type[c], href=f"/vocab/{c[len(DMKG) :]}"
        )
        for c in classes
        if per_type.get(c)
    ]
    entities = [
        Count(label=title, n=len(reader.summaries(kind)), href=f"/id/#{kind}")
        for title, kind in ENTITY_GROUPS
    ]
    return Overview(
        entities=[e for e in entities if e.n],
        claim_types=claim_types,
        claims=per_type.get(vocab("Claim"), 0),
        sources=len(reader.sources()),
    )
