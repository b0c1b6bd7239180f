"""Checks a query must pass before any engine sees it, and HTTP-level limits.

pyoxigraph makes outbound HTTP requests for ``SERVICE`` and crashes the whole process on deep
nesting (~2,500 ``{``, ~5,000 ``(``, ~10,000 ``!``, ~8,000 chained ``||``), so queries are
lexed here (strings, IRIs and comments skipped) and refused early: SERVICE -> 400, updates ->
403, too large -> 413, too deep or too many operators -> 400. The lexer errs towards refusing:
anything it cannot place is treated as code.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.api.problems import ProblemError, problem_response

__all__ = [
    "UPDATE_KEYWORDS",
    "BodyLimitMiddleware",
    "QueryInfo",
    "QueryLimits",
    "check_query",
    "header_timeout_protocol",
]

UPDATE_KEYWORDS: Final = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_FORMS: Final = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UNARY: Final = frozenset({"!", "-", "+", "^"})
_OPERATORS: Final = frozenset(
    {"||", "&&", "|", "/", "+", "-", "*", "=", "!=", "<", ">", "<=", ">="}
)
_OPEN: Final = {"{": "}", "(": ")", "[": "]"}

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7]+)
    | (?P<word>[\w:][\w.\-:%\\\u00B7]*)
    | (?P<punct>\|\||&&|!=|<=|>=|\^\^|.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class QueryLimits:
    max_bytes: int = 100_000
    max_depth: int = 64
    max_operators: int = 2_000


@dataclass(frozen=True)
class QueryInfo:
    """What the guards learnt: the query form and the dataset it names (``FROM``)."""

    form: str
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def _tokens(text: str) -> list[tuple[str, str]]:
    return [
        (m.lastgroup or "punct", m.group())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("ws", "comment", "string")
    ]


def _keyword(kind: str, value: str) -> str | None:
    if kind != "word":
        return None
    word = value.rstrip(".")
    return word.upper() if word and ":" not in word and word.isalpha() else None


def _decode_codepoints(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        try:
            return chr(int(m[1] or m[2], 16))
        except (ValueError, OverflowError):
            return m[0]

    return _CODEPOINT.sub(repl, text)


def _refuse_keywords(tokens: list[tuple[str, str]]) -> None:
    for kind, value in tokens:
        kw = _keyword(kind, value)
        if kw == "SERVICE":
            raise ProblemError(
                400, "Federated query refused",
                "SERVICE is not allowed: this endpoint answers from its own release only.",
            )  # fmt: skip
        if kw in UPDATE_KEYWORDS:
            raise ProblemError(
                403, "Update refused",
                f"{kw}: this is a read-only endpoint; SPARQL Update and LOAD are not allowed.",
            )  # fmt: skip


def _check_shape(tokens: list[tuple[str, str]], limits: QueryLimits) -> None:
    stack: list[str] = []
    depth = run = operators = 0
    for kind, value in tokens:
        if kind != "punct":
            run = 0
            continue
        if value in _OPEN:
            stack.append(_OPEN[value])
            depth = max(depth, len(stack))
        elif stack and value == stack[-1]:
            stack.pop()
        run = run + 1 if value in _UNARY else 0
        operators += value in _OPERATORS
        if depth > limits.max_depth or run > limits.max_depth:
            raise ProblemError(
                400, "Query too deeply nested",
                f"nesting of brackets or runs of unary operators deeper than {limits.max_depth}",
            )  # fmt: skip
        if operators > limits.max_operators:
            raise ProblemError(
                400, "Query too complex",
                f"more than {limits.max_operators} operators; split the query",
            )  # fmt: skip


def _dataset(tokens: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    graphs: list[str] = []
    named: list[str] = []
    for i, (kind, value) in enumerate(tokens):
        if _keyword(kind, value) != "FROM":
            continue
        j = i + 1
        is_named = j < len(tokens) and _keyword(*tokens[j]) == "NAMED"
        j += is_named
        if j < len(tokens):
            (named if is_named else graphs).append(tokens[j][1].strip("<>"))
    return tuple(graphs), tuple(named)


def check_query(text: str, limits: QueryLimits = QueryLimits()) -> QueryInfo:
    """Refuse a query that must not reach an engine (raises ``ProblemError``), else describe it."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise ProblemError(
            413, "Query too large", f"the query is {size} bytes; the limit is {limits.max_bytes}",
        )  # fmt: skip
    if "\x00" in text:
        raise ProblemError(400, "Malformed query", "the query contains a NUL character")
    tokens = _tokens(text)
    _refuse_keywords(tokens)
    if "\\u" in text or "\\U" in text:  # SPARQL codepoint escapes may spell a keyword
        _refuse_keywords(_tokens(_decode_codepoints(text)))
    _check_shape(tokens, limits)
    form = next((kw for k, v in tokens if (kw := _keyword(k, v)) in _FORMS), None)
    if form is None:
        raise ProblemError(400, "Malformed query", "no SELECT, ASK, CONSTRUCT or DESCRIBE found")
    graphs, named = _dataset(tokens)
    return QueryInfo(form, graphs, named)


# --- HTTP layer -------------------------------------------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimitMiddleware:
    """413 for bodies over the cap, judged on Content-Length and again while streaming (a false
    or absent length never makes the server buffer past the cap); 408 for a body that stalls."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                await problem_response(400, "Bad Request", "malformed Content-Length")(
                    scope, receive, send
                )
                return
            if int(length) > self.max_bytes:
                await self._too_large(scope, receive, send)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise ProblemError(
                    408, "Request Timeout", "the request body arrived too slowly"
                ) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise ProblemError(
                        413, "Request body too large", f"the limit is {self.max_bytes} bytes"
                    )
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except ProblemError as exc:
            if started:
                raise
            headers = {**exc.headers, "Connection": "close"}
            await problem_response(exc.status, exc.title, exc.detail, headers)(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, "Request body too large", f"the limit is {self.max_bytes} bytes",
            {"Connection": "close"},
        )  # fmt: skip
        await response(scope, receive, send)


def header_timeout_protocol(timeout: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for receiving request headers.

    uvicorn times out idle keep-alive connections only after a first response, and any byte
    cancels that timer; a client that connects and sends nothing, or dribbles headers, would
    hold a connection slot forever.
    """

    class HeaderTimeoutProtocol(H11Protocol):
        _deadline: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(timeout, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            idle = self.cycle is None or self.cycle.response_complete
            if idle and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.cycle is None or self.cycle.response_complete:
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutProtocol
