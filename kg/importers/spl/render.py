"""The body of the rendering: the document title and every ``<section>``, as plain-text blocks,
each section's place in the text kept (the rules are in the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from kg.importers.spl.loinc import LOINC_SYSTEM
from kg.importers.spl.model import Section, Span, SplError

__all__ = [
    "BodyRenderer",
    "V",
    "Writer",
    "finish",
    "local",
    "normalise",
    "readable_path",
    "string_value",
]

V = "{urn:hl7-org:v3}"

_WS = re.compile(r"[ \t\r\n]+")
_BREAK = "\x00"  # cannot occur in XML 1.0 text, so it marks a <br/> until white space is collapsed
_BREAKS = re.compile(" ?\x00[\x00 ]*")
_NUMBER = re.compile(r"(\d+(?:\.\d+)*)\.?[ \n]")
_BLOCKS = frozenset({"paragraph", "list", "table"})
_LINES = frozenset(
    {"paragraph", "list", "table", "item", "tr", "caption", "thead", "tbody", "tfoot"}
)
_CELLS = frozenset({"td", "th"})
_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
    (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def local(element: etree._Element) -> str:
    """The tag without its namespace ('' for comments and the like, which are never kept)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def readable_path(element: etree._Element) -> str:
    """A path for people (``/document/component/structuredBody/component[3]/section/code``):
    local names, with a position where siblings share the name."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        parent = node.getparent()
        step = local(node)
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))


def finish(pieces: list[str]) -> str:
    """Collapse XML white space to single spaces, a run of breaks to one line break, and trim."""
    text = _WS.sub(" ", "".join(pieces))
    return _BREAKS.sub("\n", text).strip(" \n")


def string_value(element: etree._Element) -> str:
    """XPath's string(): the element's text and its descendants', tails excluded."""
    return "".join(t if isinstance(t, str) else t.decode() for t in element.itertext())


def normalise(value: str) -> str:
    """XPath's normalize-space(): only XML white space counts (a no-break space is text)."""
    return _WS.sub(" ", value).strip(" ")


