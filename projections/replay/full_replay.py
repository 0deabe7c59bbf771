"""In-memory replays "as of" a moment, through the same projection code.

The log is read from the start; events of other organizations, events after the
position limit and events that happened after ``until`` are left out. The result is a
``MemoryDatabase`` whose readers answer as the live readers would have then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from projections.projection import Event
from projections.registry import projections as named_projections
from projections.running.batches import DEFAULT_BATCH, apply_batch
from projections.source import EventSource
from projections.stores.database import MemoryDatabase
from projections.stores.session import Target

REPLAYED = ("catalog",)


def replay(source: EventSource, *, organization_id: UUID | None = None,
           until: datetime | None = None, until_position: int | None = None,
           names: Sequence[str] = REPLAYED, batch_size: int = DEFAULT_BATCH) -> MemoryDatabase:
    projections = named_projections(names)
    database = MemoryDatabase()
    database.setup(projections)
    session = database.session()
    position = 0
    while until_position is None or position < until_position:
        notifications = source.read(position, batch_size)
        if until_position is not None:
            notifications = [n for n in notifications if n.id <= until_position]
        if not notifications:
            break
        events: list[tuple[int, Event]] = []
        for n in notifications:
            event = source.decode(n)
            if ((organization_id is None or event.organization_id == organization_id)
                    and (until is None or event.timestamp <= until)):
                events.append((n.id, event))
        new = notifications[-1].id
        for projection in projections:
            apply_batch(session, projection, Target.LIVE, events, position, new)
        position = new
    return database

