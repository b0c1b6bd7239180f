"""SHACL validation of a release: a swappable engine, normalised results, reports, the gate.

The engine sits behind :class:`Validator` and returns :class:`Result` tuples of N-Triples
terms, sorted, so a faster engine can replace pyshacl and be checked for identical output.
What a curator needs beyond SHACL (the focus node's label, the curated file and line it came
from) is added afterwards from the data, the same way for any engine.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

from kg.errors import BuildError, ValidationFailedError
from kg.load import Corpus
from kg.shapes import SHAPES, Shapes, load_shapes, path_text
from kg.vocab import OA, PREFIXES, RDFS, vocab

__all__ = [
    "ENGINES",
    "SEVERITIES",
    "Finding",
    "PyShaclValidator",
    "Report",
    "Result",
    "Validator",
    "default_validator",
    "ntriples",
    "ontology_lines",
    "shacl_gate",
    "validate_graph",
    "validate_release",
]

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


def _nt(term: rdflib.term.Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, rdflib.Literal):
        # pyoxigraph's N-Triples form: lower-case language tags, xsd:string left implicit
        if term.language:
            return str(ox.Literal(str(term), language=term.language.lower()))
        dt = str(term.datatype) if term.datatype else None
        return str(ox.Literal(str(term), datatype=ox.NamedNode(dt) if dt else None))
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    return "_:" + str(term)


_PATCH_LOCK = threading.Lock()


@contextmanager
def _parsed_once() -> Iterator[None]:
    """rdflib parses a SPARQL string on every ``Graph.query``, and pyshacl queries once per
    focus node: at 0.1 s a parse, parsing outweighed evaluation. Inside this block each text
    is parsed and translated once and the algebra reused, as rdflib's own ``prepareQuery``
    does; results are unchanged. The patch is process-wide while the block runs, so blocks
    are serialised by a lock; an rdflib query in another thread meanwhile gets the same
    answer (the cached algebra is what it would have parsed)."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    cache: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], object] = {}

    def query(self: Any, text: Any, initBindings: Any = None, initNs: Any = None,
              base: Any = None, DEBUG: bool = False) -> Any:  # fmt: skip
        if isinstance(text, str):
            key = (text, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(text), base, initNs)
            text = cache[key]
        return original(self, text, initBindings, initNs, base, DEBUG)

    with _PATCH_LOCK:  # read inside the lock: never capture another block's patch
        original = processor.SPARQLProcessor.query
        setattr(processor.SPARQLProcessor, "query", query)  # noqa: B010
        try:
            yield
        finally:
            setattr(processor.SPARQLProcessor, "query", original)  # noqa: B010


class PyShaclValidator:
    """pyshacl with SHACL-AF SPARQL targets, no inference, no owl:imports, no JavaScript."""

    name = "pyshacl"

    def validate(self, data: bytes, shapes: bytes) -> list[Result]:
        from pyshacl import validate

        data_graph = rdflib.Graph().parse(data=data, format="nt")
        shapes_graph = rdflib.Graph().parse(data=shapes, format="nt")
        with _parsed_once():
            _, report, _ = validate(
                data_graph,
                shacl_graph=shapes_graph,
                inference="none",
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=True,
                meta_shacl=False,
                advanced=True,
                js=False,
                do_owl_imports=False,
            )
        assert isinstance(report, rdflib.Graph)
        out = []
        for r in report.subjects(RDF.type, SH.ValidationResult):
            severity = report.value(r, SH.resultSeverity)
            path = report.value(r, SH.resultPath)
            messages = sorted(str(m) for m in report.objects(r, SH.resultMessage))
            out.append(
                Result(
                    severity=str(severity).rsplit("#", 1)[-1],
                    shape=_nt(report.value(r, SH.sourceShape)),
                    focus=_nt(report.value(r, SH.focusNode)),
                    path=path_text(report, path) if path is not None else "",
                    value=_nt(report.value(r, SH.value)),
                    message=" ".join(messages),
                    component=_nt(report.value(r, SH.sourceConstraintComponent)),
                )
            )
        return out


