"""Maintainers only (development extras): regenerate the offline inputs of the mappings.

``python -m kg.mappings.refresh.prefixmap`` writes ``kg/rdf/prefixes.json`` from the
Bioregistry; ``python -m kg.mappings.refresh.slices`` writes the label slices of
``data/mappings/labels`` from the ontologies' own label tables;
``python -m kg.mappings.refresh.biolink`` copies the Biolink model's prefix map (for the KGX
exports) into ``kg/release/biolink_model_prefix_map.json``.
"""
