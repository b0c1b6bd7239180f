"""Benchmarks of the pipeline and the service on synthetic corpora (see README.md).

A package so that the test suite and the scripts import its parts by name: ``corpus`` (one
size's corpus and release), ``procs`` (child processes and servers in their own process
group) and ``http`` (the serving benchmark, ``python -m benchmarks.http``).
"""
