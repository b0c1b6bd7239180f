"""The reader's foundation: SPARQL over the release store, labels, references, a cache.

One reader per release, created when the service starts: the store never changes, so
nothing it has built ever needs invalidating.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from string import Template
from typing import Any, Final, TypeVar, cast

from pyoxigraph import BlankNode, Literal, NamedNode

from kg.curation.claimtypes import CLAIM_SPECS
from kg.rdf import prefixes
from kg.rdf.sparqltext import iris_block
from kg.rdf.vocab import (
    BASE,
    BRAND_NAME,
    CURATED_IN,
    CURATOR_NOTE,
    DMKG,
    HAS_EVIDENCE,
    HAS_OBJECT,
    HAS_SUBJECT,
    ID,
    PREFIXES,
    PROV_WAS_DERIVED_FROM,
    RDF_LANG_STRING,
    RDF_TYPE,
    RDFS_LABEL,
    SKOS_ALT_LABEL,
    SKOS_DEFINITION,
    SKOS_MATCHES,
    XSD,
    XSD_STRING,
    term,
)
from kg.store.protocol import QueryableStore
from kg.views.models import (  # noqa: F401 (re-exported for the subclasses)
    Claim,
    Evidence,
    Mapping,
    Monograph,
    Note,
    Qualifier,
    Ref,
    Scalar,
    SourceRecord,
    Summary,
)

T = TypeVar("T")
CACHE_ENTRIES: Final = 1024
"""Monographs and lists kept per release (a few kB to a few hundred kB each)."""

# predicates as the IRI strings the reader groups triples by
TYPE: Final = RDF_TYPE.value
LABEL: Final = RDFS_LABEL.value
P_SUBJECT, P_OBJECT, P_EVIDENCE = HAS_SUBJECT.value, HAS_OBJECT.value, HAS_EVIDENCE.value
P_NOTE, P_CURATED, P_BRAND = CURATOR_NOTE.value, CURATED_IN.value, BRAND_NAME.value
P_DERIVED = PROV_WAS_DERIVED_FROM.value
P_DEFINITION, P_ALT = SKOS_DEFINITION.value, SKOS_ALT_LABEL.value
MATCHES: Final = tuple(m.value for m in SKOS_MATCHES)
CLAIM_ORDER: Final = {term(spec.rdf_class).value: i for i, spec in enumerate(CLAIM_SPECS.values())}
"""Claim classes in the order of the claim table (indications before dosing ...)."""

CLAIM_FIELDS: Final = {TYPE, LABEL, P_SUBJECT, P_OBJECT, P_EVIDENCE, P_NOTE, P_CURATED, P_DERIVED}
ENTITY_FIELDS: Final = {TYPE, LABEL, P_DEFINITION, P_ALT, P_BRAND, P_NOTE, P_CURATED, *MATCHES}
TERM_KINDS: Final = (
    "Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty", "NamedIndividual",
)  # fmt: skip


__all__ = [
    "CLAIM_ORDER", "Node", "ReaderBase", "Triples", "href", "iri_term", "kind_id", "scalar",
    "string", "values",
]  # fmt: skip


def href(iri: str) -> str | None:
    """Path of the page describing ``iri`` on this service, ``None`` for external IRIs."""
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE) :]
    return None


def kind_id(iri: str) -> tuple[str | None, str | None]:
    if iri.startswith(ID):
        kind, _, ident = iri[len(ID) :].partition("/")
        return (kind, ident) if ident else (None, None)
    if iri.startswith(DMKG) and len(iri) > len(DMKG):
        return "vocab", iri[len(DMKG) :]
    return None, None


def scalar(lit: NamedNode | BlankNode | Literal) -> Scalar:
    if not isinstance(lit, Literal):
        return lit.value
    dt = lit.datatype.value
    try:
        if dt == XSD + "integer" or (dt.startswith(XSD) and dt.endswith("Integer")):
            return int(lit.value)
        if dt == XSD + "decimal":
            d = Decimal(lit.value)
            return int(d) if d == d.to_integral_value() else float(d)
        if dt in (XSD + "double", XSD + "float"):
            return float(lit.value)
    except (ValueError, InvalidOperation):
        return lit.value
    if dt == XSD + "boolean":
        return lit.value in ("true", "1")
    return lit.value


def iri_term(iri: str) -> str:
    """``<iri>`` for a SPARQL text; ``ValueError`` for anything that is not an IRI (pyoxigraph
    validates it, so nothing can break out of the brackets)."""
    return str(NamedNode(iri))


def values(iris: Iterable[str]) -> str:
    """The IRIs as the body of a ``VALUES`` block, sorted."""
    return iris_block(iris)


def string(text: str) -> str:
    """A quoted, escaped SPARQL string literal."""
    return str(Literal(text))


Node = NamedNode | BlankNode | Literal
Triples = dict[str, list[tuple[str, Node]]]


class ReaderBase:
    """Queries, labels, references and the page cache of one immutable store."""

    def __init__(self, store: QueryableStore) -> None:
        self.store = store
        self._labels: dict[str, str | None] = {}
        self._cache: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def select(self, query: str, **parts: str) -> list[tuple[Any, ...]]:
        """Rows of a SELECT over the union of all graphs; the release prefixes are declared.

        ``$name`` placeholders take ``parts[name]``, SPARQL text made only by :func:`iri_term`,
        :func:`values` or :func:`string` (validated terms), never raw input."""
        text = Template(query).substitute(parts)
        result = self.store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [tuple(row[n] for n in names) for row in result]  # type: ignore[union-attr]

    def _by_subject(self, rows: Iterable[tuple[Any, ...]]) -> Triples:
        out: Triples = defaultdict(list)
        seen: set[tuple[str, str, Node]] = set()
        for s, p, o in rows:
            key = (s.value, p.value, o)
            if key not in seen:
                seen.add(key)
                out[s.value].append((p.value, o))
        return out

    def exists(self, iri: str) -> bool:
        """Whether the release says anything about ``iri`` (as a subject)."""
        return next(self.store.quads_for_pattern(NamedNode(iri), None, None), None) is not None

    def labels(self, iris: Iterable[str]) -> dict[str, str | None]:
        """English (else any) ``rdfs:label`` or ``dcterms:title`` of each IRI, cached."""
        iris = list(iris)
        if len(self._labels) > 500_000:  # bound memory on huge graphs
            self._labels.clear()
        wanted = {i for i in iris if i not in self._labels}
        if wanted:
            # A UNION, not ``VALUES ?p``: pyoxigraph would scan each predicate (100x slower).
            rows = self.select(
                "SELECT ?s ?l WHERE { VALUES ?s { $s }"
                " { ?s rdfs:label ?l } UNION { ?s dcterms:title ?l } }",
                s=values(wanted),
            )
            found: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for s, lit in rows:
                if isinstance(lit, Literal):
                    rank = 0 if lit.language in ("en", None) else 1
                    found[s.value].append((rank, lit.value))
            for i in wanted:
                self._labels[i] = min(found[i])[1] if found[i] else None
        return {i: self._labels.get(i) for i in iris}

    def ref(self, iri: str) -> Ref:
        kind, ident = kind_id(iri)
        return Ref(iri=iri, label=self.labels([iri])[iri], id=ident, kind=kind, href=href(iri))

    def _qualifier(self, p: str, o: Node) -> Qualifier:
        label = self.labels([p])[p]
        if isinstance(o, Literal):
            dt = o.datatype.value
            return Qualifier(
                property=prefixes.shorten(p),
                property_iri=p,
                property_label=label,
                value=scalar(o),
                datatype=None if dt in (XSD_STRING.value, RDF_LANG_STRING.value) else dt,
                language=o.language,
            )
        return Qualifier(
            property=prefixes.shorten(p),
            property_iri=p,
            property_label=label,
            value=o.value,
            ref=self.ref(o.value) if isinstance(o, NamedNode) else None,
        )

    def cached(self, kind: str, key: str, build: Callable[[], T]) -> T:
        """Least-recently-used cache of built pages; building twice on a race is harmless."""
        with self._lock:
            if (kind, key) in self._cache:
                self._cache.move_to_end((kind, key))
                return cast(T, self._cache[(kind, key)])
        value = build()
        with self._lock:
            self._cache[(kind, key)] = value
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        return value

    def triples_of(self, iri: str) -> list[tuple[str, Node]]:
        """``(predicate, object)`` pairs of one subject, deduplicated across graphs, sorted."""
        rows = self.select("SELECT DISTINCT ?p ?o WHERE { $e ?p ?o }", e=iri_term(iri))
        return sorted(((p.value, o) for p, o in rows), key=lambda x: (x[0], str(x[1])))
