"""The product part of the rendering: each ``<subject><manufacturedProduct>`` as a block of
caption/value rows, the way DailyMed's "Product information" table shows it, every value
verbatim from the XML and returned with its span and XPath."""

from __future__ import annotations

from lxml import etree

from kg.importers.spl.model import Coded, Field, Ingredient, Product, Quantity, Strength
from kg.importers.spl.render import V, Writer, local, normalise, string_value

__all__ = ["NDC_SYSTEM", "UNII_SYSTEM", "render_labeler", "render_products"]

NDC_SYSTEM = "2.16.840.1.113883.6.69"
UNII_SYSTEM = "2.16.840.1.113883.4.9"

_ENTITIES = ("manufacturedProduct", "manufacturedMedicine")
_PART_ENTITIES = ("partProduct", "partMedicine")
_PACKAGES = ("containerPackagedProduct", "containerPackagedMedicine")


def _path(*steps: str) -> str:
    return "/".join(f"{V}{step}" for step in steps)


def _first(element: etree._Element, names: tuple[str, ...]) -> etree._Element | None:
    for child in element:
        if local(child) in names:
            return child
    return None


class _Block:
    """One block of rows being written, with the absolute offset of each value put in it."""

    def __init__(self, base: int, tree: etree._ElementTree) -> None:
        self.base = base
        self.tree = tree
        self.parts: list[str] = []
        self.length = 0

    def put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def value(self, value: str, xpath: str) -> Field:
        start = self.base + self.length
        self.put(value)
        return Field(value=value, span=(start, start + len(value)), xpath=xpath)

    def element_value(self, element: etree._Element | None) -> tuple[str, str] | None:
        """(normalised string value, XPath) of an element with text, else None."""
        if element is None:
            return None
        value = normalise(string_value(element))
        return (value, self.tree.getpath(element)) if value else None

    def attribute_value(self, element: etree._Element | None, name: str) -> tuple[str, str] | None:
        if element is None:
            return None
        value = normalise(element.get(name) or "")
        return (value, f"{self.tree.getpath(element)}/@{name}") if value else None

    def row(self, caption: str, found: tuple[str, str] | None) -> Field | None:
        """``caption<TAB>value`` on a line of its own; nothing when there is no value."""
        if found is None:
            return None
        self.put(f"{caption}\t")
        field = self.value(*found)
        self.put("\n")
        return field

    def coded_row(self, caption: str, element: etree._Element | None) -> Coded | None:
        """``caption<TAB>displayName<TAB>code`` (the display name left out when absent)."""
        code = self.attribute_value(element, "code")
        if code is None or element is None:
            return None
        display = self.attribute_value(element, "displayName")
        self.put(f"{caption}\t")
        display_field = None
        if display is not None:
            display_field = self.value(*display)
            self.put("\t")
        code_field = self.value(*code)
        self.put("\n")
        return Coded(code=code_field, display=display_field)

    def text(self) -> str:
        return "".join(self.parts).rstrip("\n")


def render_products(root: etree._Element, writer: Writer) -> tuple[Product, ...]:
    """Every product of the document, in document order, appended to ``writer``."""
    products: list[Product] = []
    for subject in root.iter(f"{V}subject"):
        for role in subject.findall(f"{V}manufacturedProduct"):
            entity = _first(role, _ENTITIES)
            if entity is not None:
                products.append(_product(role, entity, "Product information", writer))
    return tuple(products)


def render_labeler(root: etree._Element, writer: Writer) -> Field | None:
    """``Labeler<TAB>name`` after the products (``author/assignedEntity/
    representedOrganization/name``)."""
    name = root.find(_path("author", "assignedEntity", "representedOrganization", "name"))
    block = _Block(writer.next_start(), root.getroottree())
    field = block.row("Labeler", block.element_value(name))
    start, _ = writer.add(block.text())
    assert field is None or start == block.base
    return field


def _product(role: etree._Element, entity: etree._Element, heading: str, writer: Writer) -> Product:
    """A product (or kit part) block: ``role`` is the element holding approval and route
    (``manufacturedProduct`` or ``part``), ``entity`` the one holding name, form, ingredients
    and packages."""
    tree = role.getroottree()
    block = _Block(writer.next_start(), tree)
    block.put(f"{heading}\n")
    name, suffix = _name_row(block, entity.find(f"{V}name"))
    generic = block.row(
        "Generic name",
        block.element_value(entity.find(_path("asEntityWithGeneric", "genericMedicine", "name"))),
    )
    code = entity.find(f"{V}code")
    ndc = None
    if code is not None and code.get("codeSystem") == NDC_SYSTEM:
        ndc = block.row("NDC", block.attribute_value(code, "code"))
    form = block.coded_row("Dosage form", entity.find(f"{V}formCode"))
    routes = []
    for route in role.findall(_path("consumedIn", "substanceAdministration", "routeCode")):
        coded = block.coded_row("Route of administration", route)
        if coded is not None:
            routes.append(coded)
    actives: list[Ingredient] = []
    inactives: list[Ingredient] = []
    for ingredient, substance, active in _ingredients(entity):
        caption = "Active ingredient" if active else "Inactive ingredient"
        found = _ingredient(block, caption, ingredient, substance)
        if found is not None:
            (actives if active else inactives).append(found)
    packages = []
    for package_code in _package_codes(entity):
        field = block.row("Package NDC", block.attribute_value(package_code, "code"))
        if field is not None:
            packages.append(field)
    approval = role.find(_path("subjectOf", "approval"))
    category = application = None
    if approval is not None:
        category = block.coded_row("Marketing category", approval.find(f"{V}code"))
        application = block.row(
            "Application number", block.attribute_value(approval.find(f"{V}id"), "extension")
        )
    start, _ = writer.add(block.text())
    assert start == block.base
    parts = []
    part_elements = [p for p in entity.findall(f"{V}part") if _first(p, _PART_ENTITIES) is not None]
    for number, part in enumerate(part_elements, 1):
        part_entity = _first(part, _PART_ENTITIES)
        assert part_entity is not None
        heading = f"Part {number} of {len(part_elements)}"
        parts.append(_product(part, part_entity, heading, writer))
    return Product(
        xpath=tree.getpath(role),
        span=(start, writer.pos),
        proprietary_name=name,
        name_suffix=suffix,
        generic_name=generic,
        ndc=ndc,
        dosage_form=form,
        routes=tuple(routes),
        active_ingredients=tuple(actives),
        inactive_ingredients=tuple(inactives),
        package_ndcs=tuple(packages),
        marketing_category=category,
        application_number=application,
        parts=tuple(parts),
    )


