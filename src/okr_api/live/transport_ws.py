"""graphql-transport-ws connections of our own, for the subscriptions a cohort renders.

An open ``scoreEvents``/``okrEvents`` subscription through strawberry's handler keeps, for
as long as it lasts, an operation task and the chain of async generators it runs
(strawberry's, graphql-core's, the resolver's, the stream's), graphql-core's execution
context, strawberry's extension state and a connection context with its loaders: some
tens of KB each. Most subscribers ask for the live feed from now on, with a selection a
cohort renders (``okr_api.live.render``): such a subscription here is one small object
registered with the hub (``LeanSubscription``); the connection's own task (the one the
server runs the application in) reads the client's messages, and a task that lives only
while a batch is being written sends the cohort's bytes. One process-wide task rechecks
every lean subscription each ``RECHECK_SECONDS`` (the token again, once per distinct
token a round; the roles; the audience), as the stream does for its own.

What this serves (``lean_document``): a document parsed and validated once (cached per
text), of one subscription operation selecting one of the two feeds with leaf fields
only (no fragments, no directives), its variables valid, with no ``after`` and no
``filter``, by a principal holding the feed's roles. Everything else (other documents,
queries and mutations over the socket, ``after``, ``filter``, refusals) goes to
strawberry's handler, made for the connection the first time it is needed: it answers as
it always has. The protocol is graphql-transport-ws's (connection_init/connection_ack,
ping/pong, subscribe/next/error/complete; 4400, 4401, 4403, 4408, 4409, 4429), with the
same close reasons as strawberry's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values
from starlette.types import Receive, Scope
from starlette.types import Send as ASGISend

from okr_api.auth import AuthError, Principal
from okr_api.context import Services
from okr_api.http.endpoint import authenticate
from okr_api.live.filters import EventFilter
from okr_api.live.hub import Item, Listener, State
from okr_api.live.model import SCORE_TYPES, EventType
from okr_api.live.render import Plan, plan_of
from okr_api.live.service import LiveFeed
from okr_api.live.stream import RECHECK_SECONDS
from okr_api.query_limits import MAX_ALIASES, MAX_TOKENS, check_number_literals, query_cost
from okr_domain.values import Role

log = logging.getLogger("okr_api.live")
PROTOCOL = "graphql-transport-ws"
INIT_SECONDS = 60.0
"""As strawberry's ``connection_init_wait_timeout``."""
MAX_OPERATIONS = 100
"""As strawberry's ``max_subscriptions_per_connection`` (every operation in flight)."""
FEEDS: dict[str, tuple[EventFilter, tuple[Role, ...]]] = {
    "scoreEvents": (EventFilter().restricted_to(SCORE_TYPES), (Role.HR, Role.ADMIN)),
    "okrEvents": (EventFilter().restricted_to(frozenset(EventType)), ()),
}
"""The feeds served here: what each selects and the roles it needs (as the resolvers of
``okr_api.graphql.subscriptions``)."""


@dataclass(frozen=True, slots=True)
class LeanDocument:
    document: DocumentNode
    operation: OperationDefinitionNode
    field: FieldNode
    feed: str
    plan: Plan


@lru_cache(maxsize=256)
def lean_document(query: str, operation_name: str | None) -> LeanDocument | None:
    """The document's lean form, or None when strawberry's handler is to run it (also
    when it is invalid: that handler reports why)."""
    try:
        return _lean_document(query, operation_name)
    except Exception:  # an unforeseen shape: strawberry's handler runs it
        return None


def _lean_document(query: str, operation_name: str | None) -> LeanDocument | None:
    from okr_api.graphql.schema import schema
    from okr_api.graphql.types.live import OkrEvent

    try:
        document = parse(query, max_tokens=MAX_TOKENS)
        check_number_literals(document)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if (not isinstance(operation, OperationDefinitionNode)
            or operation.operation is not OperationType.SUBSCRIPTION or operation.directives
            or (operation_name is not None and (
                operation.name is None or operation.name.value != operation_name))):
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    field = selections[0]
    if (field.name.value not in FEEDS or field.directives or field.selection_set is None
            or any(a.name.value not in ("after", "filter") for a in field.arguments or ())):
        return None
    leaves = field.selection_set.selections
    if not leaves or not all(isinstance(leaf, FieldNode) and leaf.selection_set is None
                             and not leaf.directives and not leaf.arguments
                             for leaf in leaves):
        return None
    aliases = sum(1 for node in (field, *leaves) if isinstance(node, FieldNode) and node.alias)
    graphql_schema = schema._schema
    if aliases > MAX_ALIASES or validate(graphql_schema, document):
        return None
    subscription_type = graphql_schema.subscription_type
    assert subscription_type is not None
    definition = subscription_type.fields[field.name.value]
    response_key = field.alias.value if field.alias else field.name.value
    plan = plan_of(SimpleNamespace(
        return_type=definition.type, schema=graphql_schema, fragments={},
        variable_values={}, operation=operation, field_nodes=[field],
        path=SimpleNamespace(key=response_key)), OkrEvent.of)
    if plan is None:
        return None
    return LeanDocument(document, operation, field, field.name.value, plan)


