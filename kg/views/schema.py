"""The ontology as people query it: the class tree by the names one types (``dmkg:Drug``),
the properties with domain and range, and each term's place among them (what a claim of a
claim class holds is :mod:`kg.views.claimschema`'s)."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel

from kg.rdf.prefixes import shorten
from kg.rdf.vocab import DMKG, GRAPH_ONTOLOGY, OWL
from kg.views.base import href, iri_term, string
from kg.views.claimschema import ClaimType, claim_type
from kg.views.reader import Reader

__all__ = ["Link", "PropertyRow", "TermInfo", "TreeNode", "class_tree", "properties", "term_info"]


class TreeNode(BaseModel):
    iri: str
    name: str
    """what one types: ``dmkg:Drug``"""
    label: str | None
    href: str | None
    children: list[TreeNode] = []
    repeated: bool = False
    """also shown under another superclass (the tree is a polyhierarchy)"""


class PropertyRow(BaseModel):
    iri: str
    name: str
    label: str | None
    href: str | None
    kind: str
    domain: list[str] = []
    range: list[str] = []


def _direct(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """The transitive reduction: superclasses not implied by another superclass."""

    def ancestors(c: str, seen: set[str]) -> set[str]:
        out: set[str] = set()
        for p in parents.get(c, ()):
            if p not in seen:
                out |= {p} | ancestors(p, seen | {p})
        return out

    return {
        c: {p for p in ps if not any(p in ancestors(q, {q}) for q in ps - {p})}
        for c, ps in parents.items()
    }


def class_tree(reader: Reader) -> list[TreeNode]:
    """The named classes of the ontology under their direct superclasses (asserted, and what
    the reasoner inferred: ``dmkg:Interleukin1Inhibitor`` is defined, never placed by hand)."""
    return reader.cached("class_tree", "", lambda: _class_tree(reader))


def _class_tree(reader: Reader) -> list[TreeNode]:
    classes = {
        r[0].value
        for r in reader.select(
            "SELECT DISTINCT ?c WHERE { GRAPH $g { ?c a owl:Class } FILTER(isIRI(?c)) }",
            g=iri_term(GRAPH_ONTOLOGY),
        )
    }
    parents: dict[str, set[str]] = defaultdict(set)
    for c, p in reader.select(
        "SELECT DISTINCT ?c ?p WHERE { ?c rdfs:subClassOf ?p FILTER(isIRI(?c) && isIRI(?p)) }"
    ):
        if c.value in classes and p.value in classes and c.value != p.value:
            parents[c.value].add(p.value)
    direct = _direct(parents)
    children: dict[str, list[str]] = defaultdict(list)
    for c, ps in direct.items():
        for p in ps:
            children[p].append(c)
    labels = reader.labels(classes)
    placed: set[str] = set()

    def node(iri: str) -> TreeNode:
        repeated = iri in placed
        placed.add(iri)
        kids = [] if repeated else sorted(children.get(iri, []), key=lambda i: shorten(i).lower())
        return TreeNode(iri=iri, name=shorten(iri), label=labels.get(iri), href=href(iri),
                        children=[node(k) for k in kids], repeated=repeated)  # fmt: skip

    roots = sorted((c for c in classes if not direct.get(c)), key=lambda i: shorten(i).lower())
    return [node(r) for r in roots]


def properties(reader: Reader) -> list[PropertyRow]:
    """Our ontology's properties with their kinds, domains and ranges, by name."""
    return reader.cached("properties", "", lambda: _properties(reader))


def _properties(reader: Reader) -> list[PropertyRow]:
    rows = reader.select(
        """SELECT ?p ?k ?d ?r WHERE { GRAPH $g {
             VALUES ?k { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
             ?p a ?k FILTER(STRSTARTS(STR(?p), $ns))
             OPTIONAL { ?p rdfs:domain ?d FILTER(isIRI(?d)) }
             OPTIONAL { ?p rdfs:range ?r FILTER(isIRI(?r)) } } }""",
        g=iri_term(GRAPH_ONTOLOGY),
        ns=string(DMKG),
    )
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for p, k, d, r in rows:
        found[p.value]["kind"].add(k.value.removeprefix(OWL))
        if d is not None:
            found[p.value]["domain"].add(shorten(d.value))
        if r is not None:
            found[p.value]["range"].add(shorten(r.value))
    labels = reader.labels(found)
    return [
        PropertyRow(
            iri=p,
            name=shorten(p),
            label=labels[p],
            href=href(p),
            kind=min(f["kind"]),
            domain=sorted(f["domain"]),
            range=sorted(f["range"]),
        )
        for p, f in sorted(found.items(), key=lambda x: shorten(x[0]).lower())
    ]


class Link(BaseModel):
    iri: str
    name: str
    label: str | None
    href: str | None


class TermInfo(BaseModel):
    """What the ontology says of one term, for its page."""

    name: str
    kinds: list[str]
    superclasses: list[Link] = []
    subclasses: list[Link] = []
    property: PropertyRow | None = None
    used_as_domain: list[PropertyRow] = []
    used_as_range: list[PropertyRow] = []
    claim: ClaimType | None = None


def _links(reader: Reader, iris: set[str]) -> list[Link]:
    labels = reader.labels(iris)
    return [Link(iri=i, name=shorten(i), label=labels[i], href=href(i))
            for i in sorted(iris, key=lambda i: shorten(i).lower())]  # fmt: skip


def _hierarchy(reader: Reader) -> dict[str, set[str]]:
    """Direct superclasses of every named class (asserted and inferred)."""

    def build() -> dict[str, set[str]]:
        parents: dict[str, set[str]] = defaultdict(set)
        for c, p in reader.select(
            "SELECT DISTINCT ?c ?p WHERE { ?c rdfs:subClassOf ?p FILTER(isIRI(?c) && isIRI(?p)) }"
        ):
            if c.value != p.value:
                parents[c.value].add(p.value)
        return _direct(parents)

    return reader.cached("hierarchy", "", build)


def term_info(reader: Reader, iri: str) -> TermInfo:
    """The kinds of a term (Class, ObjectProperty ...), its place in the class tree, its
    domain and range, where it is a domain or range, and what a claim of it holds."""
    kinds = sorted(
        r[0].value.removeprefix(OWL)
        for r in reader.select(
            "SELECT DISTINCT ?k WHERE { GRAPH $g { $t a ?k } }",
            g=iri_term(GRAPH_ONTOLOGY),
            t=iri_term(iri),
        )
    )
    parents = _hierarchy(reader)
    props = properties(reader)
    name = shorten(iri)
    return TermInfo(
        name=name,
        kinds=kinds,
        superclasses=_links(reader, parents.get(iri, set())),
        subclasses=_links(reader, {c for c, ps in parents.items() if iri in ps}),
        property=next((p for p in props if p.iri == iri), None),
        used_as_domain=[p for p in props if name in p.domain],
        used_as_range=[p for p in props if name in p.range],
        claim=claim_type(reader, iri),
    )
