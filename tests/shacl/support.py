"""The shape fixtures (``tests/shacl/fixtures/<Shape>.valid|invalid.ttl``), read the way both
engines' tests need them."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from kg.ontology import Ontology
from kg.rdf.vocab import ID, PREFIXES, SHAPES
from kg.shacl.shapes import load_shapes
from tests.support import PATHS

__all__ = ["ALL_SHAPES", "FIXTURES", "ONTOLOGY_LINES", "PREAMBLE", "PREFIX_MAP", "Triple",
           "fixture", "node_shapes", "shape_iri", "term_iri"]  # fmt: skip

FIXTURES = Path(__file__).parent / "fixtures"
ALL_SHAPES = load_shapes(PATHS.shapes_file)
PREFIX_MAP = {**PREFIXES, "dmkgsh": SHAPES, "sh": str(SH)}
PREAMBLE = f"@base <{ID}> .\n" + "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIX_MAP.items())
ONTOLOGY = rdflib.Graph().parse(PATHS.ontology_file, format="turtle")
ONTOLOGY_LINES = Ontology.read(PATHS.ontology_file).lines("ontology/dmkg.ttl")
Triple = tuple[str, str, str]


def term_iri(text: str) -> str:
    """``dmkg:Drug``, ``<drug/d>`` (relative to the id base), ``<https://...>`` -> ``<IRI>``."""
    if text.startswith("<"):
        inner = text[1:-1]
        return f"<{inner if '://' in inner else ID + inner}>"
    prefix, _, local = text.partition(":")
    return f"<{PREFIX_MAP[prefix]}{local}>"


def _path(text: str) -> str:
    if text == "-":
        return ""
    if text.startswith("^"):
        return "^" + term_iri(text[1:])
    return "/".join(term_iri(step) for step in text.split("/"))


def shape_iri(local: str) -> str:
    return f"<{SHAPES}{local}>"


def fixture(name: str) -> tuple[bytes, set[Triple], set[str] | None]:
    """Data (fixture + ontology) as N-Triples, expected (shape, focus, path), watched shapes."""
    text = (FIXTURES / f"{name}.ttl").read_text(encoding="utf-8")
    expected: set[Triple] = set()
    watched: set[str] | None = None
    for line in text.splitlines():
        if m := re.match(r"# expect: (\S+) (\S+) (\S+)$", line):
            focus = "_:" if m[2] == "_:" else term_iri(m[2])
            expected.add((shape_iri(m[1]), focus, _path(m[3])))
        elif m := re.match(r"# shapes: (.+)$", line):
            watched = {shape_iri(s) for s in m[1].split()}
    graph = rdflib.Graph().parse(data=PREAMBLE + text, format="turtle")
    graph += ONTOLOGY
    return graph.serialize(format="nt", encoding="utf-8"), expected, watched


def node_shapes() -> list[str]:
    return [s.removeprefix(SHAPES) for s in ALL_SHAPES.node_shapes()]
