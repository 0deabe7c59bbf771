"""Subscribers of ``scoreEvents`` over graphql-transport-ws, with the gql client; each
keeps (position, occurredAt, time received) of what it gets."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from bench.queries import SCORE_EVENTS

PROTOCOL = "graphql-transport-ws"
CONNECT_BATCH = 50
TIMEOUT = 60


@dataclass
class Subscriber:
    ws_url: str
    token: str
    after: int | None = None
    query: str = SCORE_EVENTS
    received: list[tuple[int, str, float]] = field(default_factory=list)
    error: BaseException | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        transport = WebsocketsTransport(
            url=self.ws_url, init_payload={"Authorization": f"Bearer {self.token}"},
            subprotocols=[PROTOCOL], connect_timeout=TIMEOUT, ack_timeout=TIMEOUT)
        request = GraphQLRequest(self.query, variable_values={"after": self.after})
        try:
            async with Client(transport=transport, fetch_schema_from_transport=False,
                              execute_timeout=None) as session:
                self.connected.set()
                async for result in session.subscribe(request):
                    event: dict[str, Any] = result["scoreEvents"]
                    self.received.append((event["position"], event["occurredAt"],
                                          time.time()))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.error = error
            self.connected.set()

    @property
    def last_position(self) -> int:
        return self.received[-1][0] if self.received else -1

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


async def connect(ws_url: str, token: str, count: int, after: int | None = None,
                  query: str = SCORE_EVENTS) -> list[Subscriber]:
    """``count`` subscribers, connected a batch at a time."""
    subscribers: list[Subscriber] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [Subscriber(ws_url, token, after, query)
                 for _ in range(min(CONNECT_BATCH, count - start))]
        for subscriber in batch:
            subscriber.start()
        await asyncio.wait_for(asyncio.gather(*(s.connected.wait() for s in batch)),
                               TIMEOUT)
        subscribers += batch
    failed = [s.error for s in subscribers if s.error is not None]
    if failed:
        await stop_all(subscribers)
        raise RuntimeError(f"{len(failed)} subscribers failed: {failed[0]!r}")
    return subscribers


async def stop_all(subscribers: Iterable[Subscriber]) -> None:
    await asyncio.gather(*(s.stop() for s in subscribers))


async def wait_until(done: Callable[[], bool], seconds: float, step: float = 0.05) -> bool:
    """Poll ``done`` until it holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(step)
    return True


def epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()
