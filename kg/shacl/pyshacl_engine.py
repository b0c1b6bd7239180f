"""pyshacl behind the :class:`~kg.shacl.result.Validator` protocol: the reference engine."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import rdflib
from rdflib.namespace import RDF, SH

from kg.errors import BuildError
from kg.rdf.terms import nt
from kg.shacl.result import Result
from kg.shacl.shapes import path_text

__all__ = ["PyShaclValidator"]

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
        if not isinstance(report, rdflib.Graph):  # pyshacl refused the shapes (ValidationFailure)
            raise BuildError(f"pyshacl cannot validate with these shapes: {report}")
        out = []
        # the report's own results only: those nested under sh:detail (of a failing sh:node)
        # explain a result, they are not results of the graph
        reports = list(report.subjects(RDF.type, SH.ValidationReport))
        for r in (r for node in reports for r in report.objects(node, SH.result)):
            severity = report.value(r, SH.resultSeverity)
            path = report.value(r, SH.resultPath)
            messages = sorted(str(m) for m in report.objects(r, SH.resultMessage))
            out.append(
                Result(
                    severity=str(severity).rsplit("#", 1)[-1],
                    shape=nt(report.value(r, SH.sourceShape)),
                    focus=nt(report.value(r, SH.focusNode)),
                    path=path_text(report, path) if path is not None else "",
                    value=nt(report.value(r, SH.value)),
                    message=" ".join(messages),
                    component=nt(report.value(r, SH.sourceConstraintComponent)),
                )
            )
        return out
