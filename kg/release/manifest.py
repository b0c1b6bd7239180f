"""A release's manifest: version, id, triple counts per graph, sha256 and size of each file.

One writer and one verifier; the store pins the verified files on top of :func:`read_manifest`
(:mod:`kg.store.embedded`), so a release is checked the same way wherever it is opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import Quad

from kg.errors import ReleaseError
from kg.release.layout import MANIFEST, NT

__all__ = [
    "checksum_error", "manifest_bytes", "not_a_release", "parse_manifest", "read_manifest",
    "verify_release",
]  # fmt: skip


def manifest_bytes(
    digests: dict[str, tuple[str, int, int]],
    quads: Sequence[Quad],
    version: str,
    extra: dict[str, Any],
) -> bytes:
    graphs: Counter[str] = Counter()
    for g, n in Counter(q.graph_name for q in quads).items():
        if hasattr(g, "value"):
            graphs[g.value] += n
    content = digests[NT][0]
    body = {
        "name": "dmkg",
        "version": version,
        "release": f"{version}+{content[:12]}",
        "triples": digests[NT][2],
        "graphs": dict(sorted(graphs.items())),
        "files": {
            name: {"sha256": sha, "bytes": size} for name, (sha, size, _) in sorted(digests.items())
        },
        **extra,
    }
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def parse_manifest(data: bytes, where: Path) -> dict[str, Any]:
    """A manifest's content; ``ReleaseError`` naming line and column when it is malformed."""
    try:
        manifest: dict[str, Any] = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ReleaseError(
            f"{where}:{exc.lineno}:{exc.colno}: malformed manifest: {exc.msg}"
        ) from exc
    return manifest


def not_a_release(release: Path) -> ReleaseError:
    return ReleaseError(f"{release} is not a release: {MANIFEST} is missing (run `kg build`)")


def checksum_error(path: Path) -> ReleaseError:
    return ReleaseError(f"{path}: missing or does not match the manifest checksum")


def read_manifest(release: Path) -> dict[str, Any]:
    path = release / MANIFEST
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise not_a_release(release) from exc
    return parse_manifest(data, path)


def verify_release(release: Path) -> dict[str, Any]:
    """Check every file against the manifest's checksums; return the manifest."""
    manifest = read_manifest(release)
    for name, info in manifest.get("files", {}).items():
        path = release / name
        with contextlib.suppress(FileNotFoundError), open(path, "rb") as fh:
            if hashlib.file_digest(fh, "sha256").hexdigest() == info["sha256"]:
                continue  # hashed in chunks: release files can be GB
        raise checksum_error(path)
    return manifest
