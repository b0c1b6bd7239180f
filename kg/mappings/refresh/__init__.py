"""Maintainers only (development extras): regenerate the offline inputs of the mappings.

``python -m kg.mappings.refresh.prefixmap`` writes ``kg/rdf/prefixes.json`` from the
Bioregistry; ``python -m kg.mappings.refresh.slices`` writes the label slices of
``data/mappings/labels`` from the ontologies' own label tables.
"""
