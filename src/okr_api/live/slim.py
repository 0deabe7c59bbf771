"""Slim events: a lean catch-up (``okr_api.live.lean``) whose selection names nothing of
what the event itself says beyond its position, type and time (``SLIM_FIELDS``) reads
only that much of each stored event: its time, organization and cycle, converted from
the stored JSON without making the domain event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple
from uuid import UUID

from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.lean import LeanEvent, absent, leanable
from okr_api.live.model import TOPIC_TYPES, LiveEvent
from okr_api.live.render import Plan


class Detail(Enum):
    """How much of each event a catch-up reads and builds."""

    FULL = "full"
    LEAN = "lean"
    """The stored event, its organization and cycle; nothing from the catalog."""
    SLIM = "slim"
    """Only the stored event's time, organization and cycle, its organization and cycle."""

SLIM_FIELDS = frozenset({
    "__typename", "eventId", "position", "type", "occurredAt", "organizationName",
    "hrMode", "cycleKey", "cycleName", "redacted"})
"""``OkrEvent``'s fields a slim event gives (the rest of ``LEAN_FIELDS`` are the stored
event's own values)."""

EVENT_FIELDS = ("actor_id", "key_result_id", "check_in_id", "value", "previous_value",
                "confidence", "note", "applies_at", "in_one_on_one", "score_before",
                "score_after", "objective_score_before", "objective_score_after",
                "computed_score", "grade_override", "final_score", "reason",
                "parent_objective_id", "supporter_id")
"""The ``LiveEvent`` fields from the stored event that a slim event does not have."""


class Stamp(NamedTuple):
    """What a slim event needs of a stored OKR event."""

    topic: str
    timestamp: datetime
    organization_id: UUID
    cycle_id: UUID | None
    originator_id: UUID
    originator_version: int


class SlimEvent(LeanEvent):
    """A ``LeanEvent`` without the stored event's own values either."""


for _name in EVENT_FIELDS:
    setattr(SlimEvent, _name, absent(_name, "a slim event"))


def slim_event(position: int, stamp: Stamp, organization_values: dict[str, Any],
               cycle_values: Callable[[Any], dict[str, Any]]) -> LiveEvent:
    values = {**organization_values, **cycle_values(stamp.cycle_id),
              "position": position, "type": TOPIC_TYPES[stamp.topic],
              "occurred_at": stamp.timestamp, "organization_id": stamp.organization_id,
              "objective_id": stamp.originator_id,
              "objective_version": stamp.originator_version, "cycle_id": stamp.cycle_id}
    return SlimEvent.of_values(values)


def detail_for(plan: Plan | None, audience: Audience, where: EventFilter) -> Detail:
    """What a subscriber rendering ``plan`` for ``audience`` through ``where`` needs."""
    if plan is None or not leanable(plan, audience, where):
        return Detail.FULL
    if all(name in SLIM_FIELDS for _, name in plan.keys):
        return Detail.SLIM
    return Detail.LEAN
