"""The one prefix map of the build, the API and the exports, and the one IRI shortener.

It is read from ``kg/rdf/prefixes.json``, a small file generated from the Bioregistry by
``python -m kg.mappings.refresh.prefixmap``, so that the server never imports ``bioregistry``. Every
CURIE we accept is checked here: known prefix (synonyms such as ``mondo`` or ``MeSH`` are
standardised to the preferred ``MONDO`` / ``mesh``), well-formed, and matching the prefix's
local-identifier pattern.

>>> standardize("mondo:0008383")
'MONDO:0008383'
>>> expand("MONDO:0008383")
'http://purl.obolibrary.org/obo/MONDO_0008383'
>>> compress("https://w3id.org/dmkg/id/drug/anakinra")
'dmkgid:drug/anakinra'
>>> shorten("http://www.w3.org/ns/shacl#Violation"), shorten("http://example.org/x")
('sh:Violation', 'http://example.org/x')
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import curies

__all__ = [
    "CurieError", "MalformedCurieError", "PrefixRecord", "UnknownPrefixError", "compress",
    "converter", "curie_map", "expand", "parse", "prefix_map", "records", "shorten", "shorten_terms",
    "standardize",
]  # fmt: skip

_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_LOCAL = re.compile(r"^[^\s|]+$")


class CurieError(ValueError):
    """A string is not a CURIE we accept."""


class UnknownPrefixError(CurieError):
    """The prefix is not in our prefix map (and not a synonym of one)."""


class MalformedCurieError(CurieError):
    """The string is not ``prefix:local``, or the local part breaks the prefix's pattern."""


@dataclass(frozen=True)
class PrefixRecord:
    """One prefix of the map, as generated from the Bioregistry (or ours)."""

    prefix: str
    uri_prefix: str
    pattern: str | None
    name: str
    prefix_synonyms: tuple[str, ...]
    uri_prefix_synonyms: tuple[str, ...]


@cache
def records() -> tuple[PrefixRecord, ...]:
    """The records of ``kg/rdf/prefixes.json``, in file order."""
    doc = json.loads(files("kg.rdf").joinpath("prefixes.json").read_text(encoding="utf-8"))
    return tuple(
        PrefixRecord(
            prefix=r["prefix"],
            uri_prefix=r["uri_prefix"],
            pattern=r["pattern"],
            name=r["name"],
            prefix_synonyms=tuple(r["prefix_synonyms"]),
            uri_prefix_synonyms=tuple(r["uri_prefix_synonyms"]),
        )
        for r in doc["prefixes"]
    )


@cache
def converter() -> curies.Converter:
    """The shared ``curies.Converter`` (preferred prefixes and URI prefixes, with synonyms)."""
    return curies.Converter(
        [
            curies.Record(
                prefix=r.prefix,
                uri_prefix=r.uri_prefix,
                prefix_synonyms=list(r.prefix_synonyms),
                uri_prefix_synonyms=list(r.uri_prefix_synonyms),
                pattern=r.pattern,
            )
            for r in records()
        ]
    )


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {r.prefix: re.compile(r.pattern) for r in records() if r.pattern}


def parse(curie: str) -> tuple[str, str]:
    """Split and check a CURIE; returns the preferred prefix and the local identifier.

    Raises ``UnknownPrefixError`` or ``MalformedCurieError`` saying what is wrong."""
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        raise MalformedCurieError(f"{curie!r} is not a CURIE (expected prefix:identifier)")
    if not _PREFIX.match(prefix):
        raise MalformedCurieError(f"{curie!r}: {prefix!r} is not a valid CURIE prefix")
    preferred = converter().standardize_prefix(prefix)
    if preferred is None:
        raise UnknownPrefixError(f"{curie!r}: unknown prefix {prefix!r} (see kg/rdf/prefixes.json)")
    if not _LOCAL.match(local):
        raise MalformedCurieError(f"{curie!r}: identifier contains whitespace or '|'")
    pattern = _patterns().get(preferred)
    if pattern is not None and not pattern.search(local):
        raise MalformedCurieError(
            f"{curie!r}: {local!r} does not match the {preferred} pattern {pattern.pattern}"
        )
    return preferred, local


def standardize(curie: str) -> str:
    """The CURIE with its preferred prefix (``mondo:0008383`` -> ``MONDO:0008383``)."""
    prefix, local = parse(curie)
    return f"{prefix}:{local}"


def expand(curie: str) -> str:
    """The IRI of a (checked) CURIE, in the prefix's preferred URI format."""
    prefix, local = parse(curie)
    return converter().prefix_map[prefix] + local


def compress(iri: str) -> str | None:
    """The standard CURIE for an IRI (any known URI format), or ``None`` if no prefix fits."""
    curie = converter().compress(iri)
    if curie is None:
        return None
    try:
        return standardize(curie)
    except CurieError:
        return None


def curie_map(prefixes: Iterable[str]) -> dict[str, str]:
    """``{prefix: uri_prefix}`` for the given (preferred) prefixes, sorted: for SSSOM headers."""
    prefix_map = converter().prefix_map
    return {p: prefix_map[p] for p in sorted(set(prefixes), key=str.lower)}


@cache
def prefix_map() -> dict[str, str]:
    """Every preferred prefix of the map and its URI prefix, sorted case-insensitively: what
    the SPARQL endpoint predeclares and ``/prefixes`` lists.

    >>> prefix_map()["HP"], len(prefix_map()) == len(records())
    ('http://purl.obolibrary.org/obo/HP_', True)
    """
    return curie_map(r.prefix for r in records())


def shorten(iri: str) -> str:
    """``iri`` as a CURIE of the prefix map for display, else ``iri`` itself.

    The longest matching URI prefix wins (``curies.Converter.compress`` with passthrough); a
    bare namespace IRI stays an IRI. Unlike :func:`compress`, the local part is not checked
    against the prefix's pattern: this is for reading, not for identifiers."""
    curie: str = converter().compress(iri, passthrough=True)
    return iri if curie.endswith(":") else curie


_BRACKETED = re.compile(r"<([^<>\s]+)>")
_READABLE = re.compile(r"[\w./-]*")


def shorten_terms(text: str) -> str:
    """Every ``<iri>`` in N-Triples-like ``text`` shortened where the CURIE stays readable
    (``<https://w3id.org/dmkg/vocab/Drug>`` -> ``dmkg:Drug``), for messages and tables."""

    def one(m: re.Match[str]) -> str:
        short = shorten(m.group(1))
        _, sep, local = short.partition(":")
        if short == m.group(1) or not sep or not _READABLE.fullmatch(local):
            return m.group(0)
        return short

    return _BRACKETED.sub(one, text)