def lean_arguments(lean: LeanDocument, variables: Any, services: Services) -> bool:
    """True when the operation may run here with these variables: they are valid, give
    neither ``after`` nor ``filter``, and the cost is within the limit."""
    from okr_api.graphql.schema import paged_fields, schema

    graphql_schema = schema._schema
    coerced = get_variable_values(graphql_schema, lean.operation.variable_definitions or (),
                                  variables if isinstance(variables, dict) else {})
    if isinstance(coerced, list):
        return False
    values = coerced.coerced
    subscription_type = graphql_schema.subscription_type
    assert subscription_type is not None
    try:
        arguments = get_argument_values(subscription_type.fields[lean.feed], lean.field,
                                        coerced)
        cost = query_cost(lean.document, values, lean.operation, paged_fields())
    except GraphQLError:
        return False
    return (arguments.get("after") is None and arguments.get("filter") is None
            and cost <= services.limits.max_cost)


def _frame(operation_id: str, kind: str) -> bytes:
    return b'{"id":' + orjson.dumps(operation_id) + b',"type":"' + kind.encode() + b'"'


class LeanSubscription(Listener):
    """One open subscription: registered with its cohort, it queues what the cohort
    renders only while its connection writes, and keeps what the protocol needs."""

    __slots__ = ("connection", "cursor", "ended", "id", "items", "roles")

    def __init__(self, connection: LeanConnection, operation_id: str, cohort: Any,
                 limit: int, start_position: int, roles: tuple[Role, ...]) -> None:
        super().__init__(cohort, limit, start_position)
        self.connection = connection
        self.id = operation_id
        self.roles = roles
        self.cursor = start_position
        """The last position delivered (or the start): what ``resumeAfter`` tells."""
        self.items: deque[Item] | None = None
        self.ended = False

    def offer(self, items: Sequence[Item]) -> None:
        if self.state is not State.OPEN or self.ended:
            return
        if self.items is not None and len(self.items) >= self.limit:
            self.state = State.OVERFLOWED
            self.items = None
            self.connection.wake(self)
            return
        if items:
            if self.items is None:
                self.items = deque(items)
            else:
                self.items.extend(items)
            self.connection.wake(self)

    def narrow(self) -> None:
        if self.items:
            audience = self.audience
            self.items = deque(i for i in self.items if audience.sees(i.event))

    def close(self) -> None:
        if self.state is State.OPEN:
            self.state = State.CLOSED
        self.connection.wake(self)

    async def drain(self) -> None:
        """Send what is queued; end the subscription if the hub dropped it."""
        connection = self.connection
        head: bytes | None = None
        while self.items and not self.ended:
            item = self.items.popleft()
            position = item.event.position
            if position <= self.cursor or item.payload is None:
                continue
            self.cursor = position
            if head is None:
                head = _frame(self.id, "next") + b',"payload":'
            await connection.send_text(head + item.payload + b"}")
        self.items = None
        if self.ended:
            return
        if self.state is State.OVERFLOWED:
            await connection.end(self, "SUBSCRIBER_TOO_SLOW", (
                f"this subscriber fell more than {self.limit} events behind and was "
                f"closed; subscribe again with after: {self.cursor}"))
        elif self.state is State.CLOSED:
            await connection.end(self, "SHUTTING_DOWN", (
                f"the server is shutting down; subscribe again with after: {self.cursor}"))


class Rechecks:
    """The process's one task rechecking every lean subscription, while there are any."""

    def __init__(self) -> None:
        self.connections: set[LeanConnection] = set()
        self._task: asyncio.Task[None] | None = None

    def add(self, connection: LeanConnection) -> None:
        self.connections.add(connection)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, connection: LeanConnection) -> None:
        self.connections.discard(connection)

    async def _run(self) -> None:
        while self.connections:
            await asyncio.sleep(RECHECK_SECONDS)
            # A token's verdict is the same for every connection that sent it, at the
            # same moment: one check a round for each distinct token.
            verdicts: dict[str | None, Principal | AuthError] = {}
            for connection in tuple(self.connections):
                try:
                    await connection.recheck(verdicts)
                except Exception:
                    log.exception("a lean subscription's recheck failed")


