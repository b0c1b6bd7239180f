"""``kg build`` says what SHACL found in the graph it published, and ``--strict`` refuses
warnings, leaving the last good release in place."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from kg.build import Paths
from tests.support import PATHS, tree_hash


def kg_build(paths: Paths, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "--data", str(paths.data), "--ontology", str(paths.ontology),
         "build", "--out", str(out), *extra],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def _without_definition(paths: Paths) -> None:
    f = paths.data / "entities" / "drugs.yaml"
    text = f.read_text(encoding="utf-8")
    line = "    definition: A biological medicine that inhibits the cytokine interleukin-1.\n"
    assert line in text
    f.write_text(text.replace(line, ""), encoding="utf-8")


def test_build_counts_shacl_warnings_and_infos_and_shows_them(tmp_path: Path) -> None:
    proc = kg_build(PATHS, tmp_path / "dist")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"built {tmp_path / 'dist'}: ")
    assert "SHACL: 0 violation(s), 0 warning(s), 1 info(s)" in proc.stderr
    assert "Info: data/sources/ilaris-patient-page.yaml:1: " in proc.stderr
    assert "The source has no date." in proc.stderr


def test_warnings_are_published_and_shown_but_fail_with_strict(
    data_copy: Callable[[], Paths], tmp_path: Path
) -> None:
    paths = data_copy()
    _without_definition(paths)
    out = tmp_path / "dist"
    proc = kg_build(paths, out, "--show", "1")
    assert proc.returncode == 0, proc.stderr
    assert "SHACL: 0 violation(s), 1 warning(s), 1 info(s)" in proc.stderr
    assert "Warning: data/entities/drugs.yaml:6: dmkgid:drug/canakinumab" in proc.stderr
    assert "A curated entity should have a definition." in proc.stderr
    assert "... and 1 more: kg validate --release" in proc.stderr
    before = tree_hash(out)

    strict = kg_build(paths, out, "--strict")
    assert strict.returncode == 1 and strict.stdout == ""
    assert "SHACL warnings and --strict refuses them; nothing was published" in strict.stderr
    assert "dmkgid:drug/canakinumab" in strict.stderr
    assert tree_hash(out) == before, "the last good release stays"
