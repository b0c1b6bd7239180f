"""Getting SPL XML bytes out of a file or a DailyMed zip, and parsing them, without trusting
them: size caps before reading, zip members vetted before extracting, no DTD ever parsed.

Two walls stand against entity tricks (billion laughs, external entities, DTD fetches):
a scan of the prolog refuses any ``<!DOCTYPE`` (or other ``<!`` declaration) before libxml2
sees the bytes, and the parser itself runs with entities unresolved, DTD loading and network
off and libxml2's own limits kept (``huge_tree=False``: depth 256, text nodes 10 MB); a tree
that still has a DTD or an entity reference is refused after parsing.
"""

from __future__ import annotations

import codecs
import re
import stat
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath

from lxml import etree

from kg.importers.spl.model import SplError

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "DEFAULT_MAX_RATIO", "MAX_CENTRAL_DIRECTORY", "PARSER",
    "Source", "load", "parse",
]  # fmt: skip

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Largest file, and largest uncompressed XML member of a zip, that is read (50 MiB)."""

DEFAULT_MAX_RATIO = 100
"""Largest uncompressed/compressed size ratio of the zip's XML member (real SPL: about 6)."""

DEFAULT_MAX_DEPTH = 100
"""Deepest element nesting accepted (real SPL: at most 18)."""

MAX_CENTRAL_DIRECTORY = 1024 * 1024
"""Largest zip central directory parsed (zipfile holds one object per entry; a DailyMed zip's
is a few hundred bytes)."""

CHUNK = 64 * 1024

SPL_NS = "urn:hl7-org:v3"
ROOT_TAG = f"{{{SPL_NS}}}document"

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    attribute_defaults=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    # collect_ids stays at its default: with collect_ids=False libxml2 2.14 tries to load an
    # external DTD subset (only no_network stopped it, in the tests' loopback check)
)
"""The only parser used: it neither expands nor fetches anything. Module-level on purpose, so
the tests can show that even without the DOCTYPE scan nothing is fetched or expanded."""


@dataclass(frozen=True)
class Source:
    """Parsed XML with where it came from: ``member`` is the zip member, or None for an
    ``.xml`` file."""

    root: etree._Element
    member: str | None
    xml: bytes
    file_bytes: bytes


def load(path: Path, *, max_bytes: int, max_ratio: float, max_depth: int) -> Source:
    """Read ``path`` (an ``.xml`` file or a zip holding exactly one ``.xml``) and parse it."""
    data = _read_file(path, max_bytes)
    member: str | None = None
    xml = data
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06" or path.suffix.lower() == ".zip":
        member, xml = _read_zip(path, data, max_bytes, max_ratio)
    root = parse(path, xml, member=member, max_depth=max_depth)
    return Source(root=root, member=member, xml=xml, file_bytes=data)


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise SplError(path, "file", "not a regular file")
        if info.st_size > max_bytes:
            raise SplError(path, "file", f"{info.st_size} bytes, over the {max_bytes}-byte cap")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise SplError(path, "file", f"cannot read: {err.strerror or err}") from err
    if len(data) > max_bytes:  # grew while being read
        raise SplError(path, "file", f"over the {max_bytes}-byte cap")
    return data


_DRIVE = re.compile(r"^[A-Za-z]:")


