"""The read model of the release: monographs, claims, evidence, sources, as plain data.

These pydantic models are what the REST routes return, the HTML pages render and the command
line prints; :class:`~kg.views.reader.Reader` builds them from a store.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "Claim",
    "Evidence",
    "Mapping",
    "Monograph",
    "Note",
    "Qualifier",
    "Ref",
    "Scalar",
    "SourceRecord",
    "Summary",
]

Scalar = int | float | bool | str
"""A literal as JSON: numbers and booleans typed, everything else its lexical form."""


class Ref(BaseModel):
    """A resource named in a claim: its IRI, label, and where this service describes it."""

    iri: str
    label: str | None = None
    id: str | None = Field(None, description="local id for our own IRIs (`anakinra`)")
    kind: str | None = Field(None, description="`drug`, `target`, ..., `vocab` for terms")
    href: str | None = Field(None, description="path of its page here, if it is ours")


class Qualifier(BaseModel):
    """One property value: a literal (``value``) or a resource (``ref``, with ``value`` its IRI)."""

    property: str = Field(description="compact name, e.g. `dmkg:dose`")
    property_iri: str
    property_label: str | None = Field(None, description="the property's label, `dose`")
    value: Scalar
    datatype: str | None = None
    language: str | None = None
    ref: Ref | None = None


class Note(BaseModel):
    """A curator's note on a passage of a source (``dmkg:CuratorNote``)."""

    iri: str
    kind: str | None = None
    text: str
    quote: str | None = None
    evidence: str | None = Field(None, description="IRI of the passage the note is about")


class Evidence(BaseModel):
    """A verbatim passage: W3C Web Annotation quote and position selectors on a source."""

    iri: str
    quote: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    source: Ref | None = None
    notes: list[Note] = []


class Claim(BaseModel):
    """One curated statement of a source, with its qualifiers and evidence."""

    iri: str
    id: str
    type: str = Field(description="claim class, e.g. `DosingRegimenClaim`")
    type_label: str | None = None
    label: str | None = None
    subject: Ref | None = None
    object: Ref | None = None
    qualifiers: list[Qualifier] = []
    curator_note: str | None = None
    curated_in: str | None = None
    source: Ref | None = None
    evidence: list[Evidence] = []


class Mapping(BaseModel):
    """A SKOS mapping to an external term."""

    predicate: str = Field(description="e.g. `skos:exactMatch`")
    predicate_iri: str
    iri: str
    curie: str | None = Field(None, description="standard CURIE of the external term")
    label: str | None = None


class Monograph(BaseModel):
    """Everything the graph says about one resource, claims and evidence included."""

    iri: str
    id: str | None = None
    kind: str | None = None
    label: str | None = None
    definition: str | None = None
    synonyms: list[str] = []
    brand_names: list[str] = []
    classes: list[Ref] = Field([], description="asserted types")
    mappings: list[Mapping] = []
    curator_note: str | None = None
    curated_in: str | None = None
    statements: list[Qualifier] = Field([], description="other properties and relations")
    claims: list[Claim] = Field([], description="claims whose subject this is")
    mentioned_in: list[Claim] = Field([], description="other claims naming this resource")


class Summary(BaseModel):
    """A list entry: enough to find an entity by name."""

    id: str
    iri: str
    label: str | None = None
    synonyms: list[str] = []
    brand_names: list[str] = []
    definition: str | None = None
    href: str


class SourceRecord(BaseModel):
    """A source document's metadata, pinned by the sha256 of its text."""

    id: str
    iri: str
    href: str
    title: str | None = None
    types: list[Ref] = []
    language: str | None = None
    date: str | None = None
    date_statement: str | None = None
    creators: list[str] = []
    publisher: str | None = None
    citation: str | None = None
    origin: str | None = None
    sha256: str | None = None
    text_file: str | None = None
    notes: list[str] = Field([], description="notes on the source as a whole (skos:note)")
    claims: int = Field(0, description="number of claims curated from it")
