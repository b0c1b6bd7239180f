"""The service's URL layout shared by several routers: which entity kinds have a REST
collection, and its name."""

from __future__ import annotations

from typing import Final

from kg.curation.records import EntityKind

__all__ = ["COLLECTIONS", "KINDS"]

KINDS: Final = {
    f"{kind.value}s": kind.value
    for kind in (EntityKind.DRUG, EntityKind.TARGET, EntityKind.CONDITION, EntityKind.ADVERSE_EVENT)
}
"""REST collection (``/drugs``) -> the ``id/<kind>/`` segment of the IRIs we mint."""
COLLECTIONS: Final = {kind: collection for collection, kind in KINDS.items()}
"""Entity kind -> its REST collection (``drug`` -> ``drugs``)."""
