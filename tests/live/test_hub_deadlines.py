"""A subscriber's wait for its next event ends at the stream's deadline (its next
recheck), with one alarm per deadline: events before it come through, the deadline
passing gives None, a new deadline waits again, and closing ends the wait."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.hub import Hub, HubClosed, Item, Subscriber
from okr_api.live.model import EventType, LiveEvent
from okr_domain.values import HrMode, Role, Visibility

ORG = uuid4()


def _event(position: int) -> LiveEvent:
    return LiveEvent.of_values({
        "position": position, "type": EventType.CHECK_IN_RECORDED,
        "occurred_at": datetime(2026, 11, 1, tzinfo=UTC), "organization_id": ORG,
        "organization_name": "Acme", "hr_mode": HrMode.RESULTS, "objective_id": uuid4(),
        "objective_version": 2, "objective_title": None, "objective_level": None,
        "objective_kind": None, "visibility": Visibility.PUBLIC, "owner_person_id": None,
        "owner_team_id": None, "team_path": (), "cycle_id": None, "cycle_key": None,
        "cycle_name": None, "actor_id": None})


def _subscriber() -> Subscriber:
    hub = Hub(queue_size=10)
    return hub.subscribe(Audience(ORG, frozenset({Role.ADMIN})), EventFilter())


async def test_events_before_the_deadline_then_none_once_it_passed() -> None:
    subscriber = _subscriber()
    deadline = time.monotonic() + 0.2
    loop = asyncio.get_running_loop()
    loop.call_later(0.02, subscriber.offer, [Item(_event(1), None)])
    item = await subscriber.next(deadline)
    assert item is not None
    assert item.event.position == 1
    assert await subscriber.next(deadline) is None
    assert time.monotonic() >= deadline - 0.01  # it waited for the deadline
    assert await subscriber.next(deadline) is None  # the same deadline: still passed
    later = time.monotonic() + 0.05
    loop.call_later(0.01, subscriber.offer, [Item(_event(2), None)])
    item = await subscriber.next(later)
    assert item is not None
    assert item.event.position == 2


async def test_one_alarm_per_deadline() -> None:
    subscriber = _subscriber()
    deadline = time.monotonic() + 5.0
    loop = asyncio.get_running_loop()
    for position in range(1, 6):
        loop.call_soon(subscriber.offer, [Item(_event(position), None)])
        item = await subscriber.next(deadline)
        assert item is not None
    alarm = subscriber._alarm
    assert alarm is not None
    assert subscriber._alarm_for == deadline
    loop.call_soon(subscriber.offer, [Item(_event(6), None)])
    await subscriber.next(deadline)
    assert subscriber._alarm is alarm  # the same timer, not one per event


async def test_closing_ends_the_wait_and_the_alarm() -> None:
    subscriber = _subscriber()
    asyncio.get_running_loop().call_later(0.02, subscriber.close)
    with pytest.raises(HubClosed):
        await subscriber.next(time.monotonic() + 5.0)
    assert subscriber._alarm is None
