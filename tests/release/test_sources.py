"""The release's source texts (sources.tar): every text byte for byte, pinned by the sha256
the graph records, in an archive any tar reads, the same bytes whatever the build."""

from __future__ import annotations

import hashlib
import io
import tarfile

import rdflib

from kg.build import BuildResult
from kg.rdf.vocab import SHA256
from kg.release.layout import SOURCES
from kg.release.manifest import verify_release
from kg.release.sources import archive_index, read_source_text, source_archive
from tests.support import ROOT


def test_every_source_text_is_in_the_release_as_curated(built: BuildResult) -> None:
    manifest = verify_release(built.out)  # the archive is checksummed like every release file
    assert SOURCES in manifest["files"]
    graph = rdflib.Graph().parse(built.out / "kg.nt", format="nt")
    recorded = {
        str(s).rsplit("/", 1)[-1]: str(o)
        for s, o in graph.subject_objects(rdflib.URIRef(SHA256.value))
    }
    with tarfile.open(built.out / SOURCES) as tar:
        names = tar.getnames()
        assert names == sorted(names) == [f"{sid}.txt" for sid in sorted(recorded)]
        for member in tar:
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            sid = member.name.removesuffix(".txt")
            assert data == (ROOT / "data" / "sources" / member.name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == recorded[sid]
            assert (member.mtime, member.uid, member.gid, member.uname) == (0, 0, 0, "")
            assert read_source_text(built.out / SOURCES, sid) == data
    assert read_source_text(built.out / SOURCES, "no-such-source") is None


def test_the_archive_is_deterministic_and_read_in_place() -> None:
    texts = {"b-label": "ünïcode\n".encode(), "a-sheet": b"plain", "c": b""}
    data = source_archive(texts)
    assert data == source_archive(dict(reversed(list(texts.items()))))
    index = archive_index(data)
    assert {k: data[o : o + n] for k, (o, n) in index.items()} == texts
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:  # a plain tar, nothing of ours needed
        assert tar.extractfile("b-label.txt").read() == texts["b-label"]  # type: ignore[union-attr]
