"""RFC 9457 problem details: every error the service returns is ``application/problem+json``.

Users of existing SPARQL servers complain about errors returned as 200 or as bare HTML 500
pages; one exception type and a handful of handlers keep every route honest.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kg.query.job import QueryRefused
from kg.rdf.vocab import PROBLEMS
from kg.store.remote import RemoteError, RemoteTimeout

__all__ = [
    "PROBLEM_JSON",
    "ProblemError",
    "install_problem_handlers",
    "not_acceptable",
    "problem_response",
    "refused_headers",
]

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("kg.api")


class ProblemError(Exception):
    """An error a route wants the client to see, with its HTTP status and RFC 9457 fields."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extensions: object,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extensions = extensions


def _type_uri(status: int) -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "about:blank"
    return PROBLEMS + phrase.lower().replace(" ", "-").replace("'", "")


def problem_response(
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    extensions: dict[str, object] | None = None,
) -> JSONResponse:
    """A problem+json response; the extension members never override the standard ones."""
    body: dict[str, Any] = {**(extensions or {})}
    body.update(type=_type_uri(status), title=title, status=status, detail=detail)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


async def _on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.status, exc.title, exc.detail, exc.headers, dict(exc.extensions))


async def _on_refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryRefused)
    return problem_response(
        exc.status, exc.title, exc.detail, refused_headers(exc), dict(exc.extensions)
    )


def refused_headers(exc: QueryRefused) -> dict[str, str]:
    """``Retry-After`` when the refusal says when to come back."""
    return {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}


def _on_remote(retry_after: int) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    async def handler(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RemoteError)
        if isinstance(exc, RemoteTimeout):
            return problem_response(
                503, "Query timed out", str(exc), {"Retry-After": str(retry_after)}
            )
        return problem_response(502, "Remote store failed", str(exc))

    return handler


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem_response(exc.status_code, title, detail, dict(exc.headers or {}))


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc if p not in ("query", "path", "body", "header"))


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": _loc(e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors) or "invalid request"
    return problem_response(422, "Invalid parameter", detail, extensions={"errors": errors})


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Logged server-side with the traceback; the client sees no stack trace nor file path.
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500, "Internal Server Error", "The server failed to answer this request."
    )


def install_problem_handlers(app: FastAPI, retry_after: int) -> None:
    """Route every error (ours, refused queries, a failing remote store in the in-process
    reads, routing 404/405, validation 422, crashes 500) to problem+json."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(QueryRefused, _on_refused)
    app.add_exception_handler(RemoteError, _on_remote(retry_after))
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(Exception, _on_unexpected)


def not_acceptable(offered: Sequence[str]) -> ProblemError:
    """The one 406 of the service: lists what is offered, and says the answer varies by Accept."""
    return ProblemError(
        406,
        "Not Acceptable",
        f"available as: {', '.join(offered)}",
        headers={"Vary": "Accept"},
        supported=list(offered),
    )
