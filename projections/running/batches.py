"""Feeding one projection from the log into one store, a batch at a time.

Each batch: read up to ``batch_size`` notifications after the tracked position, decode
the ones the projection handles, load the rows they touch, apply the events in order,
then write the net changes and the new position in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from projections.projection import Event, Projection, current_topic, topic_of
from projections.running.remembered import RememberedRows
from projections.source import EventSource
from projections.stores.session import StoreSession, Target, Wanted
from projections.tables import ChangeSet, Table, Tables

DEFAULT_BATCH = 1000
REBUILD_BATCH = 10_000
"""A rebuild fills shadow tables alone: bigger batches load each row once for more
events and write each changed row once for all of them."""


class BatchSession(Protocol):
    """What applying a batch needs of a store (``StoreSession`` offers it)."""

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables: ...

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool: ...


def apply_batch(session: BatchSession, projection: Projection, target: Target,
                events: Sequence[tuple[int, Event]], expected: int, new: int) -> bool:
    """Apply events (position, event) and move the position from ``expected`` to
    ``new`` in one commit; False when the position was not ``expected``."""
    topics = projection.topics
    mine = [(p, e) for p, e in events if topics is None or topic_of(e) in topics]
    working = session.working_set() if isinstance(session, RememberedRows) else None
    if working is None:
        wanted: defaultdict[Table[Any], set[Hashable]] = defaultdict(set)
        for _, event in mine:
            for table, owner in projection.wanted(event):
                wanted[table].add(owner)
        working = session.load(projection, target, wanted)
    changes = ChangeSet()
    apply, put, add = projection.apply, working.apply, changes.add
    for event_position, event in mine:
        for change in apply(event, event_position, working):
            put(change)
            add(change)
    return session.commit(projection, target, changes, expected, new)


class ProjectionWorker:
    def __init__(self, source: EventSource, projection: Projection, session: StoreSession,
                 target: Target = Target.LIVE, batch_size: int = DEFAULT_BATCH) -> None:
        self.source = source
        self.projection = projection
        self.session = session
        self.target = target
        self.batch_size = batch_size
        self._position: int | None = None

    @property
    def position(self) -> int:
        if self._position is None:
            self._position = self.session.position(self.projection, self.target) or 0
        return self._position

    def step(self) -> bool:
        """Process one batch; False when there was nothing new."""
        position = self.position
        notifications = self.source.read(position, self.batch_size)
        if not notifications:
            return False
        topics = self.projection.topics
        events = [(n.id, self.source.decode(n)) for n in notifications
                  if topics is None or current_topic(n.topic) in topics]
        new = notifications[-1].id
        if apply_batch(self.session, self.projection, self.target, events, position, new):
            self._position = new
        else:
            self._position = None  # moved by someone else (a rebuild swapped in): re-read
        return True

    def catch_up(self) -> int:
        """Process batches until the log has nothing new; the position reached."""
        while self.step():
            pass
        return self.position
