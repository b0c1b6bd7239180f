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
from pyoxigraph import Literal, NamedNode, Triple

from kg.api.conneg import negotiate
from kg.api.linked_data import (
    DATASET,
    LD_MEDIA,
    graph_description,
    rdf_response,
    resolve_vocab,
    with_head,
)
from kg.api.monograph import reader_for
from kg.api.problems import ProblemError, not_acceptable
from kg.release import GATE_FILES, MANIFEST, RELEASE_FILES, jsonld_context
from kg.vocab import (
    BASE,
    DCAT,
    DCTERMS,
    DMKG,
    FOAF,
    GRAPH_ONTOLOGY,
    IANA_MEDIA,
    ID,
    LICENSE,
    OWL,
    PREFIXES,
    RDF,
    SPDX,
    VOID,
    XSD,
)

__all__ = ["DUMP_MEDIA", "Health", "Version", "commit", "router", "void_triples"]

router = APIRouter(tags=["dataset"])

_SUFFIX_MEDIA: Final = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".json": "application/json",
    ".tsv": "text/tab-separated-values",
    ".owl": "application/rdf+xml",
}
DUMP_MEDIA: Final = {
    name: _SUFFIX_MEDIA.get(Path(name).suffix, "application/octet-stream")
    for name in (*RELEASE_FILES, *GATE_FILES, MANIFEST)
}
"""Every file of a release that ``/dump/{name}`` serves, with its media type."""
CACHE_CONTROL: Final = "public, max-age=3600"
"""An hour: dumps only change with a new release, and the ETag makes revalidation cheap."""
RDF_OFFERED: Final = tuple(m for m in LD_MEDIA if m != "text/html")


# -------------------------------------------------------------------- health, version
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
def health(request: Request) -> Health:
    return Health(status="ok", release=request.app.state.release.id)


@router.get("/version", response_model=Version, summary="Release, package version, size, commit")
def version(request: Request) -> Version:
    m = request.app.state.release.manifest
    return Version(
        release=str(m.get("release", "unknown")),
        version=str(m.get("version", "")),
        triples=int(m.get("triples", 0)),
        commit=commit(),
    )


# -------------------------------------------------------------------- prefixes
@router.get(
    "/prefixes",
    summary="The prefix map (JSON), or the JSON-LD context (Accept: application/ld+json)",
    responses={200: {"content": {"application/json": {}, "application/ld+json": {}}}, 406: {}},
    response_class=Response,
)
def prefixes(
    request: Request,
    format: str | None = Query(None, pattern="^(json|jsonld)$", description="force the format"),
) -> Response:
    offered = ("application/json", "application/ld+json")
    media = {"json": offered[0], "jsonld": offered[1]}.get(format or "") or negotiate(
        request.headers.get("accept"), offered
    )
    if media is None:
        raise not_acceptable(offered)
    body = jsonld_context() if media == offered[1] else dict(sorted(PREFIXES.items()))
    return JSONResponse(body, media_type=media, headers={"Vary": "Accept"})


# -------------------------------------------------------------------- dumps
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


def _unchanged(release: Any, name: str) -> bool:
    """Whether the file on disk is still the one of the release the service opened: a rebuild
    swaps the folder under a running service, whose store and manifest stay the old ones."""
    path = release.dir / name
    try:
        mtime = path.stat().st_mtime_ns
        if name == MANIFEST:
            return bool(_file_json(str(path), mtime) == release.manifest)
        expected = release.manifest.get("files", {}).get(name, {}).get("sha256")
        return expected is None or _file_sha256(str(path), mtime) == expected
    except (OSError, ValueError):
        return False


