"""The release as a read-only pyoxigraph store, persisted once per release.

Parsing kg.trig on every start is the slow part of serving; releases are immutable, so the
store is built once into a cache folder keyed by the release hash (built aside, then renamed
in, so a crashed or concurrent start never leaves a half-built store) and later starts open it
read-only. Worker processes open the same folder read-only too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from kg.errors import ReleaseError
from kg.release import layout
from kg.release.manifest import checksum_error, not_a_release, parse_manifest
from kg.store.protocol import GraphName, QueryableStore, QueryResult
from kg.store.served import served_files

__all__ = [
    "STORE_FORMAT",
    "EmbeddedStore",
    "ServedRelease",
    "default_cache_dir",
    "open_release",
    "open_store",
    "pin_release",
]

STORE_FORMAT = "oxigraph-2"
"""Bumped when the cached store layout changes, so old caches are not reused."""
_READY = ".complete"
_STAMPS = "verified.json"
"""In the store cache: the files whose checksums were verified, with their stamps."""


class EmbeddedStore:
    """The release's pyoxigraph store, opened read-only, as a
    :class:`~kg.store.protocol.QueryableStore` whose ``quads_for_pattern`` is an index lookup
    (``pyoxigraph.Store`` cannot be subclassed, hence the thin wrapper)."""

    indexed = True

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.raw = store

    def query(self, query: str, **options: Any) -> QueryResult:
        return self.raw.query(query, **options)

    def quads_for_pattern(
        self,
        subject: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Triple | None,
        predicate: pyoxigraph.NamedNode | None,
        object: pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[pyoxigraph.Quad]:  # fmt: skip
        return self.raw.quads_for_pattern(subject, predicate, object, graph_name)

    def named_graphs(self) -> Iterator[pyoxigraph.NamedNode | pyoxigraph.BlankNode]:
        return self.raw.named_graphs()

    def __len__(self) -> int:
        return len(self.raw)


@dataclass
class ServedRelease:
    """A verified release folder and the store that serves it (queries use
    ``use_default_graph_as_union``).

    ``store`` is the embedded pyoxigraph store (``store_path`` its folder, which query workers
    open too), or a :class:`~kg.store.remote.RemoteStore` when the release is served from a
    SPARQL endpoint (``kg serve --store``; ``store_path`` is then None)."""

    dir: Path
    manifest: dict[str, Any]
    store: QueryableStore
    store_path: Path | None
    graphs: frozenset[str] = field(default_factory=frozenset)
    pinned: dict[str, int] = field(default_factory=dict)
    """Open descriptors of the release's files (name -> fd), taken when the release was
    verified: a rebuild swaps the folder, but the service keeps serving these very files."""

    def file_path(self, name: str) -> Path:
        """A path that reads the pinned file (``/proc/self/fd/N`` on Linux), or the folder's."""
        return _pinned_path(self.dir, self.pinned, name)

    @property
    def id(self) -> str:
        """The release identifier (``version+hash``), the key of every cache."""
        return str(self.manifest.get("release", "unknown"))


def default_cache_dir(release_dir: Path) -> Path:
    """``.cache/store`` beside the release folder (``dist/`` -> ``./.cache/store``)."""
    return release_dir.absolute().parent / ".cache" / "store"


def _key(manifest: dict[str, Any]) -> str:
    trig = str(manifest.get("files", {}).get(layout.TRIG, {}).get("sha256", ""))[:12]
    raw = f"{manifest.get('release', 'unknown')}-{trig}-{STORE_FORMAT}"
    return re.sub(r"[^A-Za-z0-9._+-]", "_", raw)


