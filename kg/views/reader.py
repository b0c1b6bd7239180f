"""Building the read model (:mod:`kg.views.models`) from a release store: monographs,
lists, vocabulary terms and sources.

The REST routes, the HTML pages, the CLI and exports all need "everything the graph says
about X, with its evidence"; this package is the one place that knows how claims,
qualifiers, Web Annotation evidence and curator notes are laid out in RDF. It uses a handful
of SPARQL queries per entity whatever its size: the claims' properties come from one
``?claim ?p ?o`` pattern and are grouped here, which pyoxigraph plans far better than a chain
of OPTIONALs.

>>> from pyoxigraph import Store
>>> from kg.store.embedded import EmbeddedStore
>>> Reader(EmbeddedStore(Store())).monograph("https://w3id.org/dmkg/id/drug/none") is None
True
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg.rdf import prefixes
from kg.rdf.vocab import (
    DATE_STATEMENT,
    DCTERMS,
    DMKG,
    GRAPH_ONTOLOGY,
    ID,
    OWL,
    SHA256,
    SKOS_NOTE,
    TEXT_FILE,
)
from kg.store.protocol import QueryableStore
from kg.views.base import (
    ENTITY_FIELDS,
    LABEL,
    MATCHES,
    P_ALT,
    P_BRAND,
    P_CURATED,
    P_DEFINITION,
    P_NOTE,
    TERM_KINDS,
    TYPE,
    Node,
    href,
    iri_term,
    kind_id,
    string,
)  # fmt: skip
from kg.views.evidence import EvidenceReader
from kg.views.models import (
    Mapping,
    Monograph,
    Note,
    Ref,
    SourceRecord,
    Summary,
)

__all__ = ["Reader", "monograph"]


class Reader(EvidenceReader):
    """Builds monographs, lists and source records from one immutable store, caching what it
    has built."""

    def monograph(self, iri: str) -> Monograph | None:
        """The monograph of ``iri``, or ``None`` if the release does not describe it."""
        return self.cached("monograph", iri, lambda: self._monograph(iri))

    def _monograph(self, iri: str) -> Monograph | None:
        po = self.triples_of(iri)
        if not po:
            return None
        self.labels(
            [iri, *(o.value for _, o in po if isinstance(o, NamedNode)), *(p for p, _ in po)]
        )
        texts: dict[str, list[str]] = defaultdict(list)
        for p, o in po:
            if isinstance(o, Literal):
                texts[p].append(o.value)
        kind, ident = kind_id(iri)
        about, mentions = self.claims_naming(iri)
        first = {p: v[0] for p, v in texts.items()}
        return Monograph(
            iri=iri,
            id=ident,
            kind=kind,
            label=self.labels([iri])[iri],
            definition=first.get(P_DEFINITION),
            synonyms=sorted(texts[P_ALT]),
            brand_names=sorted(texts[P_BRAND]),
            classes=[self.ref(o.value) for p, o in po if p == TYPE and isinstance(o, NamedNode)],
            mappings=[
                Mapping(
                    predicate=prefixes.shorten(p),
                    predicate_iri=p,
                    iri=o.value,
                    curie=prefixes.compress(o.value),
                    label=self.labels([o.value])[o.value],
                )
                for p, o in po
                if p in MATCHES and isinstance(o, NamedNode)
            ],
            curator_note=first.get(P_NOTE),
            curated_in=first.get(P_CURATED),
            statements=[self._qualifier(p, o) for p, o in po if p not in ENTITY_FIELDS],
            claims=about,
            mentioned_in=mentions,
        )

    def summaries(self, kind: str) -> list[Summary]:
        """Every entity minted as ``id/<kind>/...``, sorted by label: for lists and search."""
        return self.cached("summaries", kind, lambda: self._summaries(kind))

    def _summaries(self, kind: str) -> list[Summary]:
        rows = self.select(
            """SELECT ?s ?p ?o WHERE {
                 VALUES ?p { rdfs:label skos:altLabel skos:definition dmkg:brandName }
                 ?s ?p ?o FILTER(STRSTARTS(STR(?s), $ns)) }""",
            ns=string(f"{ID}{kind}/"),
        )
        out = []
        for iri, po in self._by_subject(rows).items():
            ident = iri[len(ID) + len(kind) + 1 :]
            if not ident or "/" in ident:
                continue
            texts: dict[str, list[str]] = defaultdict(list)
            for p, o in po:
                texts[p].append(o.value)
            out.append(
                Summary(
                    id=ident,
                    iri=iri,
                    label=min(texts[LABEL], default=None),
                    synonyms=sorted(texts[P_ALT]),
                    brand_names=sorted(texts[P_BRAND]),
                    definition=min(texts[P_DEFINITION], default=None),
                    href=f"/id/{kind}/{ident}",
                )
            )
        out.sort(key=lambda s: ((s.label or s.id).casefold(), s.id))
        return out

    def instances(self, iri: str, limit: int = 500) -> list[Ref]:
        """Resources typed with the term ``iri`` (for a vocabulary page), at most ``limit``."""
        rows = self.select(
            "SELECT DISTINCT ?s WHERE { ?s a $t FILTER(isIRI(?s)) } ORDER BY ?s LIMIT $n",
            t=iri_term(iri),
            n=str(int(limit)),
        )
        self.labels(r[0].value for r in rows)
        return [self.ref(r[0].value) for r in rows]

    def terms(self) -> dict[str, list[Ref]]:
        """Our ontology's terms by kind (``Class``, ``ObjectProperty``, ...), sorted."""
        rows = self.select(
            """SELECT DISTINCT ?t ?k WHERE { GRAPH $g { ?t a ?k }
                 FILTER(isIRI(?t) && STRSTARTS(STR(?t), $ns)) }""",
            g=iri_term(GRAPH_ONTOLOGY),
            ns=string(DMKG),
        )
        kinds: dict[str, set[str]] = defaultdict(set)
        for t, k in rows:
            if t.value != DMKG:
                kinds[t.value].add(k.value.removeprefix(OWL))
        self.labels(kinds)
        out: dict[str, list[Ref]] = {k: [] for k in TERM_KINDS}
        for t in sorted(kinds):
            kind = next((k for k in TERM_KINDS if k in kinds[t]), "NamedIndividual")
            out[kind].append(self.ref(t))
        return {k: v for k, v in out.items() if v}

    def sources(self) -> list[SourceRecord]:
        """Every source document with its metadata and claim count: two queries."""
        return self.cached("sources", "", self._sources)

    def _sources(self) -> list[SourceRecord]:
        rows = self.select("SELECT ?s ?p ?o WHERE { ?s a dmkg:SourceDocument . ?s ?p ?o }")
        counts = dict(
            (s.value, int(n.value))
            for s, n in self.select(
                "SELECT ?s (COUNT(DISTINCT ?c) AS ?n)"
                " WHERE { ?c a dmkg:Claim ; prov:wasDerivedFrom ?s } GROUP BY ?s"
            )
        )
        out = []
        for iri, po in self._by_subject(rows).items():
            f: dict[str, list[Node]] = defaultdict(list)
            for p, o in po:
                f[p].append(o)

            def one(p: str, f: dict[str, list[Node]] = f) -> str | None:
                return min((o.value for o in f[p]), default=None)

            self.labels(o.value for o in f[TYPE])
            out.append(
                SourceRecord(
                    id=iri.rsplit("/", 1)[-1],
                    iri=iri,
                    href=href(iri) or iri,
                    title=one(DCTERMS + "title") or one(LABEL),
                    types=[self.ref(o.value) for o in sorted(f[TYPE], key=str)],
                    language=one(DCTERMS + "language"),
                    date=one(DCTERMS + "date"),
                    date_statement=one(DATE_STATEMENT.value),
                    creators=sorted(o.value for o in f[DCTERMS + "creator"]),
                    publisher=one(DCTERMS + "publisher"),
                    citation=one(DCTERMS + "bibliographicCitation"),
                    origin=one(DCTERMS + "source"),
                    sha256=one(SHA256.value),
                    text_file=one(TEXT_FILE.value),
                    notes=sorted(o.value for o in f[SKOS_NOTE.value]),
                    claims=counts.get(iri, 0),
                )
            )
        out.sort(key=lambda s: s.id)
        return out

    def source_notes(self, iri: str) -> list[Note]:
        """Curator notes on passages of one source, in text order."""
        rows = self.select(
            """SELECT DISTINCT ?ev WHERE { ?n a dmkg:CuratorNote ; oa:hasTarget ?ev .
                 ?ev oa:hasSource $src }""",
            src=iri_term(iri),
        )
        evidence = self.evidence(r[0].value for r in rows)
        notes = [
            n
            for e in sorted(evidence.values(), key=lambda e: (e.start or 0, e.iri))
            for n in e.notes
        ]
        return notes


def monograph(store: QueryableStore, iri: str) -> dict[str, Any] | None:
    """The monograph of ``iri`` as a JSON-ready dict (for scripts and exports).

    >>> from pyoxigraph import Store
    >>> from kg.store.embedded import EmbeddedStore
    >>> monograph(EmbeddedStore(Store()), "https://w3id.org/dmkg/id/drug/anakinra") is None
    True
    """
    m = Reader(store).monograph(iri)
    return None if m is None else m.model_dump(mode="json")
