"""The release as a read-only pyoxigraph store, persisted once per release.

Parsing kg.trig on every start is the slow part of serving; releases are immutable, so the
store is built once into a cache folder keyed by the release hash (built aside, then renamed
in, so a crashed or concurrent start never leaves a half-built store) and later starts open it
read-only. Worker processes open the same folder read-only too.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.errors import ReleaseError
from kg.release import verify_release
from kg.vocab import GRAPH_INFERRED

__all__ = ["STORE_FORMAT", "Release", "default_cache_dir", "open_release", "open_store"]

STORE_FORMAT = "oxigraph-2"
"""Bumped when the cached store layout changes, so old caches are not reused."""
_READY = ".complete"


@dataclass
class Release:
    """A verified release folder and its store (queries use ``use_default_graph_as_union``)."""

    dir: Path
    manifest: dict[str, Any]
    store: pyoxigraph.Store
    store_path: Path
    graphs: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        """The release identifier (``version+hash``), the key of every cache."""
        return str(self.manifest.get("release", "unknown"))


def default_cache_dir(release_dir: Path) -> Path:
    """``.cache/store`` beside the release folder (``dist/`` -> ``./.cache/store``)."""
    return release_dir.absolute().parent / ".cache" / "store"


def _key(manifest: dict[str, Any]) -> str:
    trig = str(manifest.get("files", {}).get("kg.trig", {}).get("sha256", ""))[:12]
    raw = f"{manifest.get('release', 'unknown')}-{trig}-{STORE_FORMAT}"
    return re.sub(r"[^A-Za-z0-9._+-]", "_", raw)


def _build(trig: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        store = pyoxigraph.Store(str(staging / "db"))
        store.bulk_load(path=str(trig), format=pyoxigraph.RdfFormat.TRIG)
        inferred = trig.with_name("kg-inferred.ttl")
        if inferred.is_file():  # the reasoner's conclusions, in a graph of their own
            store.bulk_load(
                path=str(inferred),
                format=pyoxigraph.RdfFormat.TURTLE,
                to_graph=pyoxigraph.NamedNode(GRAPH_INFERRED),
            )
        store.flush()
        store.optimize()
        del store
        (staging / _READY).write_text("ok\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:
            # Another process renamed its copy in first: use that one.
            if not (target / _READY).exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def open_store(path: Path) -> pyoxigraph.Store:
    """Open a built store folder read-only (safe from several processes at once)."""
    return pyoxigraph.Store.read_only(str(path / "db"))


def open_release(release_dir: Path, cache_dir: Path | None = None) -> Release:
    """Verify the release against its manifest and open (building once) its store."""
    release_dir = release_dir.absolute()
    manifest = verify_release(release_dir)
    trig = release_dir / "kg.trig"
    if not trig.is_file():
        raise ReleaseError(f"{release_dir}: kg.trig is missing")
    target = (cache_dir or default_cache_dir(release_dir)) / _key(manifest)
    if not (target / _READY).exists():
        if target.exists():  # left by an older crash: not marked complete
            with contextlib.suppress(OSError):
                shutil.rmtree(target)
        _build(trig, target)
    try:
        store = open_store(target)
    except OSError as exc:
        raise ReleaseError(f"{target}: cannot open the cached store ({exc})") from exc
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, pyoxigraph.NamedNode))
    return Release(release_dir, manifest, store, target, graphs)
