"""Dataset metadata and dumps: VoID/DCAT, prefixes, release files, ontology, health, version.

Dumps are streamed from the release folder with the manifest's sha256 as a strong ETag, so
a mirror or a notebook re-downloads a 600 kB file only when the release really changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from email.utils import formatdate, parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel
from pyoxigraph import NamedNode

from kg.api.answers import rdf_response
from kg.api.conneg import negotiate
from kg.api.deps import PublicBaseDep, ReaderDep, ReleaseDep, SettingsDep
from kg.api.ld_pages import page
from kg.api.pages import with_head
from kg.api.problems import ProblemError, not_acceptable
from kg.rdf.media import HTML, JSON, JSON_LD, LD_MEDIA, RDF_OFFERED, TURTLE
from kg.rdf.serialize import jsonld_context
from kg.rdf.vocab import DMKG, GRAPH_ONTOLOGY, query_prefixes
from kg.release import layout
from kg.release.describe import void_triples
from kg.store.embedded import ServedRelease
from kg.views.statistics import served_statistics

__all__ = ["CACHE_CONTROL", "Health", "Version", "commit", "router"]

router = APIRouter(tags=["dataset"])

CACHE_CONTROL: Final = "public, max-age=3600"
"""An hour: dumps only change with a new release, and the ETag makes revalidation cheap."""


class Health(BaseModel):
    status: str
    release: str


class Version(BaseModel):
    release: str
    version: str
    triples: int
    commit: str | None


@cache
def commit() -> str | None:
    """The code's git commit: ``DMKG_COMMIT``, else ``git rev-parse HEAD``, else ``None``.
    Read once; never fails (no git, not a checkout, or a slow disk: ``None``)."""
    env = os.environ.get("DMKG_COMMIT", "").strip()
    if env:
        return env
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = out.stdout.strip()
    return sha if len(sha) in (40, 64) and all(c in "0123456789abcdef" for c in sha) else None


@router.get("/health", response_model=Health, summary="Liveness and the release served")
def health(release: ReleaseDep) -> Health:
    return Health(status="ok", release=release.id)


@router.get("/version", response_model=Version, summary="Release, package version, size, commit")
def version(release: ReleaseDep) -> Version:
    m = release.manifest
    return Version(
        release=str(m.get("release", "unknown")),
        version=str(m.get("version", "")),
        triples=int(m.get("triples", 0)),
        commit=commit(),
    )


@router.get(
    "/prefixes",
    summary="The prefix map the endpoint predeclares (JSON), or the release's JSON-LD context "
    "(Accept: application/ld+json)",
    responses={200: {"content": {JSON: {}, JSON_LD: {}}}, 406: {}},
    response_class=Response,
)
def prefixes(
    request: Request,
    format: str | None = Query(None, pattern="^(json|jsonld)$", description="force the format"),
) -> Response:
    offered = (JSON, JSON_LD)
    media = {"json": offered[0], "jsonld": offered[1]}.get(format or "") or negotiate(
        request.headers.get("accept"), offered
    )
    if media is None:
        raise not_acceptable(offered)
    body = jsonld_context() if media == offered[1] else query_prefixes()
    return JSONResponse(body, media_type=media, headers={"Vary": "Accept"})


def _etag(path: Path, name: str, manifest: dict[str, Any]) -> str:
    sha = manifest.get("files", {}).get(name, {}).get("sha256")
    if not sha:  # manifest.json itself is not listed in the manifest
        sha = _file_sha256(str(path), path.stat().st_mtime_ns)
    return f'"{sha}"'


@cache
def _file_sha256(path: str, _mtime: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _not_modified(request: Request, etag: str, mtime: float) -> bool:
    inm = request.headers.get("if-none-match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = request.headers.get("if-modified-since")
    if ims:
        try:
            return int(mtime) <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError):
            return False
    return False


@cache
def _file_json(path: str, _mtime: int) -> Any:
    import json

    return json.loads(Path(path).read_bytes())


def _unchanged(release: ServedRelease, name: str) -> bool:
    """Whether the file on disk is still the one of the release the service opened: a rebuild
    swaps the folder under a running service, whose store and manifest stay the old ones."""
    path = release.dir / name
    try:
        mtime = path.stat().st_mtime_ns
        if name == layout.MANIFEST:
            return bool(_file_json(str(path), mtime) == release.manifest)
        expected = release.manifest.get("files", {}).get(name, {}).get("sha256")
        return expected is None or _file_sha256(str(path), mtime) == expected
    except (OSError, ValueError):
        return False


def _file(
    request: Request, release: ServedRelease, retry_after: int, name: str, media: str,
    extra: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    # the files opened (and verified) with the release, even if the folder was swapped since
    path: Path = release.file_path(name)
    if name not in release.pinned and not _unchanged(release, name):  # not pinned: check
        retry = str(retry_after)
        raise ProblemError(
            503,
            "Release changed",
            f"the release folder was rebuilt after the service started (serving {release.id}); "
            "restart the service to serve the new release",
            headers={"Retry-After": retry},
        )
    mtime = release.file_path(layout.MANIFEST).stat().st_mtime
    headers = {
        "ETag": _etag(path, name, release.manifest),
        "Last-Modified": formatdate(mtime, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        **(extra or {}),
    }
    if _not_modified(request, headers["ETag"], mtime):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media, headers=headers)


@router.get(
    "/dump/{name}",
    summary="A release file (kg.ttl, kg.nt, kg.jsonld, kg.trig, ontology.ttl, manifest.json)",
    responses={
        200: {"content": {m: {} for m in sorted({f.media for f in layout.FILES})}},
        304: {},
        404: {},
    },
    response_class=Response,
)
def dump(request: Request, name: str, release: ReleaseDep, settings: SettingsDep) -> Response:
    media = layout.media_type(name)
    listed = release.manifest.get("files", {})
    if media is None or (name != layout.MANIFEST and name not in listed):
        files = [n for n in layout.files() if n == layout.MANIFEST or n in listed]
        raise ProblemError(
            404, "Not Found", f"no release file {name!r}; files: {', '.join(files)}", files=files
        )
    return _file(request, release, settings.retry_after, name, media)


@router.get(
    "/ontology",
    summary="The ontology: Turtle (the release file), other RDF formats, or an HTML index",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 406: {}},
    response_class=Response,
)
def ontology(
    request: Request, release: ReleaseDep, settings: SettingsDep, reader: ReaderDep
) -> Response:
    media = negotiate(request.headers.get("accept"), LD_MEDIA)
    if media is None:
        raise not_acceptable(LD_MEDIA)
    if media == TURTLE:
        return _file(request, release, settings.retry_after, layout.ONTOLOGY, media,
                     {"Vary": "Accept"})  # fmt: skip
    if media == HTML:
        return page(request, reader, DMKG, media, "/vocab/")
    store = release.store
    triples = {
        q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(GRAPH_ONTOLOGY))
    }
    return rdf_response(
        sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))), media
    )


@router.get(
    "/void",
    summary="VoID and DCAT description of the dataset (counts, partitions, dumps, licence)",
    responses={200: {"content": {m: {} for m in RDF_OFFERED}}, 406: {}},
    response_class=Response,
)
def void(request: Request, release: ReleaseDep, reader: ReaderDep, base: PublicBaseDep) -> Response:
    media = negotiate(request.headers.get("accept"), RDF_OFFERED)
    if media is None:
        raise not_acceptable(RDF_OFFERED)
    stats = served_statistics(reader, release)
    triples = void_triples(release.manifest, release.id, release.graphs, stats, base + "/")
    return rdf_response(triples, media)


with_head(router)