def _name_row(block: _Block, name: etree._Element | None) -> tuple[Field | None, Field | None]:
    """``Proprietary name<TAB>name[ suffix]``: a ``<name>`` that is text then one ``<suffix>``
    (``TRIAMINIC<suffix>Childrens Night Time Cold and Cough</suffix>``) gives two values,
    joined by one space; any other ``<name>`` is one value, its whole string."""
    if name is None:
        return None, None
    children = list(name)
    suffix = children[0] if len(children) == 1 and local(children[0]) == "suffix" else None
    own = normalise(name.text or "")
    if suffix is None or not own or normalise(suffix.tail or ""):
        return block.row("Proprietary name", block.element_value(name)), None
    suffix_value = block.element_value(suffix)
    block.put("Proprietary name\t")
    name_field = block.value(own, f"{block.tree.getpath(name)}/text()[1]")
    suffix_field = None
    if suffix_value is not None:
        block.put(" ")
        suffix_field = block.value(*suffix_value)
    block.put("\n")
    return name_field, suffix_field


def _ingredients(
    entity: etree._Element,
) -> list[tuple[etree._Element, etree._Element, bool]]:
    """(ingredient, substance, active?) in document order, for both SPL formats: ``ingredient``
    with ``classCode`` ACTI* (active) or IACT (inactive), and the older ``activeIngredient``
    / ``inactiveIngredient``. Other classes (e.g. CNTM, "may contain") are not listed."""
    found = []
    for child in entity:
        name = local(child)
        if name == "ingredient":
            class_code = child.get("classCode") or ""
            substance = child.find(f"{V}ingredientSubstance")
            if substance is not None and (class_code.startswith("ACTI") or class_code == "IACT"):
                found.append((child, substance, class_code.startswith("ACTI")))
        elif name in ("activeIngredient", "inactiveIngredient"):
            substance = child.find(f"{V}{name}Substance")
            if substance is not None:
                found.append((child, substance, name == "activeIngredient"))
    return found


def _ingredient(
    block: _Block, caption: str, ingredient: etree._Element, substance: etree._Element
) -> Ingredient | None:
    """``caption<TAB>name[<TAB>UNII<TAB>code][<TAB>Strength<TAB>40 mg in 0.8 mL]``."""
    name = block.element_value(substance.find(f"{V}name"))
    if name is None:
        return None
    block.put(f"{caption}\t")
    name_field = block.value(*name)
    unii = None
    code = substance.find(f"{V}code")
    if code is not None and code.get("codeSystem") == UNII_SYSTEM:
        found = block.attribute_value(code, "code")
        if found is not None:
            block.put("\tUNII\t")
            unii = block.value(*found)
    strength = None
    numerator = ingredient.find(_path("quantity", "numerator"))
    if numerator is not None and block.attribute_value(numerator, "value") is not None:
        block.put("\tStrength\t")
        top = _quantity(block, numerator)
        denominator = ingredient.find(_path("quantity", "denominator"))
        bottom = None
        if denominator is not None and block.attribute_value(denominator, "value") is not None:
            block.put(" in ")
            bottom = _quantity(block, denominator)
        strength = Strength(numerator=top, denominator=bottom)
    block.put("\n")
    return Ingredient(
        name=name_field,
        unii=unii,
        strength=strength,
        class_code=ingredient.get("classCode"),
        xpath=block.tree.getpath(ingredient),
    )


def _quantity(block: _Block, element: etree._Element) -> Quantity:
    """``value unit`` (``unit`` left out when absent or UCUM's unity "1")."""
    value = block.attribute_value(element, "value")
    assert value is not None
    value_field = block.value(*value)
    unit = block.attribute_value(element, "unit")
    unit_field = None
    if unit is not None and unit[0] != "1":
        block.put(" ")
        unit_field = block.value(*unit)
    return Quantity(value=value_field, unit=unit_field)


def _package_codes(entity: etree._Element) -> list[etree._Element]:
    """The NDC ``code`` of every package, outer to inner, in document order."""
    codes: list[etree._Element] = []

    def walk(holder: etree._Element) -> None:
        for content in holder.findall(f"{V}asContent"):
            package = _first(content, _PACKAGES)
            if package is None:
                continue
            code = package.find(f"{V}code")
            if code is not None and code.get("codeSystem") == NDC_SYSTEM:
                codes.append(code)
            walk(package)

    walk(entity)
    return codes
