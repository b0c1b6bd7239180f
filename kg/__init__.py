"""dmkg: the Drug Monograph Knowledge Graph.

Data flows one way: ``data/`` -> typed records (:mod:`kg.records`, :mod:`kg.load`) -> RDF
(:mod:`kg.graph`) -> validation and reasoning -> release files (:mod:`kg.release`) -> store
-> API and CLI. Each stage is a library function; the CLI and the API only call them.
"""
