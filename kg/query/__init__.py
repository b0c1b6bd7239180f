"""Layer 7: answering SPARQL, with no HTTP in it.

- :mod:`~kg.query.guards`: what is refused before any engine sees a query;
- :mod:`~kg.query.named`: named queries and every typed-value rule of their parameters;
- :mod:`~kg.query.job`: a job, its outcome or refusal, and ``execute`` on any store;
- :mod:`~kg.query.results`: SPARQL results JSON/XML/CSV/TSV;
- :mod:`~kg.query.workers`: the killable worker processes;
- :mod:`~kg.query.service`: admission, the answer cache, the worker pool, the remote service.
"""
