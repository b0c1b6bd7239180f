"""Aligned plain-text tables for the terminal (QC reports, query answers).

>>> print(text_table(["a", "bb"], [["xyz", "1"]]))
a    bb
---  --
xyz  1
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["text_table"]


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], width: int = 0) -> str:
    """Columns padded to their widest cell, a rule under the header; cells are made one line,
    and cut to ``width`` characters (with ``...``) when ``width`` is set."""

    def cell(text: str) -> str:
        text = " ".join(str(text).split())
        return text if not width or len(text) <= width else text[: width - 3] + "..."

    table = [[cell(c) for c in header], *([cell(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
