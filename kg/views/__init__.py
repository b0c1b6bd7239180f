"""Layer 7: read models of a release, for people and pages rather than SPARQL.

- :mod:`~kg.views.models`: monographs, claims, evidence, sources as plain data;
- :mod:`~kg.views.reader` (on :mod:`~kg.views.base` and :mod:`~kg.views.evidence`): building
  them from any store, a handful of queries per page;
- :mod:`~kg.views.describe`: the RDF a Linked Data client gets for one IRI;
- :mod:`~kg.views.statistics`: the numbers of the VoID description.
"""
