"""Opening a release's store: checksums verified once per file version, never skipped for a
changed file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import kg.store.embedded
from kg.build import BuildResult
from kg.errors import ReleaseError
from kg.store.embedded import open_release


@pytest.fixture
def release(built: BuildResult, tmp_path: Path) -> Path:
    out = tmp_path / "dist"
    shutil.copytree(built.out, out)
    return out


def test_second_open_trusts_unchanged_files_and_hashes_nothing(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = open_release(release, cache)
    stamps = json.loads((cache / "verified.json").read_text(encoding="utf-8"))
    assert set(stamps) == {str(release / n) for n in first.manifest["files"]}
    hashed: list[int] = []
    real = kg.store.embedded._sha256_fd
    monkeypatch.setattr(kg.store.embedded, "_sha256_fd", lambda fd: hashed.append(fd) or real(fd))
    second = open_release(release, cache)
    assert second.id == first.id and hashed == []


def test_a_file_changed_after_verification_is_hashed_again_and_refused(
    release: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    open_release(release, cache)
    target = release / "kg.ttl"
    before = target.stat()
    data = bytearray(target.read_bytes())
    data[-2:-1] = b"#"  # same size, one byte changed
    target.write_bytes(bytes(data))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back: ctime moves
    with pytest.raises(ReleaseError, match=r"kg\.ttl: missing or does not match"):
        open_release(release, cache)


def test_a_replaced_file_with_the_same_bytes_is_accepted(release: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    open_release(release, cache)
    target = release / "kg.nt"
    copy = release / "kg.nt.copy"
    shutil.copy2(target, copy)
    os.replace(copy, target)  # new inode, same bytes: hashed again, and fine
    assert open_release(release, cache).manifest["files"]["kg.nt"]["bytes"] == target.stat().st_size