ENGINES = ("sparql", "pyshacl")
"""Validation engines by name: the SPARQL engine (default, fast) and pyshacl (reference)."""


def default_validator(engine: str = "sparql") -> Validator:
    """The engine called ``engine``; ``kg.shacl_sparql`` is imported lazily (it imports us)."""
    if engine == "pyshacl":
        return PyShaclValidator()
    if engine == "sparql":
        from kg.shacl_sparql import SparqlValidator

        return SparqlValidator()
    raise BuildError(f"unknown SHACL engine {engine!r}: use one of {', '.join(ENGINES)}")


def _result_key(r: Result) -> tuple[int, str, str, str, str, str, str]:
    return (SEVERITIES.index(r.severity), r.shape, r.focus, r.path, r.value, r.message, r.component)


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
        value = f" = {_short(self.value)}" if self.value else ""
        path = f" {_short(self.path)}" if self.path else ""
        return (
            f"{self.severity}: {where}: {_short(self.focus)}{label}{path}{value}: "
            f"{self.message} [{_short(self.shape)}]"
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
            f'    sh:conforms "{str(self.conforms).lower()}"^^<http://www.w3.org/2001/XMLSchema#boolean>'
            + (" ;" if self.findings else " ."),
        ]
        for i, f in enumerate(self.findings):
            props = [
                "a sh:ValidationResult",
                f"sh:resultSeverity sh:{f.severity}",
                f"sh:focusNode {f.focus}",
            ]
            if f.path:
                props.append(f"sh:resultPath {_turtle_path(f.path)}")
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
        by_shape = Counter(_short(f.shape) for f in wanted)
        if len(wanted) > 1:
            lines.append(
                "  by shape: " + ", ".join(f"{s} {n}" for s, n in sorted(by_shape.items()))
            )
        lines += ["  " + f.render() for f in shown]
        if len(shown) < len(wanted):
            lines.append(f"  ... and {len(wanted) - len(shown)} more (see validation.json)")
        return "\n".join(lines)


def _string(text: str) -> str:
    return str(ox.Literal(text))


def _turtle_path(path: str) -> str:
    steps = path.split("/<")
    if len(steps) > 1:
        return (
            "( "
            + " ".join(_turtle_path(s if i == 0 else "<" + s) for i, s in enumerate(steps))
            + " )"
        )
    if path.startswith("^"):
        return f"[ sh:inversePath {_turtle_path(path[1:])} ]"
    if path.endswith("*"):
        return f"[ sh:zeroOrMorePath {_turtle_path(path[:-1])} ]"
    if path.endswith("+"):
        return f"[ sh:oneOrMorePath {_turtle_path(path[:-1])} ]"
    return path


_SHORT = sorted({**PREFIXES, "dmkgsh": SHAPES, "sh": str(SH)}.items(), key=lambda kv: -len(kv[1]))


def _short(term: str) -> str:
    """``<https://w3id.org/dmkg/vocab/Drug>`` -> ``dmkg:Drug`` for messages; other terms as is."""

    def one(m: re.Match[str]) -> str:
        iri = m.group(1)
        for prefix, ns in _SHORT:
            if iri.startswith(ns) and re.fullmatch(r"[\w./-]*", iri[len(ns) :]):
                return f"{prefix}:{iri[len(ns) :]}"
        return m.group(0)

    return re.sub(r"<([^<>\s]+)>", one, term)


def ontology_lines(ontology_file: Path, shown_as: str) -> dict[str, str]:
    """``<term IRI>`` -> ``"ontology/dmkg.ttl:LINE"`` of the line that starts its description."""
    prefixes: dict[str, str] = {}
    out: dict[str, str] = {}
    text = ontology_file.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r"@prefix\s+([\w-]*):\s*<([^>]*)>", line)
        if m:
            prefixes[m.group(1)] = m.group(2)
            continue
        m = re.match(r"(?:<([^>]+)>|([\w-]*):([\w-]*))\s", line)
        if m is None:
            continue
        iri = m.group(1) or (
            prefixes.get(m.group(2), "") + m.group(3) if m.group(2) in prefixes else ""
        )
        if iri:
            out.setdefault(f"<{iri}>", f"{shown_as}:{n}")
    return out


