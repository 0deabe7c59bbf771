"""The server's protocols: uvicorn's h11 protocol with bounds on the request head, and its
WebSocket protocol without the handshake once it is done, and with a lighter queue and
event (an open subscription keeps them for as long as it lasts).

h11 refuses a head larger than ``HEAD_BYTES`` (its ``max_incomplete_event_size``), and a
client that has not sent a complete head ``OKR_REQUEST_HEAD_SECONDS`` after connecting
(or after its previous response) is disconnected: a slow client cannot hold a connection open by
trickling bytes in. Bodies have their own deadline (``okr_api.http.request_limits``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Generic, TypeVar

import h11
from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import OPEN, Protocol

from okr_api.settings import get_settings

HEAD_BYTES = 64 * 1024


class BoundedH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        # The WebSocket protocol takes the connection over: the deadline would keep this
        # protocol (its parser, its buffers) alive until it rang.
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None
        super().handle_websocket_upgrade(event)

    def _arm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(get_settings().request_head_seconds,
                                                   self._head_overdue)

    def _head_overdue(self) -> None:
        # IDLE: no complete request head yet (a request being served is past it).
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


T = TypeVar("T")


class LightQueue(Generic[T]):
    """What uvicorn's WebSocket protocol uses of an ``asyncio.Queue`` (one reader), without
    its three deques (some 2 KB a connection)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[T] | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: T) -> None:
        if self._items is None:
            self._items = [item]
        else:
            self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def get(self) -> T:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        item = self._items.pop(0)
        if not self._items:
            self._items = None
        return item

    def empty(self) -> bool:
        return not self._items


class LightEvent:
    """An ``asyncio.Event`` without the deque it makes up front."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[None]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        while not self._set:
            waiter = asyncio.get_running_loop().create_future()
            if self._waiters is None:
                self._waiters = [waiter]
            else:
                self._waiters.append(waiter)
            try:
                await waiter
            finally:
                if self._waiters is not None and waiter in self._waiters:
                    self._waiters.remove(waiter)


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol (the one it picks by default), forgetting the
    handshake's request and response (their headers, parsed and raw) once the response
    is sent: it never reads them again, and an open subscription would keep them for
    as long as it lasts."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = LightQueue()  # type: ignore[assignment]
        self.writable = LightEvent()  # type: ignore[assignment]
        self.writable.set()

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if self.handshake_complete and vars(self).pop("request", None) is not None:
            vars(self).pop("response", None)
            # websockets' parser is a generator that keeps the parsed request (its
            # headers) in its frame for the connection's life; a fresh frame parser, in
            # the same state (open, nothing buffered: the client waits for the
            # response before it sends a frame), holds nothing of it.
            # (websockets' internals: when a release has them no more, the old frame
            # is simply kept.)
            conn = self.conn
            reader = getattr(conn, "reader", None)
            parse = getattr(Protocol, "parse", None)
            if conn.state is OPEN and parse is not None and reader is not None \
                    and not getattr(reader, "buffer", True):
                conn.parser = parse(conn)
                next(conn.parser)


def server_options() -> dict[str, Any]:
    """uvicorn's settings for a bounded request head, and its WebSocket protocol."""
    return {"http": BoundedH11Protocol, "h11_max_incomplete_event_size": HEAD_BYTES,
            "ws": LeanWebSocketProtocol}
