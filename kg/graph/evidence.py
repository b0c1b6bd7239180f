"""Web Annotation evidence: the quoted spans of a source, and curator notes on passages.

A span is an ``oa:SpecificResource`` on the source with a ``TextQuoteSelector`` (the exact
words, with 32 characters of context) and a ``TextPositionSelector`` (character offsets), so
a reader can find the words again even if one of the two is lost.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Quad

from kg.curation.corpus import Corpus, LoadedNote
from kg.curation.quotes import Span
from kg.curation.records import NoteKind
from kg.graph.entities import Triple, curated_in
from kg.rdf.terms import english, integer, string
from kg.rdf.vocab import (
    CURATED_IN,
    CURATOR_NOTE_CLASS,
    NOTE_KIND,
    OA_ANNOTATION,
    OA_BODY_VALUE,
    OA_COMMENTING,
    OA_END,
    OA_EXACT,
    OA_HAS_SELECTOR,
    OA_HAS_SOURCE,
    OA_HAS_TARGET,
    OA_MOTIVATED_BY,
    OA_PREFIX,
    OA_SPECIFIC_RESOURCE,
    OA_START,
    OA_SUFFIX,
    OA_TEXT_POSITION_SELECTOR,
    OA_TEXT_QUOTE_SELECTOR,
    RDF_TYPE,
    RDFS_LABEL,
    evidence_iri,
    graph_iri,
    note_iri,
    source_iri,
    term,
)

__all__ = ["NOTE_KIND_TERM", "note_quads", "span_iri", "span_triples"]

NOTE_KIND_TERM = {k: k.value.title().replace("-", "") for k in NoteKind}
NOTE_KIND_TERM[NoteKind.NOT_A_FACT] = "NotAFact"


def span_iri(source: str, span: Span) -> NamedNode:
    return NamedNode(evidence_iri(source, span.start, span.end))


def span_triples(node: NamedNode, source: NamedNode, span: Span) -> list[Triple]:
    quote = NamedNode(node.value + "/quote")
    pos = NamedNode(node.value + "/position")
    return [
        (node, RDF_TYPE, OA_SPECIFIC_RESOURCE),
        (node, OA_HAS_SOURCE, source),
        (node, OA_HAS_SELECTOR, quote),
        (node, OA_HAS_SELECTOR, pos),
        (quote, RDF_TYPE, OA_TEXT_QUOTE_SELECTOR),
        (quote, OA_EXACT, string(span.exact)),
        (quote, OA_PREFIX, string(span.prefix)),
        (quote, OA_SUFFIX, string(span.suffix)),
        (pos, RDF_TYPE, OA_TEXT_POSITION_SELECTOR),
        # xsd:integer rather than the spec's xsd:nonNegativeInteger: pyoxigraph stores the
        # latter as xsd:integer, and the release must equal what the store serves.
        (pos, OA_START, integer(span.start)),
        (pos, OA_END, integer(span.end)),
    ]


def note_quads(corpus: Corpus, ln: LoadedNote) -> list[Quad]:
    """A curator's note on a passage (page furniture, translation error ...), in the graph of
    its source."""
    g = NamedNode(graph_iri(ln.source))
    source = NamedNode(source_iri(ln.source))
    target = span_iri(ln.source, ln.span)
    kind = ln.note.kind.value
    s = NamedNode(note_iri(ln.source, ln.span.start, ln.span.end, kind))
    excerpt = " ".join(ln.span.exact.split())[:80].rstrip()
    t: list[Triple] = [
        (s, RDF_TYPE, CURATOR_NOTE_CLASS),
        (s, RDF_TYPE, OA_ANNOTATION),
        (s, RDFS_LABEL, english(f"{kind.replace('-', ' ')}: {excerpt}")),
        (s, OA_MOTIVATED_BY, OA_COMMENTING),
        (s, OA_BODY_VALUE, english(" ".join(ln.note.note.split()))),
        (s, NOTE_KIND, term(NOTE_KIND_TERM[ln.note.kind])),
        (s, OA_HAS_TARGET, target),
        (s, CURATED_IN, curated_in(corpus, ln.path, ln.line)),
    ]
    t += span_triples(target, source, ln.span)
    return [Quad(a, b, o, g) for a, b, o in t]
