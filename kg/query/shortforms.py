"""Short forms of the release's own IRIs for named-query parameters: ``Child``,
``dmkg:Child``, ``anakinra``, ``dmkg.drug:anakinra``.

A parameter typed ``iri`` takes a full IRI as before, or a CURIE of our prefixes, or the bare
local name of one of the release's terms or entities. Short forms are resolved against the
IRIs the release itself holds (every labelled term of ``dmkg:`` and every labelled entity,
source, claim or note under ``id/``), never guessed: a name that fits two IRIs (a drug and a
target of the same id) is an error listing both, and an unknown one an error with the
closest names ("did you mean"). ``/queries/{name}`` and ``kg query`` resolve alike, through
:func:`kg.query.named.bind`.

>>> forms = ShortForms.of(["https://w3id.org/dmkg/vocab/Child", "https://w3id.org/dmkg/id/drug/anakinra"])
>>> forms.resolve("Child"), forms.resolve("anakinra")
('https://w3id.org/dmkg/vocab/Child', 'https://w3id.org/dmkg/id/drug/anakinra')
>>> forms.resolve("dmkg:Chlid")
Traceback (most recent call last):
...
ValueError: no dmkg:Chlid in this release; did you mean dmkg:Child?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from pyoxigraph import NamedNode, QuerySolutions

from kg.rdf import prefixes as prefix_map
from kg.rdf.serialize import CONTEXT_PREFIXES
from kg.rdf.vocab import DMKG, ID, MINTED_KINDS, RDFS_LABEL
from kg.store.protocol import QueryableStore

__all__ = ["OWN_NAMESPACES", "ShortForms", "local_name"]

OWN_NAMESPACES: Final = (DMKG, ID)
"""Where the IRIs short forms stand for live; other CURIEs are expanded, not looked up."""


def local_name(iri: str) -> str | None:
    """``Child`` of ``dmkg:Child``, ``anakinra`` of ``id/drug/anakinra``; None for any IRI a
    bare name can not stand for (other namespaces, evidence and its selectors)."""
    if iri.startswith(DMKG):
        local = iri[len(DMKG) :]
        return local or None
    kind, slash, local = iri.removeprefix(ID).partition("/")
    if iri.startswith(ID) and slash and kind in MINTED_KINDS and local and "/" not in local:
        return local
    return None


@dataclass(frozen=True)
class ShortForms:
    """The release's own IRIs, by local name."""

    by_local: Mapping[str, tuple[str, ...]]

    @classmethod
    def of(cls, iris: Iterable[str]) -> ShortForms:
        table: dict[str, set[str]] = {}
        for iri in iris:
            local = local_name(iri)
            if local is not None:
                table.setdefault(local, set()).add(iri)
        return cls({k: tuple(sorted(v)) for k, v in sorted(table.items())})

    @classmethod
    def of_store(cls, store: QueryableStore) -> ShortForms:
        """The labelled IRIs of our namespaces in ``store`` (one query; works on a remote
        store too)."""
        filters = " || ".join(f'STRSTARTS(STR(?s), "{ns}")' for ns in OWN_NAMESPACES)
        rows = store.query(
            f"SELECT DISTINCT ?s WHERE {{ ?s {RDFS_LABEL} ?l FILTER(isIRI(?s) && ({filters})) }}",
            use_default_graph_as_union=True,
        )
        assert isinstance(rows, QuerySolutions)
        return cls.of(row[0].value for row in rows if isinstance(row[0], NamedNode))

    @cached_property
    def known(self) -> frozenset[str]:
        return frozenset(i for iris in self.by_local.values() for i in iris)

    def resolve(self, value: str, *, check: bool = True) -> str:
        """The IRI ``value`` stands for; ``ValueError`` saying why there is none. Without
        ``check`` a CURIE of our namespaces is expanded without asking the release."""
        if ":" in value:
            return self._curie(value, check)
        found = self.by_local.get(value, ())
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(prefix_map.shorten(i) for i in found)
            raise ValueError(f"{value!r} is ambiguous in this release: {names}; give one of them")
        raise ValueError(f"no term or entity {value!r} in this release{self._hint(value)}")

    def _curie(self, value: str, check: bool) -> str:
        prefix, _, local = value.partition(":")
        namespace = CONTEXT_PREFIXES.get(prefix)
        if namespace is not None:
            iri = namespace + local
        else:
            try:
                iri = prefix_map.expand(value)
            except prefix_map.CurieError as exc:
                raise ValueError(str(exc)) from None
        if check and iri.startswith(OWN_NAMESPACES) and iri not in self.known:
            shown = prefix_map.shorten(iri)
            raise ValueError(f"no {shown} in this release{self._hint(local_name(iri) or local)}")
        return iri

    def _hint(self, name: str) -> str:
        close = [k for k in self.by_local if k.lower() == name.lower() and k != name]
        close += difflib.get_close_matches(name, list(self.by_local), n=3, cutoff=0.75)
        iris = [i for k in dict.fromkeys(close) for i in self.by_local[k]][:3]
        if not iris:
            return ""
        return "; did you mean " + " or ".join(prefix_map.shorten(i) for i in iris) + "?"
