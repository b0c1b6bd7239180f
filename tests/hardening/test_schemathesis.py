"""schemathesis against ``/openapi.json``: generated requests to the REST, Linked Data, metadata
and named-query routes never get a 5xx. ``/sparql`` is left to the hand-written corpus
(test_adversarial.py) and ``/dump`` to test_meta (whole release files). Few examples per
operation, so it stays fast; skipped when schemathesis is not installed.

schemathesis' own pytest integration (``from_fixture``) fails under pytest 9 (``'Function'
object has no attribute '_nodeid'``), so each operation's strategy is driven by hypothesis here.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.support import Server

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

EXAMPLES = 8


def test_generated_requests_never_get_a_server_error(server: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base}/openapi.json")
    schema = schema.exclude(path_regex=r"^/(sparql|dump/)")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]
    tried: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case: Any) -> None:
            response = case.call(timeout=30)
            case.validate_response(response, checks=[not_a_server_error])

        run()
        tried.append(operation.label)
    assert tried
