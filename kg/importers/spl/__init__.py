"""FDA Structured Product Labeling (HL7 v3 SPL XML) read into a deterministic plain text, the
text every quote of a label points into, with its LOINC-coded section tree and its product
data, each value carrying its span in the text and its XPath in the XML.

``read_spl(path)`` takes an SPL ``.xml`` or a DailyMed per-label ``.zip``; it only reads, and
refuses hostile or broken input with ``SplError`` (``file: where: message``). XPaths are
lxml's ``getpath()``: positional steps (``/*/*[8]/*/*[1]/*``), plain XPath 1.0 that needs no
namespace binding, for an ``oa:XPathSelector``.

Rendering rules (``SplDocument.text``):

- The text is a sequence of blocks separated by exactly one blank line (``"\\n\\n"``), and
  ends with one line break. No block holds a blank line, so a blank line is always a block
  boundary. The same bytes always give the same text.
- White space inside a block is collapsed: every run of XML white space (space, tab, CR, LF)
  becomes one space, and blocks and lines are trimmed of spaces. A no-break space is text and
  kept. A run of ``<br/>`` (with only white space between) is one line break; in a table cell
  or footnote, which stay on one line, it is a space.
- Order: the document ``<title>`` (absent in old labels), then every ``<section>`` in document
  order, each as: its ``<title>`` (with its number, as written), its ``<text>``, its
  highlights (``<excerpt><highlight><text>``) where they stand, then its child sections.
  Then the product part, then ``Labeler<TAB>name``.
- ``<paragraph>`` is one block; loose text between blocks is a block too. ``<content>``,
  ``<sup>``, ``<sub>``, ``<linkHtml>`` and any other inline element keep their text, with
  nothing added around it (``10<sup>3</sup>`` gives ``103``). A ``<caption>`` inside a
  paragraph or list is a line of its own.
- ``<list>`` is one block, one line per ``<item>``. Marker: the item's own ``<caption>`` where
  the XML gives one (verbatim, even a lone no-break space); else, in an ordered list, the
  item's number styled by ``styleCode`` (``1.``; ``a.``/``A.`` for Little/BigAlpha; ``i.``/
  ``I.`` for Little/BigRoman); else ``-``. The marker and the item's text are separated by
  one space. An item's further paragraphs, tables and nested lists follow on their own lines,
  indented two spaces per level.
- ``<table>`` is one block: its ``<caption>``, then the rows of ``<thead>``, ``<tbody>`` (and
  loose ``<tr>``), ``<tfoot>``, one line per row with the cells (``<th>``/``<td>``) separated by
  one TAB; a row with no text at all is left out; cells are not padded for ``colspan``.
- ``<footnote>`` text is kept, once, without an invented mark: a table's footnotes are lines
  after its last row; elsewhere each footnote is a block right after the block citing it.
  ``<footnoteRef>`` renders nothing (its footnote is already there).
- An image (``<renderMultiMedia>``) renders its alt text (the ``<text>`` of the
  ``<observationMedia>`` it refers to) and its ``<caption>``, each on its own line, only where
  the XML has them; an ``<observationMedia>`` no ``<renderMultiMedia>`` refers to renders its
  alt text where it stands. Nothing is invented for an image without either.
- The product part: one block per ``<subject><manufacturedProduct>``, headed
  ``Product information``, and one per kit part, headed ``Part N of M``, after it. Each row is
  a caption, a TAB and values verbatim from the XML (white space normalised):
  ``Proprietary name``, ``Generic name``, ``NDC``, ``Dosage form`` (display name, TAB, code),
  ``Route of administration`` (same), ``Active ingredient``/``Inactive ingredient`` (name,
  then ``UNII`` and the code, then ``Strength`` and ``40 mg in 0.8 mL``: numerator value and
  unit, ``in``, denominator value and unit, UCUM's unit ``1`` not shown), ``Package NDC``,
  ``Marketing category`` (display name, TAB, code), ``Application number`` (the approval's
  ``id/@extension``: an application number such as ``BLA125057``, or for OTC monograph drugs
  the monograph citation such as ``part341``). A row whose value the XML lacks is left out.

Sections: ``start``/``end`` run from the section's title (or first block) to the end of its
last descendant's last block; a section that renders nothing (the product data elements
section, 48780-1, whose content is the product part) has ``start == end`` at its place.
Siblings never overlap; children lie inside their parent.
"""

from kg.importers.spl.model import (
    Coded,
    Field,
    Ingredient,
    Product,
    Quantity,
    Section,
    Span,
    SplDocument,
    SplError,
    Strength,
)
from kg.importers.spl.reader import read_spl
from kg.importers.spl.source import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_RATIO

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_DEPTH", "DEFAULT_MAX_RATIO", "Coded", "Field", "Ingredient",
    "Product", "Quantity", "Section", "Span", "SplDocument", "SplError", "Strength", "read_spl",
]  # fmt: skip
