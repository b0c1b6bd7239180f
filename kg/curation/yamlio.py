"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys and expands alias bombs;
curated files need neither. This loader refuses duplicate keys (naming both lines), anchors,
aliases and custom tags, and returns ``Located`` containers that know each key's line, so a
pydantic error path can be turned back into ``file:line``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kg.errors import CurationError

__all__ = ["Located", "LocatedList", "StrictLoader", "YamlProblem", "line_of", "load_yaml"]

try:  # the C parser is ~10x faster; fall back when libyaml is absent
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class Located(dict[str, Any]):
    """A mapping with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def located(self) -> Located:
        """This node with every line known (a lazily located node re-reads its file here)."""
        return self


class LocatedList(list[Any]):
    """A sequence with the 1-based line of itself and of each item."""

    line: int = 0
    item_lines: list[int]

    def located(self) -> LocatedList:
        """This node with every line known (a lazily located node re-reads its file here)."""
        return self


class YamlProblem(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader: no duplicate keys, no aliases, no tags beyond the YAML core schema."""

    _seen: set[int]

    def construct_document(self, node: yaml.Node) -> Any:
        self._seen = set()
        return super().construct_document(node)

    def _visit(self, node: yaml.Node) -> None:
        # The C composer shares one node object between an anchor and its aliases.
        if id(node) in self._seen:
            m = node.start_mark
            raise YamlProblem(m.line + 1, m.column + 1, "anchors and aliases are not allowed")
        self._seen.add(id(node))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:
        self._visit(node)
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                m = key_node.start_mark
                raise YamlProblem(m.line + 1, m.column + 1, "merge keys (<<) are not allowed")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                m = key_node.start_mark
                raise YamlProblem(m.line + 1, m.column + 1, f"key {key!r} is not a string")
            line = key_node.start_mark.line + 1
            if key in out.key_lines:
                raise YamlProblem(
                    line,
                    key_node.start_mark.column + 1,
                    f"duplicate key {key!r} (first at line {out.key_lines[key]}, again at line {line})",
                )
            out.key_lines[key] = line
            out[key] = self.construct_object(value_node, deep=True)
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LocatedList:
        self._visit(node)
        out = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def construct_undefined(self, node: yaml.Node) -> Any:
        m = node.start_mark
        raise YamlProblem(m.line + 1, m.column + 1, f"tag {node.tag!r} is not allowed")


StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)
StrictLoader.add_constructor("tag:yaml.org,2002:seq", StrictLoader.construct_sequence)
StrictLoader.add_constructor(None, StrictLoader.construct_undefined)


def _check_events(text: str) -> None:
    # Aliases of scalars are not visible as shared nodes; refuse every anchor up front.
    for event in yaml.parse(text, Loader=_Base):
        anchor = getattr(event, "anchor", None)
        if anchor is not None or isinstance(event, yaml.AliasEvent):
            m = event.start_mark
            assert m is not None
            raise YamlProblem(m.line + 1, m.column + 1, "anchors and aliases are not allowed")


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, list[CurationError]]:
    """Parse one curated YAML file; on failure return ``(None, [error])`` naming line and column."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            return None, [CurationError(path, None, None, f"not valid UTF-8: {exc.reason}")]
    try:
        if "&" in text or "*" in text:
            _check_events(text)
        return yaml.load(text, Loader=StrictLoader), []
    except YamlProblem as exc:
        return None, [CurationError(path, exc.line, None, exc.message, exc.column)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        msg = " ".join(p for p in (exc.context, exc.problem) if p) or "malformed YAML"
        return None, [CurationError(path, line, None, f"malformed YAML: {msg}", column)]
    except yaml.YAMLError as exc:
        return None, [CurationError(path, None, None, f"malformed YAML: {exc}")]


def line_of(root: Any, loc: tuple[str | int, ...]) -> tuple[int | None, str]:
    """Follow a pydantic error ``loc`` through ``Located`` containers to the nearest line.

    Returns the line and the dotted field path (``claims[3].evidence[0].quote``)."""
    if isinstance(root, Located | LocatedList):
        root = root.located()
    line: int | None = getattr(root, "line", None)
    node: Any = root
    parts: list[str] = []
    for step in loc:
        if isinstance(node, Located) and isinstance(step, str):
            parts.append(f".{step}" if parts else step)
            line = node.key_lines.get(step, line)
            node = node.get(step)
        elif isinstance(node, LocatedList) and isinstance(step, int):
            parts.append(f"[{step}]")
            if 0 <= step < len(node):
                line = node.item_lines[step]
                node = node[step]
            else:
                node = None
        else:
            parts.append(f".{step}" if parts else str(step))
            node = None
    return line, "".join(parts)
