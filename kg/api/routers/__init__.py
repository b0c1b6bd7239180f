"""One router per resource: ``/sparql``, ``/queries``, REST collections, Linked Data pages,
dataset metadata and dumps, ``/resolve``. Routers depend on :mod:`kg.api.deps`, never on each
other."""
