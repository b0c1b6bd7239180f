"""The data ``read_spl`` returns: frozen, fully typed, every quotable value with its place.

A ``Field`` is the unit an importer turns into a claim: ``value`` is the verbatim quote
(``text[span[0]:span[1]]``) and ``xpath`` the ``oa:XPathSelector`` into the SPL XML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Coded", "Field", "Ingredient", "Product", "Quantity", "Section", "SplDocument", "SplError",
    "Strength",
]  # fmt: skip


class SplError(Exception):
    """An SPL file that cannot be read safely or is not SPL; ``str()`` gives
    ``file: where: message``, where ``where`` is an element path, a zip member or a
    ``line L, column C`` position."""

    def __init__(self, path: Path, where: str, message: str) -> None:
        self.path = path
        self.where = where
        self.message = message
        super().__init__(f"{path}: {where}: {message}")


Span = tuple[int, int]
"""Start and end (exclusive) offsets in ``SplDocument.text``, as Python ``str`` indices."""


@dataclass(frozen=True)
class Field:
    """One value of the product data: ``text[span[0]:span[1]] == value``, and the XPath 1.0
    expression ``xpath`` selects it in the XML (an attribute, or an element whose
    white-space-normalised string value it is)."""

    value: str
    span: Span
    xpath: str


@dataclass(frozen=True)
class Coded:
    """A coded value as SPL gives it: ``code`` attribute and, where present, ``displayName``."""

    code: Field
    display: Field | None


@dataclass(frozen=True)
class Quantity:
    """A number and its UCUM unit; ``unit`` is None when the XML has none or has ``"1"``
    (UCUM's unity, which DailyMed does not show either)."""

    value: Field
    unit: Field | None


@dataclass(frozen=True)
class Strength:
    """An ingredient's amount: ``numerator`` in ``denominator`` (``40 mg in 0.8 mL``)."""

    numerator: Quantity
    denominator: Quantity | None


@dataclass(frozen=True)
class Ingredient:
    """An ingredient substance; ``class_code`` is SPL's ``classCode`` (ACTIB, ACTIM, ACTIR,
    IACT) or None in the old format, ``unii`` its FDA UNII (codeSystem 2.16.840.1.113883.4.9)."""

    name: Field
    unii: Field | None
    strength: Strength | None
    class_code: str | None
    xpath: str


@dataclass(frozen=True)
class Product:
    """One product of ``<subject><manufacturedProduct>`` (or one part of a kit), as the product
    part of ``text`` shows it; ``span`` covers its rendered block and those of its parts."""

    xpath: str
    span: Span
    proprietary_name: Field | None
    name_suffix: Field | None
    generic_name: Field | None
    ndc: Field | None
    dosage_form: Coded | None
    routes: tuple[Coded, ...]
    active_ingredients: tuple[Ingredient, ...]
    inactive_ingredients: tuple[Ingredient, ...]
    package_ndcs: tuple[Field, ...]
    marketing_category: Coded | None
    application_number: Field | None
    parts: tuple[Product, ...]

    def fields(self) -> Iterator[Field]:
        """Every ``Field`` of this product and then of its parts, in rendering order."""
        for field in (self.proprietary_name, self.name_suffix, self.generic_name, self.ndc):
            if field is not None:
                yield field
        for coded in (self.dosage_form, *self.routes):
            yield from _coded_fields(coded)
        for ingredient in (*self.active_ingredients, *self.inactive_ingredients):
            yield ingredient.name
            if ingredient.unii is not None:
                yield ingredient.unii
            if ingredient.strength is not None:
                yield from _quantity_fields(ingredient.strength.numerator)
                yield from _quantity_fields(ingredient.strength.denominator)
        yield from self.package_ndcs
        yield from _coded_fields(self.marketing_category)
        if self.application_number is not None:
            yield self.application_number
        for part in self.parts:
            yield from part.fields()


def _coded_fields(coded: Coded | None) -> Iterator[Field]:
    if coded is not None:
        if coded.display is not None:
            yield coded.display
        yield coded.code


def _quantity_fields(quantity: Quantity | None) -> Iterator[Field]:
    if quantity is not None:
        yield quantity.value
        if quantity.unit is not None:
            yield quantity.unit


@dataclass(frozen=True)
class Section:
    """One ``<section>``: LOINC ``code``/``display`` (None when the section has no ``<code>``),
    SPL ``id`` (``<id root>``) and ``anchor`` (the ``ID`` attribute), the rendered ``title``
    and its leading ``number`` ("5.7"), and ``start``/``end`` in ``text``: from its title to
    the end of its last descendant (``start == end`` when nothing of it renders)."""

    code: str | None
    display: str | None
    id: str | None
    anchor: str | None
    title: str | None
    number: str | None
    start: int
    end: int
    xpath: str
    children: tuple[Section, ...]

    def walk(self) -> Iterator[Section]:
        """This section and its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class SplDocument:
    """A whole SPL label: metadata as the XML gives it, the rendered ``text`` every quote of
    the label points into, its section tree and its products."""

    path: Path
    member: str | None
    document_id: str | None
    set_id: str
    version: int
    effective_time: str
    document_code: str
    document_display: str | None
    title: str | None
    labeler: Field | None
    xml_sha256: str
    file_sha256: str
    text: str
    sections: tuple[Section, ...]
    products: tuple[Product, ...]

    def walk_sections(self) -> Iterator[Section]:
        """Every section, nested ones included, in document order."""
        for section in self.sections:
            yield from section.walk()
