"""Every file of a release, named once: its role, media type and what it holds.

The build writes these files, ``kg validate``/``reason``/``report`` read ``kg.nt``, the store
loads ``kg.trig`` and ``kg-inferred.ttl``, ``/dump/{name}`` serves them and ``kg export``
copies them; all of them ask this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from kg.errors import ReleaseError
from kg.gates import FULL_FILE, INFERRED_FILE, VALIDATION_JSON, VALIDATION_TTL

__all__ = [
    "EXPORT_FORMATS",
    "FILES",
    "FULL",
    "GATE_FILES",
    "INFERRED",
    "JSONLD",
    "KGX_EDGES",
    "KGX_NODES",
    "MANIFEST",
    "NT",
    "ONTOLOGY",
    "OWL",
    "RELEASE_FILES",
    "SOURCES",
    "SSSOM",
    "TRIG",
    "TTL",
    "VALIDATION_JSON",
    "VALIDATION_TTL",
    "ReleaseFile",
    "Role",
    "asserted_ntriples",
    "files",
    "media_type",
]


class Role(StrEnum):
    DATA = "data"
    """the graph itself, in each RDF format"""
    EXPORT = "export"
    """the graph for other tool chains (OWL tools, KGX, SSSOM)"""
    GATE = "gate"
    """what the release gates published (validation report, inferences)"""
    SOURCES = "sources"
    """the texts the claims quote, byte for byte"""
    MANIFEST = "manifest"


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    role: Role
    media: str
    description: str


NT: Final = "kg.nt"
TTL: Final = "kg.ttl"
TRIG: Final = "kg.trig"
JSONLD: Final = "kg.jsonld"
ONTOLOGY: Final = "ontology.ttl"
OWL: Final = "kg.owl"
SSSOM: Final = "mappings.sssom.tsv"
KGX_NODES: Final = "kgx_nodes.tsv"
KGX_EDGES: Final = "kgx_edges.tsv"
MANIFEST: Final = "manifest.json"
SOURCES: Final = "sources.tar"
"""Every source text as ``<id>.txt``, byte for byte (its sha256 is the source's ``dmkg:sha256``)."""
INFERRED: Final = INFERRED_FILE
FULL: Final = FULL_FILE

FILES: Final[tuple[ReleaseFile, ...]] = (
    ReleaseFile(TTL, Role.DATA, "text/turtle", "every triple (graphs merged), Turtle"),
    ReleaseFile(NT, Role.DATA, "application/n-triples", "every triple, canonical N-Triples"),
    ReleaseFile(JSONLD, Role.DATA, "application/ld+json", "every triple, JSON-LD"),
    ReleaseFile(TRIG, Role.DATA, "application/trig", "every quad in its named graph, TriG"),
    ReleaseFile(ONTOLOGY, Role.DATA, "text/turtle", "the ontology graph, Turtle"),
    ReleaseFile(SSSOM, Role.EXPORT, "text/tab-separated-values", "mappings, SSSOM TSV"),
    ReleaseFile(OWL, Role.EXPORT, "application/rdf+xml", "every triple, RDF/XML for OWL tools"),
    ReleaseFile(KGX_NODES, Role.EXPORT, "text/tab-separated-values", "KGX nodes TSV"),
    ReleaseFile(KGX_EDGES, Role.EXPORT, "text/tab-separated-values", "KGX edges TSV"),
    ReleaseFile(
        SOURCES,
        Role.SOURCES,
        "application/x-tar",
        "every source text, byte for byte, as <id>.txt (uncompressed tar)",
    ),
    ReleaseFile(VALIDATION_TTL, Role.GATE, "text/turtle", "W3C SHACL validation report"),
    ReleaseFile(VALIDATION_JSON, Role.GATE, "application/json", "validation report, JSON"),
    ReleaseFile(INFERRED, Role.GATE, "text/turtle", "what the reasoner inferred"),
    ReleaseFile(FULL, Role.GATE, "text/turtle", "asserted plus inferred triples"),
    ReleaseFile(MANIFEST, Role.MANIFEST, "application/json", "version, counts, sha256 of each"),
)

EXPORT_FORMATS: Final[dict[str, tuple[str, ...]]] = {
    "owl": (OWL,), "kgx": (KGX_NODES, KGX_EDGES), "ttl": (TTL,), "nt": (NT,),
    "jsonld": (JSONLD,), "trig": (TRIG,), "sssom": (SSSOM,),
}  # fmt: skip
"""``kg export --format`` choices -> the release files they copy."""

_BY_NAME: Final = {f.name: f for f in FILES}
RELEASE_FILES: Final = tuple(
    f.name for f in FILES if f.role in (Role.DATA, Role.EXPORT, Role.SOURCES)
)
"""What every release holds, whatever gates ran."""
GATE_FILES: Final = tuple(f.name for f in FILES if f.role is Role.GATE)
"""What the release gates (SHACL validation, reasoning) add to a release."""


def files(*roles: Role) -> tuple[str, ...]:
    """Names of the files with one of ``roles`` (all files when none is given), in order."""
    return tuple(f.name for f in FILES if not roles or f.role in roles)


def media_type(name: str) -> str | None:
    """The media type of a release file, None for a name that is not one."""
    found = _BY_NAME.get(name)
    return found.media if found is not None else None


def asserted_ntriples(folder: Path) -> bytes:
    """The asserted graph of a release folder (``kg.nt``); a clear error when it is none."""
    path = folder / NT
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ReleaseError(f"{path} is missing: is {folder} a release? (run `kg build`)") from exc
