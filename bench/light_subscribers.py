"""Many subscribers at once (S1 at 10,000): a bare graphql-transport-ws client per
subscriber (the ``websockets`` library and orjson), far lighter than gql's, so the
benchmark's own process keeps up with the deliveries it measures."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import orjson
from websockets.asyncio.client import connect as ws_connect

from bench.queries import SCORE_EVENTS

CONNECT_BATCH = 200
TIMEOUT = 60


@dataclass
class LightSubscriber:
    ws_url: str
    token: str
    received: list[tuple[int, str, float]] = field(default_factory=list)
    error: BaseException | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    @property
    def last_position(self) -> int:
        return self.received[-1][0] if self.received else -1

    async def run(self) -> None:
        try:
            async with ws_connect(self.ws_url, subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                                  open_timeout=TIMEOUT, max_size=None,
                                  compression=None) as socket:
                await socket.send(orjson.dumps({"type": "connection_init", "payload": {
                    "Authorization": f"Bearer {self.token}"}}).decode())
                await socket.recv()
                await socket.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": {
                    "query": SCORE_EVENTS, "variables": {}}}).decode())
                self.ready.set()
                async for frame in socket:
                    message = orjson.loads(frame)
                    if message.get("type") == "next":
                        event = message["payload"]["data"]["scoreEvents"]
                        self.received.append((event["position"], event["occurredAt"],
                                              time.time()))
                    elif message.get("type") in ("error", "complete"):
                        raise RuntimeError(f"the subscription ended: {message}")
        except asyncio.CancelledError:
            raise
        except Exception as error:
            self.error = error
            self.ready.set()


async def connect_spread(ws_urls: list[str], token: str, count: int) -> list[LightSubscriber]:
    """``count`` subscribers, spread evenly over ``ws_urls``."""
    subscribers: list[LightSubscriber] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = [LightSubscriber(ws_urls[n % len(ws_urls)], token)
                 for n in range(start, min(start + CONNECT_BATCH, count))]
        for subscriber in batch:
            subscriber.task = asyncio.create_task(subscriber.run())
        await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in batch)), TIMEOUT)
        subscribers += batch
    failed = [s.error for s in subscribers if s.error is not None]
    if failed:
        await stop_light(subscribers)
        raise RuntimeError(f"{len(failed)} subscribers failed: {failed[0]!r}")
    return subscribers


async def stop_light(subscribers: list[LightSubscriber]) -> None:
    for subscriber in subscribers:
        if subscriber.task is not None:
            subscriber.task.cancel()
    for subscriber in subscribers:
        if subscriber.task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await subscriber.task
