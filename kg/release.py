"""Stage 4: quads -> release files, written aside and swapped in atomically.

A release folder holds every format plus ``manifest.json`` (version, triple counts per graph,
sha256 of each file). Files are produced from sorted quads, so the same inputs give the same
bytes whatever ``PYTHONHASHSEED``. A failed or killed build never touches the last good
release: files go to a sibling temporary folder that replaces the release in one
``renameat2(RENAME_EXCHANGE)`` (or, where the kernel lacks it, two renames).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, serialize

from kg.errors import ReleaseError
from kg.vocab import GRAPH_ONTOLOGY, PREFIXES

__all__ = [
    "GATE_FILES",
    "MANIFEST",
    "RELEASE_FILES",
    "Producer",
    "jsonld_context",
    "read_manifest",
    "release_producers",
    "serialize_release",
    "swap_in",
    "verify_release",
    "write_release",
]

MANIFEST = "manifest.json"
GATE_FILES = ("validation.ttl", "validation.json", "kg-inferred.ttl", "kg-full.ttl")
"""Files the release gates (SHACL validation, reasoning) add to a release."""
RELEASE_FILES = (
    "kg.ttl", "kg.nt", "kg.jsonld", "kg.trig", "ontology.ttl", "mappings.sssom.tsv",
    "kg.owl", "kgx_nodes.tsv", "kgx_edges.tsv",
)  # fmt: skip


def _ser(data: list[Triple] | list[Quad], fmt: RdfFormat) -> bytes:
    """``data`` in ``fmt`` with our prefixes (RDF/XML: all triples, as the OWL export)."""
    out = serialize(data, format=fmt, prefixes=PREFIXES)
    assert out is not None  # no output file given: pyoxigraph returns the bytes
    return out


def _triples(quads: Iterable[Quad]) -> list[Triple]:
    # str(Triple) is "s p o", which sorts as the tuple (s, p, o) (see kg.graph.quad_key)
    return sorted(dict.fromkeys(q.triple for q in quads), key=str)


Producer = Callable[[], bytes]
"""Makes one release file when called: files are made, written and dropped one at a time, so
a build never holds every format of a large release in memory at once."""


def release_producers(quads: list[Quad], *, rdfxml: bool = False) -> dict[str, Producer]:
    """Every release format from sorted quads, each made only when asked for; with ``rdfxml``
    also ``kg.owl`` (the OWL export, from the same sorted triples). N-Triples lines are sorted
    as text, which makes the file canonical: diffs between two releases show exactly the
    triples that changed."""
    cache: list[list[Triple]] = []

    def triples() -> list[Triple]:
        if not cache:
            cache.append(_triples(quads))
        return cache[0]

    def nt() -> bytes:
        # b"\n" only: splitlines() also splits at U+0085, U+2028, U+2029, \x1c-\x1e, which
        # N-Triples writes unescaped inside literals (it cut such a triple in two). UTF-8 bytes
        # sort in code point order, so sorting bytes equals sorting the decoded text.
        lines = _ser(triples(), RdfFormat.N_TRIPLES).split(b"\n")[:-1]
        lines.sort()
        return b"\n".join(lines) + b"\n"

    def ontology() -> bytes:
        g = NamedNode(GRAPH_ONTOLOGY)
        return _ser(_triples(q for q in quads if q.graph_name == g), RdfFormat.TURTLE)

    producers: dict[str, Producer] = {
        "kg.ttl": lambda: _ser(triples(), RdfFormat.TURTLE),
        "kg.nt": nt,
        "kg.jsonld": lambda: _jsonld(triples()),
        "kg.trig": lambda: _ser(quads, RdfFormat.TRIG),
        "ontology.ttl": ontology,
    }
    if rdfxml:
        producers["kg.owl"] = lambda: _ser(triples(), RdfFormat.RDF_XML)
    return producers


def serialize_release(quads: list[Quad]) -> dict[str, bytes]:
    """Every release format from sorted quads, in memory (see :func:`release_producers`)."""
    return {name: make() for name, make in release_producers(quads).items()}


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context of a release: our prefix map."""
    return {"@context": dict(sorted(PREFIXES.items()))}


def _jsonld(triples: list[Triple]) -> bytes:
    # pyoxigraph writes compact, expanded JSON-LD (a node array ordered as its sorted input);
    # our prefix context is put around those bytes as they are (parsing them back into Python
    # objects cost several times the file's size), so processors can compact with our CURIEs.
    context = json.dumps(jsonld_context()["@context"], ensure_ascii=False, separators=(",", ":"))
    nodes = _ser(triples, RdfFormat.JSON_LD)
    return b'{"@context":' + context.encode("utf-8") + b',"@graph":' + nodes + b"}\n"


def _manifest(
    digests: dict[str, tuple[str, int, int]], quads: list[Quad], version: str, extra: dict[str, Any]
) -> bytes:
    graphs: Counter[str] = Counter()
    for g, n in Counter(q.graph_name for q in quads).items():
        if hasattr(g, "value"):
            graphs[g.value] += n
    content = digests["kg.nt"][0]
    body = {
        "name": "dmkg",
        "version": version,
        "release": f"{version}+{content[:12]}",
        "triples": digests["kg.nt"][2],
        "graphs": dict(sorted(graphs.items())),
        "files": {
            name: {"sha256": sha, "bytes": size} for name, (sha, size, _) in sorted(digests.items())
        },
        **extra,
    }
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _write_file(path: Path, data: bytes) -> tuple[str, int, int]:
    """Write and sync ``data``; its sha256, size and line count (kg.nt: the triple count)."""
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return hashlib.sha256(data).hexdigest(), len(data), data.count(b"\n")


def write_release(
    files: Mapping[str, bytes | Producer],
    quads: list[Quad],
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
        _write_file(staging / MANIFEST, _manifest(digests, quads, version, extra or {}))
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


def read_manifest(release: Path) -> dict[str, Any]:
    path = release / MANIFEST
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReleaseError(
            f"{release} is not a release: {MANIFEST} is missing (run `kg build`)"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ReleaseError(
            f"{path}:{exc.lineno}:{exc.colno}: malformed manifest: {exc.msg}"
        ) from exc
    return data


def verify_release(release: Path) -> dict[str, Any]:
    """Check every file against the manifest's checksums; return the manifest."""
    manifest = read_manifest(release)
    for name, info in manifest.get("files", {}).items():
        path = release / name
        with contextlib.suppress(FileNotFoundError), open(path, "rb") as fh:
            if hashlib.file_digest(fh, "sha256").hexdigest() == info["sha256"]:
                continue  # hashed in chunks: release files can be GB
        raise ReleaseError(f"{path}: missing or does not match the manifest checksum")
    return manifest