class Writer:
    """The text being built: blocks separated by one blank line, with each block's start."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.pos = 0
        self.starts: list[int] = []

    def next_start(self) -> int:
        """Where the next block will start."""
        return self.pos + 2 if self._parts else 0

    def add(self, block: str) -> Span:
        if not block:
            return self.pos, self.pos
        if self._parts:
            self._parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self._parts.append(block)
        self.pos += len(block)
        self.starts.append(start)
        return start, self.pos

    def text(self) -> str:
        """The whole text, ending with one line break."""
        return "".join(self._parts) + "\n" if self._parts else ""


class BodyRenderer:
    """Renders the document title and section tree into a ``Writer``."""

    def __init__(
        self,
        root: etree._Element,
        writer: Writer,
        *,
        codes: dict[str, str] | None,
        path: Path,
        member: str | None,
    ) -> None:
        self.root = root
        self.tree = root.getroottree()
        self.writer = writer
        self.codes = codes
        self.path = path
        self.prefix = f"{member}, " if member else ""
        self.media = {m.get("ID"): m for m in root.iter(f"{V}observationMedia") if m.get("ID")}
        self.referenced = {r.get("referencedObject") for r in root.iter(f"{V}renderMultiMedia")}
        self.notes: list[list[str]] = [[]]

    def render(self) -> tuple[str | None, tuple[Section, ...]]:
        """The document title (None if it has none) and the top-level sections."""
        title_element = self.root.find(f"{V}title")
        title = self.inline(title_element) if title_element is not None else ""
        self.add(title)
        self.add_notes()
        sections: list[Section] = []
        body = self.root.find(f"{V}component/{V}structuredBody")
        if body is not None:
            for component in body.findall(f"{V}component"):
                sections.extend(self.section(s) for s in component.findall(f"{V}section"))
        return title or None, tuple(sections)

    def add(self, block: str) -> None:
        self.writer.add(block)

    def add_notes(self) -> None:
        for note in self.take_notes():
            self.add(note)

    def take_notes(self) -> list[str]:
        notes = list(self.notes[-1])
        self.notes[-1].clear()
        return notes

    def section(self, element: etree._Element) -> Section:
        first = len(self.writer.starts)
        code, display = self.section_code(element)
        title: str | None = None
        children: list[Section] = []
        for child in element:
            name = local(child)
            if name == "title" and title is None:
                title = self.inline(child)
                self.add(title)
                self.add_notes()
            elif name == "text":
                for block in self.blocks(child):
                    self.add(block)
            elif name == "excerpt":
                self.excerpt(child)
            elif name == "component":
                for part in child:
                    if local(part) == "section":
                        children.append(self.section(part))
                    elif (
                        local(part) == "observationMedia" and part.get("ID") not in self.referenced
                    ):
                        self.add(self.alt_text(part))
        starts = self.writer.starts
        end = self.writer.pos
        start = starts[first] if len(starts) > first else end
        number = _NUMBER.match(title + " ") if title else None
        id_element = element.find(f"{V}id")
        return Section(
            code=code,
            display=display,
            id=id_element.get("root") if id_element is not None else None,
            anchor=element.get("ID"),
            title=title or None,
            number=number.group(1) if number else None,
            start=start,
            end=end,
            xpath=self.tree.getpath(element),
            children=tuple(children),
        )

    def section_code(self, element: etree._Element) -> tuple[str | None, str | None]:
        """The section's LOINC code and display name; checked against openFDA's table when
        ``codes`` is given (strict mode). A section without ``<code>`` has (None, None)."""
        code_element = element.find(f"{V}code")
        if code_element is None:
            return None, None
        code = normalise(code_element.get("code") or "") or None
        display = normalise(code_element.get("displayName") or "") or None
        if self.codes is not None and code is not None:
            system = code_element.get("codeSystem")
            where = self.prefix + readable_path(code_element)
            if system != LOINC_SYSTEM:
                raise SplError(self.path, where, f"section code system {system!r} is not LOINC")
            if code not in self.codes:
                raise SplError(
                    self.path,
                    where,
                    f"section code {code} ({display}) is not in openFDA's LOINC section table",
                )
        return code, display

    def excerpt(self, element: etree._Element) -> None:
        """Highlights (``excerpt/highlight/text``), rendered where they stand in the section."""
        for child in element:
            name = local(child)
            if name in ("excerpt", "highlight"):
                self.excerpt(child)
            elif name in ("title", "caption"):
                self.add(self.inline(child))
                self.add_notes()
            elif name == "text":
                for block in self.blocks(child):
                    self.add(block)

    def blocks(
        self, container: etree._Element, *, drain: bool = True, skip: etree._Element | None = None
    ) -> list[str]:
        """The blocks of a container (``<text>``, a list item): paragraphs, lists and tables
        each one block, loose inline content between them another; with ``drain`` the
        footnotes met in a block follow it, each as a block of its own."""
        blocks: list[str] = []
        run: list[str] = [container.text or ""]

        def flush() -> None:
            text = finish(run)
            run.clear()
            if text:
                blocks.append(text)

        for child in container:
            if child is skip:
                pass
            elif local(child) in _BLOCKS:
                flush()
                if drain:
                    blocks.extend(self.take_notes())
                block = self.block(child)
                if block:
                    blocks.append(block)
                if drain:
                    blocks.extend(self.take_notes())
            else:
                self.inline_into(child, run, cell=False)
            run.append(child.tail or "")
        flush()
        if drain:
            blocks.extend(self.take_notes())
        return blocks

    def block(self, element: etree._Element) -> str:
        name = local(element)
        if name == "list":
            return self.list_block(element)
        if name == "table":
            return self.table_block(element)
        return self.inline(element)

    def inline(self, element: etree._Element, *, cell: bool = False) -> str:
        """The element's content as one run of text (``cell``: on one line, breaks as spaces)."""
        pieces: list[str] = [element.text or ""]
        for child in element:
            self.inline_into(child, pieces, cell=cell)
            pieces.append(child.tail or "")
        return finish(pieces)

    def inline_into(self, element: etree._Element, pieces: list[str], *, cell: bool) -> None:
        name = local(element)
        line = " " if cell else _BREAK
        if name == "br":
            pieces.append(line)
        elif name == "footnoteRef" or not name:
            pass
        elif name == "footnote":
            note = self.inline(element, cell=True)
            if note:
                self.notes[-1].append(note)
        elif name == "renderMultiMedia":
            pieces.extend(self.image(element, line))
        else:
            sep = line if name in _LINES else " " if name in _CELLS else ""
            pieces.append(sep)
            pieces.append(element.text or "")
            for child in element:
                self.inline_into(child, pieces, cell=cell)
                pieces.append(child.tail or "")
            pieces.append(sep)

    def image(self, element: etree._Element, line: str) -> list[str]:
        """An image as its alt text (the referenced ``observationMedia/text``) and its caption,
        each only where the XML has one; the image itself leaves no trace."""
        pieces = [line]
        media = self.media.get(element.get("referencedObject") or "")
        if media is not None:
            pieces += [self.alt_text(media), line]
        caption = element.find(f"{V}caption")
        if caption is not None:
            pieces += [self.inline(caption, cell=line == " "), line]
        return pieces

    def alt_text(self, media: etree._Element) -> str:
        text = media.find(f"{V}text")
        return self.inline(text, cell=True) if text is not None else ""

    def list_block(self, element: etree._Element) -> str:
        """One line per item: the item's own ``<caption>`` as marker where it has one, else
        the item's number for an ordered list (styled as ``styleCode`` says: 1. a. A. i. I.),
        else "-"; an item's further blocks and nested lists follow on lines indented by two
        spaces per level."""
        lines: list[str] = []
        ordered = (element.get("listType") or "").lower() == "ordered"
        style = (element.get("styleCode") or "").lower()
        number = 0
        for child in element:
            name = local(child)
            if name == "caption":
                lines.extend(self.inline(child).split("\n"))
                continue
            if name != "item":
                continue
            number += 1
            caption = child.find(f"{V}caption")
            marker = self.inline(caption) if caption is not None else ""
            if not marker:
                marker = _ordinal(number, style) if ordered else "-"
            blocks = self.blocks(child, drain=False, skip=caption)
            if not blocks and caption is None:
                continue
            item = f"{marker} {blocks[0]}" if blocks else marker
            item_lines = item.split("\n")
            for block in blocks[1:]:
                item_lines.extend(block.split("\n"))
            lines.append(item_lines[0])
            lines.extend("  " + line for line in item_lines[1:])
        return "\n".join(lines)

    def table_block(self, element: etree._Element) -> str:
        """Caption, then header, body and footer rows, one line per row with cells separated
        by a TAB (rows with no text left out), then the table's footnotes, one per line."""
        self.notes.append([])
        lines: list[str] = []
        caption = element.find(f"{V}caption")
        if caption is not None:
            text = self.inline(caption, cell=True)
            if text:
                lines.append(text)
        for row in _rows(element):
            cells = [self.inline(c, cell=True) for c in row if local(c) in _CELLS]
            if any(cells):
                lines.append("\t".join(cells))
        lines.extend(self.notes.pop())
        return "\n".join(lines)


def _rows(table: etree._Element) -> Iterator[etree._Element]:
    """Rows in display order: ``thead``, then ``tbody`` and loose rows, then ``tfoot``."""
    for wanted in (("thead",), ("tbody", "tr"), ("tfoot",)):
        for child in table:
            name = local(child)
            if name not in wanted:
                continue
            if name == "tr":
                yield child
            else:
                yield from (row for row in child if local(row) == "tr")


def _ordinal(number: int, style: str) -> str:
    if style in ("littlealpha", "bigalpha"):
        letters = ""
        n = number
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return (letters.upper() if style == "bigalpha" else letters) + "."
    if style in ("littleroman", "bigroman"):
        roman = ""
        n = number
        for value, digits in _ROMAN:
            while n >= value:
                roman += digits
                n -= value
        return (roman.upper() if style == "bigroman" else roman) + "."
    return f"{number}."
