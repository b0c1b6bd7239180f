"""kg.importers.spl on six real FDA labels, checked against the XML re-read independently, and
on hostile files built in tmp_path (fixtures and their origins: fixtures/spl/README.md)."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import subprocess
import sys
import textwrap
import time
import urllib.request
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from kg.importers.spl import Product, Section, SplDocument, SplError, read_spl
from kg.importers.spl.loinc import section_codes
from kg.importers.spl.source import PARSER

from ..support import LoopbackListener

FIXTURES = Path(__file__).parent / "fixtures" / "spl"
ZIP = "1b5e2860-6855-4a65-8bbc-e064172a1adf_1.zip"
V = "{urn:hl7-org:v3}"
UNII_SYSTEM = "2.16.840.1.113883.4.9"

# setId / version / effectiveTime as fixtures/spl/README.md gives them
EXPECTED = {
    "humira.xml": ("608d4f0d-b19f-46d3-749a-7159aa5f933d", 1560, "20130930"),
    "lipitor-orig.xml": ("c6e131fe-e7df-4876-83f7-9156fc4e8228", 11, "20140113"),
    "no-title.xml": ("0027b8a3-73bf-4005-a7e3-b035f451a861", 1, "20100728"),
    "cough.xml": ("00f66f25-3469-4c16-9baf-fba21e9628bd", 1, "20110426"),
    "renese.xml": ("ABD6ECF0-DC8E-41DE-89F2-1E36ED9D6535", 1, "20051214"),
    ZIP: ("1b5e2860-6855-4a65-8bbc-e064172a1adf", 1, "20160309"),
}
FILES = sorted(EXPECTED)

_XML_WS = re.compile(r"[ \t\r\n]+")


def norm(text: str) -> str:
    """XPath normalize-space(): XML white space only (a no-break space is text)."""
    return _XML_WS.sub(" ", text).strip(" ")


@cache
def doc(name: str) -> SplDocument:
    return read_spl(FIXTURES / name)


@cache
def xml_bytes(name: str) -> bytes:
    data = (FIXTURES / name).read_bytes()
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            (member,) = [n for n in archive.namelist() if n.endswith(".xml")]
            return archive.read(member)
    return data


@cache
def tree(name: str) -> etree._ElementTree:
    """The fixture parsed on its own, with lxml's defaults (the fixtures are trusted)."""
    return etree.ElementTree(etree.fromstring(xml_bytes(name)))


def select(name: str, xpath: str) -> etree._Element:
    found = tree(name).xpath(xpath)
    assert isinstance(found, list) and len(found) == 1, xpath
    element = found[0]
    assert isinstance(element, etree._Element)
    return element


def text_of(element: etree._Element, *, skip: tuple[str, ...] = ()) -> str:
    """An element's text as the label shows it inline: ``<br/>`` a space, footnotes and images
    (rendered elsewhere) and ``skip`` left out, tails of skipped elements kept."""
    pieces = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname
        if name == "br":
            pieces.append(" ")
        elif name not in ("footnote", "renderMultiMedia", *skip):
            pieces.append(text_of(child, skip=skip))
        pieces.append(child.tail or "")
    return "".join(pieces)


def flat(text: str) -> str:
    """Rendered text with its line breaks and TABs read as spaces."""
    return norm(text.replace("\t", " "))


def all_products(document: SplDocument) -> list[Product]:
    found: list[Product] = []

    def walk(product: Product) -> None:
        found.append(product)
        for part in product.parts:
            walk(part)

    for product in document.products:
        walk(product)
    return found


# --- metadata -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_metadata_matches_readme_and_xml(name: str) -> None:
    document = doc(name)
    root = tree(name).getroot()
    set_id, version, effective_time = EXPECTED[name]
    assert (document.set_id, document.version, document.effective_time) == (
        set_id,
        version,
        effective_time,
    )
    assert document.set_id == root.find(f"{V}setId").get("root")
    assert str(document.version) == root.find(f"{V}versionNumber").get("value")
    assert document.effective_time == root.find(f"{V}effectiveTime").get("value")
    code = root.find(f"{V}code")
    assert document.document_code == code.get("code")
    assert document.document_display == code.get("displayName")
    assert document.document_id == root.find(f"{V}id").get("root")
    labeler = root.find(f"{V}author/{V}assignedEntity/{V}representedOrganization/{V}name")
    assert document.labeler is not None
    assert document.labeler.value == norm("".join(labeler.itertext()))
    assert document.text[slice(*document.labeler.span)] == document.labeler.value
    assert document.xml_sha256 == hashlib.sha256(xml_bytes(name)).hexdigest()
    assert document.file_sha256 == hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest()
    title = root.find(f"{V}title")
    if title is None or not norm(text_of(title)):
        assert document.title is None
    else:
        assert document.title is not None
        assert flat(document.title) == norm(text_of(title))
        assert document.text.startswith(document.title + "\n")


