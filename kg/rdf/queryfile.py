"""The ``.rq`` file format: SPARQL with a comment header (summary, tags, typed parameters,
example values, a QC level).

Named queries (``queries/*.rq``, served at ``/queries/{name}``) and quality-control checks
(``queries/qc/*-violation.rq``) share it, so the format is read here, below both; binding
parameter values to terms is :mod:`kg.query.named`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

__all__ = [
    "NamedQuery",
    "Param",
    "ParamType",
    "QueryFileError",
    "load_named_queries",
    "parse_named_query",
]


class ParamType(StrEnum):
    IRI = "iri"
    CURIE = "curie"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    LANGUAGE = "language"


class QueryFileError(ValueError):
    """A malformed header in a ``.rq`` file (names file and line)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: ParamType
    description: str
    required: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    text: str
    form: str
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    example: Mapping[str, str] = field(default_factory=dict)
    level: str | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER = re.compile(r"^#\s*(?P<key>[a-z-]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)(?P<req>\s+required)?\s*(?P<desc>.*)$"
)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_named_query(path: Path, text: str | None = None) -> NamedQuery:
    """Read the comment header (``# summary:``, ``# tags:``, ``# param:``, ``# example:``,
    ``# level:``) of one ``.rq`` file."""
    text = path.read_text(encoding="utf-8") if text is None else text
    name = path.stem
    if not _NAME.match(name):
        raise QueryFileError(f"{path}: query names are kebab-case, got {name!r}")
    summary = ""
    tags: tuple[str, ...] = ()
    params: list[Param] = []
    example: dict[str, str] = {}
    level: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m["key"], m["value"]
        if key == "summary":
            summary = value
        elif key == "tags":
            tags = tuple(t.strip() for t in value.split(",") if t.strip())
        elif key == "level":
            level = value.upper()
        elif key == "param":
            pm = _PARAM.match(value)
            if not pm or pm["type"] not in ParamType._value2member_map_:
                raise QueryFileError(
                    f"{path}:{lineno}: param must be 'NAME TYPE [required] description' with TYPE "
                    f"one of {', '.join(t.value for t in ParamType)}"
                )
            params.append(Param(pm["name"], ParamType(pm["type"]), pm["desc"], bool(pm["req"])))
        elif key == "example":
            for pair in value.split():
                k, _, v = pair.partition("=")
                example[k] = v
    if not summary:
        raise QueryFileError(f"{path}:1: the header needs a '# summary:' line")
    body = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("#"))
    form_match = _FORM.search(body)
    if not form_match:
        raise QueryFileError(f"{path}: no SELECT, CONSTRUCT, ASK or DESCRIBE found")
    for key in example:
        if key not in {p.name for p in params}:
            raise QueryFileError(f"{path}: example names undeclared parameter {key!r}")
    return NamedQuery(
        name, path, summary, text, form_match[1].upper(), tags, tuple(params), example, level
    )


def load_named_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every ``*.rq`` directly in ``folder`` (QC checks in ``qc/`` are separate)."""
    return {q.name: q for q in (parse_named_query(p) for p in sorted(folder.glob("*.rq")))}
