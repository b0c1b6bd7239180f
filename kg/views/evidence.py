"""Claims with their qualifiers, evidence and curator notes, read in a few queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from kg.rdf.vocab import (
    CLAIM,
    CURATOR_NOTE_CLASS,
    DMKG,
    NOTE_KIND,
    OA_BODY_VALUE,
    OA_END,
    OA_EXACT,
    OA_HAS_SELECTOR,
    OA_HAS_SOURCE,
    OA_HAS_TARGET,
    OA_PREFIX,
    OA_START,
    OA_SUFFIX,
    RDF_TYPE,
)
from kg.store.protocol import QueryableStore
from kg.views.base import (
    CLAIM_FIELDS,
    CLAIM_ORDER,
    LABEL,
    P_CURATED,
    P_DERIVED,
    P_EVIDENCE,
    P_NOTE,
    P_OBJECT,
    P_SUBJECT,
    TYPE,
    ReaderBase,
    Triples,
    iri_term,
    scalar,
    values,
)  # fmt: skip
from kg.views.models import (
    Claim,
    Evidence,
    Note,
)

__all__ = ["EvidenceReader"]


class EvidenceReader(ReaderBase):
    """Claims and the evidence behind them."""

    def claims(self, iris: Sequence[str]) -> list[Claim]:
        """Full claims (qualifiers, evidence, notes) for the given claim IRIs: three queries."""
        if not iris:
            return []
        if self.store.indexed:  # embedded: index lookups, no query to plan
            rows: list[tuple[Any, ...]] = [
                (NamedNode(c), q.predicate, q.object)
                for c in iris
                for q in self.store.quads_for_pattern(NamedNode(c), None, None)
            ]
        else:
            rows = self.select(
                "SELECT ?c ?p ?o WHERE { VALUES ?c { $c } ?c ?p ?o }", c=values(iris)
            )
        return self._claims_from(self._by_subject(rows))

    def _claims_from(self, triples: Triples) -> list[Claim]:
        ev_iris = [o.value for po in triples.values() for p, o in po if p == P_EVIDENCE]
        evidence = self.evidence(ev_iris)
        refs: set[str] = set()
        for po in triples.values():
            refs |= {o.value for _, o in po if isinstance(o, NamedNode)}
            refs |= {p for p, _ in po}  # qualifier properties are shown by their labels
        self.labels(refs)
        out = []
        for iri, po in triples.items():
            types = [o.value for p, o in po if p == TYPE and o.value != CLAIM.value]
            ctype = min(types, key=lambda t: (CLAIM_ORDER.get(t, 99), t)) if types else CLAIM.value
            one = {p: o for p, o in sorted(po, key=lambda x: str(x[1]))}
            out.append(
                Claim(
                    iri=iri,
                    id=iri.rsplit("/", 1)[-1],
                    type=ctype.removeprefix(DMKG),
                    type_label=self.labels([ctype])[ctype],
                    label=one[LABEL].value if LABEL in one else None,
                    subject=self.ref(one[P_SUBJECT].value) if P_SUBJECT in one else None,
                    object=self.ref(one[P_OBJECT].value) if P_OBJECT in one else None,
                    qualifiers=sorted(
                        (self._qualifier(p, o) for p, o in po if p not in CLAIM_FIELDS),
                        key=lambda q: (q.property, str(q.value)),
                    ),
                    curator_note=one[P_NOTE].value if P_NOTE in one else None,
                    curated_in=one[P_CURATED].value if P_CURATED in one else None,
                    source=self.ref(one[P_DERIVED].value) if P_DERIVED in one else None,
                    evidence=[
                        evidence[o.value]
                        for p, o in sorted(po, key=lambda x: str(x[1]))
                        if p == P_EVIDENCE and o.value in evidence
                    ],
                )
            )
        out.sort(key=lambda c: (CLAIM_ORDER.get(DMKG + c.type, 99), c.label or "", c.iri))
        return out

    @staticmethod
    def _evidence_rows(store: QueryableStore, iris: list[str]) -> list[tuple[Any, ...]]:
        """The rows of the evidence query, by index lookups on an embedded store (several
        times faster than planning the UNION for a few hundred nodes)."""
        selector, target, a, note = OA_HAS_SELECTOR, OA_HAS_TARGET, RDF_TYPE, CURATOR_NOTE_CLASS
        rows: list[tuple[Any, ...]] = []
        for iri in iris:
            ev = NamedNode(iri)
            parts: list[NamedNode | BlankNode] = [ev]
            for q in store.quads_for_pattern(ev, None, None):
                rows.append((ev, ev, q.predicate, q.object))
                if q.predicate == selector and isinstance(q.object, NamedNode | BlankNode):
                    parts.append(q.object)
            for q in store.quads_for_pattern(None, target, ev):
                s = q.subject
                if isinstance(s, NamedNode | BlankNode) and next(
                    store.quads_for_pattern(s, a, note), None
                ):
                    parts.append(s)
            for s in dict.fromkeys(parts[1:]):
                rows += [
                    (ev, s, q.predicate, q.object) for q in store.quads_for_pattern(s, None, None)
                ]
        return rows

    def evidence(self, iris: Iterable[str]) -> dict[str, Evidence]:
        """Evidence nodes with their selectors and the curator notes on them: one query."""
        iris = list(iris)
        if not iris:
            return {}
        if self.store.indexed:
            rows = self._evidence_rows(self.store, iris)
        else:
            rows = self.select(
                """SELECT ?ev ?s ?p ?o WHERE { VALUES ?ev { $ev }
                     { ?ev ?p ?o BIND(?ev AS ?s) }
                     UNION { ?ev oa:hasSelector ?s . ?s ?p ?o }
                     UNION { ?s oa:hasTarget ?ev . ?s a dmkg:CuratorNote . ?s ?p ?o } }""",
                ev=values(iris),
            )
        triples = self._by_subject((s, p, o) for _, s, p, o in rows)
        targets: dict[str, set[str]] = defaultdict(set)
        for ev, s, _, _ in rows:
            targets[ev.value].add(s.value)
        self.labels(o.value for po in triples.values() for p, o in po if p == OA_HAS_SOURCE.value)
        out = {}
        for ev in iris:
            po = triples.get(ev)
            if not po:
                continue
            fields = {p: o.value for p, o in po}
            parts: dict[str, Any] = {}
            notes = []
            for node in sorted(targets[ev] - {ev}):
                sub = {p: o for p, o in triples.get(node, [])}
                if OA_EXACT.value in sub:
                    parts.update(
                        quote=sub[OA_EXACT.value].value,
                        prefix=sub.get(OA_PREFIX.value, Literal("")).value,
                        suffix=sub.get(OA_SUFFIX.value, Literal("")).value,
                    )
                if OA_START.value in sub:
                    parts.update(start=scalar(sub[OA_START.value]), end=scalar(sub[OA_END.value]))
                if OA_BODY_VALUE.value in sub:
                    kind = sub.get(NOTE_KIND.value)
                    notes.append(
                        Note(
                            iri=node,
                            text=sub[OA_BODY_VALUE.value].value,
                            evidence=ev,
                            kind=kind.value.removeprefix(DMKG) if kind is not None else None,
                        )
                    )
            source = fields.get(OA_HAS_SOURCE.value) or fields.get(P_DERIVED)
            out[ev] = Evidence(
                iri=ev,
                quote=parts.pop("quote", ""),
                **parts,
                source=self.ref(source) if source else None,
                notes=notes,
            )
        for e in out.values():
            for n in e.notes:
                n.quote = e.quote
        return out

    def claims_naming(self, iri: str) -> tuple[list[Claim], list[Claim]]:
        """(claims whose subject is ``iri``, other claims naming it).

        The claims are found first (``FILTER EXISTS`` keeps pyoxigraph from starting at the
        ``?c a dmkg:Claim`` scan), then fetched by ``VALUES``: 25x faster than one join."""
        rows = self.select(
            "SELECT DISTINCT ?c WHERE { ?c ?r $e FILTER EXISTS { ?c a dmkg:Claim } }",
            e=iri_term(iri),
        )
        claims = self.claims([r[0].value for r in rows if isinstance(r[0], NamedNode)])
        about = [c for c in claims if c.subject is not None and c.subject.iri == iri]
        ids = {c.iri for c in about}
        return about, [c for c in claims if c.iri not in ids]
