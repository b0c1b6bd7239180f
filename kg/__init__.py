"""dmkg: the Drug Monograph Knowledge Graph.

Data flows one way, one layer per step (``kg/README.md``; ``tests/test_layers.py`` keeps every
import pointing down): ``data/`` -> typed records (:mod:`kg.curation`, :mod:`kg.mappings`,
:mod:`kg.ontology`) -> RDF quads (:mod:`kg.graph`) -> checks (:mod:`kg.shacl`,
:mod:`kg.reasoning`, :mod:`kg.qc`, :mod:`kg.gates`) -> release files (:mod:`kg.release`),
built by :mod:`kg.build` -> store (:mod:`kg.store`) -> queries and read models
(:mod:`kg.query`, :mod:`kg.views`) -> HTTP and the command line (:mod:`kg.api`, :mod:`kg.cli`).
All of them share the RDF toolkit of :mod:`kg.rdf`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dmkg")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
