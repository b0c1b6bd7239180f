"""Cross-validated accuracy and timing of ``kg.suggest`` on the TAC 2017 training half.

``python -m benchmarks.suggest`` (``make bench-suggest``) writes RESULTS.md and results.json here.
"""
