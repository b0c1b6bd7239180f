"""What the services need of a store, whichever store it is.

The embedded pyoxigraph store has it, and so does :class:`kg.store.remote.RemoteStore` (a
SPARQL endpoint), which is how ``kg serve --store`` serves every route from a remote store
without the routes knowing. ``indexed`` says whether ``quads_for_pattern`` is an index lookup
(embedded) or a query over the network: read models use lookups only where they are cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyoxigraph

__all__ = ["GraphName", "QueryResult", "QueryableStore"]

GraphName = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph
QueryResult = pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples


class QueryableStore(Protocol):
    """The read-only part of ``pyoxigraph.Store`` the services use."""

    @property
    def indexed(self) -> bool: ...

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | list[GraphName] | None = None,
        named_graphs: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode] | None = None,
        substitutions: dict[
            pyoxigraph.Variable,
            pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple,
        ]
        | None = None,
    ) -> QueryResult: ...

    def quads_for_pattern(
        self,
        subject: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Triple | None,
        predicate: pyoxigraph.NamedNode | None,
        object: pyoxigraph.NamedNode
        | pyoxigraph.BlankNode
        | pyoxigraph.Literal
        | pyoxigraph.Triple
        | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[pyoxigraph.Quad]: ...

    def named_graphs(self) -> Iterator[pyoxigraph.NamedNode | pyoxigraph.BlankNode]: ...