def _build(release_dir: Path, pinned: dict[str, int], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        store = pyoxigraph.Store(str(staging / "db"))
        for served in served_files(lambda name: _pinned_path(release_dir, pinned, name)):
            graph = pyoxigraph.NamedNode(served.graph) if served.graph else None
            store.bulk_load(path=str(served.path), format=served.format, to_graph=graph)
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


def open_store(path: Path) -> EmbeddedStore:
    """Open a built store folder read-only (safe from several processes at once)."""
    return EmbeddedStore(pyoxigraph.Store.read_only(str(path / "db")))


def _read_fd(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _sha256_fd(fd: int) -> str:
    digest, offset = hashlib.sha256(), 0
    while chunk := os.pread(fd, 1 << 20, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def _stamp(fd: int) -> list[int]:
    """What changes whenever a file's bytes can have changed: device, inode, size and the
    modification and status-change times (``ctime`` cannot be set back by any user tool)."""
    st = os.fstat(fd)
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def _load_stamps(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_stamps(path: Path, stamps: dict[str, Any]) -> None:
    """Written aside and renamed in: concurrent starts never read half a file."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(stamps, fh, sort_keys=True)
        os.replace(tmp, path)


def _pin_and_verify(release_dir: Path, stamps_file: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Open the manifest and every file it lists, then check the checksums on those open files:
    what is verified is exactly what is served, even if the folder is swapped meanwhile.

    Hashing a large release takes seconds at every start, so a file whose checksum was
    verified before and whose stamp (:func:`_stamp`) is unchanged is not hashed again; the
    stamps live in ``stamps_file`` (the store cache), the way git trusts its index."""
    pinned: dict[str, int] = {}
    known = _load_stamps(stamps_file)
    verified: dict[str, Any] = {}
    try:
        manifest_path = release_dir / layout.MANIFEST
        try:
            pinned[layout.MANIFEST] = os.open(manifest_path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise not_a_release(release_dir) from exc
        manifest = parse_manifest(_read_fd(pinned[layout.MANIFEST]), manifest_path)
        for name, info in manifest.get("files", {}).items():
            path = release_dir / name
            with contextlib.suppress(FileNotFoundError):
                pinned[name] = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            fd = pinned.get(name)
            if fd is None:
                raise checksum_error(path)
            record = [info["sha256"], *_stamp(fd)]
            if known.get(str(path)) != record and _sha256_fd(fd) != info["sha256"]:
                raise checksum_error(path)
            verified[str(path)] = record
    except BaseException:
        for fd in pinned.values():
            os.close(fd)
        raise
    if verified != known:
        _save_stamps(stamps_file, verified)
    return manifest, pinned


def _pinned_path(release_dir: Path, pinned: dict[str, int], name: str) -> Path:
    fd = pinned.get(name)
    proc = Path(f"/proc/self/fd/{fd}")
    return proc if fd is not None and proc.exists() else release_dir / name


def pin_release(release_dir: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """The verified manifest and the open descriptors of the release's files
    (``ServedRelease.pinned``),
    for a release served from another store (``kg serve --store``)."""
    release_dir = release_dir.absolute()
    return _pin_and_verify(release_dir, default_cache_dir(release_dir) / _STAMPS)


def open_release(release_dir: Path, cache_dir: Path | None = None) -> ServedRelease:
    """Verify the release against its manifest and open (building once) its store."""
    release_dir = release_dir.absolute()
    cache_dir = cache_dir or default_cache_dir(release_dir)
    manifest, pinned = _pin_and_verify(release_dir, cache_dir / _STAMPS)
    if not _pinned_path(release_dir, pinned, layout.TRIG).is_file():
        raise ReleaseError(f"{release_dir}: {layout.TRIG} is missing")
    target = cache_dir / _key(manifest)
    if not (target / _READY).exists():
        if target.exists():  # left by an older crash: not marked complete
            with contextlib.suppress(OSError):
                shutil.rmtree(target)
        _build(release_dir, pinned, target)
    try:
        store = open_store(target)
    except OSError as exc:
        raise ReleaseError(f"{target}: cannot open the cached store ({exc})") from exc
    graphs = frozenset(g.value for g in store.named_graphs() if isinstance(g, pyoxigraph.NamedNode))
    return ServedRelease(release_dir, manifest, store, target, graphs, pinned)
