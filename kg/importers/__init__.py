"""Readers of source documents (drug labels) that turn files into typed, quotable data.

Each importer reads files and returns data; it writes nothing and fetches nothing, so a build
can call it on untrusted downloads.
"""
