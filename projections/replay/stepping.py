"""An in-memory replay of one organization's cycle on two time axes, moving forward in
valid time.

The catalog projection (the same code as the live read model, through
``projections.running.batches.apply_batch``) is applied to rows held in memory. Only the
events that matter are applied: the organization's structure events (those with no
cycle) and the cycle's own events.

History is bitemporal. ``as_of`` is valid time: a check-in counts from its
``applies_at``, a correction with the check-in it corrects, every other event from when
it happened. ``known_at`` is transaction time: only events recorded by then count
(None: everything recorded so far). Timestamps need not grow with positions, so the
replay reads the log to its head and goes by position, filtering by time; events read
but not yet due wait in ``pending``.

The catalog projection changes only the rows of the event's own aggregate, and
check-ins of a key result give the same rows in any order (its value is that of the
latest by ``applies_at``). The other events of an aggregate are applied as a prefix in
position order: one that is not due holds back every later one of its aggregate but
check-ins, which wait only for their key result.
Applying the due events step after step therefore gives the rows one replay to the
last step would give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.persistence import Notification

from okr_domain.objective_events import CheckInCorrected, CheckInRecorded, KeyResultAdded
from projections.catalog.tables import CHECK_INS, KEY_RESULTS
from projections.gc_pause import paused_gc
from projections.projection import Event, topic_of
from projections.replay.catalog_session import (
    CATALOG,
    CATALOG_TOPICS,
    TablesSession,
    apply_events,
    tables_of,
)
from projections.replay.cycle_state import RowSets
from projections.source import EventSource
from projections.tables import Tables

CHECK_IN_RECORDED = "okr.Objective.CheckInRecorded"
CHECK_IN_CORRECTED = "okr.Objective.CheckInCorrected"
KEY_RESULT_ADDED = "okr.Objective.KeyResultAdded"
MARGIN = timedelta(minutes=2)
"""How far out of timestamp order a commit may land (a slow transaction, a clock step):
states of moments this close to now are not kept."""
READ_BATCH = 5_000

Progress = Callable[[int, int], None]
"""(position reached, head of the log): called after each batch."""


def valid_at(event: Event) -> datetime:
    """When an event counts from in valid time (a correction: see ``CycleStepper``)."""
    if isinstance(event, CheckInRecorded):
        return event.applies_at
    return event.timestamp


def concerns(event: Event, organization_id: UUID, cycle_id: UUID) -> bool:
    """Whether an event may change a cycle's replayed state: its organization's events
    of that cycle, and those of no cycle (people, teams, the policy)."""
    return (event.organization_id == organization_id
            and (event.cycle_id is None or event.cycle_id == cycle_id))

@dataclass(frozen=True, slots=True)
class Waiting:
    """An event read but not yet due, held compactly: what deciding when it is due
    needs, and the stored notification (decoded again when it is applied)."""

    position: int
    valid: datetime
    recorded: datetime
    aggregate: UUID
    topic: str
    check_in_id: UUID | None
    key_result_id: UUID | None
    notification: Notification

    @classmethod
    def of(cls, notification: Notification, event: Event) -> Waiting:
        check_in_id: UUID | None = None
        key_result_id: UUID | None = None
        if isinstance(event, CheckInRecorded | CheckInCorrected):
            check_in_id, key_result_id = event.check_in_id, event.key_result_id
        elif isinstance(event, KeyResultAdded):
            key_result_id = event.key_result_id
        return cls(notification.id, valid_at(event), event.timestamp, event.originator_id,
                   topic_of(event), check_in_id, key_result_id, notification)


@dataclass(frozen=True)
class Frontier:
    """Where a replay stands.

    ``read_to``: the last position read. ``pending``: relevant events read but not yet
    due (and due by the horizon), in position order. ``applied_until``: every event due
    by then (valid time) is applied. ``changed_at``: the latest valid time applied
    (None before the first event).
    """

    read_to: int = 0
    pending: tuple[Waiting, ...] = ()
    applied_until: datetime | None = None
    changed_at: datetime | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    horizon: datetime | None = None
    """The replay never goes past this moment (None: no bound), so events due only
    after it are not kept."""
    closed: frozenset[UUID] = frozenset()
    """Aggregates with an event left out for good (due after the horizon, or recorded
    after ``known_at``): their later events, check-ins aside, are left out too."""
    newest_recorded: datetime | None = None
    """The latest recording time of any event read (None: none read)."""


class CycleStepper:
    """Replays one organization's cycle forward in valid time, one moment after another,
    as known at ``known_at``."""

    def __init__(self, source: EventSource, organization_id: UUID, cycle_id: UUID, *,
                 rows: RowSets | None = None, position: int = 0,
                 frontier: Frontier | None = None, known_at: datetime | None = None,
                 horizon: datetime | None = None, batch_size: int = READ_BATCH,
                 progress: Progress | None = None) -> None:
        self.source = source
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.known_at = known_at
        self.batch_size = batch_size
        self.progress = progress
        self.session = TablesSession(
            tables_of(rows) if rows is not None else Tables(CATALOG.tables), position)
        start = frontier or Frontier()
        self.read_to = start.read_to
        self.pending: list[Waiting] = list(start.pending)
        self.applied_until = start.applied_until
        self.changed_at = start.changed_at
        self.counts: Counter[str] = Counter(start.counts)
        self.horizon = start.horizon if frontier is not None else horizon
        self.closed: set[UUID] = set(start.closed)
        self._pending_check_ins: set[UUID] = {
            w.check_in_id for w in self.pending
            if w.topic == CHECK_IN_RECORDED and w.check_in_id is not None}
        self.newest_recorded: datetime | None = start.newest_recorded
        self._head: int | None = None

    @property
    def tables(self) -> Tables:
        return self.session.tables

    @property
    def position(self) -> int:
        """The highest position applied."""
        return self.session.position_reached

    def frontier(self) -> Frontier:
        return Frontier(self.read_to, tuple(self.pending), self.applied_until,
                        self.changed_at, dict(self.counts), self.horizon,
                        frozenset(self.closed), self.newest_recorded)

    def relevant(self, event: Event) -> bool:
        return concerns(event, self.organization_id, self.cycle_id)

    def _read_batch(self, read_limit: int | None = None) -> bool:
        """Read one batch of the log, not past ``read_limit`` (None: the head); False
        when there is no more."""
        limit = self.batch_size
        if read_limit is not None:
            limit = min(limit, read_limit - self.read_to)
            if limit <= 0:
                return False
        notifications = self.source.recorder.select_notifications(
            start=self.read_to + 1, limit=limit, topics=CATALOG_TOPICS, stop=read_limit)
        if not notifications:
            if read_limit is not None:
                self.read_to = read_limit  # nothing a cycle replays up to there
            return False
        for notification in notifications:
            event = self.source.decode(notification)
            if self.newest_recorded is None or event.timestamp > self.newest_recorded:
                self.newest_recorded = event.timestamp
            if self.relevant(event) and self._keep(event):
                self.pending.append(Waiting.of(notification, event))
        self.read_to = notifications[-1].id
        if self.progress is not None:
            if self._head is None or self.read_to > self._head:
                self._head = self.source.head()
            self.progress(self.read_to, self._head)
        return True

    def _keep(self, event: Event) -> bool:
        """Can the event ever be due by the horizon?"""
        if self.horizon is None:
            return True
        if isinstance(event, CheckInCorrected):
            return self._known(event) and (
                event.check_in_id in self._pending_check_ins
                or self.tables.get(CHECK_INS, event.check_in_id) is not None)
        if isinstance(event, CheckInRecorded):
            if self._known(event) and valid_at(event) <= self.horizon:
                self._pending_check_ins.add(event.check_in_id)
                return True
            return False
        if event.originator_id in self.closed:
            return False
        if not self._known(event) or valid_at(event) > self.horizon:
            self.closed.add(event.originator_id)
            return False
        return True

    def catch_up(self) -> int:
        """Read the log to its head; how many relevant events were read."""
        before = len(self.pending)
        while self._read_batch():
            pass
        return len(self.pending) - before

    def _known(self, event: Event) -> bool:
        return self.known_at is None or event.timestamp <= self.known_at

    def _recorded_by_known_at(self, waiting: Waiting) -> bool:
        return self.known_at is None or waiting.recorded <= self.known_at

    def advance(self, until: datetime, read_limit: int | None = None) -> int:
        """Read to the head (or to position ``read_limit``) and apply every event read
        that is due by ``until``; how many were applied. Due events are applied batch by
        batch as the log is read, so only those not due yet are held in memory."""
        if self.applied_until is not None and until < self.applied_until:
            raise ValueError("a stepper only moves forward in valid time")
        if self.horizon is not None and until > self.horizon:
            raise ValueError("a stepper does not go past its horizon")
        with paused_gc():
            applied = self._apply_due(until)
            while self._read_batch(read_limit):
                applied += self._apply_due(until)
        self.applied_until = until
        return applied

    def _apply_due(self, until: datetime) -> int:
        due: list[Waiting] = []
        waiting: list[Waiting] = []
        held: set[UUID] = set()
        recorded: set[UUID] = set()
        added: set[UUID] = set()
        for w in self.pending:
            known = self._recorded_by_known_at(w)
            if w.topic == CHECK_IN_CORRECTED:
                ready = known and (w.check_in_id in recorded
                                   or self.tables.get(CHECK_INS, w.check_in_id) is not None)
            elif w.topic == CHECK_IN_RECORDED:
                # Its key result (and objective) must be there: added before it.
                ready = known and w.valid <= until and (
                    w.key_result_id in added
                    or self.tables.get(KEY_RESULTS, w.key_result_id) is not None)
            else:
                ready = w.aggregate not in held and known and w.valid <= until
            if ready:
                due.append(w)
                if w.topic == CHECK_IN_RECORDED and w.check_in_id is not None:
                    recorded.add(w.check_in_id)
                elif w.topic == KEY_RESULT_ADDED and w.key_result_id is not None:
                    added.add(w.key_result_id)
                continue
            waiting.append(w)
            if w.topic not in (CHECK_IN_RECORDED, CHECK_IN_CORRECTED):
                held.add(w.aggregate)
        if not due:
            return 0
        self._pending_check_ins.difference_update(recorded)
        self.pending = waiting
        apply_events(self.session, [(w.position, self.source.decode(w.notification))
                                    for w in due])
        for w in due:
            self.counts[w.topic] += 1
            if w.topic != CHECK_IN_CORRECTED and (
                    self.changed_at is None or w.valid > self.changed_at):
                self.changed_at = w.valid
        return len(due)

    def next_change_at(self) -> datetime | None:
        """The earliest valid time after which a pending event may become due (None: no
        event read can ever become due as known at ``known_at``)."""
        return min((w.valid for w in self.pending
                    if self._recorded_by_known_at(w) and w.topic != CHECK_IN_CORRECTED),
                   default=None)
