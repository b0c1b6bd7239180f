"""``read_spl``: one SPL file (or DailyMed zip) in, one ``SplDocument`` out."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from kg.importers.spl.loinc import section_codes
from kg.importers.spl.model import SplDocument, SplError
from kg.importers.spl.products import render_labeler, render_products
from kg.importers.spl.render import BodyRenderer, V, Writer, normalise
from kg.importers.spl.source import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_RATIO,
    load,
)

__all__ = ["read_spl"]

_VERSION = re.compile(r"[0-9]+")


def read_spl(
    path: Path,
    *,
    strict_codes: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_ratio: float = DEFAULT_MAX_RATIO,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> SplDocument:
    """Read an SPL ``.xml`` file or a DailyMed per-label ``.zip`` (exactly one ``.xml``
    member; images ignored) and render it.

    ``strict_codes`` refuses a section whose LOINC code is not in openFDA's section table (a
    section with no ``<code>`` is accepted either way). ``max_bytes`` caps the file and the
    uncompressed XML member, ``max_ratio`` the member's compression ratio, ``max_depth`` the
    element nesting. Raises ``SplError`` naming the file and the element, zip member or
    position at fault; reads nothing else, writes nothing, fetches nothing.
    """
    source = load(path, max_bytes=max_bytes, max_ratio=max_ratio, max_depth=max_depth)
    root = source.root
    prefix = f"{source.member}, " if source.member else ""

    def required(step: str, attribute: str) -> str:
        element = root.find(f"{V}{step}")
        value = normalise(element.get(attribute) or "") if element is not None else ""
        if not value:
            where = f"{prefix}/document/{step}"
            raise SplError(path, where, f"missing <{step} {attribute}=...>: not a usable SPL")
        return value

    set_id = required("setId", "root")
    version = required("versionNumber", "value")
    if not _VERSION.fullmatch(version):
        raise SplError(
            path, f"{prefix}/document/versionNumber", f"version {version!r} is not a number"
        )
    effective_time = required("effectiveTime", "value")
    document_code = required("code", "code")
    code_element = root.find(f"{V}code")
    assert code_element is not None
    document_display = normalise(code_element.get("displayName") or "") or None
    id_element = root.find(f"{V}id")

    writer = Writer()
    body = BodyRenderer(
        root,
        writer,
        codes=section_codes() if strict_codes else None,
        path=path,
        member=source.member,
    )
    title, sections = body.render()
    products = render_products(root, writer)
    labeler = render_labeler(root, writer)
    return SplDocument(
        path=path,
        member=source.member,
        document_id=id_element.get("root") if id_element is not None else None,
        set_id=set_id,
        version=int(version),
        effective_time=effective_time,
        document_code=document_code,
        document_display=document_display,
        title=title,
        labeler=labeler,
        xml_sha256=hashlib.sha256(source.xml).hexdigest(),
        file_sha256=hashlib.sha256(source.file_bytes).hexdigest(),
        text=writer.text(),
        sections=sections,
        products=products,
    )
