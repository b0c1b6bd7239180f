"""RDF serialisation with our prefixes: the one writer of release files, pages and answers.

Input is always sorted (quads by :func:`quad_key`, triples by their N-Triples text), so every
output is byte-for-byte reproducible. N-Triples is written canonically: one triple per line,
lines sorted as bytes, so a diff between two releases shows exactly the triples that changed.

Turtle and TriG are written with :data:`TURTLE_PREFIXES`: one prefix per kind of IRI we mint
(``dmkg.drug:anakinra``) instead of ``dmkgid:``, whose local parts hold a ``/`` that Turtle
must escape (``dmkgid:drug\\/anakinra``); an IRI no prefix fits without a ``/`` (an evidence
selector, ``id/evidence/<hash>/quote``) is written in full. JSON-LD is compacted by PyLD under
:func:`jsonld_context`, given inline: no context is ever fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Final

from pyoxigraph import Quad, RdfFormat, Triple
from pyoxigraph import serialize as _serialize

from kg.rdf.vocab import KIND_PREFIXES, PREFIXES, RDF_TYPE

__all__ = [
    "CONTEXT_PREFIXES",
    "TURTLE_PREFIXES",
    "jsonld",
    "jsonld_context",
    "ntriples",
    "quad_key",
    "serialize",
    "sorted_triples",
]

CONTEXT_PREFIXES: Final[dict[str, str]] = dict(sorted({**PREFIXES, **KIND_PREFIXES}.items()))
"""The JSON-LD context of releases and pages (and ``/prefixes``): the release prefixes plus
one per kind of minted IRI; compaction picks the shortest compact IRI, so entities read
``dmkg.drug:anakinra`` and evidence ``dmkgid:evidence/<hash>``."""
TURTLE_PREFIXES: Final[dict[str, str]] = {
    k: v for k, v in CONTEXT_PREFIXES.items() if k != "dmkgid"
}
"""Prefixes written into Turtle and TriG. pyoxigraph uses the longest prefix that matches and
escapes a ``/`` in the rest, so ``dmkgid:`` is left out: without it an IRI no kind prefix
fits is written in full."""


def quad_key(q: Quad) -> tuple[str, str]:
    """Sort key of a release's quads: graph, then subject, predicate, object as N-Triples.

    ``str(q.triple)`` is ``"s p o"``; it orders exactly as the tuple ``(s, p, o)`` because no
    term is a proper prefix of another that continues with a character below the space."""
    return str(q.graph_name), str(q.triple)


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The distinct triples of ``quads`` (graphs merged), sorted as ``(s, p, o)``."""
    return sorted(dict.fromkeys(q.triple for q in quads), key=str)


def serialize(data: Sequence[Triple] | Sequence[Quad], fmt: RdfFormat) -> bytes:
    """``data`` in ``fmt``, with :data:`TURTLE_PREFIXES` where the format has prefixes
    (JSON-LD is :func:`jsonld`)."""
    out = _serialize(data, format=fmt, prefixes=TURTLE_PREFIXES)
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
    """The JSON-LD context of a release: :data:`CONTEXT_PREFIXES`."""
    return {"@context": dict(CONTEXT_PREFIXES)}


def _no_fetch(url: str, options: object = None) -> Any:
    from pyld.jsonld import JsonLdError

    raise JsonLdError(
        f"remote JSON-LD document {url!r} refused: dmkg never fetches", "dmkg.offline"
    )


def _rdf_types(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rdf:type`` values that are IRIs or blank nodes as ``@type``, as JSON-LD's fromRdf
    does by default (pyoxigraph writes them as a plain property)."""
    key = RDF_TYPE.value
    for node in nodes:
        values = node.get(key)
        if values and all(set(v) == {"@id"} for v in values):
            node["@type"] = [v["@id"] for v in values]
            del node[key]
    return nodes


@cache
def _processor() -> Any:
    """PyLD's processor with IRI compaction memoised per IRI and position.

    PyLD spends most of a release's compaction in ``_compact_iri``, testing every term of the
    context against every IRI occurrence (a 200-drug release: 8 s of 11). Our context holds
    prefixes only (no type, language or container mappings), so an IRI's compact form depends
    on the IRI and its position alone, never on the value it sits in: the answer is kept per
    (IRI, vocab, reverse, base, context). A test compares the output with plain PyLD's."""
    from pyld import jsonld as pyld

    class Memoised(pyld.JsonLdProcessor):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.seen: dict[tuple[object, ...], Any] = {}

        def _compact_iri(
            self, active_ctx: Any, iri: Any, value: Any = None, vocab: bool = False,
            base: Any = None, reverse: bool = False,
        ) -> Any:  # fmt: skip
            key = (iri, vocab, reverse, base, id(active_ctx))
            if key not in self.seen:
                self.seen[key] = super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
            return self.seen[key]

    return Memoised


def _chunks(triples: Sequence[Triple], size: int) -> Iterable[Sequence[Triple]]:
    """Runs of about ``size`` triples, cut only between subjects (sorted input keeps each
    subject's triples together, so every node object lies in one run)."""
    start = 0
    while start < len(triples):
        end = min(start + size, len(triples))
        while end < len(triples) and triples[end].subject == triples[end - 1].subject:
            end += 1
        yield triples[start:end]
        start = end


def jsonld(triples: Sequence[Triple], *, memoise: bool = True, chunk: int = 50_000) -> bytes:
    """Compacted JSON-LD of sorted triples under :func:`jsonld_context`.

    pyoxigraph writes expanded JSON-LD, one node object per subject in the order of its sorted
    input; PyLD compacts it (``skipExpansion``: it already is expanded), which keeps that order
    and sorts the keys, so the bytes are reproducible. A node's compaction depends on the node
    alone, so runs of ``chunk`` triples are compacted and written one after the other (the
    same bytes as one run, in bounded memory). ``memoise=False`` runs plain PyLD (the
    reference the memoised run is tested against)."""
    from pyld import jsonld as pyld

    context = jsonld_context()
    head = json.dumps(context, indent=1, ensure_ascii=False)[:-2]  # without the closing "\n}"
    parts = [head, ',\n "@graph": [']
    first = True
    for run in _chunks(triples, chunk):
        expanded = json.loads(_serialize(run, format=RdfFormat.JSON_LD) or b"[]")
        processor = _processor()() if memoise else pyld.JsonLdProcessor()
        compacted = processor.compact(
            _rdf_types(expanded),
            context,
            {"documentLoader": _no_fetch, "skipExpansion": True, "graph": True},
        )
        for node in compacted["@graph"]:
            text = json.dumps(node, indent=1, ensure_ascii=False)
            parts.append(
                ("\n" if first else ",\n") + "\n".join("  " + ln for ln in text.split("\n"))
            )
            first = False
    parts.append("\n ]\n}\n" if not first else "]\n}\n")
    return "".join(parts).encode("utf-8")
