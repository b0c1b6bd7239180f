"""External-ontology mappings: SSSOM tables in ``data/mappings`` -> ``skos:*Match`` triples and
``dist/mappings.sssom.tsv``.

Library functions behind ``kg mappings check|export``; the build calls ``load_mappings`` and
``MappingSet.triples()``. Regenerating the offline inputs needs development extras:
``python -m kg.mappings.refresh.slices`` (label slices) and
``python -m kg.mappings.refresh.prefixmap`` (``kg/rdf/prefixes.json``).
"""

from __future__ import annotations

from kg.mappings.check import check, corpus_subjects, export, subject_labels
from kg.mappings.load import canonical_text, load_mappings
from kg.mappings.model import Mapping, MappingSet

__all__ = [
    "Mapping", "MappingSet", "canonical_text", "check", "corpus_subjects", "export",
    "load_mappings", "subject_labels",
]  # fmt: skip
