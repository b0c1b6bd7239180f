"""A validation report as curators and tools read it: findings, JSON, W3C Turtle, text.

A finding is an engine's result plus what a curator needs to act on it: the focus node's
label and the curated file and line it came from (:mod:`kg.shacl.provenance`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from pyoxigraph import Literal

from kg.rdf.prefixes import shorten_terms
from kg.rdf.vocab import PREFIXES, SH, XSD_BOOLEAN
from kg.shacl.result import SEVERITIES
from kg.shacl.shapes import turtle_path

__all__ = ["Finding", "Report"]


def _string(text: str) -> str:
    return str(Literal(text))


@dataclass(frozen=True)
class Finding:
    """A result plus what a curator needs to act on it."""

    severity: str
    focus: str
    label: str
    path: str
    value: str
    message: str
    shape: str
    component: str
    curated_in: str

    def render(self) -> str:
        where = self.curated_in or "(no curated record)"
        label = f" {_string(self.label)}" if self.label else ""
        value = f" = {shorten_terms(self.value)}" if self.value else ""
        path = f" {shorten_terms(self.path)}" if self.path else ""
        return (
            f"{self.severity}: {where}: {shorten_terms(self.focus)}{label}{path}{value}: "
            f"{self.message} [{shorten_terms(self.shape)}]"
        )


@dataclass(frozen=True)
class Report:
    """The outcome of validating one graph; byte-for-byte reproducible in both formats."""

    findings: tuple[Finding, ...]
    engine: str

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def to_json(self) -> bytes:
        body = {
            "conforms": self.conforms,
            "counts": self.counts(),
            "results": [asdict(f) for f in self.findings],
        }
        return (json.dumps(body, indent=1, ensure_ascii=False) + "\n").encode("utf-8")

    def to_turtle(self) -> bytes:
        """A W3C SHACL validation report, plus ``dmkg:curatedIn`` on each result."""
        lines = [
            f"@prefix sh: <{SH}> .",
            f"@prefix dmkg: <{PREFIXES['dmkg']}> .",
            "",
            "[] a sh:ValidationReport ;",
            f'    sh:conforms "{str(self.conforms).lower()}"^^{XSD_BOOLEAN}'
            + (" ;" if self.findings else " ."),
        ]
        for i, f in enumerate(self.findings):
            props = [
                "a sh:ValidationResult",
                f"sh:resultSeverity sh:{f.severity}",
                f"sh:focusNode {f.focus}",
            ]
            if f.path:
                props.append(f"sh:resultPath {turtle_path(f.path)}")
            if f.value:
                props.append(f"sh:value {f.value}")
            props.append(f"sh:resultMessage {_string(f.message)}")
            props.append(f"sh:sourceShape {f.shape}")
            if f.component:
                props.append(f"sh:sourceConstraintComponent {f.component}")
            if f.curated_in:
                props.append(f"dmkg:curatedIn {_string(f.curated_in)}")
            end = " ;" if i < len(self.findings) - 1 else " ."
            lines.append("    sh:result [ " + " ;\n        ".join(props) + " ]" + end)
        return ("\n".join(lines) + "\n").encode("utf-8")

    def render(self, limit: int | None = 50, severities: Iterable[str] = SEVERITIES) -> str:
        wanted = [f for f in self.findings if f.severity in set(severities)]
        shown = wanted if limit is None else wanted[:limit]
        counts = ", ".join(f"{n} {s.lower()}(s)" for s, n in self.counts().items())
        lines = [
            f"SHACL ({self.engine}): {'conforms' if self.conforms else 'does NOT conform'}: {counts}"
        ]
        by_shape = Counter(shorten_terms(f.shape) for f in wanted)
        if len(wanted) > 1:
            lines.append(
                "  by shape: " + ", ".join(f"{s} {n}" for s, n in sorted(by_shape.items()))
            )
        lines += ["  " + f.render() for f in shown]
        if len(shown) < len(wanted):
            lines.append(f"  ... and {len(wanted) - len(shown)} more (see validation.json)")
        return "\n".join(lines)
