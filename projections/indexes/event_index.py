"""The event index: one row per stored event, for history queries by cycle and time.

Stored events have no timestamp column; this index keeps each event's time, tenant,
cycle, aggregate, topic and actor by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from projections.catalog.rows import EventIndexRow
from projections.projection import Event, Projection, View, topic_of
from projections.tables import Change, Table, Upsert

EVENT_INDEX = Table(
    "event_index", EventIndexRow, "position", append_only=True,
    indexes=(("organization_id", "occurred_at"), ("organization_id", "cycle_id", "position"),
             ("aggregate_id", "position")),
)


def index_row(event: Event, position: int) -> EventIndexRow:
    return EventIndexRow(
        position=position, occurred_at=event.timestamp,
        organization_id=event.organization_id, cycle_id=event.cycle_id,
        aggregate_id=event.originator_id, aggregate_version=event.originator_version,
        event_type=topic_of(event),
        actor_id=event.actor_id,
    )


class EventIndexProjection(Projection):
    name: ClassVar[str] = "event_index"
    tables = (EVENT_INDEX,)

    @property
    def topics(self) -> None:
        return None

    def apply(self, event: Event, position: int, view: View) -> Sequence[Change]:
        return [Upsert(EVENT_INDEX, index_row(event, position))]
