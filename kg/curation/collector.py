"""Collecting the curation problems of one run, and reading curated files safely.

Problems are collected rather than raised one at a time, so a curator sees every mistake of a
run together; files are read only when they are regular files inside the data folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kg.curation.fastjson import load_curated
from kg.curation.yamlio import Located, line_of
from kg.errors import CurationError

__all__ = ["Collector"]

M = TypeVar("M", bound=BaseModel)


class Collector:
    """Every problem of one load, each with its file and line; and the safe way to read."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.errors: list[CurationError] = []
        self.tentative_ids: dict[str, str] = {}
        """ids (and kinds) of entity records that failed validation, so that references to
        them are not reported again as unknown: the curator sees the root cause only."""
        self.entities_unreadable = False
        self.tentative_sources: set[str] = set()
        """ids of source files that failed to load, so that their curation files are not
        reported as naming an unknown source."""

    def add(self, path: Path, line: int | None, fld: str | None, msg: str) -> None:
        self.errors.append(CurationError(self._rel(path), line, fld, msg))

    def _rel(self, path: Path) -> Path:
        try:
            return path.relative_to(self.data_dir.parent)
        except ValueError:
            return path

    def safe_file(self, path: Path, referrer: Path | None = None, line: int | None = None) -> bool:
        """Refuse symlinks and anything that resolves outside ``data/``."""
        where = referrer or path
        if path.is_symlink():
            self.add(where, line, None, f"{path.name} is a symbolic link; links are refused")
            return False
        if not path.resolve().is_relative_to(self.data_dir.resolve()):
            self.add(where, line, None, f"path {path} leaves the data folder")
            return False
        return True

    def read_yaml(self, path: Path) -> Any:
        data, errors = load_curated(path)
        for e in errors:
            self.errors.append(
                CurationError(self._rel(e.path), e.line, e.field, e.message, e.column)
            )
        return data

    def read_tree(self, path: Path) -> Any:
        """A file's parsed (located) tree, refused if unsafe; None when it can not be read,
        the reason collected once (a file that does not parse is not also "not a record")."""
        if not self.safe_file(path):
            return None
        before = len(self.errors)
        raw = self.read_yaml(path)
        if raw is None and len(self.errors) == before:
            self.add(path, None, None, "the file is empty: expected a YAML mapping")
        return raw

    def read_record(self, path: Path, model: type[M]) -> tuple[M, Any, dict[str, int]] | None:
        """A file read as one record: refused if unsafe, parsed, validated; with its raw
        (located) tree and the line of each top-level key. None when any step failed (the
        failure is collected)."""
        raw = self.read_tree(path)
        if raw is None:
            return None
        parsed = self.validate(model, raw, path)
        if parsed is None:
            return None
        return parsed, raw, raw.key_lines if isinstance(raw, Located) else {}

    def validate(self, model: type[M], raw: Any, path: Path) -> M | None:
        try:
            return model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                line, fld = line_of(raw, tuple(err["loc"]))
                msg = err["msg"]
                if err["type"] == "extra_forbidden":
                    msg = "unknown field"
                elif err["type"] == "missing":
                    msg = "required field is missing"
                self.add(path, line, fld or None, msg)
            return None