def test_old_label_has_no_title_and_zip_names_its_member() -> None:
    assert doc("no-title.xml").title is None
    assert doc(ZIP).member == "ab36b844-19de-4340-b32b-5e3abdaa5895.xml"
    assert doc(ZIP).xml_sha256 != doc(ZIP).file_sha256
    assert doc("cough.xml").member is None
    assert doc("cough.xml").xml_sha256 == doc("cough.xml").file_sha256


# --- sections -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_section_matches_its_element(name: str) -> None:
    document = doc(name)
    xml_sections = list(tree(name).getroot().iter(f"{V}section"))
    sections = list(document.walk_sections())
    assert len(sections) == len(xml_sections) > 10
    for section, element in zip(sections, xml_sections, strict=True):
        assert select(name, section.xpath) is element
        code = element.find(f"{V}code")
        assert section.code == (code.get("code") if code is not None else None)
        assert section.display == (code.get("displayName") if code is not None else None)
        assert section.id == element.find(f"{V}id").get("root")
        assert section.anchor == element.get("ID")
        title = element.find(f"{V}title")
        expected_title = norm(text_of(title)) if title is not None else ""
        assert flat(section.title or "") == expected_title
        number = re.match(r"(\d+(?:\.\d+)*)\.? ", expected_title + " ")
        assert section.number == (number.group(1) if number else None)
        child_elements = element.findall(f"{V}component/{V}section")
        assert [select(name, c.xpath) for c in section.children] == child_elements


def test_a_section_without_code_is_kept_with_none() -> None:
    first = doc("renese.xml").sections[0]
    assert (first.code, first.display, first.title) == (None, None, None)
    assert first.start == first.end  # it holds only product data, rendered in the product part


@pytest.mark.parametrize("name", FILES)
def test_section_offsets(name: str) -> None:
    document = doc(name)
    text = document.text

    def check(section: Section) -> None:
        assert 0 <= section.start <= section.end <= len(text)
        span = text[section.start : section.end]
        if section.title:
            assert span.startswith(section.title)
        element = select(name, section.xpath)
        flat_span = flat(span)
        for paragraph in element.iter(f"{V}paragraph"):
            assert norm(text_of(paragraph)) in flat_span, paragraph.sourceline
        previous_end = section.start
        for child in section.children:
            assert section.start <= child.start <= child.end <= section.end
            assert previous_end <= child.start  # ordered, non-overlapping
            previous_end = child.end
            check(child)

    assert "\n\n\n" not in text and text.endswith("\n") and not text.endswith("\n\n")
    assert not re.search(r"^[ \t]+$", text, re.M)  # no line of white space posing as blank
    assert all(line == line.strip(" ") for line in text.split("\n") if not line.startswith("  "))
    previous = 0
    for section in document.sections:
        assert previous <= section.start
        previous = section.end
        check(section)
    assert sum(1 for s in document.walk_sections() if s.end > s.start) > 10


@pytest.mark.parametrize("name", FILES)
def test_every_text_of_the_body_is_rendered(name: str) -> None:
    """Nothing dropped: every paragraph, cell, caption, title, footnote, list item's own text
    and image alt text of the body is in the rendering."""
    document = doc(name)
    flat_text = flat(document.text)
    root = tree(name).getroot()
    body = root.find(f"{V}component/{V}structuredBody")
    checked = 0
    media = {m.get("ID"): m for m in root.iter(f"{V}observationMedia")}
    for element in body.iter():
        name_ = etree.QName(element).localname
        if name_ in ("paragraph", "td", "th", "caption", "title", "footnote"):
            expected = norm(text_of(element))
        elif name_ == "item":
            expected = norm(element.text or "")
        elif name_ == "renderMultiMedia" and element.get("referencedObject") in media:
            alt = media[element.get("referencedObject")].find(f"{V}text")
            expected = norm(text_of(alt)) if alt is not None else ""
        else:
            continue
        assert expected in flat_text, (element.sourceline, expected[:80])
        checked += bool(expected)
    assert checked > 15


