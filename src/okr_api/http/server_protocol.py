"""The server's protocols: uvicorn's h11 protocol with bounds on the request head, and its
WebSocket protocol without the handshake once it is done.

h11 refuses a head larger than ``HEAD_BYTES`` (its ``max_incomplete_event_size``), and a
client that has not sent a complete head ``OKR_REQUEST_HEAD_SECONDS`` after connecting
(or after its previous response) is disconnected: a slow client cannot hold a connection open by
trickling bytes in. Bodies have their own deadline (``okr_api.http.request_limits``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn._types import ASGISendEvent
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

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

    def _arm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(get_settings().request_head_seconds,
                                                   self._head_overdue)

    def _head_overdue(self) -> None:
        # IDLE: no complete request head yet (a request being served is past it).
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol (the one it picks by default), forgetting the
    handshake's request and response (their headers, parsed and raw) once the response
    is sent: it never reads them again, and an open subscription would keep them for
    as long as it lasts."""

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if self.handshake_complete:
            vars(self).pop("request", None)
            vars(self).pop("response", None)


def server_options() -> dict[str, Any]:
    """uvicorn's settings for a bounded request head, and its WebSocket protocol."""
    return {"http": BoundedH11Protocol, "h11_max_incomplete_event_size": HEAD_BYTES,
            "ws": LeanWebSocketProtocol}
