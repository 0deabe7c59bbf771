"""The cycles not closed yet, read from the event log (no read model needed)."""

from __future__ import annotations

from uuid import UUID

from projections.source import EventSource

CYCLE_TOPICS = ("okr.Cycle.Created", "okr.Cycle.Closed")
PAGE = 1_000


def open_cycles(source: EventSource) -> list[tuple[UUID, UUID]]:
    """(organization, cycle) of every cycle not closed, in the order they were made."""
    found: dict[UUID, UUID] = {}
    position = 0
    while True:
        notifications = source.recorder.select_notifications(
            start=position + 1, limit=PAGE, topics=CYCLE_TOPICS)
        if not notifications:
            return [(organization, cycle) for cycle, organization in found.items()]
        for notification in notifications:
            event = source.decode(notification)
            if notification.topic == CYCLE_TOPICS[0]:
                found[event.originator_id] = event.organization_id
            else:
                found.pop(event.originator_id, None)
        position = notifications[-1].id
