"""The front door: the landing page ``/``, the search of every page's box (``/search``) and the
API documentation pages (``/docs``, ``/redoc``) served from local assets, so they work offline.

FastAPI's own ``/docs`` loads Swagger UI from a CDN (blank offline) and a favicon from
fastapi.tiangolo.com; here both documentation pages load only ``/static/vendor/``.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Query, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from kg.api.conneg import negotiate
from kg.api.deps import PublicBaseDep, ReaderDep, ReleaseDep
from kg.api.pages import render, with_head
from kg.api.problems import not_acceptable
from kg.rdf.media import HTML, JSON
from kg.release import layout
from kg.views.overview import overview
from kg.views.search import MAX_QUERY, Hit, search

__all__ = ["FAVICON", "router"]

router = APIRouter(tags=["pages"])

FAVICON: Final = "/static/favicon.svg"
_VENDOR: Final = "/static/vendor"
_TITLE: Final = "dmkg: Drug Monograph Knowledge Graph"


def _links(base: str) -> dict[str, str]:
    return {
        "sparql": f"{base}/sparql", "queries": f"{base}/queries", "browse": f"{base}/id/",
        "ontology": f"{base}/vocab/", "search": f"{base}/search", "void": f"{base}/void",
        "prefixes": f"{base}/prefixes", "openapi": f"{base}/openapi.json", "docs": f"{base}/docs",
        "redoc": f"{base}/redoc", "dumps": f"{base}/dump/", "version": f"{base}/version",
    }  # fmt: skip


@router.get(
    "/",
    summary="Landing page (HTML), or the service's links (JSON)",
    responses={200: {"content": {HTML: {}, JSON: {}}}, 406: {}},
    response_class=Response,
)
def home(request: Request, reader: ReaderDep, release: ReleaseDep, base: PublicBaseDep) -> Response:
    media = negotiate(request.headers.get("accept"), (HTML, JSON))
    if media is None:
        raise not_acceptable((HTML, JSON))
    if media == JSON:
        body = {"release": release.id, "links": _links(base)}
        return JSONResponse(body, headers={"Vary": "Accept"})
    files = release.manifest.get("files", {})
    dumps = [
        {"name": f.name, "description": f.description, "bytes": files[f.name]["bytes"]}
        for f in layout.FILES
        if f.name in files
    ]
    return render(
        "home.html",
        headers={"Vary": "Accept"},
        o=overview(reader),
        release=release.id,
        triples=int(release.manifest.get("triples", 0)),
        dumps=dumps,
    )


@router.get(
    "/search",
    summary="Search labels, synonyms, brand names, terms, sources and external ids (CURIE, IRI)",
    responses={200: {"content": {HTML: {}, JSON: {}}}, 303: {}, 406: {}},
    response_class=Response,
)
def search_page(
    request: Request,
    reader: ReaderDep,
    q: Annotated[str, Query(max_length=MAX_QUERY, description="a name, CURIE or IRI")] = "",
) -> Response:
    """HTML for browsers (a unique exact match redirects to its page), JSON otherwise."""
    media = negotiate(request.headers.get("accept"), (HTML, JSON))
    if media is None:
        raise not_acceptable((HTML, JSON))
    hits = search(reader, q)
    if media == JSON:
        body = {"query": q, "hits": [h.model_dump() for h in hits]}
        return JSONResponse(body, headers={"Vary": "Accept"})
    exact = [h for h in hits if h.rank == 0]
    if len(exact) == 1:
        return RedirectResponse(exact[0].href, status_code=303, headers={"Vary": "Accept"})
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.kind, []).append(h)
    return render("search.html", headers={"Vary": "Accept"}, q=q, hits=hits, groups=groups)


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    """Swagger UI from the vendored assets; no validator badge (it calls validator.swagger.io)."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{_TITLE}: REST API",
        swagger_js_url=f"{_VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{_VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=FAVICON,
        swagger_ui_parameters={"validatorUrl": None},
    )


@router.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    """ReDoc from the vendored bundle, without Google Fonts."""
    return get_redoc_html(
        openapi_url="/openapi.json",
        title=f"{_TITLE}: REST API",
        redoc_js_url=f"{_VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=FAVICON,
        with_google_fonts=False,
    )


with_head(router)
