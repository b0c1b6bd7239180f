"""CURIEs as the Biolink tool chain reads them, for the KGX exports.

KGX consumers expand CURIEs with the Biolink model's prefix map (``MESH``, ``UniProtKB``,
``HGNC``, ...), copied into ``biolink_model_prefix_map.json`` from the ``biolink-model``
package (:mod:`kg.mappings.refresh.biolink`). An external identifier gets the Biolink prefix
of its URI prefix, or else of the same scheme under another URI format (our ``hgnc`` writes
genenames.org IRIs, Biolink's ``HGNC`` identifiers.org ones: the local identifier is the same).
Our own IRIs keep our prefixes, one per kind (:data:`kg.rdf.vocab.KIND_PREFIXES`), since KGX's
CURIE pattern allows no ``/`` in the local part. A scheme Biolink has no prefix for (ATC in
4.4.6) gets None: its nodes and edges are left out of the KGX tables.

>>> kgx_curie("mesh:D001688"), kgx_curie("hgnc:5992"), kgx_curie("dmkgid:drug/anakinra")
('MESH:D001688', 'HGNC:5992', 'dmkg.drug:anakinra')
>>> kgx_curie("atc:L04AC") is None
True
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any, Final

import curies

from kg.rdf import prefixes
from kg.rdf.vocab import DMKG, KIND_PREFIXES

__all__ = ["OWN_PREFIXES", "biolink_prefix_map", "biolink_version", "kgx_curie"]

OWN_PREFIXES: Final[dict[str, str]] = {"dmkg": DMKG, **KIND_PREFIXES}
"""The prefixes of our own IRIs in the KGX tables (not Biolink's: KGX consumers need them)."""


@cache
def _document() -> dict[str, Any]:
    text = files("kg.release").joinpath("biolink_model_prefix_map.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def biolink_prefix_map() -> dict[str, str]:
    """The Biolink model's prefix map (prefix -> URI prefix), as the package ships it."""
    return dict(_document()["prefix_map"])


def biolink_version() -> str:
    """The ``biolink-model`` release the prefix map was copied from."""
    return str(_document()["biolink_model_version"])


@cache
def _converter() -> curies.Converter:
    return curies.Converter.from_prefix_map(biolink_prefix_map())


@cache
def _by_name() -> dict[str, str]:
    """Our preferred prefix -> the Biolink prefix of the same scheme, matched by name (ours
    and its synonyms against Biolink's, case-insensitively) where the URI formats differ."""
    biolink = {p.lower(): p for p in biolink_prefix_map()}
    out: dict[str, str] = {}
    for record in prefixes.records():
        for name in (record.prefix, *record.prefix_synonyms):
            if name.lower() in biolink:
                out[record.prefix] = biolink[name.lower()]
                break
    return out


def _own(iri: str) -> str | None:
    for prefix, namespace in sorted(OWN_PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = iri.removeprefix(namespace)
        if local != iri and local and "/" not in local:
            return f"{prefix}:{local}"
    return None


def kgx_curie(curie_or_iri: str) -> str | None:
    """The CURIE a KGX consumer reads for one of our CURIEs (``mesh:D001688``) or an IRI;
    None when Biolink has no prefix for its scheme."""
    if "://" in curie_or_iri:
        iri = curie_or_iri
        ours = prefixes.compress(iri)
    else:
        iri = prefixes.expand(curie_or_iri)
        ours = prefixes.standardize(curie_or_iri)
    own = _own(iri)
    if own is not None:
        return own
    compressed: str | None = _converter().compress(iri)
    if compressed is not None:
        return compressed
    if ours is None:
        return None
    prefix, _, local = ours.partition(":")
    biolink = _by_name().get(prefix)
    return f"{biolink}:{local}" if biolink else None