def test_humira_interactions_name_anakinra() -> None:
    document = doc("humira.xml")
    (interactions,) = [s for s in document.walk_sections() if s.code == "34073-7"]
    assert interactions.number == "7"
    span = document.text[interactions.start : interactions.end]
    assert "Anakinra: Increased risk of serious infection (5.1, 5.7, 7.2)" in span
    (use_with,) = [s for s in document.walk_sections() if s.number == "5.7"]
    title = select("humira.xml", use_with.xpath).find(f"{V}title").text
    assert title == "5.7 Use with Anakinra"  # as written in humira.xml
    assert use_with.title == title
    warnings = next(s for s in document.sections if s.number == "5")
    assert use_with in warnings.children
    assert "Concurrent use of anakinra" in document.text[use_with.start : use_with.end]


# --- products -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_product_field_is_quoted_and_located(name: str) -> None:
    document = doc(name)
    root = tree(name).getroot()
    roles = [m for s in root.iter(f"{V}subject") for m in s.findall(f"{V}manufacturedProduct")]
    assert len(document.products) == len(roles) >= 1
    text = document.text
    fields = 0
    for product in all_products(document):
        start, end = product.span
        assert text[start:end].startswith(("Product information\n", "Part "))
        assert select(name, product.xpath) is not None
        previous = start
        for field in product.fields():
            assert previous <= field.span[0]  # fields() runs in rendering order
            previous = field.span[1]
            assert text[field.span[0] : field.span[1]] == field.value
            assert tree(name).xpath(f"normalize-space({field.xpath})") == field.value
            fields += 1
        assert previous <= end
        assert product.proprietary_name is not None
        assert product.dosage_form is not None
    assert fields > 10


@pytest.mark.parametrize("name", FILES)
def test_uniis_match_the_product_data(name: str) -> None:
    document = doc(name)
    root = tree(name).getroot()
    ingredients = [i for p in all_products(document) for i in p.active_ingredients]
    assert ingredients
    for ingredient in ingredients:
        assert ingredient.unii is not None
        assert re.fullmatch(r"[0-9A-Z]{10}", ingredient.unii.value)
        code = select(name, ingredient.unii.xpath.removesuffix("/@code"))
        assert code.get("codeSystem") == UNII_SYSTEM
        assert code.getparent().getparent() is select(name, ingredient.xpath)
    active_in_xml = []
    for substance in root.iter(f"{V}ingredientSubstance", f"{V}activeIngredientSubstance"):
        holder = substance.getparent()
        if etree.QName(holder).localname == "activeIngredient" or (
            holder.get("classCode") or ""
        ).startswith("ACTI"):
            active_in_xml.append(substance.find(f"{V}code").get("code"))
    assert [i.unii.value for i in ingredients if i.unii] == active_in_xml


def test_product_values_of_real_labels() -> None:
    kit = doc("humira.xml").products[0]
    assert kit.dosage_form is not None and kit.dosage_form.display is not None
    assert (kit.ndc and kit.ndc.value, kit.dosage_form.display.value) == ("0074-3799", "KIT")
    assert kit.application_number is not None
    assert kit.application_number.value == "BLA125057"
    assert kit.marketing_category is not None and kit.marketing_category.display is not None
    assert kit.marketing_category.display.value == "BLA"
    assert [p.value for p in kit.package_ndcs] == ["0074-3799-02", "0074-3799-71"]
    syringe = kit.parts[0]
    (adalimumab,) = syringe.active_ingredients
    assert adalimumab.unii is not None and adalimumab.strength is not None
    assert (adalimumab.name.value, adalimumab.unii.value) == ("ADALIMUMAB", "FYS6T7F842")
    text = doc("humira.xml").text
    strength = adalimumab.strength
    assert strength.denominator is not None
    assert text[strength.numerator.value.span[0] : strength.denominator.value.span[1] + 3] == (
        "40 mg in 0.8 mL"
    )
    assert [r.display.value for r in syringe.routes if r.display] == ["SUBCUTANEOUS"]

    triaminic = doc("cough.xml").products[0]
    assert triaminic.proprietary_name is not None and triaminic.name_suffix is not None
    assert (triaminic.proprietary_name.value, triaminic.name_suffix.value) == (
        "TRIAMINIC",
        "Childrens Night Time Cold and Cough",
    )
    assert triaminic.application_number is not None
    assert triaminic.application_number.value == "part341"  # OTC monograph citation

    renese = doc("renese.xml").products[0]  # the older SPL format
    (polythiazide,) = renese.active_ingredients
    assert polythiazide.unii is not None and polythiazide.unii.value == "36780APV5N"
    assert [i.name.value for i in renese.inactive_ingredients][:2] == [
        "dibasic calcium phosphate",
        "lactose",
    ]
    assert renese.marketing_category is None

    rogaine = doc(ZIP).products[0]
    assert rogaine.application_number is not None
    assert rogaine.application_number.value == "NDA021812"


