"""Check-in reminders: recorded by the schedule once per person and cadence period (across
restarts), delivered by the webhooks as ``okr.check_in.due`` with a Slack-compatible
message."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from okr_api.live.filters import EventFilter
from okr_api.reminders.schedule import ReminderSchedule
from okr_api.reminders.webhook import Reminder, shaped
from okr_domain import clock
from okr_domain.reminders import CheckInReminder
from okr_domain.values import HrMode, Role
from tests.live.receiver import Receiver
from tests.live.support import World, build_world, gid, serve_here, settings_for, token_for
from tests.live.test_webhooks import register

FAST = {"webhook_retry_base_seconds": 0.05, "webhook_retry_max_seconds": 0.4,
        "reminder_interval_seconds": 0.2}


def reminders_in(app: object) -> int:
    notifications = app.recorder.select_notifications(  # type: ignore[attr-defined]
        1, 100_000, topics=[CheckInReminder.Created.TOPIC])
    return len(notifications)


async def test_a_due_check_in_is_reminded_once_through_the_webhooks(
        live_url: str, tmp_path: Path) -> None:
    receiver = Receiver().start()
    ten_days_ago = clock.now() - timedelta(days=10)

    def world_made_earlier(app: object) -> World:
        with clock.simulated_time(ten_days_ago):
            world = build_world(app)  # type: ignore[arg-type]
        world.tokens["admin"] = token_for(world.org, world.ceo, Role.ADMIN)  # minted now
        return world

    quiet = settings_for(live_url, tmp_path / "data", reminders_enabled=False, **FAST)
    async with serve_here(quiet) as first:
        world = await asyncio.to_thread(world_made_earlier, first.app)
        registered = await register(first, world, receiver.url, eventTypes=["CHECK_IN_DUE"],
                                    role="ADMIN")
        assert registered["userErrors"] == []
        await asyncio.sleep(0.5)
        assert reminders_in(first.app) == 0
    settings = settings_for(live_url, tmp_path / "data", **FAST)
    async with serve_here(settings) as second:
        events = await asyncio.to_thread(receiver.wait_for, 1)
        await asyncio.sleep(1.0)  # a few more passes of the schedule
        assert reminders_in(second.app) == 1
    async with serve_here(settings) as third:  # a restart: the same period, no new one
        await asyncio.sleep(1.0)
        assert reminders_in(third.app) == 1
        # A second process's schedule (as after a lease takeover) records nothing either.
        other = ReminderSchedule(third.app, third.fastapi.state.services.read_model, 60.0,
                                 lambda: True)
        assert await other.run_once(clock.now()) == 0
    receiver.stop()
    assert len(receiver.unique_events()) == 1
    event = events[0]
    assert event["type"] == "okr.check_in.due"
    assert event["subject"] == gid("Person", world.alice)
    data = event["data"]
    assert (data["type"], data["personName"], data["cycleKey"], data["timeZone"]) == (
        "CHECK_IN_DUE", "Alice", "2026-Q4", "UTC")
    assert sorted(i["keyResultTitle"] for i in data["due"]) == ["Private KR", "Read the spec"]
    assert all(i["dueSince"] == (ten_days_ago + timedelta(days=7)).isoformat()
               for i in data["due"])
    # Slack-compatible: plain text and Block Kit sections, at the top level and in data.
    assert data["text"].startswith("Hi Alice, 2 key results are due for a check-in:")
    assert "Read the spec (Learn GraphQL)" in data["text"]
    assert (event["text"], event["blocks"]) == (data["text"], data["blocks"])
    assert [b["type"] for b in data["blocks"]] == ["section", "section"]
    assert all(b["text"]["type"] == "mrkdwn" for b in data["blocks"])


def test_who_receives_a_reminder() -> None:
    at = clock.now()
    reminder = Reminder(UUID(int=1), 5, UUID(int=2), UUID(int=3), UUID(int=4), at, at, (
        {"objectiveTitle": "Open", "private": False}, {"objectiveTitle": "Mine",
                                                       "private": True}))
    everything = EventFilter()
    assert shaped(reminder, Role.ADMIN, HrMode.NONE, everything) == reminder
    public = shaped(reminder, Role.MEMBER, HrMode.RESULTS, everything)
    assert public is not None
    assert [i["objectiveTitle"] for i in public.items] == ["Open"]
    assert shaped(reminder, Role.HR, HrMode.NONE, everything) is None
    assert shaped(reminder, Role.HR, HrMode.EFFORT, everything) is not None
    assert shaped(reminder, Role.ADMIN, HrMode.RESULTS, EventFilter(person_id=UUID(int=9))) \
        is None
    only_private = Reminder(UUID(int=1), 5, UUID(int=2), UUID(int=3), UUID(int=4), at, at,
                            ({"objectiveTitle": "Mine", "private": True},))
    assert shaped(only_private, Role.MEMBER, HrMode.RESULTS, everything) is None
