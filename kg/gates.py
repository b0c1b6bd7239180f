"""Release gates: checks that run on a graph before anything is written.

A gate raises to stop the build (the last good release stays); otherwise it returns extra
release files (the validation report, the inferred graph) to publish with the release. Gates
take the quads and a :class:`GateContext`, never the curation corpus: the checks of layer 3
know graphs, not YAML. Each gate names its step (the progress line and the timing key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pyoxigraph import Quad

from kg.errors import BuildError, ValidationFailedError
from kg.ontology import Ontology
from kg.rdf.serialize import ntriples
from kg.reasoning import METHODS, Limits, full_turtle, reason, reason_by_rules
from kg.shacl import Validator, load_shapes, validate_graph

__all__ = [
    "FULL_FILE",
    "INFERRED_FILE",
    "VALIDATION_JSON",
    "VALIDATION_TTL",
    "Gate",
    "GateContext",
    "ReasoningGate",
    "ShaclGate",
]  # fmt: skip

VALIDATION_TTL = "validation.ttl"
"""The W3C SHACL validation report (Turtle), with ``dmkg:curatedIn`` on each result."""
VALIDATION_JSON = "validation.json"
"""The same report as JSON, with labels and file:line for curators."""
INFERRED_FILE = "kg-inferred.ttl"
"""What the reasoner concluded beyond the asserted graph."""
FULL_FILE = "kg-full.ttl"
"""Asserted plus inferred triples."""


@dataclass(frozen=True)
class GateContext:
    """What a gate may know besides the graph."""

    ontology: Ontology
    shown: Callable[[Path], str]
    """How a path is shown to curators (relative to the data folder's parent)."""


class Gate(Protocol):
    @property
    def name(self) -> str:
        """The progress step and the timing key of the gate."""
        ...

    def __call__(self, quads: Sequence[Quad], ctx: GateContext) -> Mapping[str, bytes]: ...


@dataclass(frozen=True)
class ShaclGate:
    """Refuse a graph with SHACL violations; publish ``validation.ttl`` and ``validation.json``."""

    shapes_file: Path
    validator: Validator | None = None
    name: str = "validate"

    def __call__(self, quads: Sequence[Quad], ctx: GateContext) -> Mapping[str, bytes]:
        lines = ctx.ontology.lines(ctx.shown(ctx.ontology.path))
        report = validate_graph(
            ntriples(quads), load_shapes(self.shapes_file), self.validator, lines
        )
        if not report.conforms:
            raise ValidationFailedError(
                "the graph does not conform to the SHACL shapes; nothing was published\n"
                + report.render(severities=("Violation",))
            )
        return {VALIDATION_TTL: report.to_turtle(), VALIDATION_JSON: report.to_json()}


@dataclass(frozen=True)
class ReasoningGate:
    """Refuse an inconsistent graph or an unsatisfiable class; otherwise publish
    ``kg-inferred.ttl`` and ``kg-full.ttl``. ``method``: ``rules`` (HermiT on the ontology,
    rules over the data: linear) or ``hermit`` (HermiT on the whole projection: the
    reference); both give the same files (``tests/reasoning``)."""

    limits: Limits | None = None
    method: str = METHODS[0]
    name: str = "reason"

    def __call__(self, quads: Sequence[Quad], ctx: GateContext) -> Mapping[str, bytes]:
        data = ntriples(quads)
        if self.method == "hermit":
            inference = reason(data, self.limits)
        elif self.method == "rules":
            inference = reason_by_rules(data, ntriples(ctx.ontology.quads), self.limits)
        else:
            raise BuildError(
                f"unknown reasoning method {self.method!r}: use one of {', '.join(METHODS)}"
            )
        return {INFERRED_FILE: inference.turtle(), FULL_FILE: full_turtle(data, inference)}
