"""Layer 6: a release as a queryable store.

- :mod:`~kg.store.protocol`: what the services need of a store;
- :mod:`~kg.store.served`: which graphs a release serves (one rule for every store);
- :mod:`~kg.store.embedded`: the persisted pyoxigraph store, built once per release;
- :mod:`~kg.store.remote`: a remote SPARQL 1.1 endpoint behind the same protocol;
- :mod:`~kg.store.publish`: ``kg publish``, loading a release into a remote store atomically.
"""
