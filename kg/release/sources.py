"""The source texts of a release: one uncompressed tar (``sources.tar``) of ``<id>.txt``, each
byte for byte the curated text whose sha256 the graph records (``dmkg:sha256``).

Why one archive and not a file per source: the service keeps every release file open from
verification on (:mod:`kg.store.embedded`), and a corpus of 10,000 labels would hold 10,000
descriptors; a tar is one file, one manifest checksum, readable by every tool (``tar -x``), and
its members are read in place by offset. Written deterministically (sorted members, zero
times and owners), so two builds of the same data give the same bytes.

>>> data = source_archive({"b": "é".encode(), "a": b"text"})
>>> index = archive_index(data)
>>> sorted(index), data[index["b"][0]:sum(index["b"])].decode()
(['a', 'b'], 'é')
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from kg.errors import ReleaseError

__all__ = ["archive_index", "read_source_text", "source_archive"]

_SUFFIX = ".txt"


def source_archive(texts: Mapping[str, bytes]) -> bytes:
    """A tar of ``<id>.txt`` members in id order, with no times, owners or modes to differ."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for ident in sorted(texts):
            data = texts[ident]
            info = tarfile.TarInfo(ident + _SUFFIX)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def archive_index(data: bytes | Path) -> dict[str, tuple[int, int]]:
    """``{source id: (offset, size)}`` of the members of an archive (bytes or a file)."""
    fileobj = io.BytesIO(data) if isinstance(data, bytes) else None
    name = None if isinstance(data, bytes) else data
    index: dict[str, tuple[int, int]] = {}
    with tarfile.open(name=name, fileobj=fileobj) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(_SUFFIX) and "/" not in member.name:
                index[member.name.removesuffix(_SUFFIX)] = (member.offset_data, member.size)
    return index


@lru_cache(maxsize=8)
def _index(path: str, stamp: tuple[int, int, int]) -> dict[str, tuple[int, int]]:
    try:
        return archive_index(Path(path))
    except (OSError, tarfile.TarError) as exc:
        raise ReleaseError(f"{path}: not a readable source archive ({exc})") from exc


def read_source_text(path: Path, source_id: str) -> bytes | None:
    """The bytes of one source text from a release's archive; None if it holds no such id.
    The index is read once per file version (device, inode, size)."""
    st = path.stat()
    found = _index(str(path), (st.st_dev, st.st_ino, st.st_size)).get(source_id)
    if found is None:
        return None
    offset, size = found
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(size)
