"""A schedule's pass records one period's reminders for many people in one command:
those reminded this period already are left alone, the rest are recorded once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from okr_domain.errors import Forbidden, InvalidInput
from okr_domain.reminders import CheckInReminder
from tests.domain.conftest import World

STARTS = datetime(2026, 11, 1, tzinfo=UTC)


def items(title: str) -> list[dict[str, object]]:
    return [{"keyResultTitle": title}]


def reminders(world: World) -> list[tuple[object, int]]:
    found = world.app.recorder.select_notifications(
        1, 10_000, topics=[CheckInReminder.Created.TOPIC])
    events = [world.app.mapper.to_domain_event(n) for n in found]
    return sorted((e.person_id, e.period) for e in events)  # type: ignore[attr-defined]


def test_a_batch_records_only_those_not_reminded_this_period(world: World) -> None:
    app, admin = world.app, world.admin
    dev, lead = world.people["dev"], world.people["lead"]
    first = app.remind_check_ins(admin, world.cycle_id, 3, STARTS, {dev: items("a")})
    assert first == [dev]
    again = app.remind_check_ins(admin, world.cycle_id, 3, STARTS,
                                 {dev: items("a"), lead: items("b")})
    assert again == [lead]
    assert app.remind_check_ins(admin, world.cycle_id, 4, STARTS, {dev: items("a")}) == [dev]
    assert reminders(world) == sorted([(dev, 3), (lead, 3), (dev, 4)])


def test_a_batch_is_refused_whole(world: World) -> None:
    app, admin = world.app, world.admin
    dev, lead = world.people["dev"], world.people["lead"]
    with pytest.raises(InvalidInput):
        app.remind_check_ins(admin, world.cycle_id, 1, STARTS, {dev: items("a"), lead: []})
    with pytest.raises(Forbidden):
        app.remind_check_ins(world.actor("dev"), world.cycle_id, 1, STARTS, {dev: items("a")})
    assert reminders(world) == []
