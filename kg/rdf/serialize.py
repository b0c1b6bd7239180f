"""RDF serialisation with our prefixes: the one writer of release files, pages and answers.

Input is always sorted (quads by :func:`quad_key`, triples by their N-Triples text), so every
output is byte-for-byte reproducible. N-Triples is written canonically: one triple per line,
lines sorted as bytes, so a diff between two releases shows exactly the triples that changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from pyoxigraph import Quad, RdfFormat, Triple
from pyoxigraph import serialize as _serialize

from kg.rdf.vocab import PREFIXES

__all__ = [
    "jsonld",
    "jsonld_context",
    "ntriples",
    "quad_key",
    "serialize",
    "sorted_triples",
]


def quad_key(q: Quad) -> tuple[str, str]:
    """Sort key of a release's quads: graph, then subject, predicate, object as N-Triples.

    ``str(q.triple)`` is ``"s p o"``; it orders exactly as the tuple ``(s, p, o)`` because no
    term is a proper prefix of another that continues with a character below the space."""
    return str(q.graph_name), str(q.triple)


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The distinct triples of ``quads`` (graphs merged), sorted as ``(s, p, o)``."""
    return sorted(dict.fromkeys(q.triple for q in quads), key=str)


def serialize(data: Sequence[Triple] | Sequence[Quad], fmt: RdfFormat) -> bytes:
    """``data`` in ``fmt``, with our prefixes where the format has prefixes."""
    out = _serialize(data, format=fmt, prefixes=PREFIXES)
    assert out is not None  # no output file given: pyoxigraph returns the bytes
    return out


def ntriples(data: Iterable[Quad] | Iterable[Triple]) -> bytes:
    """Canonical N-Triples of the triples of ``data`` (graphs merged): distinct lines, sorted.

    Lines are split at ``\\n`` only: N-Triples writes U+0085, U+2028, U+2029 and the like
    unescaped inside literals, where ``splitlines`` would cut a triple in two. UTF-8 bytes sort
    in code-point order, so sorting the bytes equals sorting the text."""
    lines = {f"{t.subject} {t.predicate} {t.object} .\n" for t in data}
    return "".join(sorted(lines)).encode("utf-8")


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context of a release: our prefix map."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def jsonld(triples: Sequence[Triple]) -> bytes:
    """JSON-LD of sorted triples under our prefix context.

    pyoxigraph writes compact, expanded JSON-LD (a node array ordered as its sorted input);
    the context is put around those bytes as they are (parsing them back into Python objects
    cost several times the file's size), so processors can compact with our CURIEs."""
    context = json.dumps(jsonld_context()["@context"], ensure_ascii=False, separators=(",", ":"))
    nodes = serialize(triples, RdfFormat.JSON_LD)
    return b'{"@context":' + context.encode("utf-8") + b',"@graph":' + nodes + b"}\n"
