"""What every SHACL engine returns: engine-neutral results, and the engine protocol.

Results are tuples of N-Triples terms, sorted, so a faster engine can replace pyshacl and be
checked for identical output (:mod:`kg.shacl.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["SEVERITIES", "Result", "Validator", "result_key"]

SEVERITIES = ("Violation", "Warning", "Info")
"""SHACL severities, most severe first; only violations block a release."""


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, engine-neutral: terms in N-Triples syntax, ``path`` as SPARQL
    property-path text, ``""`` where SHACL gives none."""

    severity: str
    shape: str
    focus: str
    path: str
    value: str
    message: str
    component: str


class Validator(Protocol):
    """A SHACL engine. ``data`` and ``shapes`` are N-Triples; no engine may fetch anything."""

    name: str

    def validate(self, data: bytes, shapes: bytes) -> list[Result]: ...


def result_key(r: Result) -> tuple[int, str, str, str, str, str, str]:
    """Results in report order: most severe first, then shape, focus, path, value."""
    return (SEVERITIES.index(r.severity), r.shape, r.focus, r.path, r.value, r.message, r.component)
