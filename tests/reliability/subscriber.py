"""A subscriber that behaves like a careful client: it follows ``scoreEvents`` over
graphql-transport-ws, and whenever its stream ends (an error, a dropped connection,
the server restarting) it subscribes again with ``after:`` the last position it got."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from typing import Any
from uuid import UUID

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from strawberry.relay import from_base64

DOCUMENT = """subscription S($after: Int) { scoreEvents(after: $after) {
  eventId position type checkInId } }"""


def check_in_hex(value: str) -> str:
    """The check-in's UUID (hex) from the event's ``checkInId`` (a global ID or a UUID)."""
    with contextlib.suppress(ValueError):
        return UUID(value).hex
    _, raw = from_base64(value)
    return raw.split(".")[-1]


class ResumingSubscriber:
    def __init__(self, ws_url: str, token: str, after: int = 0) -> None:
        self.ws_url = ws_url
        self.token = token
        self.position = after
        self.events: list[dict[str, Any]] = []
        self.resumes = 0
        self.endings: Counter[str] = Counter()
        self._task: asyncio.Task[None] | None = None

    async def _follow_once(self) -> None:
        transport = WebsocketsTransport(
            url=self.ws_url, init_payload={"Authorization": f"Bearer {self.token}"},
            subprotocols=["graphql-transport-ws"], ack_timeout=10)
        client = Client(transport=transport, fetch_schema_from_transport=False)
        async with client as session:
            request = GraphQLRequest(DOCUMENT, variable_values={"after": self.position})
            async for result in session.subscribe(request):
                event = result["scoreEvents"]
                assert event["position"] > self.position, "an event came twice or late"
                self.position = event["position"]
                self.events.append(event)

    async def _run(self) -> None:
        while True:
            try:
                await self._follow_once()
                self.endings["completed"] += 1
            except asyncio.CancelledError:
                raise
            except AssertionError:
                raise
            except Exception as error:
                self.endings[type(error).__name__] += 1
            self.resumes += 1
            await asyncio.sleep(0.3)

    def start(self) -> ResumingSubscriber:
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def failed(self) -> BaseException | None:
        if self._task is not None and self._task.done() and not self._task.cancelled():
            return self._task.exception()
        return None

    async def wait_for_check_ins(self, ids: set[str], within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while True:
            error = self.failed()
            assert error is None, f"the subscriber failed: {error!r}"
            seen = {check_in_hex(e["checkInId"]) for e in self.events if e["checkInId"]}
            missing = ids - seen
            if not missing:
                return
            assert time.monotonic() < deadline, f"{len(missing)} check-ins never arrived"
            await asyncio.sleep(0.1)

    def check_no_duplicates(self) -> None:
        ids = Counter(e["eventId"] for e in self.events)
        assert all(n == 1 for n in ids.values()), "an event arrived twice"
