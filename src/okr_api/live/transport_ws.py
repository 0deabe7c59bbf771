"""graphql-transport-ws connections of our own, for the subscriptions a cohort renders.

Through strawberry's handler an open ``scoreEvents``/``okrEvents`` subscription keeps an
operation task, the async generators it runs (strawberry's, graphql-core's, the
resolver's, the stream's), graphql-core's execution context, strawberry's extension
state and a connection context with its loaders: tens of KB each. Most subscribers ask
for the live feed from now on, with a selection a cohort renders: such a subscription
here is one small listener of the hub (``okr_api.live.lean_subscriptions``); the
connection's own task reads the client's messages, and a task that lives only while a
batch is written sends the cohort's bytes.

What this serves: ``okr_api.live.lean_documents``, by a principal holding the feed's
roles. Everything else (other documents, queries and mutations over the socket,
``after``, ``filter``, refusals) goes to strawberry's handler, made for the connection
the first time it is needed: it answers as it always has. The protocol and its close
codes and reasons (4400, 4401, 4403, 4408, 4409, 4429) are strawberry's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.types import Receive, Scope
from starlette.types import Send as ASGISend

from okr_api.auth import AuthError, Principal, token_header
from okr_api.context import Services
from okr_api.http.endpoint import authenticate
from okr_api.live.lean_documents import FEEDS, lean_arguments, lean_document
from okr_api.live.lean_subscriptions import LeanSubscription, frame, rechecks_of
from okr_api.live.service import LiveFeed

log = logging.getLogger("okr_api.live")
PROTOCOL = "graphql-transport-ws"
INIT_SECONDS = 60.0
"""As strawberry's ``connection_init_wait_timeout``."""
MAX_OPERATIONS = 100
"""As strawberry's ``max_subscriptions_per_connection`` (every operation in flight)."""


