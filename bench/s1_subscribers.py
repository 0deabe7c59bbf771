"""S1: 1,000 concurrent subscribers on one process while 10 check-ins per second are
recorded: latency from the event's time (taken just before its commit) to delivery."""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import dataclass
from typing import Any

from bench.config import Scale
from bench.light_subscribers import connect_spread, stop_light
from bench.load import GraphQLClient
from bench.queries import RECORD_CHECK_IN
from bench.report import Figure
from bench.stats import ms, percentile
from bench.subscribers import connect, epoch, stop_all, wait_until
from bench.world import World

P99_LIMIT_MS = 500.0
SPREAD_SUBSCRIBERS = 10_000
SPREAD_RATE = 1.0
"""At 10,000 subscribers the benchmark's own process receives every delivery: one
check-in a second is 10,000 messages a second for it to read."""
SETTLE_SECONDS = 60.0
DRAIN_SECONDS = 10.0


@dataclass
class Delivery:
    latencies: list[float]
    expected: int
    delivered: int
    check_ins: int

    def p(self, share: float) -> float:
        return ms(percentile(self.latencies, share))


class Writer:
    def __init__(self, client: GraphQLClient, world: World) -> None:
        self.client = client
        self.world = world
        self.sent = 0

    async def check_in(self) -> int:
        key_result, value = self.world.check_ins[self.sent % len(self.world.check_ins)]
        self.sent += 1
        data = await self.client.execute(RECORD_CHECK_IN, {"input": {
            "keyResultId": key_result, "value": value, "confidence": 6}})
        payload = data["recordCheckIn"]
        if payload["userErrors"]:
            raise RuntimeError(f"user errors: {payload['userErrors']}")
        position: int = payload["position"]
        return position


async def _until_all_listen(writer: Writer, subscribers: list[Any]) -> None:
    """Check in (once a second) until every subscriber has received one of those
    check-ins: from then on, all of them are live."""
    deadline = time.monotonic() + SETTLE_SECONDS
    probes: list[int] = []
    while time.monotonic() < deadline:
        probes.append(await writer.check_in())
        for _ in range(10):
            if all(s.last_position >= probes[0] for s in subscribers):
                return
            await asyncio.sleep(0.1)
    raise RuntimeError("the subscribers did not all start receiving events")


async def deliver(client: GraphQLClient, ws_url: str | list[str], world: World,
                  subscribers: int, seconds: float, rate: float) -> Delivery:
    writer = Writer(client, world)
    listening: list[Any] = (await connect_spread(ws_url, world.token, subscribers)
                            if isinstance(ws_url, list)
                            else await connect(ws_url, world.token, subscribers))
    try:
        await _until_all_listen(writer, listening)
        # The subscribers' connections, made: kept out of this process's full
        # collections while it measures (with 1,000 gql clients each one took 100-290 ms,
        # several per run, and delayed every delivery's receipt by as much).
        gc.collect()
        gc.freeze()
        written: set[int] = set()
        started = time.perf_counter()
        pending: list[asyncio.Task[int]] = []
        for n in range(max(1, int(seconds * rate))):
            # An open loop: one check-in every 1/rate seconds, whatever the answers do.
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(writer.check_in()))
        written.update(await asyncio.gather(*pending))
        last = max(written)
        await wait_until(lambda: all(s.last_position >= last for s in listening),
                         DRAIN_SECONDS)
        latencies = [received - epoch(occurred)
                     for s in listening for position, occurred, received in s.received
                     if position in written]
        return Delivery(latencies, len(written) * len(listening), len(latencies),
                        len(written))
    finally:
        gc.unfreeze()
        if isinstance(ws_url, list):
            await stop_light(listening)
        else:
            await stop_all(listening)


async def measure(client: GraphQLClient, ws_url: str, world: World, scale: Scale) -> Figure:
    single = await deliver(client, ws_url, world, 1, scale.subscriber_seconds,
                           scale.check_in_rate)
    many = await deliver(client, ws_url, world, scale.subscribers, scale.subscriber_seconds,
                         scale.check_in_rate)
    p99 = many.p(0.99)
    complete = many.delivered == many.expected
    return Figure(
        id="S1", name=f"{scale.subscribers:,} subscribers, {scale.check_in_rate:.0f} "
                      "check-ins/s: p99 event time to delivery",
        value=p99, unit="ms", baseline=single.p(0.99), baseline_name="1 subscriber",
        target=f"p99 <= {P99_LIMIT_MS:.0f} ms, nothing lost",
        met=p99 <= P99_LIMIT_MS and complete,
        details={"p50_ms": many.p(0.5), "baseline_p50_ms": single.p(0.5),
                 "delivered": many.delivered, "expected": many.expected,
                 "check_ins": many.check_ins})


async def measure_spread(client: GraphQLClient, ws_urls: list[str], world: World,
                         scale: Scale) -> Figure:
    """S1 at 10,000 subscribers spread over the API processes (reported, no target)."""
    count = SPREAD_SUBSCRIBERS if scale.name == "full" else scale.subscribers * 5
    many = await deliver(client, ws_urls, world, count, scale.subscriber_seconds,
                         SPREAD_RATE)
    return Figure(
        id="S1", name=f"{count:,} subscribers over {len(ws_urls)} API processes, "
                      f"{SPREAD_RATE:.0f} check-in/s: p99 event time to delivery",
        value=many.p(0.99), unit="ms", target="reported",
        details={"p50_ms": many.p(0.5), "delivered": many.delivered,
                 "expected": many.expected, "check_ins": many.check_ins})