def _read_zip(path: Path, data: bytes, max_bytes: int, max_ratio: float) -> tuple[str, bytes]:
    """The single ``.xml`` member's bytes, after every member's name and type is vetted and
    the XML member's declared size and compression ratio are checked; read in chunks and
    never past the cap, whatever the headers say."""
    directory = _central_directory_size(data)
    if directory is not None and directory > MAX_CENTRAL_DIRECTORY:
        raise SplError(
            path, "zip", f"central directory of {directory} bytes, over {MAX_CENTRAL_DIRECTORY}"
        )
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise SplError(path, "zip", f"not a readable zip: {err}") from err
    with archive:
        infos = archive.infolist()
        for info in infos:
            _vet_member(path, info)
        xmls = [i for i in infos if not i.is_dir() and i.filename.lower().endswith(".xml")]
        if len(xmls) != 1:
            names = ", ".join(i.filename for i in xmls) or "none"
            raise SplError(path, "zip", f"expected exactly one .xml member, found {names}")
        info = xmls[0]
        name = info.filename
        if info.file_size > max_bytes:
            raise SplError(
                path, name, f"uncompresses to {info.file_size} bytes, over the {max_bytes}-byte cap"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            raise SplError(
                path, name, f"compression ratio {ratio:.0f} is over the cap of {max_ratio:g}"
            )
        limit = min(info.file_size, max_bytes)
        chunks: list[bytes] = []
        total = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    total += len(chunk)
                    if total > limit:  # zipfile stops at the declared size; kept as a guard
                        raise SplError(path, name, "inflates past its declared size")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as err:
            raise SplError(path, name, f"cannot extract: {err}") from err
    return name, b"".join(chunks)


def _central_directory_size(data: bytes) -> int | None:
    """The central directory size the end record declares (ZIP64's where it defers to it), read
    before zipfile builds an object per entry; None when there is no end record."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or end + 22 > len(data):
        return None
    size = int.from_bytes(data[end + 12 : end + 16], "little")
    locator = end - 20
    if size == 0xFFFFFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        record = int.from_bytes(data[locator + 8 : locator + 16], "little")
        if data[record : record + 4] == b"PK\x06\x06":
            size = int.from_bytes(data[record + 40 : record + 48], "little")
    return size


def _vet_member(path: Path, info: zipfile.ZipInfo) -> None:
    name = info.filename
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise SplError(path, name, "absolute path in zip member name")
    if "\\" in name or ".." in PurePosixPath(name).parts:
        raise SplError(path, name, "zip member name leaves the archive ('..' or '\\')")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise SplError(path, name, "zip member is a symbolic link")
    if info.flag_bits & 0x1:
        raise SplError(path, name, "zip member is encrypted")


def parse(path: Path, xml: bytes, *, member: str | None, max_depth: int) -> etree._Element:
    """Parse SPL bytes into a tree whose root is ``{urn:hl7-org:v3}document``."""
    prefix = f"{member}, " if member else ""
    at = _declaration_in_prolog(xml)
    if at is not None:
        line, column = at
        raise SplError(
            path,
            f"{prefix}line {line}, column {column}",
            "DOCTYPE or other markup declaration refused: SPL needs none, and entities "
            "are never expanded or fetched",
        )
    try:
        root = etree.XML(xml, PARSER)
    except etree.XMLSyntaxError as err:
        line, column = err.position
        raise SplError(
            path, f"{prefix}line {line}, column {column}", f"malformed XML: {err.msg}"
        ) from err
    except ValueError as err:  # e.g. a str with an encoding declaration; bytes never get here
        raise SplError(path, f"{prefix}line 1, column 1", f"malformed XML: {err}") from err
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None:
        raise SplError(path, f"{prefix}line 1, column 1", "DOCTYPE refused")
    for entity in root.iter(etree.Entity):
        raise SplError(
            path, f"{prefix}line {entity.sourceline}", f"entity reference {entity} refused"
        )
    if root.tag != ROOT_TAG:
        raise SplError(
            path,
            f"{prefix}/{etree.QName(root).localname}",
            f"not SPL: root is {root.tag}, not {ROOT_TAG}",
        )
    _check_depth(path, prefix, root, max_depth)
    return root


def _check_depth(path: Path, prefix: str, root: etree._Element, max_depth: int) -> None:
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            depth += 1
            if depth > max_depth:
                raise SplError(
                    path,
                    f"{prefix}line {element.sourceline}",
                    f"elements nested deeper than {max_depth}",
                )
        else:
            depth -= 1


def _declaration_in_prolog(xml: bytes) -> tuple[int, int] | None:
    """Line and column of a ``<!`` declaration (DOCTYPE, ENTITY...) before the root element,
    or None. Comments, processing instructions and white space are skipped; the text is
    decoded as the XML spec's encoding detection says (UTF-32/UTF-16 by BOM or zero bytes,
    else byte-transparent Latin-1, which is exact for the ASCII of markup)."""
    encoding = _guess_encoding(xml[:4])
    head = 4096
    while True:
        text = xml[: head * 4 if encoding.startswith("utf-32") else head].decode(
            encoding, errors="replace"
        )
        found, complete = _scan_prolog(text)
        if complete or head >= len(xml):
            break
        head *= 8
    if found is None:
        return None
    line = text.count("\n", 0, found) + 1
    column = found - (text.rfind("\n", 0, found) + 1) + 1
    return line, column


def _guess_encoding(first: bytes) -> str:
    if first.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if first == b"<\x00\x00\x00":
        return "utf-32-le"
    if first == b"\x00\x00\x00<":
        return "utf-32-be"
    if first[:2] == b"<\x00":
        return "utf-16-le"
    if first[:2] == b"\x00<":
        return "utf-16-be"
    return "latin-1"


def _scan_prolog(text: str) -> tuple[int | None, bool]:
    """(offset of a ``<!`` declaration or None, whether the scan reached the root element)."""
    at = 0
    n = len(text)
    while at < n:
        char = text[at]
        if char in " \t\r\n\ufeff\u00ef\u00bb\u00bf":  # white space, BOM (decoded or as Latin-1)
            at += 1
        elif text.startswith("<!--", at):
            close = text.find("-->", at + 4)
            if close < 0:
                return None, False
            at = close + 3
        elif text.startswith("<?", at):
            close = text.find("?>", at + 2)
            if close < 0:
                return None, False
            at = close + 2
        elif text.startswith("<!", at):
            return at, True
        else:
            return None, True
    return None, False
