"""openFDA's table of SPL section LOINC codes (package data, CC0): what ``strict_codes`` checks."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

__all__ = ["LOINC_SYSTEM", "section_codes"]

LOINC_SYSTEM = "2.16.840.1.113883.6.1"


@cache
def section_codes() -> dict[str, str]:
    """LOINC code -> openFDA's name, from both tables (``loinc-codes.csv`` wins on names: it
    quotes the names that hold commas, which ``loinc-sections.csv`` splits)."""
    package = files("kg.importers")
    codes: dict[str, str] = {}
    sections = package.joinpath("loinc-sections.csv").read_text(encoding="utf-8")
    for line in sections.splitlines():
        code, _, name = line.partition(",")
        if code.strip():
            codes[code.strip()] = name.strip()
    quoted = package.joinpath("loinc-codes.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(quoted), skipinitialspace=True):
        if len(row) >= 2 and row[0] != "loinc":
            codes[row[0].strip()] = row[1].strip()
    return codes
