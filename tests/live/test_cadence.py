"""Resuming subscribers: the cadence facts of a check-in (``previousCheckInAt``,
``cadenceKept``) are the same live and replayed after a cursor, per key result, decided
against the organization's cadence (7 days by default); a catch-up of many pages, read
ahead while events keep coming, switches to live with no gap and no duplicate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from okr_domain.access import Actor
from okr_domain.clock import simulated_time
from okr_domain.values import MetricType
from tests.live.support import SCORE_EVENTS, Feed, Server, World, wait_subscribed

MONDAY = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
# (key result, moment): the first check-ins of both key results, one 3 days after the
# first (kept), one 12 days after that (missed).
PLAN = (("first", MONDAY), ("first", MONDAY + timedelta(days=3)),
        ("second", MONDAY + timedelta(days=4)), ("first", MONDAY + timedelta(days=15)))


def _record(server: Server, world: World) -> tuple[int, list[int]]:
    app = server.app
    actor = Actor.system(world.org)
    second = app.add_key_result(actor, world.objective, "Write the resolvers",
                                MetricType.INCREASE_TO, start=0, target=10)
    krs = {"first": world.key_result, "second": second.id}
    positions: list[int] = []
    for value, (kr, moment) in enumerate(PLAN, start=1):
        with simulated_time(moment):
            positions.append(app.record_check_in(actor, world.objective, krs[kr],
                                                 value).position)
    return second.position, positions


async def test_cadence_facts_are_the_same_live_and_replayed(server: Server,
                                                            world: World) -> None:
    token = world.tokens["hr"]
    async with Feed(server.client(token), SCORE_EVENTS, {}) as live:
        await wait_subscribed(server, 1)
        before, positions = await asyncio.to_thread(_record, server, world)
        live_events = await live.wait_for(len(PLAN))
    async with Feed(server.client(token), SCORE_EVENTS, {"after": before}) as replay:
        replayed = await replay.wait_for(len(PLAN))

    first, kept, other_kr, missed = (MONDAY, MONDAY + timedelta(days=3),
                                     MONDAY + timedelta(days=4), MONDAY + timedelta(days=15))
    for events in (live_events, replayed):
        assert [e["position"] for e in events] == positions
        assert [e["occurredAt"] for e in events] == [
            t.isoformat() for t in (first, kept, other_kr, missed)]
        assert [e["previousCheckInAt"] for e in events] == [
            None, first.isoformat(), None, kept.isoformat()]
        assert [e["cadenceKept"] for e in events] == [True, True, True, False]
    assert replayed == live_events


async def test_a_catch_up_of_many_pages_then_live_has_no_gap_and_no_duplicate(
        server: Server, world: World) -> None:
    # Pages of 3 events: the catch-up reads each page while the one before is sent.
    server.fastapi.state.services.extras["live"].event_log.batch_size = 3
    start = await server.check_in(world, 1)
    stored = [await server.check_in(world, value % 10) for value in range(2, 16)]
    writes: list[int] = []

    async def write() -> None:
        for value in range(16, 26):
            writes.append(await server.check_in(world, value % 10))

    writer = asyncio.create_task(write())
    async with Feed(server.client(world.tokens["admin"]), SCORE_EVENTS,
                    {"after": start}) as feed:
        await writer
        events = await feed.wait_for(len(stored) + len(writes))
        await asyncio.sleep(0.3)
        assert len(feed.events) == len(stored) + len(writes)
    assert [e["position"] for e in events] == stored + writes
    assert [e["previousCheckInAt"] is not None for e in events] == [True] * len(events)
