"""Layer 4: sorted quads -> the files of a release, written aside and swapped in atomically.

- :mod:`~kg.release.layout`: every file's name, role and media type, named once;
- :mod:`~kg.release.formats`: the RDF formats, made one at a time from the sorted quads;
- :mod:`~kg.release.exports`: KGX tables for the Biolink tool chain;
- :mod:`~kg.release.manifest`: the manifest, its one writer and one verifier;
- :mod:`~kg.release.write`: staging folder and atomic swap;
- :mod:`~kg.release.checks`: the gates' checks re-run on a built release;
- :mod:`~kg.release.describe`: VoID/DCAT and SPARQL service descriptions of a release.
"""
