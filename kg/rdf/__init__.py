"""Layer 0: the shared RDF toolkit every stage uses, importing nothing above it.

- :mod:`kg.rdf.vocab`: namespaces, named terms and the IRIs we mint;
- :mod:`kg.rdf.prefixes`: the one prefix map (``prefixes.json``) and the one IRI shortener;
- :mod:`kg.rdf.terms`: rdflib/pyoxigraph bridge, term text, literal makers;
- :mod:`kg.rdf.serialize`: canonical N-Triples and every other format with our prefixes;
- :mod:`kg.rdf.sparqltext`: the one SPARQL lexer, VALUES and FROM helpers;
- :mod:`kg.rdf.queryfile`: the ``.rq`` file format (header with summary, parameters, level).
"""
