"""One error type per kind of failure, each carrying the place at fault.

Curation problems are collected rather than raised one at a time, so a curator sees every
mistake of a run together (``CurationErrors``), each naming file, line, column and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BuildError", "CurationError", "CurationErrors", "InconsistentOntologyError", "OfflineError",
    "ReasonerError", "ReleaseError", "ValidationFailedError",
]  # fmt: skip


@dataclass(frozen=True, order=True)
class CurationError:
    """A problem in a curated file; ``str()`` gives ``file:line:column: field: message``."""

    path: Path
    line: int | None
    field: str | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" [{self.field}]" if self.field else ""
        return f"{where}:{field} {self.message}"


class CurationErrors(Exception):
    """Every curation problem found in one run, sorted by file and line."""

    def __init__(self, errors: list[CurationError]) -> None:
        self.errors = sorted(errors, key=lambda e: (str(e.path), e.line or 0, e.column or 0))
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{len(self.errors)} curation error(s):"]
        lines += [f"  {e}" for e in self.errors]
        return "\n".join(lines)


class BuildError(Exception):
    """A build step failed for a reason other than curated input (I/O, reasoner, validation)."""


class OfflineError(BuildError):
    """Something would have been fetched over the network (``owl:imports``, a remote context):
    the build is offline, so it is refused instead."""


class ValidationFailedError(BuildError):
    """The graph does not conform to the SHACL shapes; the message lists the violations with
    focus node, path, message and the curated file and line."""


class ReasonerError(BuildError):
    """The reasoner could not run to completion (time limit, memory cap, Java error)."""


class InconsistentOntologyError(ReasonerError):
    """The ontology plus data is inconsistent, or has unsatisfiable classes (named in the
    message); nothing is published."""


class ReleaseError(Exception):
    """A release folder is missing, incomplete or fails its manifest checksums."""
