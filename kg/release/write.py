"""Writing a release: files beside the release folder, swapped in atomically.

A failed or killed build never touches the last good release: files go to a sibling
temporary folder that replaces the release in one ``renameat2(RENAME_EXCHANGE)`` (or, where
the kernel lacks it, two renames).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import Quad

from kg.release.formats import Producer
from kg.release.layout import MANIFEST
from kg.release.manifest import manifest_bytes

__all__ = ["swap_in", "write_release"]


def _write_file(path: Path, data: bytes) -> tuple[str, int, int]:
    """Write and sync ``data``; its sha256, size and line count (kg.nt: the triple count)."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return hashlib.sha256(data).hexdigest(), len(data), data.count(b"\n")


def write_release(
    files: Mapping[str, bytes | Producer],
    quads: Sequence[Quad],
    out: Path,
    version: str,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``files`` (bytes, or producers called one at a time) and the manifest to a folder
    beside ``out`` and swap it in."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        digests: dict[str, tuple[str, int, int]] = {}
        for name in sorted(files):
            made = files[name]
            digests[name] = _write_file(staging / name, made if isinstance(made, bytes) else made())
            del made  # a producer's bytes are dropped before the next file is made
        _write_file(staging / MANIFEST, manifest_bytes(digests, quads, version, extra or {}))
        staging.chmod(0o755)
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def swap_in(staging: Path, out: Path) -> None:
    """Make ``staging`` the release at ``out``; the old release is removed afterwards."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = out.with_name(f".{out.name}-old-{os.getpid()}")
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old, ignore_errors=True)
