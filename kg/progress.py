"""A small progress display on stderr for long steps (build, synth), shown only in a terminal.

No dependency: one line rewritten with ``\\r``; silent when stderr is not a TTY (tests, CI,
pipes), so logs and captured output never contain it.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """``with Progress("synth", total) as bar: bar.advance()`` / ``bar.step("load")``."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None) -> None:
        self.what, self.total, self.done = what, max(total, 1), 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.label = ""
        self.start = time.perf_counter()
        self._shown = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.enabled:
            if kind is None:
                self.done = self.total
                self.label = "done"
                self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()

    def step(self, label: str) -> None:
        """Start a named step (counts one of ``total``)."""
        if self.label:
            self.done += 1
        self.label = label
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._shown < 0.1:
            return
        self._shown = now
        done = min(self.done, self.total)
        width = 30
        filled = width * done // self.total
        self.stream.write(
            f"\r{self.what}: [{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
            f"{self.label} {now - self.start:.1f}s\x1b[K"
        )
        self.stream.flush()
