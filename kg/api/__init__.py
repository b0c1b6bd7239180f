"""Layer 8: the HTTP service (SPARQL 1.1 Protocol endpoint, named queries, REST, Linked Data).

Build the application with :func:`kg.api.app.create_app`; ``kg serve`` runs it. This package
is HTTP only: answering queries is :mod:`kg.query`'s, read models are :mod:`kg.views`'s.
"""
