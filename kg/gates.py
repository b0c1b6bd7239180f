"""Release gates: checks that run on a graph before anything is written.

A gate raises to stop the build (the last good release stays); otherwise it returns extra
release files (the validation report, the inferred graph) to publish with the release. Gates
take the quads and a :class:`GateContext`, never the curation corpus: the checks of layer 3
know graphs, not YAML. Each gate names its step (the progress line and the timing key).

What passed a gate but deserves a word (SHACL warnings and infos) travels with the files:
:class:`ShaclGate` returns :class:`GateFiles`, a mapping like any gate's, whose ``report``
the build hands to its caller (``kg build`` prints the counts and the first findings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pyoxigraph import Quad

from kg.errors import BuildError, ValidationFailedError
from kg.rdf.serialize import ntriples

if TYPE_CHECKING:  # the engines are imported when a gate runs: the file names below are
    # read by every command (kg.release.layout), which need not load rdflib, HermiT, SHACL
    from kg.ontology import Ontology
    from kg.reasoning import Limits
    from kg.shacl import Report, Validator

__all__ = [
    "FULL_FILE",
    "INFERRED_FILE",
    "VALIDATION_JSON",
    "VALIDATION_TTL",
    "Gate",
    "GateContext",
    "GateFiles",
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


class GateFiles(dict[str, bytes]):
    """The release files a gate returns, with the report of what it found that did not block
    (None: nothing to report). A plain ``Mapping[str, bytes]`` to the build and the
    :class:`Gate` protocol."""

    def __init__(self, files: Mapping[str, bytes], report: Report | None = None) -> None:
        super().__init__(files)
        self.report = report


@dataclass(frozen=True)
class ShaclGate:
    """Refuse a graph with SHACL violations (and, when ``strict``, warnings); publish
    ``validation.ttl`` and ``validation.json``, and return the report with them."""

    shapes_file: Path
    validator: Validator | None = None
    name: str = "validate"
    strict: bool = False
    """Warnings block too (``kg build --strict``); infos never do."""

    def __call__(self, quads: Sequence[Quad], ctx: GateContext) -> GateFiles:
        from kg.shacl import load_shapes, validate_graph

        lines = ctx.ontology.lines(ctx.shown(ctx.ontology.path))
        report = validate_graph(
            ntriples(quads), load_shapes(self.shapes_file), self.validator, lines
        )
        if not report.conforms:
            raise ValidationFailedError(
                "the graph does not conform to the SHACL shapes; nothing was published\n"
                + report.render(severities=("Violation",))
            )
        if self.strict and report.counts()["Warning"]:
            raise ValidationFailedError(
                "the graph has SHACL warnings and --strict refuses them; nothing was published\n"
                + report.render(severities=("Warning",))
            )
        files = {VALIDATION_TTL: report.to_turtle(), VALIDATION_JSON: report.to_json()}
        return GateFiles(files, report)


@dataclass(frozen=True)
class ReasoningGate:
    """Refuse an inconsistent graph or an unsatisfiable class; otherwise publish
    ``kg-inferred.ttl`` and ``kg-full.ttl``. ``method``: ``rules`` (HermiT on the ontology,
    rules over the data: linear) or ``hermit`` (HermiT on the whole projection: the
    reference); both give the same files (``tests/reasoning``)."""

    limits: Limits | None = None
    method: str = "rules"
    name: str = "reason"

    def __call__(self, quads: Sequence[Quad], ctx: GateContext) -> Mapping[str, bytes]:
        from kg.reasoning import METHODS, full_turtle, reason, reason_by_rules

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
