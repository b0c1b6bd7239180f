"""Strict YAML reading that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys and expands alias bombs;
curated files need neither. This loader refuses duplicate keys (naming both lines), anchors,
aliases and custom tags, and returns ``Located`` containers that know each key's line, so a
pydantic error path can be turned back into ``file:line``.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

import yaml

from kg.errors import CurationError

__all__ = ["Located", "LocatedList", "line_of", "load_yaml"]

try:  # the C parser is ~10x faster; fall back when libyaml is absent
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader


class Located(dict[str, Any]):
    """A mapping with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A sequence with the 1-based line of itself and of each item."""

    line: int = 0
    item_lines: list[int]


class _YamlProblem(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


class _StrictLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader: no duplicate keys, no aliases, no tags beyond the YAML core schema."""

    _seen: set[int]

    def construct_document(self, node: yaml.Node) -> Any:
        self._seen = set()
        return super().construct_document(node)

    def _visit(self, node: yaml.Node) -> None:
        # The C composer shares one node object between an anchor and its aliases.
        if id(node) in self._seen:
            m = node.start_mark
            raise _YamlProblem(m.line + 1, m.column + 1, "anchors and aliases are not allowed")
        self._seen.add(id(node))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Located:
        self._visit(node)
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                m = key_node.start_mark
                raise _YamlProblem(m.line + 1, m.column + 1, "merge keys (<<) are not allowed")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                m = key_node.start_mark
                raise _YamlProblem(m.line + 1, m.column + 1, f"key {key!r} is not a string")
            line = key_node.start_mark.line + 1
            if key in out.key_lines:
                raise _YamlProblem(
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
        raise _YamlProblem(m.line + 1, m.column + 1, f"tag {node.tag!r} is not allowed")


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _StrictLoader.construct_sequence)
_StrictLoader.add_constructor(None, _StrictLoader.construct_undefined)


def _check_events(text: str) -> None:
    # Aliases of scalars are not visible as shared nodes; refuse every anchor up front.
    for event in yaml.parse(text, Loader=_Base):
        anchor = getattr(event, "anchor", None)
        if anchor is not None or isinstance(event, yaml.AliasEvent):
            m = event.start_mark
            assert m is not None
            raise _YamlProblem(m.line + 1, m.column + 1, "anchors and aliases are not allowed")


def load_yaml(path: Path, text: str | None = None) -> tuple[Any, list[CurationError]]:
    """Parse one curated YAML file; on failure return ``(None, [error])`` naming line and column."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            return None, [CurationError(path, None, None, f"not valid UTF-8: {exc.reason}")]
    fast = _fast_json(path, text)
    if fast is not None:
        return fast, []
    try:
        if "&" in text or "*" in text:
            _check_events(text)
        return yaml.load(text, Loader=_StrictLoader), []
    except _YamlProblem as exc:
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
    root = _relocated(root)
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


# --- fast path ---------------------------------------------------------------------------
# Files written as JSON (valid YAML; what ``kg synth`` writes) are read with the C json
# parser. Only the lines a successful load needs (the file's own, its top-level keys' and
# the items of its top-level lists) are taken from a position scan; every other line comes
# from re-reading the file with the located YAML loader, which happens only when an error is
# reported. Anything JSON and PyYAML might read differently goes to the YAML loader:
# duplicate keys, exponents, NaN/Infinity, surrogate escapes, a byte-order mark.


class _NotPlain(Exception):
    """The file is not plain JSON that PyYAML reads the same way: use the YAML loader."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs) or any(len(k) > 1000 for k in out):  # PyYAML: keys < 1024
        raise _NotPlain
    return out


def _plain_float(token: str) -> float:
    if "e" in token or "E" in token:  # PyYAML 1.1 reads 1e5 as a string
        raise _NotPlain
    return float(token)


def _refuse(token: str) -> Any:
    raise _NotPlain


_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates, parse_float=_plain_float, parse_constant=_refuse
)
_WS = re.compile(r"[ \n]*")
_UNLIKE_YAML = re.compile(
    # tabs, carriage returns and YAML's other line breaks (NEL, LS, PS); what PyYAML refuses
    # as non-printable; surrogate escapes; a line break between a key and its colon
    "[\t\r\x85\u2028\u2029\ufeff]|[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    r'|\\u[dD][89a-fA-F]|"\s*\n\s*:'
)


class _Relocator:
    """Re-reads one file with the located loader, once, when a deep line is needed."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.text = path, text
        self._tree: Any = None

    def at(self, loc: tuple[str | int, ...]) -> Any:
        if self._tree is None:
            self._tree = yaml.load(self.text, Loader=_StrictLoader)
        node = self._tree
        for step in loc:
            node = node[step]
        return node


class _DeferredMap(Located):
    """A ``Located`` from the fast path: ``line`` known, key lines read on demand."""

    relocator: _Relocator
    loc: tuple[str | int, ...]

    def __getattr__(self, name: str) -> Any:
        if name == "key_lines":
            self.key_lines = self.relocator.at(self.loc).key_lines
            return self.key_lines
        raise AttributeError(name)


class _DeferredList(LocatedList):
    """A top-level list from the fast path: item lines known; items located on demand."""

    relocator: _Relocator
    loc: tuple[str | int, ...]

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        if isinstance(index, int) and isinstance(item, dict) and not isinstance(item, Located):
            node = _DeferredMap(item)
            node.line = self.item_lines[index]
            node.relocator, node.loc = self.relocator, (*self.loc, index)
            return node
        return item


def _relocated(node: Any) -> Any:
    if isinstance(node, (_DeferredMap, _DeferredList)):
        return node.relocator.at(node.loc)
    return node


def _fast_json(path: Path, text: str) -> Located | None:
    """A JSON object file read with the C parser; None when the YAML loader must read it."""
    i = _WS.match(text).end()  # type: ignore[union-attr]
    if i >= len(text) or text[i] != "{" or _UNLIKE_YAML.search(text):
        return None
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    relocator = _Relocator(path, text)
    root = _DeferredMap()
    root.line, root.relocator, root.loc, root.key_lines = line(i), relocator, (), {}
    try:
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        while text[i] != "}":
            key_pos = i
            key, i = _DECODER.raw_decode(text, i)
            if not isinstance(key, str) or key in root or len(key) > 1000:
                raise _NotPlain
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] != ":":
                raise _NotPlain
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            if text[i] == "[":
                items = _DeferredList()
                items.line, items.item_lines = line(i), []
                items.relocator, items.loc = relocator, (key,)
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                while text[i] != "]":
                    items.item_lines.append(line(i))
                    value, i = _DECODER.raw_decode(text, i)
                    items.append(value)
                    i = _WS.match(text, i).end()  # type: ignore[union-attr]
                    if text[i] == ",":
                        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                        if text[i] == "]":
                            raise _NotPlain
                    elif text[i] != "]":
                        raise _NotPlain
                root[key] = items
                i += 1
            else:
                start = i
                root[key], i = _DECODER.raw_decode(text, i)
                if isinstance(root[key], dict):
                    node = _DeferredMap(root[key])
                    node.line, node.relocator, node.loc = line(start), relocator, (key,)
                    root[key] = node
            root.key_lines[key] = line(key_pos)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                if text[i] == "}":
                    raise _NotPlain
            elif text[i] != "}":
                raise _NotPlain
        if text[i + 1 :].strip(" \t\r\n"):
            raise _NotPlain
    except (_NotPlain, ValueError, IndexError):
        return None
    return root
