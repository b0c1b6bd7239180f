"""HTTP-level limits the ASGI stack enforces before a route runs: body size and arrival time,
and a deadline for request headers (uvicorn has none for a connection that sends nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

from kg.api.problems import ProblemError, problem_response

__all__ = ["BodyLimitMiddleware", "header_timeout_protocol"]

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