def rechecks_of(services: Services) -> Rechecks:
    rechecks: Rechecks = services.extras.setdefault("lean_rechecks", Rechecks())
    return rechecks


class LeanConnection:
    """One graphql-transport-ws connection, run in the task the server gave it."""

    __slots__ = ("_flusher", "_init_timer", "_ready", "acknowledged", "closed", "fallback",
                 "header", "init_received", "operations", "principal", "receive", "scope",
                 "send", "services")

    def __init__(self, scope: Scope, receive: Receive, send: ASGISend,
                 services: Services, handshake_authorization: str | None) -> None:
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

    @property
    def feed(self) -> LiveFeed:
        feed: LiveFeed = self.services.extras["live"]
        return feed

    async def run(self) -> None:
        message = await self.receive()
        if message["type"] != "websocket.connect":
            return
        await self.send({"type": "websocket.accept", "subprotocol": PROTOCOL})
        self._init_timer = asyncio.get_running_loop().call_later(INIT_SECONDS, self._init_due)
        try:
            while not self.closed:
                message = await self.receive()
                kind = message["type"]
                if kind == "websocket.disconnect":
                    self.closed = True
                    break
                if kind != "websocket.receive":
                    continue
                text = message.get("text")
                if text is None:
                    await self.close(4400, "WebSocket message type must be text")
                    break
                try:
                    parsed = orjson.loads(text)
                except orjson.JSONDecodeError:
                    await self.close(4400, "WebSocket message must be valid JSON")
                    break
                await self.handle(parsed)
        except OSError:  # the client went away while a message was being answered
            self.closed = True
        finally:
            await self.shutdown()

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
        from okr_api.live.socket import token_header

        self.header = token_header(payload, self.header)
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
            await self.send_text(_frame(operation_id, "error") + b',"payload":' + orjson.dumps(
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
        feed = self.feed
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
            self._forget(subscription)
        elif self.fallback is not None:
            await self.fallback.handle_message({"type": "complete", "id": operation_id})

    def _forget(self, subscription: LeanSubscription) -> None:
        subscription.ended = True
        subscription.items = None
        self.feed.hub.unsubscribe(subscription)
        if self.operations.get(subscription.id) is subscription:
            del self.operations[subscription.id]
        if not self.operations:
            rechecks_of(self.services).discard(self)

    async def end(self, subscription: LeanSubscription, code: str, message: str) -> None:
        """End a subscription with an error (then complete), as the stream's errors
        reach the client through strawberry's handler."""
        if subscription.ended:
            return
        self._forget(subscription)
        error = {"message": message, "extensions": {
            "code": code, "resumeAfter": subscription.cursor}}
        await self.send_text(_frame(subscription.id, "next") + b',"payload":' + orjson.dumps(
            {"data": None, "errors": [error]}) + b"}")
        await self.send_text(_frame(subscription.id, "complete") + b"}")

    async def recheck(self, verdicts: dict[str | None, Principal | AuthError]) -> None:
        if not self.operations or self.closed:
            return
        verdict = verdicts.get(self.header)
        if verdict is None:
            try:
                verdict = await authenticate({"authorization": self.header}, self.services)
            except AuthError as error:
                verdict = error
            verdicts[self.header] = verdict
        feed = self.feed
        for subscription in tuple(self.operations.values()):
            if isinstance(verdict, AuthError):
                await self._refuse(subscription, "UNAUTHENTICATED", str(verdict))
            elif subscription.roles and not verdict.has(*subscription.roles):
                await self._refuse(subscription, "FORBIDDEN",
                                   "the token no longer has a role this feed needs")
            else:
                audience = await feed.audience_for(verdict)
                if not subscription.ended:
                    feed.hub.regroup(subscription, audience)

    async def _refuse(self, subscription: LeanSubscription, code: str, reason: str) -> None:
        await self.end(subscription, code, (
            f"{reason}; subscribe again (with a valid token) with after: "
            f"{subscription.cursor}"))

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
            from okr_api.live.socket import fallback_handler

            self.fallback = await fallback_handler(self)
        return self.fallback

    async def shutdown(self) -> None:
        self.closed = True
        if self._init_timer is not None:
            self._init_timer.cancel()
            self._init_timer = None
        for subscription in tuple(self.operations.values()):
            self._forget(subscription)
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
