"""Lean subscriptions (``okr_api.live.transport_ws``): each one small listener registered
with its cohort, queuing what the cohort renders only while its connection writes it; one
task for the process rechecks them all every ``RECHECK_SECONDS`` (the token, once a round
for each distinct token; the feed's roles; the audience), as a stream checks its own. An
ending (too slow, shutting down, refused) is the error a stream ends with, then
``complete``."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

import orjson

from okr_api.auth import AuthError, Principal
from okr_api.context import Services
from okr_api.http.endpoint import authenticate
from okr_api.live.hub import Item, Listener, State
from okr_api.live.service import LiveFeed
from okr_api.live.stream import RECHECK_SECONDS
from okr_domain.values import Role

log = logging.getLogger("okr_api.live")


def frame(operation_id: str, kind: str) -> bytes:
    return b'{"id":' + orjson.dumps(operation_id) + b',"type":"' + kind.encode() + b'"'


class Connection(Protocol):
    """What a lean subscription needs of its connection (``LeanConnection``)."""

    operations: dict[str, LeanSubscription]
    closed: bool
    header: str | None
    services: Services

    def wake(self, subscription: LeanSubscription) -> None: ...

    def forget(self, subscription: LeanSubscription) -> None: ...

    async def send_text(self, frame: bytes) -> None: ...


class LeanSubscription(Listener):
    """One open subscription: registered with its cohort, it queues what the cohort
    renders only while its connection writes, and keeps what the protocol needs."""

    __slots__ = ("connection", "cursor", "ended", "id", "items", "roles")

    def __init__(self, connection: Connection, operation_id: str, cohort: Any,
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
                head = frame(self.id, "next") + b',"payload":'
            await connection.send_text(head + item.payload + b"}")
        self.items = None
        if self.ended:
            return
        if self.state is State.OVERFLOWED:
            await end(self, "SUBSCRIBER_TOO_SLOW", (
                f"this subscriber fell more than {self.limit} events behind and was "
                f"closed; subscribe again with after: {self.cursor}"))
        elif self.state is State.CLOSED:
            await end(self, "SHUTTING_DOWN", (
                f"the server is shutting down; subscribe again with after: {self.cursor}"))


class Rechecks:
    """The process's one task rechecking every lean subscription, while there are any."""

    def __init__(self) -> None:
        self.connections: set[Connection] = set()
        self._task: asyncio.Task[None] | None = None

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, connection: Connection) -> None:
        self.connections.discard(connection)

    async def _run(self) -> None:
        while self.connections:
            await asyncio.sleep(RECHECK_SECONDS)
            # A token's verdict is the same for every connection that sent it, at the
            # same moment: one check a round for each distinct token.
            verdicts: dict[str | None, Principal | AuthError] = {}
            for connection in tuple(self.connections):
                try:
                    await recheck(connection, verdicts)
                except Exception:
                    log.exception("a lean subscription's recheck failed")


def rechecks_of(services: Services) -> Rechecks:
    rechecks: Rechecks = services.extras.setdefault("lean_rechecks", Rechecks())
    return rechecks


async def end(subscription: LeanSubscription, code: str, message: str) -> None:
    """End a subscription with an error (then complete), as the stream's errors
    reach the client through strawberry's handler."""
    if subscription.ended:
        return
    connection = subscription.connection
    connection.forget(subscription)
    error = {"message": message, "extensions": {
        "code": code, "resumeAfter": subscription.cursor}}
    await connection.send_text(frame(subscription.id, "next") + b',"payload":' + orjson.dumps(
        {"data": None, "errors": [error]}) + b"}")
    await connection.send_text(frame(subscription.id, "complete") + b"}")

async def recheck(connection: Connection,
                  verdicts: dict[str | None, Principal | AuthError]) -> None:
    """The token again (once a round per distinct token), the roles, the audience."""
    if not connection.operations or connection.closed:
        return
    verdict = verdicts.get(connection.header)
    if verdict is None:
        try:
            verdict = await authenticate({"authorization": connection.header},
                                         connection.services)
        except AuthError as error:
            verdict = error
        verdicts[connection.header] = verdict
    feed: LiveFeed = connection.services.extras["live"]
    for subscription in tuple(connection.operations.values()):
        if isinstance(verdict, AuthError):
            await _refuse(subscription, "UNAUTHENTICATED", str(verdict))
        elif subscription.roles and not verdict.has(*subscription.roles):
            await _refuse(subscription, "FORBIDDEN",
                               "the token no longer has a role this feed needs")
        else:
            audience = await feed.audience_for(verdict)
            if not subscription.ended:
                feed.hub.regroup(subscription, audience)

async def _refuse(subscription: LeanSubscription, code: str, reason: str) -> None:
    await end(subscription, code, (
        f"{reason}; subscribe again (with a valid token) with after: "
        f"{subscription.cursor}"))
