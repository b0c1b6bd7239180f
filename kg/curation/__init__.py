"""Layer 1: the curated files of ``data/`` -> checked, typed records (:class:`Corpus`).

- :mod:`~kg.curation.records`: pydantic models of every file, ``extra="forbid"``;
- :mod:`~kg.curation.claimtypes`: the claim table (subjects, objects, fields, RDF, Biolink);
- :mod:`~kg.curation.yamlio` / :mod:`~kg.curation.fastjson`: strict YAML with lines; JSON fast path;
- :mod:`~kg.curation.quotes`: locating verbatim quotes;
- :mod:`~kg.curation.corpus` / :mod:`~kg.curation.load`: the corpus and its loader;
- :mod:`~kg.curation.synth`: deterministic synthetic corpora for scale tests.
"""
