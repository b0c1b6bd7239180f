"""Curated files written as JSON (valid YAML; what ``kg synth`` writes) read with the C json
parser: at 50,000 synthetic drugs the YAML loader was most of the load stage.

Only the lines a successful load needs (the file's own, its top-level keys' and the items of
its top-level lists) are taken from a position scan; every other line comes from re-reading
the file with the located YAML loader, which happens only when an error is reported. Anything
JSON and PyYAML might read differently goes to the YAML loader: duplicate keys, exponents,
NaN/Infinity, surrogate escapes, a byte-order mark. The result is indistinguishable from
:func:`kg.curation.yamlio.load_yaml`'s, lines included.
"""

from __future__ import annotations

import bisect
import json
import re
from pathlib import Path
from typing import Any

import yaml

from kg.curation.yamlio import Located, LocatedList, StrictLoader, load_yaml
from kg.errors import CurationError

__all__ = ["load_curated"]


def load_curated(path: Path) -> tuple[Any, list[CurationError]]:
    """A curated file's data (``Located`` containers) and its errors: the JSON fast path when
    the file is plain JSON, else the strict YAML loader."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [CurationError(path, None, None, f"not valid UTF-8: {exc.reason}")]
    fast = _fast_json(path, text)
    if fast is not None:
        return fast, []
    return load_yaml(path, text)


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
            self._tree = yaml.load(self.text, Loader=StrictLoader)
        node = self._tree
        for step in loc:
            node = node[step]
        return node


class _DeferredMap(Located):
    """A ``Located`` from the fast path: ``line`` known, key lines read on demand."""

    relocator: _Relocator
    loc: tuple[str | int, ...]

    def located(self) -> Located:
        node: Located = self.relocator.at(self.loc)
        return node

    def __getattr__(self, name: str) -> Any:
        if name == "key_lines":
            self.key_lines = self.relocator.at(self.loc).key_lines
            return self.key_lines
        raise AttributeError(name)


class _DeferredList(LocatedList):
    """A top-level list from the fast path: item lines known; items located on demand."""

    relocator: _Relocator
    loc: tuple[str | int, ...]

    def located(self) -> LocatedList:
        node: LocatedList = self.relocator.at(self.loc)
        return node

    def __getitem__(self, index: Any) -> Any:
        item = super().__getitem__(index)
        if isinstance(index, int) and isinstance(item, dict) and not isinstance(item, Located):
            node = _DeferredMap(item)
            node.line = self.item_lines[index]
            node.relocator, node.loc = self.relocator, (*self.loc, index)
            return node
        return item


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