# --- LOINC codes ----------------------------------------------------------------------------


def test_every_real_section_code_is_in_openfda_tables() -> None:
    codes = section_codes()
    assert len(codes) == 88
    assert codes["60558-4"] == "Cleaning, Disinfecting, and Sterilization Instructions"
    for name in FILES:
        for section in doc(name).walk_sections():
            assert section.code is None or section.code in codes, (name, section.code)


def test_strict_codes_refuses_an_unknown_section_code(tmp_path: Path) -> None:
    data = xml_bytes("cough.xml").replace(b'code="55105-1"', b'code="99999-9"', 1)
    path = tmp_path / "unknown-code.xml"
    path.write_bytes(data)
    with pytest.raises(SplError) as caught:
        read_spl(path)
    assert "99999-9" in caught.value.message
    assert caught.value.where.endswith("/section/code")
    assert str(caught.value) == f"{path}: {caught.value.where}: {caught.value.message}"
    lenient = read_spl(path, strict_codes=False)
    assert "99999-9" in [s.code for s in lenient.walk_sections()]


# --- determinism and speed ------------------------------------------------------------------


def _fingerprint(document: SplDocument) -> str:
    return hashlib.sha256(repr((document.sections, document.products)).encode()).hexdigest()


def test_two_renderings_are_byte_identical_across_hash_seeds() -> None:
    path = FIXTURES / "humira.xml"
    first, second = read_spl(path), read_spl(path)
    assert first.text.encode() == second.text.encode()
    assert first == second
    script = textwrap.dedent(
        f"""
        import hashlib
        from pathlib import Path
        from kg.importers.spl import read_spl
        d = read_spl(Path({str(path)!r}))
        print(hashlib.sha256(d.text.encode()).hexdigest())
        print(hashlib.sha256(repr((d.sections, d.products)).encode()).hexdigest())
        """
    )
    expected = [hashlib.sha256(first.text.encode()).hexdigest(), _fingerprint(first)]
    for seed in ("0", "4242"):
        run = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            cwd=Path(__file__).resolve().parents[2],
        )
        assert run.stdout.split() == expected


# --- rendering rules, pinned on a small label -----------------------------------------------


def spl(body: str, *, head: str = "", title: str = "<title>T</title>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}\n'
        '<document xmlns="urn:hl7-org:v3"><id root="d"/>'
        '<code code="34391-3" codeSystem="2.16.840.1.113883.6.1"/>'
        f'{title}<effectiveTime value="20200101"/><setId root="s"/><versionNumber value="2"/>'
        f"<component><structuredBody>{body}</structuredBody></component></document>"
    ).encode()


SECTION = '<component><section ID="S1"><id root="x"/><code code="34073-7" codeSystem="2.16.840.1.113883.6.1" displayName="DRUG INTERACTIONS SECTION"/>{}</section></component>'


