"""Checks of a built release folder (``kg validate``, ``kg reason``, ``kg report``).

The same checks as the build's gates, run on the release's own ``kg.nt``: a release can be
re-checked with other shapes, another engine or other QC checks without rebuilding it.
"""

from __future__ import annotations

from pathlib import Path

from kg.gates import FULL_FILE, INFERRED_FILE
from kg.ontology import Ontology
from kg.qc import QcReport, qc_report
from kg.reasoning import Inference, Limits, full_turtle, reason
from kg.release.layout import asserted_ntriples
from kg.shacl import Report, Validator, load_shapes, validate_graph

__all__ = ["qc_release", "reason_release", "validate_release"]


def validate_release(
    release: Path, shapes_file: Path, ontology_file: Path | None = None,
    validator: Validator | None = None,
) -> Report:  # fmt: skip
    """Validate the asserted graph of a release folder (``kg.nt``); findings on ontology terms
    name their line in ``ontology_file`` when given."""
    data = asserted_ntriples(release)
    lines = Ontology.read(ontology_file).lines(str(ontology_file)) if ontology_file else None
    return validate_graph(data, load_shapes(shapes_file), validator, lines)


def reason_release(
    release: Path, limits: Limits | None = None
) -> tuple[Inference, dict[str, bytes]]:
    """Reason over a release folder's ``kg.nt``; the inference and the files to write."""
    data = asserted_ntriples(release)
    inference = reason(data, limits)
    return inference, {INFERRED_FILE: inference.turtle(), FULL_FILE: full_turtle(data, inference)}


def qc_release(release: Path, checks_dir: Path, exceptions_file: Path) -> QcReport:
    """The QC checks of ``checks_dir`` on a release folder's ``kg.nt``."""
    return qc_report(asserted_ntriples(release), checks_dir, exceptions_file)
