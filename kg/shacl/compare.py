"""Results of two engines made comparable: blank-node labels are the only thing allowed to
differ (each engine labels the nodes it reads itself). Used by the differential tests and by
``benchmarks/shacl_diff.py``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import fields

from kg.shacl.result import Result

__all__ = ["Row", "rows"]

Row = tuple[str, ...]
_BLANK = re.compile(r"_:[A-Za-z0-9]+")


def rows(results: Iterable[Result]) -> set[Row]:
    """Each result as a tuple of its fields, blank-node labels blanked."""
    names = [f.name for f in fields(Result)]
    return {tuple(_BLANK.sub("_:", getattr(r, n)) for n in names) for r in results}
