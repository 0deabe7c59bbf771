"""Limits applied to a request before it is buffered: its head and its body.

A body is refused by its declared ``Content-Length`` before a byte of it is read, and
counted while it streams in otherwise, so a huge body never sits in memory. The head is
bounded by the server (see ``okr_api.http.server_protocol``) and, for the number of headers,
by ``HeaderLimits`` below.
"""

from __future__ import annotations

import asyncio

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024
"""The request head's headers, names and values together."""


class RequestError(Exception):
    """The request failed before execution (bad JSON, parse errors, limits...)."""

    def __init__(self, message: str, status: int = 400, code: str = "BAD_REQUEST",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.headers = headers or {}


def _too_large(limit: int) -> RequestError:
    return RequestError(f"the request body is too large (at most {limit} bytes)", status=413,
                        code="TOO_LARGE")


async def read_body(request: Request, limit: int, *, seconds: float) -> bytes:
    """The body, refused (413) as soon as it is known to exceed ``limit`` bytes, and
    (408) when it takes longer than ``seconds`` to arrive."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RequestError("Content-Length is not a number of bytes")
        if int(declared) > limit:
            raise _too_large(limit)
    body = bytearray()
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise _too_large(limit)
    except TimeoutError:
        raise RequestError("the request body arrived too slowly", status=408,
                           code="REQUEST_TIMEOUT") from None
    return bytes(body)


def headers_too_large(scope: Scope, max_headers: int = MAX_HEADERS,
                      max_bytes: int = MAX_HEADER_BYTES) -> bool:
    """Too many headers, or too many header bytes. (A function of its own: a WebSocket
    connection's frames last as long as it does, this one's locals do not.)"""
    headers = scope.get("headers", [])
    size = sum(len(name) + len(value) for name, value in headers)
    return len(headers) > max_headers or size > max_bytes


class HeaderLimits:
    """ASGI middleware: 431 for a request with too many headers or too many header
    bytes (the server already bounds the whole head; this keeps the count small)."""

    def __init__(self, app: ASGIApp, *, max_headers: int = MAX_HEADERS,
                 max_bytes: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.max_headers = max_headers
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and headers_too_large(
                scope, self.max_headers, self.max_bytes):
            await self._refuse(scope, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = (b'{"errors":[{"message":"the request has too many or too large headers",'
                b'"extensions":{"code":"HEADERS_TOO_LARGE"}}]}')
        await send({"type": "http.response.start", "status": 431,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