def test_rendering_rules(tmp_path: Path) -> None:
    body = SECTION.format(
        "<title>7  DRUG\tINTERACTIONS</title><text>"
        "<paragraph>One   <content>bold</content>10<sup>3</sup><br/><br/> next\n line"
        "<footnote>Note A</footnote></paragraph>"
        '<list listType="ordered" styleCode="LittleAlpha"><item>first</item>'
        "<item>second<list><item>inner</item></list></item></list>"
        "<list><item><caption>*</caption>starred</item><item>plain</item></list>"
        "<table><caption>Table 1</caption><thead><tr><th>A</th><th>B</th></tr></thead>"
        "<tbody><tr><td>1<br/>x</td><td>2<footnote>Note B</footnote></td></tr>"
        "<tr><td/><td/></tr></tbody></table>"
        '<renderMultiMedia referencedObject="M1"/><paragraph/></text>'
        '<component><observationMedia ID="M1"><text>Figure one</text></observationMedia>'
        "</component>"
    )
    path = tmp_path / "rules.xml"
    path.write_bytes(spl(body))
    document = read_spl(path)
    assert document.text == (
        "T\n\n"
        "7 DRUG INTERACTIONS\n\n"
        "One bold103\nnext line\n\n"
        "Note A\n\n"
        "a. first\nb. second\n  - inner\n\n"
        "* starred\n- plain\n\n"
        "Table 1\nA\tB\n1 x\t2\nNote B\n\n"
        "Figure one\n"
    )
    (section,) = document.sections
    assert (section.number, section.title, section.anchor) == ("7", "7 DRUG INTERACTIONS", "S1")
    assert document.text[section.start : section.end].endswith("Figure one")
    assert document.products == ()


# --- hostile and broken input ---------------------------------------------------------------


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: Path, **options: int | float | bool) -> SplError:
    with pytest.raises(SplError) as caught:
        read_spl(path, **options)  # type: ignore[arg-type]
    error = caught.value
    assert error.path == path
    assert str(error).startswith(f"{path}: {error.where}: ")
    return error


def test_not_spl(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "page.xml", b'<html xmlns="http://www.w3.org/1999/xhtml"/>'))
    assert error.where == "/html"
    assert "not SPL" in error.message


def test_spl_without_set_id(tmp_path: Path) -> None:
    data = re.sub(rb"<setId [^>]*/>", b"", xml_bytes("cough.xml"))
    error = refused(write(tmp_path, "no-setid.xml", data))
    assert error.where == "/document/setId"