def _file(request: Request, name: str, media: str, extra: dict[str, str] | None = None) -> Response:
    release = request.app.state.release
    # the files opened (and verified) with the release, even if the folder was swapped since
    path: Path = release.file_path(name)
    if name not in release.pinned and not _unchanged(release, name):  # not pinned: check
        retry = str(request.app.state.settings.retry_after)
        raise ProblemError(
            503,
            "Release changed",
            f"the release folder was rebuilt after the service started (serving {release.id}); "
            "restart the service to serve the new release",
            headers={"Retry-After": retry},
        )
    mtime = release.file_path(MANIFEST).stat().st_mtime
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
        200: {"content": {m: {} for m in sorted(set(DUMP_MEDIA.values()))}},
        304: {},
        404: {},
    },
    response_class=Response,
)
def dump(request: Request, name: str) -> Response:
    media = DUMP_MEDIA.get(name)
    listed = request.app.state.release.manifest.get("files", {})
    if media is None or (name != MANIFEST and name not in listed):
        files = [n for n in DUMP_MEDIA if n == MANIFEST or n in listed]
        raise ProblemError(
            404, "Not Found", f"no release file {name!r}; files: {', '.join(files)}", files=files
        )
    return _file(request, name, media)


# -------------------------------------------------------------------- ontology
@router.get(
    "/ontology",
    summary="The ontology: Turtle (the release file), other RDF formats, or an HTML index",
    responses={200: {"content": {m: {} for m in LD_MEDIA}}, 406: {}},
    response_class=Response,
)
def ontology(request: Request) -> Response:
    media = negotiate(request.headers.get("accept"), LD_MEDIA)
    if media is None:
        raise not_acceptable(LD_MEDIA)
    if media == "text/turtle":
        return _file(request, "ontology.ttl", media, {"Vary": "Accept"})
    if media == "text/html":
        return resolve_vocab(request, "")
    store = request.app.state.release.store
    triples = {
        q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(GRAPH_ONTOLOGY))
    }
    return rdf_response(
        sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))), media
    )


# -------------------------------------------------------------------- VoID
_VOID_CACHE: dict[tuple[str, str], list[Triple]] = {}