class _Provenance:
    """Labels and curated file:line of nodes, read from the validated data."""

    def __init__(self, data: bytes, ontology: dict[str, str]) -> None:
        self.store = ox.Store()
        self.store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        self.ontology = ontology
        self.label_p = ox.NamedNode(RDFS + "label")
        self.curated_p = ox.NamedNode(vocab("curatedIn"))
        self.owners = [ox.NamedNode(vocab("hasEvidence")), ox.NamedNode(OA + "hasTarget")]
        self.selector_p = ox.NamedNode(OA + "hasSelector")

    @staticmethod
    def _node(term: str) -> ox.NamedNode | None:
        return ox.NamedNode(term[1:-1]) if term.startswith("<") and term.endswith(">") else None

    def _values(self, s: ox.NamedNode, p: ox.NamedNode) -> list[str]:
        return sorted(
            q.object.value
            for q in self.store.quads_for_pattern(s, p, None)
            if not isinstance(q.object, ox.Triple)
        )

    def label(self, term: str) -> str:
        node = self._node(term)
        values = self._values(node, self.label_p) if node else []
        return values[0] if values else ""

    def curated_in(self, term: str, depth: int = 0) -> str:
        node = self._node(term)
        if node is None:
            return ""
        direct = self._values(node, self.curated_p)
        if direct:
            return direct[0]
        if term in self.ontology:
            return self.ontology[term]
        if depth < 2:  # evidence -> claim or note; selector -> evidence -> claim
            for p in [*self.owners, self.selector_p]:
                found = sorted(
                    self.curated_in(str(q.subject), depth + 1)
                    for q in self.store.quads_for_pattern(None, p, node)
                )
                if found and found[0]:
                    return found[0]
        return ""


def validate_graph(
    data: bytes,
    shapes: Shapes,
    validator: Validator | None = None,
    ontology: dict[str, str] | None = None,
) -> Report:
    """Validate N-Triples ``data``; ``ontology`` maps term IRIs to their line in dmkg.ttl."""
    engine = validator or default_validator()
    results = sorted(set(engine.validate(data, shapes.ntriples())), key=_result_key)
    prov = _Provenance(data, ontology or {})
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
    return Report(findings, engine.name)


def ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The triples of ``quads`` (graphs merged) as sorted N-Triples."""
    lines = {f"{q.subject} {q.predicate} {q.object} .\n" for q in quads}
    return "".join(sorted(lines)).encode("utf-8")


def validate_release(
    release: Path, shapes_file: Path, ontology_file: Path | None = None,
    validator: Validator | None = None,
) -> Report:  # fmt: skip
    """Validate the asserted graph of a release folder (``kg.nt``)."""
    data_file = release / "kg.nt"
    try:
        data = data_file.read_bytes()
    except FileNotFoundError as exc:
        raise BuildError(
            f"{data_file} is missing: is {release} a release? (run `kg build`)"
        ) from exc
    lines = ontology_lines(ontology_file, str(ontology_file)) if ontology_file else None
    return validate_graph(data, load_shapes(shapes_file), validator, lines)


def shacl_gate(
    shapes_file: Path, ontology_file: Path, validator: Validator | None = None
) -> Callable[[Corpus, list[ox.Quad]], dict[str, bytes]]:
    """The build check: refuse a graph with violations; publish the report files."""

    def validate(corpus: Corpus, quads: list[ox.Quad]) -> dict[str, bytes]:
        lines = ontology_lines(ontology_file, corpus.rel(ontology_file))
        report = validate_graph(ntriples(quads), load_shapes(shapes_file), validator, lines)
        if not report.conforms:
            raise ValidationFailedError(
                "the graph does not conform to the SHACL shapes; nothing was published\n"
                + report.render(severities=("Violation",))
            )
        return {"validation.ttl": report.to_turtle(), "validation.json": report.to_json()}

    return validate
