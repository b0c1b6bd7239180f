"""The ``>>>`` examples in the docstrings of ``kg/`` run, so documentation cannot drift."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.support import ROOT


def _with_examples() -> list[str]:
    """Modules of ``kg`` whose source holds an example (``__main__`` modules run the CLI)."""
    names = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__main__" or ">>>" not in path.read_text(encoding="utf-8"):
            continue
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


WITH_EXAMPLES = _with_examples()


def test_modules_have_examples() -> None:
    assert len(WITH_EXAMPLES) >= 5, WITH_EXAMPLES


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, result
