"""Check-in reminders: "your check-in is due", one per person, cycle and cadence period.

A reminder is an event like any other: it is recorded once (its aggregate id is the
natural key, so a second scheduler, or the same one after a restart, finds it made) and
reaches people through the webhooks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids
from okr_domain.access import Actor
from okr_domain.base import OkrAggregate
from okr_domain.command_base import CommandBase
from okr_domain.errors import InvalidInput
from okr_domain.values import Role

MAX_ITEMS = 100
"""The most due key results one reminder names."""


class CheckInReminder(OkrAggregate):
    TOPIC = "okr.CheckInReminder"

    class Created(OkrAggregate.Event, Aggregate.Created):
        """``items``: one per due key result, with its objective, titles, whether the
        objective is private, and since when it is due (ISO 8601)."""

        TOPIC = "okr.CheckInReminder.Created"
        person_id: UUID
        period: int
        period_starts_at: datetime
        items: list[dict[str, Any]]

    @staticmethod
    def create_id(organization_id: UUID, person_id: UUID, cycle_id: UUID,
                  period: int) -> UUID:
        return ids.check_in_reminder_id(organization_id, person_id, cycle_id, period)

    def __init__(self, organization_id: UUID, actor_id: UUID | None, cycle_id: UUID | None,
                 person_id: UUID, period: int, period_starts_at: datetime,
                 items: list[dict[str, Any]]) -> None:
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.person_id = person_id
        self.period = period
        self.items = items

    @property
    def event_cycle_id(self) -> UUID | None:
        return self.cycle_id


class ReminderCommands(CommandBase):
    def remind_check_ins(self, actor: Actor, cycle_id: UUID, period: int,
                         period_starts_at: datetime,
                         due: dict[UUID, list[dict[str, Any]]]) -> list[UUID]:
        """Record one period's reminders for many people in one transaction (what a
        schedule's pass finds due); returns the people newly reminded. Those reminded
        this period already are left as they are."""
        actor.require(Role.ADMIN)
        if period < 0 or any(not items or len(items) > MAX_ITEMS for items in due.values()):
            raise InvalidInput("a reminder names 1 to 100 due key results", field="items")

        def attempt() -> list[UUID]:
            # A concurrent scheduler's save of one of these ids conflicts; the retry
            # finds those it made and records only the rest.
            made = [CheckInReminder(
                organization_id=actor.organization_id, actor_id=None, cycle_id=cycle_id,
                person_id=person_id, period=period, period_starts_at=period_starts_at,
                items=items)
                for person_id, items in due.items()
                if self.find(CheckInReminder, ids.check_in_reminder_id(
                    actor.organization_id, person_id, cycle_id, period),
                    actor.organization_id) is None]
            if made:
                self.save_all(*made)
            return [reminder.person_id for reminder in made]

        return self.run(None, attempt)