class LeanConnection:
    """One graphql-transport-ws connection, run in the task the server gave it."""

    __slots__ = ("_flusher", "_init_timer", "_ready", "acknowledged", "closed", "fallback",
                 "header", "init_received", "make_fallback", "operations", "principal",
                 "receive", "scope", "send", "services")

    def __init__(self, scope: Scope, receive: Receive, send: ASGISend,
                 services: Services, handshake_authorization: str | None,
                 make_fallback: Callable[[LeanConnection], Awaitable[Any]]) -> None:
        self.make_fallback = make_fallback
        """Makes strawberry's handler for this connection (``okr_api.live.socket``)."""
        self.scope = scope
        self.receive = receive
        self.send = send
        self.services = services
        self.header = handshake_authorization
        self.principal: Principal | None = None
        self.init_received = False
        self.acknowledged = False
        self.closed = False
        self.operations: dict[str, LeanSubscription] = {}
        self.fallback: Any = None
        """strawberry's handler for this connection, made when first needed."""
        self._ready: list[LeanSubscription] | None = None
        self._flusher: asyncio.Task[None] | None = None
        self._init_timer: asyncio.TimerHandle | None = None

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        await self.send({"type": "websocket.accept", "subprotocol": PROTOCOL})
        self._init_timer = asyncio.get_running_loop().call_later(INIT_SECONDS, self._init_due)
        del message
        try:
            while not self.closed:
                await self.next_message()
        except OSError:  # the client went away while a message was being answered
            self.closed = True
        finally:
            await self.shutdown()

    async def next_message(self) -> None:
        """Read and answer one message. (A method of its own: while the connection
        waits, no frame keeps the last message, its query text and parsed payload.)"""
        message = await self.receive()
        kind = message["type"]
        if kind == "websocket.disconnect":
            self.closed = True
            return
        if kind != "websocket.receive":
            return
        text = message.get("text")
        if text is None:
            await self.close(4400, "WebSocket message type must be text")
            return
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            await self.close(4400, "WebSocket message must be valid JSON")
            return
        await self.handle(parsed)

    async def handle(self, message: Any) -> None:
        try:
            kind = message["type"]
            if kind == "connection_init":
                await self.handle_init(message)
            elif kind == "ping":
                await self.send_text(b'{"type":"pong"}')
            elif kind == "pong":
                pass
            elif kind == "subscribe":
                await self.handle_subscribe(message)
            elif kind == "complete":
                await self.handle_complete(message["id"])
            else:
                await self.close(4400, f"Unknown message type: {kind}")
        except (KeyError, TypeError):
            await self.close(4400, "Failed to parse message")

    async def handle_init(self, message: dict[str, Any]) -> None:
        if self._init_timer is not None:
            self._init_timer.cancel()
            self._init_timer = None
        payload = message.get("payload", {})
        if not isinstance(payload, dict):
            await self.close(4400, "Invalid connection init payload")
            return
        if self.init_received:
            await self.close(4429, "Too many initialisation requests")
            return
        self.init_received = True
        header = token_header(payload, self.header)
        # Connections that sent the same token (a service's subscribers) share one copy.
        self.header = sys.intern(header) if header is not None else None
        try:
            self.principal = await authenticate({"authorization": self.header},
                                                self.services)
        except AuthError as error:
            log.info("WebSocket connection refused: %s", error)
            await self.close(4403, "Forbidden")
            return
        await self.send_text(b'{"type":"connection_ack"}')
        self.acknowledged = True

    def _init_due(self) -> None:
        self._init_timer = None
        if not self.init_received and not self.closed:
            task = asyncio.get_running_loop().create_task(
                self.close(4408, "Connection initialisation timeout"))
            task.add_done_callback(_retrieved)

    async def handle_subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            await self.close(4401, "Unauthorized")
            return
        operation_id = message["id"]
        payload = message["payload"]
        query = payload["query"]
        fallback_operations = self.fallback.operations if self.fallback is not None else {}
        if operation_id in self.operations or operation_id in fallback_operations:
            await self.close(4409, f"Subscriber for {operation_id} already exists")
            return
        if len(self.operations) + len(fallback_operations) >= MAX_OPERATIONS:
            await self.send_text(frame(operation_id, "error") + b',"payload":' + orjson.dumps(
                [GraphQLError("Subscription limit reached").formatted]) + b"}")
            return
        if await self.start_lean(operation_id, query, payload):
            return
        handler = await self._fallback()
        await handler.handle_message(message)

    async def start_lean(self, operation_id: str, query: Any, payload: dict[str, Any]) -> bool:
        """Open the subscription here if it is one this serves (False: it is not)."""
        operation_name = payload.get("operationName")
        if not isinstance(query, str) or not isinstance(operation_name, str | None):
            return False
        lean = lean_document(query, operation_name)
        principal = self.principal
        if lean is None or principal is None:
            return False
        where, roles = FEEDS[lean.feed]
        if roles and not principal.has(*roles):
            return False  # strawberry's handler reports it, as the resolver does
        if not lean_arguments(lean, payload.get("variables"), self.services):
            return False
        try:  # the token again, as a stream checks it when it starts
            principal = await authenticate({"authorization": self.header}, self.services)
        except AuthError:
            return False  # refused there the same way, with its message
        if roles and not principal.has(*roles):
            return False
        feed: LiveFeed = self.services.extras["live"]
        audience = await feed.audience_for(principal)
        if self.closed:
            return True
        hub = feed.hub
        # No await from here to registering: the subscription receives exactly what the
        # hub publishes after its position now.
        subscription = LeanSubscription(self, operation_id, hub.cohort(audience, where, lean.plan),
                                        hub.queue_size, hub.position, roles)
        self.operations[operation_id] = subscription
        hub.join(subscription)
        rechecks_of(self.services).add(self)
        return True

    async def handle_complete(self, operation_id: Any) -> None:
        subscription = self.operations.get(operation_id)
        if subscription is not None:
            self.forget(subscription)
        elif self.fallback is not None:
            await self.fallback.handle_message({"type": "complete", "id": operation_id})

    def forget(self, subscription: LeanSubscription) -> None:
        subscription.ended = True
        subscription.items = None
        self.services.extras["live"].hub.unsubscribe(subscription)
        if self.operations.get(subscription.id) is subscription:
            del self.operations[subscription.id]
        if not self.operations:
            rechecks_of(self.services).discard(self)

    def wake(self, subscription: LeanSubscription) -> None:
        """A subscription has something to send: the writer takes it (one at a time per
        connection, so frames keep their order)."""
        if self.closed:
            return
        if self._ready is None:
            self._ready = [subscription]
        elif subscription not in self._ready:
            self._ready.append(subscription)
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        try:
            while self._ready:
                ready, self._ready = self._ready, None
                for subscription in ready:
                    await subscription.drain()
        except OSError:  # gone: the connection's task sees the disconnect
            self.closed = True
        finally:
            self._flusher = None
            self._ready = None

    async def send_text(self, frame: bytes) -> None:
        await self.send({"type": "websocket.send", "text": frame.decode()})

    async def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            await self.send({"type": "websocket.close", "code": code, "reason": reason})

    async def _fallback(self) -> Any:
        if self.fallback is None:
            self.fallback = await self.make_fallback(self)
        return self.fallback

    async def shutdown(self) -> None:
        self.closed = True
        if self._init_timer is not None:
            self._init_timer.cancel()
            self._init_timer = None
        for subscription in tuple(self.operations.values()):
            self.forget(subscription)
        rechecks_of(self.services).discard(self)
        flusher = self._flusher
        if flusher is not None:
            flusher.cancel()
            await asyncio.gather(flusher, return_exceptions=True)
        if self.fallback is not None:
            await self.fallback.shutdown()


def _retrieved(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()


def picks_transport_ws(subprotocols: Iterable[str]) -> bool:
    """Whether strawberry's view would pick graphql-transport-ws of the client's list."""
    for protocol in subprotocols:
        if protocol in (PROTOCOL, "graphql-ws"):
            return protocol == PROTOCOL
    return False