def test_truncated_and_malformed_xml(tmp_path: Path) -> None:
    data = xml_bytes("humira.xml")
    error = refused(write(tmp_path, "truncated.xml", data[: len(data) // 2]))
    assert re.fullmatch(r"line \d+, column \d+", error.where)
    assert "malformed XML" in error.message
    error = refused(write(tmp_path, "bad.xml", b'<document xmlns="urn:hl7-org:v3">\n<a></b>'))
    assert error.where == "line 2, column 8"


def _dtd_attacks(url: str) -> dict[str, bytes]:
    return {
        "external entity": spl(
            "",
            head=f'<!DOCTYPE document [<!ENTITY ext SYSTEM "{url}ext">]>',
            title="<title>&ext;</title>",
        ),
        "external DTD": spl("", head=f'<!DOCTYPE document SYSTEM "{url}spl.dtd">'),
        "parameter entity": spl(
            "", head=f'<!DOCTYPE document [<!ENTITY % p SYSTEM "{url}p"> %p;]>'
        ),
    }


def test_doctype_with_external_entities_is_refused_and_never_fetched(
    tmp_path: Path, listener: LoopbackListener
) -> None:
    for attack, data in _dtd_attacks(listener.url).items():
        error = refused(write(tmp_path, f"{attack.replace(' ', '-')}.xml", data))
        assert error.where == "line 1, column 39", attack
        assert "DOCTYPE" in error.message
        # the parser alone, without the DOCTYPE scan, neither fetches nor expands either
        root = etree.XML(data, PARSER)
        references = [e.text for e in root.iter(etree.Entity)]
        assert references == (["&ext;"] if attack == "external entity" else []), attack
    time.sleep(0.3)
    assert listener.connections == 0
    with urllib.request.urlopen(listener.url, timeout=5):  # control: the listener does count
        pass
    deadline = time.monotonic() + 5
    while listener.connections == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.connections == 1


def test_doctype_is_found_behind_comments_pis_and_in_utf16(tmp_path: Path) -> None:
    head = "<!-- a <!DOCTYPE in a comment is no DOCTYPE --><?pi x?>\n  <!DOCTYPE document>"
    error = refused(write(tmp_path, "hidden.xml", spl("", head=head)))
    assert error.where == "line 2, column 3"
    utf16 = spl("", head="<!DOCTYPE document>").decode().replace("UTF-8", "UTF-16")
    error = refused(write(tmp_path, "utf16.xml", utf16.encode("utf-16")))
    assert error.where == "line 1, column 40"  # "UTF-16" is one character longer
    plain = spl(SECTION.format("<title>1 X</title>")).decode().replace("UTF-8", "UTF-16")
    document = read_spl(write(tmp_path, "plain16.xml", plain.encode("utf-16")))
    assert document.text == "T\n\n1 X\n"


def test_billion_laughs(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    data = spl("", head=f"<!DOCTYPE document [{entities}]>", title="<title>&lol9;</title>")
    started = time.perf_counter()
    error = refused(write(tmp_path, "laughs.xml", data))
    assert "DOCTYPE" in error.message
    try:  # the parser alone: libxml2 refuses the amplification, or leaves it unexpanded
        root = etree.XML(data, PARSER)
    except etree.XMLSyntaxError as err:
        assert "amplification" in str(err)
    else:
        assert len(etree.tostring(root)) < 2 * len(data)
    assert time.perf_counter() - started < 1


def test_too_deep(tmp_path: Path) -> None:
    for depth, where in ((150, r"line \d+"), (300, r"line \d+, column \d+")):
        nested = "<content>" * depth + "x" + "</content>" * depth
        body = SECTION.format(f"<text><paragraph>{nested}</paragraph></text>")
        error = refused(write(tmp_path, f"deep{depth}.xml", spl(body)))
        assert re.fullmatch(where, error.where), error
    assert "deeper than 10" in refused(FIXTURES / "cough.xml", max_depth=10).message


def test_size_cap(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:  # sparse: 50 MiB + 1 byte on disk costs nothing
        handle.truncate(50 * 1024 * 1024 + 1)
    error = refused(huge)
    assert error.where == "file" and "cap" in error.message
    assert "cap" in refused(FIXTURES / "cough.xml", max_bytes=1000).message


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_without_one_xml(tmp_path: Path) -> None:
    error = refused(_zip(tmp_path / "none.zip", {"label.jpg": b"\xff\xd8"}))
    assert error.where == "zip" and "none" in error.message
    cough = xml_bytes("cough.xml")
    error = refused(_zip(tmp_path / "two.zip", {"a.xml": cough, "b.xml": cough}))
    assert "a.xml, b.xml" in error.message
    error = refused(write(tmp_path, "fake.zip", b"not a zip at all"))
    assert error.where == "zip"


def test_zip_bomb(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", {"bomb.xml": b" " * (30 * 1024 * 1024)})
    assert bomb.stat().st_size < 100_000
    error = refused(bomb)
    assert error.where == "bomb.xml" and "compression ratio" in error.message
    # a member over the size cap, in a zip under it, at an ordinary ratio (about 2)
    big = _zip(tmp_path / "big.zip", {"big.xml": os.urandom(300_000).hex().encode()})
    assert big.stat().st_size < 400_000
    error = refused(big, max_bytes=400_000)
    assert error.where == "big.xml" and "over the 400000-byte cap" in error.message


def test_zip_with_a_huge_central_directory(tmp_path: Path) -> None:
    """Tens of thousands of empty members: refused before zipfile makes an object of each."""
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(25_000):
            archive.writestr(f"m{number:05}", b"")
    error = refused(path)
    assert error.where == "zip" and "central directory" in error.message


def test_zip_member_lying_about_its_size(tmp_path: Path) -> None:
    """A central directory that declares fewer bytes than the member inflates to: reading
    stops at the declared size and the CRC check refuses the member."""
    data = bytearray(
        _zip(tmp_path / "honest.zip", {"label.xml": xml_bytes("cough.xml")}).read_bytes()
    )
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    error = refused(write(tmp_path, "liar.zip", bytes(data)))
    assert error.where == "label.xml" and "cannot extract" in error.message


def test_zip_traversal_absolute_and_symlink_members(tmp_path: Path) -> None:
    cough = xml_bytes("cough.xml")
    error = refused(_zip(tmp_path / "up.zip", {"../x.xml": cough}))
    assert error.where == "../x.xml"
    error = refused(_zip(tmp_path / "abs.zip", {"/tmp/x.xml": cough}))
    assert error.where == "/tmp/x.xml" and "absolute" in error.message
    link = zipfile.ZipInfo("label.xml")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    error = refused(path)
    assert error.where == "label.xml" and "symbolic link" in error.message
    assert not (tmp_path.parent / "x.xml").exists()
