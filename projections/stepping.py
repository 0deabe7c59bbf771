"""An in-memory replay of one organization's cycle that moves forward in time.

The catalog projection (the same code as the live read model, through
``projections.processing.apply_batch``) is applied to rows held in memory. Only the
events that matter are applied: the organization's structure events (those with no
cycle) and the cycle's own events.

"As of" a moment D means every such event whose timestamp (recording time) is <= D,
applied in position order. Commits can land slightly out of timestamp order, so the
stepper reads the log ahead until it has seen an event newer than D + ``margin``
(or the head of the log); events read but not yet due wait in ``pending``.

The catalog projection changes only the rows of the event's own aggregate, and one
aggregate's events carry increasing timestamps, so applying "the events due by D" in
position order, step after step, gives the same rows as one replay up to D.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from heapq import nsmallest
from uuid import UUID

from projections.cycle_state import RowSets
from projections.gc_pause import paused_gc
from projections.processing import apply_batch
from projections.projection import Event, Projection, topic_of
from projections.registry import projection
from projections.source import EventSource
from projections.stores.base import Target, Wanted
from projections.tables import ChangeSet, Tables

CATALOG: Projection = projection("catalog")
CATALOG_TOPICS: tuple[str, ...] = tuple(sorted(CATALOG.topics or ()))
MARGIN = timedelta(minutes=2)
"""How far out of timestamp order a commit may land (a slow transaction, a clock step)."""
READ_BATCH = 5_000
APPLY_CHUNK = 5_000

Progress = Callable[[int, int], None]
"""(position reached, head of the log): called after each batch."""

class TablesSession:
    """A ``StoreSession`` for ``apply_batch`` over rows held in one ``Tables``.

    ``load`` hands out the rows themselves, so the projection's changes land in them as
    it applies each event; ``commit`` only moves the position.
    """

    def __init__(self, tables: Tables, position: int = 0) -> None:
        self.tables = tables
        self.position_reached = position

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        return self.tables

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool:
        if expected != self.position_reached:
            return False
        self.position_reached = new
        return True


def apply_events(session: TablesSession, events: Sequence[tuple[int, Event]]) -> None:
    """Apply events (position, event) in the given order, in chunks."""
    for start in range(0, len(events), APPLY_CHUNK):
        chunk = events[start:start + APPLY_CHUNK]
        new = max(session.position_reached, max(p for p, _ in chunk))
        applied = apply_batch(session, CATALOG, Target.LIVE, chunk,
                              session.position_reached, new)
        assert applied


def rows_of(tables: Tables) -> RowSets:
    """Every row, per table: an immutable copy (rows themselves are never changed in
    place by the projection, it replaces them)."""
    return tuple((table, tuple(tables.all(table))) for table in tables.tables)


def tables_of(rows: RowSets) -> Tables:
    tables = Tables(CATALOG.tables)
    for table, table_rows in rows:
        for row in table_rows:
            tables.put(table, row)
    return tables


@dataclass(frozen=True)
class Frontier:
    """Where a replay stands in the log.

    ``read_to``: the last position read. ``pending``: relevant events read but not yet
    due, in position order. ``newest_seen``: the newest timestamp read. ``applied_until``:
    every relevant event due by then is applied. ``changed_at``: the newest timestamp
    applied (None before the first event).
    """

    read_to: int = 0
    pending: tuple[tuple[int, Event], ...] = ()
    newest_seen: datetime | None = None
    applied_until: datetime | None = None
    changed_at: datetime | None = None
    counts: Mapping[str, int] = field(default_factory=dict)


class CycleStepper:
    """Replays one organization's cycle forward, one date after another."""

    def __init__(self, source: EventSource, organization_id: UUID, cycle_id: UUID, *,
                 rows: RowSets | None = None, position: int = 0,
                 frontier: Frontier | None = None, margin: timedelta = MARGIN,
                 batch_size: int = READ_BATCH, progress: Progress | None = None) -> None:
        self.source = source
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.margin = margin
        self.batch_size = batch_size
        self.progress = progress
        self.session = TablesSession(
            tables_of(rows) if rows is not None else Tables(CATALOG.tables), position)
        start = frontier or Frontier()
        self.read_to = start.read_to
        self.pending: list[tuple[int, Event]] = list(start.pending)
        self.newest_seen = start.newest_seen
        self.applied_until = start.applied_until
        self.changed_at = start.changed_at
        self.counts: Counter[str] = Counter(start.counts)
        self.at_head = False
        self._head: int | None = None

    @property
    def tables(self) -> Tables:
        return self.session.tables

    @property
    def position(self) -> int:
        """The highest position applied."""
        return self.session.position_reached

    @property
    def safe_before(self) -> datetime | None:
        """Moments before this have all their events read (none can still arrive)."""
        return None if self.newest_seen is None else self.newest_seen - self.margin

    def frontier(self) -> Frontier:
        return Frontier(self.read_to, tuple(self.pending), self.newest_seen,
                        self.applied_until, self.changed_at, dict(self.counts))

    def relevant(self, event: Event) -> bool:
        return (event.organization_id == self.organization_id
                and (event.cycle_id is None or event.cycle_id == self.cycle_id))

    def _read_batch(self) -> bool:
        """Read one batch of the log; False at the head."""
        notifications = self.source.recorder.select_notifications(
            start=self.read_to + 1, limit=self.batch_size, topics=CATALOG_TOPICS)
        if not notifications:
            self.at_head = True
            return False
        for notification in notifications:
            event = self.source.decode(notification)
            if self.newest_seen is None or event.timestamp > self.newest_seen:
                self.newest_seen = event.timestamp
            if self.relevant(event):
                self.pending.append((notification.id, event))
        self.read_to = notifications[-1].id
        if self.progress is not None:
            if self._head is None or self.read_to > self._head:
                self._head = self.source.head()
            self.progress(self.read_to, self._head)
        return True

    def _read_past(self, moment: datetime) -> None:
        """Read until no event due by ``moment`` can still be unread."""
        while (self.newest_seen is None or self.newest_seen <= moment + self.margin):
            if not self._read_batch():
                return

    def advance(self, until: datetime) -> int:
        """Apply every relevant event due by ``until``; how many were applied."""
        if self.applied_until is not None and until < self.applied_until:
            raise ValueError("a stepper only moves forward in time")
        self.at_head = False
        with paused_gc():
            self._read_past(until)
            due = [(p, e) for p, e in self.pending if e.timestamp <= until]
            if due:
                self.pending = [(p, e) for p, e in self.pending if e.timestamp > until]
                apply_events(self.session, due)
                for _, event in due:
                    self.counts[topic_of(event)] += 1
                    if self.changed_at is None or event.timestamp > self.changed_at:
                        self.changed_at = event.timestamp
        self.applied_until = until
        return len(due)

    def next_change_at(self) -> datetime | None:
        """The timestamp of the next relevant event read (None when none is pending)."""
        return min((e.timestamp for _, e in self.pending), default=None)

    def chunk_end(self, events: int, limit: datetime) -> datetime:
        """A moment at most ``limit`` by which about ``events`` more events are due
        (a burst of events sharing one timestamp is never split)."""
        self.at_head = False
        while len(self.pending) < events and not self.at_head:
            if (self.newest_seen is not None and self.newest_seen > limit + self.margin):
                break
            self._read_batch()
        stamps = [e.timestamp for _, e in self.pending if e.timestamp <= limit]
        if len(stamps) < events:
            return limit
        return nsmallest(events, stamps)[-1]