def _n(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _part(kind: str, iri: str) -> NamedNode:
    return NamedNode(f"{BASE}void#{kind}-{hashlib.sha256(iri.encode()).hexdigest()[:12]}")


def void_triples(request: Request, base_url: str) -> list[Triple]:
    """VoID + DCAT description of the served release (statistics cached per release)."""
    release = request.app.state.release
    key = (release.id, base_url)
    if key not in _VOID_CACHE:
        _VOID_CACHE.clear()
        _VOID_CACHE[key] = _void(request, base_url)
    return _VOID_CACHE[key]


def _void(request: Request, base: str) -> list[Triple]:
    release = request.app.state.release
    reader = reader_for(release.store)
    m = release.manifest
    ds = NamedNode(DATASET)
    a = NamedNode(RDF + "type")

    def v(local: str) -> NamedNode:
        return NamedNode(VOID + local)

    def d(local: str) -> NamedNode:
        return NamedNode(DCAT + local)

    [(triples, subjects, objects, props)] = reader.select(
        """SELECT (COUNT(*) AS ?t) (COUNT(DISTINCT ?s) AS ?s_) (COUNT(DISTINCT ?o) AS ?o_)
                  (COUNT(DISTINCT ?p) AS ?p_) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"""
    )
    classes = reader.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c"
    )
    properties = reader.select(
        """SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }
           GROUP BY ?p"""
    )
    version = str(m.get("version", ""))
    out: list[Triple] = [
        Triple(NamedNode(BASE + "void"), a, v("DatasetDescription")),
        Triple(NamedNode(BASE + "void"), NamedNode(FOAF + "primaryTopic"), ds),
        Triple(ds, a, v("Dataset")),
        Triple(ds, a, d("Dataset")),
        Triple(
            ds,
            NamedNode(DCTERMS + "title"),
            Literal("Drug Monograph Knowledge Graph", language="en"),
        ),
        Triple(
            ds,
            NamedNode(DCTERMS + "description"),
            Literal(
                "Curated, source-anchored drug facts: every claim carries a verbatim quote of its "
                "source as W3C Web Annotation evidence.",
                language="en",
            ),
        ),
        Triple(ds, NamedNode(DCTERMS + "license"), NamedNode(LICENSE)),
        Triple(ds, NamedNode(DCTERMS + "identifier"), Literal(release.id)),
        Triple(ds, NamedNode(OWL + "versionInfo"), Literal(version)),
        Triple(ds, d("version"), Literal(version)),
        Triple(ds, v("sparqlEndpoint"), NamedNode(base + "sparql")),
        Triple(ds, v("uriSpace"), Literal(ID)),
        Triple(ds, v("vocabulary"), NamedNode(DMKG)),
        Triple(ds, v("triples"), _n(int(triples.value))),
        Triple(ds, v("distinctSubjects"), _n(int(subjects.value))),
        Triple(ds, v("distinctObjects"), _n(int(objects.value))),
        Triple(ds, v("properties"), _n(int(props.value))),
        Triple(ds, v("classes"), _n(len(classes))),
    ]
    for c, n in classes:
        node = _part("class", c.value)
        out += [
            Triple(ds, v("classPartition"), node),
            Triple(node, v("class"), c),
            Triple(node, v("entities"), _n(int(n.value))),
        ]
    for p, n in properties:
        node = _part("property", p.value)
        out += [
            Triple(ds, v("propertyPartition"), node),
            Triple(node, v("property"), p),
            Triple(node, v("triples"), _n(int(n.value))),
        ]
    for g in sorted(release.graphs):  # the served graphs: the release's and the inferred one
        out.append(Triple(ds, v("subset"), NamedNode(g)))
        out += graph_description(request, g) or []
    files = m.get("files", {})
    for name, media in DUMP_MEDIA.items():
        url = NamedNode(f"{base}dump/{name}")
        if name != MANIFEST:
            out.append(Triple(ds, v("dataDump"), url))
        dist = NamedNode(f"{BASE}void#dist-{name}")
        out += [
            Triple(ds, d("distribution"), dist),
            Triple(dist, a, d("Distribution")),
            Triple(dist, d("downloadURL"), url),
            Triple(dist, d("accessURL"), url),
            Triple(dist, d("mediaType"), NamedNode(IANA_MEDIA + media)),
            Triple(dist, NamedNode(DCTERMS + "format"), Literal(media)),
            Triple(dist, NamedNode(DCTERMS + "license"), NamedNode(LICENSE)),
            Triple(dist, NamedNode(DCTERMS + "title"), Literal(name)),
        ]
        info = files.get(name)
        if info:
            sum_node = NamedNode(f"{BASE}void#sha256-{name}")
            out += [
                Triple(dist, d("byteSize"), _n(int(info["bytes"]))),
                Triple(dist, NamedNode(SPDX + "checksum"), sum_node),
                Triple(
                    sum_node,
                    NamedNode(SPDX + "algorithm"),
                    NamedNode(SPDX + "checksumAlgorithm_sha256"),
                ),
                Triple(sum_node, NamedNode(SPDX + "checksumValue"), Literal(info["sha256"])),
            ]
    unique = {(str(t.subject), str(t.predicate), str(t.object)): t for t in out}
    return [unique[k] for k in sorted(unique)]


def base_url(request: Request) -> str:
    """The public base URL (``DMKG_BASE_URL``), else the one the request came in on."""
    settings = getattr(request.app.state, "settings", None)
    configured = getattr(settings, "base_url", None)
    return (configured or str(request.base_url)).rstrip("/") + "/"


@router.get(
    "/void",
    summary="VoID and DCAT description of the dataset (counts, partitions, dumps, licence)",
    responses={200: {"content": {m: {} for m in RDF_OFFERED}}, 406: {}},
    response_class=Response,
)
def void(request: Request) -> Response:
    media = negotiate(request.headers.get("accept"), RDF_OFFERED)
    if media is None:
        raise not_acceptable(RDF_OFFERED)
    return rdf_response(void_triples(request, base_url(request)), media)


with_head(router)
