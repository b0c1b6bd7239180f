"""Layer 3: SHACL validation of a graph, on a swappable engine, reported for curators.

- :mod:`~kg.shacl.result`: the engine protocol and engine-neutral results;
- :mod:`~kg.shacl.shapes`: the shapes file loaded offline, every shape named, the path renderer;
- :mod:`~kg.shacl.sparql_engine`: SHACL compiled to SPARQL on pyoxigraph (the default);
- :mod:`~kg.shacl.pyshacl_engine`: pyshacl (the reference the other is tested against);
- :mod:`~kg.shacl.report` / :mod:`~kg.shacl.provenance`: findings with labels and file:line;
- :mod:`~kg.shacl.compare`: results of two engines made comparable.

What a curator needs beyond SHACL (the focus node's label, the curated file and line it came
from) is added after the engine ran, the same way for any engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from kg.errors import BuildError
from kg.shacl.provenance import Provenance
from kg.shacl.pyshacl_engine import PyShaclValidator
from kg.shacl.report import Finding, Report
from kg.shacl.result import SEVERITIES, Result, Validator, result_key
from kg.shacl.shapes import Shapes, load_shapes
from kg.shacl.sparql_engine import SparqlValidator

__all__ = [
    "ENGINES",
    "SEVERITIES",
    "Finding",
    "PyShaclValidator",
    "Report",
    "Result",
    "Shapes",
    "SparqlValidator",
    "Validator",
    "engine",
    "load_shapes",
    "validate_graph",
]

ENGINES: Final[Mapping[str, Callable[[], Validator]]] = {
    "sparql": SparqlValidator,
    "pyshacl": PyShaclValidator,
}
"""Validation engines by name, default first: the SPARQL engine (fast) and pyshacl (the
reference). ``kg validate --engine`` takes its choices from here."""


def engine(name: str = "sparql") -> Validator:
    """A fresh engine called ``name``."""
    try:
        return ENGINES[name]()
    except KeyError:
        raise BuildError(
            f"unknown SHACL engine {name!r}: use one of {', '.join(ENGINES)}"
        ) from None


def validate_graph(
    data: bytes,
    shapes: Shapes,
    validator: Validator | None = None,
    ontology_lines: dict[str, str] | None = None,
) -> Report:
    """Validate canonical N-Triples ``data``; ``ontology_lines`` maps term IRIs to their line
    in the ontology file (:meth:`kg.ontology.Ontology.lines`)."""
    validator = validator or engine()
    results = sorted(set(validator.validate(data, shapes.ntriples())), key=result_key)
    prov = Provenance(data, ontology_lines or {})
    findings = tuple(
        Finding(
            severity=r.severity,
            focus=r.focus,
            label=prov.label(r.focus),
            path=r.path,
            value=r.value,
            message=r.message,
            shape=r.shape,
            component=r.component,
            curated_in=prov.curated_in(r.focus),
        )
        for r in results
    )
    return Report(findings, validator.name)
