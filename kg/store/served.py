"""Which graphs a release serves: the one rule for the embedded store, ``kg publish`` and
``kg serve --store``.

Served = every named graph of ``kg.trig``, plus the reasoner's conclusions
(``kg-inferred.ttl``) in a graph of their own, :data:`kg.rdf.vocab.GRAPH_INFERRED`, so that
queries over inferred types answer at the endpoint while the asserted graphs stay as built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.rdf.vocab import GRAPH_INFERRED
from kg.release import layout

__all__ = ["ServedFile", "served_files", "served_graphs"]


@dataclass(frozen=True)
class ServedFile:
    """A release file loaded into the served dataset: into its own graphs (``graph`` None,
    TriG) or into one named graph."""

    path: Path
    format: pyoxigraph.RdfFormat
    graph: str | None


def served_files(path_of: Callable[[str], Path]) -> list[ServedFile]:
    """The release files that make up the served dataset, where ``path_of(name)`` finds them
    (the pinned files of a running service, or a folder); an absent inferred graph (a release
    built without the reasoning gate) is left out."""
    out = [ServedFile(path_of(layout.TRIG), pyoxigraph.RdfFormat.TRIG, None)]
    inferred = path_of(layout.INFERRED)
    if inferred.is_file():
        out.append(ServedFile(inferred, pyoxigraph.RdfFormat.TURTLE, GRAPH_INFERRED))
    return out


def served_graphs(manifest: dict[str, Any], folder: Path) -> set[str]:
    """The named graphs a release serves, from its manifest (no store needed)."""
    graphs = set(manifest.get("graphs", {}))
    if (folder / layout.INFERRED).is_file():
        graphs.add(GRAPH_INFERRED)
    return graphs
