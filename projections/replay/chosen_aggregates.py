"""Replays of chosen aggregates instead of the whole log, what an objective's subtree
(``projections.replay.subtree``) and a whole cycle in parts
(``projections.replay.cycle_parts``) share.

Each aggregate's catalog rows depend on its own events alone (the catalog projection
reads only the rows of the event's aggregate, and a replay's rule of which events are
due is per aggregate: ``projections.replay.stepping``). So replaying a chosen set of
aggregates through the same stepper gives exactly their rows in a replay of the whole
cycle. Their events are read by aggregate from the event store's primary key (or at
their positions), whatever the length of the log.

Which aggregates to choose comes from read models; anything written after those read
models' position is read from the log (the tail) and added; a tail longer than
``MAX_TAIL`` events makes the caller replay the whole cycle instead.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import Notification

from projections.catalog.rows import PersonRow, TeamRow
from projections.catalog.tables import PEOPLE, TEAMS
from projections.indexes.alignment_links import AlignmentLinksProjection
from projections.projection import Event
from projections.registry import projection
from projections.replay.aggregate_log import notifications_of
from projections.replay.catalog_session import CATALOG_TOPICS
from projections.replay.checkpoints import Checkpoint
from projections.replay.cycle_state import RowSets
from projections.replay.stepping import CycleStepper
from projections.replay.subtree_reads import (
    structure_changed_after,
    structure_changed_since,
    structure_ids,
)
from projections.source import EventSource
from projections.stores.database import Database
from projections.stores.session import StoreSession

MAX_TAIL = 20_000
"""Events past the read models' position read from the log before giving up."""
TAIL_BATCH = 5_000
LINKS: AlignmentLinksProjection = projection("alignment_links")  # type: ignore[assignment]
EVENT_INDEX_PROJECTION = projection("event_index")
M = TypeVar("M")


class SelectedLog:
    """What a ``CycleStepper`` reads from an ``EventSource``, restricted to chosen
    notifications (read up to ``head``)."""

    def __init__(self, source: EventSource, notifications: Sequence[Notification],
                 head: int) -> None:
        self.source = source
        self.notifications = list(notifications)
        self._ids = [n.id for n in self.notifications]
        self._head = head
        self._decoded: dict[int, Event] = {}

    @property
    def recorder(self) -> SelectedLog:
        # A property, not an attribute holding itself: a replay of many parts runs with
        # the cyclic collector paused, so each part's log must be freed by reference
        # counting alone.
        return self

    def select_notifications(self, start: int, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), **_: Any) -> list[Notification]:
        first = bisect_left(self._ids, start)
        chosen = self.notifications[first:first + limit]
        return [n for n in chosen if (stop is None or n.id <= stop)
                and (not topics or n.topic in topics)]

    def decode(self, notification: Notification) -> Event:
        """Decoded once (the stepper decodes an event when it reads it and again when
        it applies it; events are never changed)."""
        event = self._decoded.get(notification.id)
        if event is None:
            event = self._decoded[notification.id] = self.source.decode(notification)
        return event

    def head(self) -> int:
        return self._head


@dataclass(frozen=True)
class Selection:
    """What a subtree replay reads: the log position the aggregates were chosen at, the
    objectives and the aggregates outside any cycle to replay, and the catalog's rows of
    the people and teams with no event after the moment asked about (those rows are the
    same in a replay: every event of theirs is due and known)."""

    head: int
    objectives: frozenset[UUID]
    structure: frozenset[UUID]
    live: RowSets = ()


@dataclass
class Grounds:
    """What the read models say at the log's ``head`` about an organization's people and
    teams: the ids of those to replay (``structure``: the organization and cycle, and
    every person or team with an event after the moment asked about, or all of them),
    and the catalog's rows of the others. ``covered``: the read models' position (what
    was written after it is read from the log by the caller)."""

    head: int
    covered: int
    structure: set[UUID]
    people: list[PersonRow]
    teams: list[TeamRow]

    def live(self) -> RowSets:
        return ((PEOPLE, tuple(r for r in self.people if r.id not in self.structure)),
                (TEAMS, tuple(r for r in self.teams if r.id not in self.structure)))


def grounds(source: EventSource, database: Database, organization_id: UUID, cycle_id: UUID,
            moment: datetime, known_at: datetime | None,
            members: Callable[[StoreSession, Any, int], M],
            since_position: int | None = None) -> tuple[Grounds, M] | None:
    """The grounds of a replay of chosen aggregates, and ``members(session, catalog
    reader, covered)`` read at the same position (None: the read models are too far behind the
    log). With ``since_position`` (a replay resuming from a checkpoint read to there,
    which holds every person and team as of then), ``structure`` is those with an event
    after it, and no rows are taken from the catalog."""
    head = source.head()
    database.setup([LINKS, EVENT_INDEX_PROJECTION])
    session = database.session()
    reader = database.catalog_reader()
    cutoff = moment if known_at is None else min(moment, known_at)
    try:
        covered = min(session.position(LINKS) or 0,
                      session.position(EVENT_INDEX_PROJECTION) or 0, reader.position())
        if head - covered > MAX_TAIL:
            return None
        chosen = members(session, reader, covered)
        changed = (structure_changed_after(session, organization_id, cutoff)
                   if since_position is None
                   else structure_changed_since(session, organization_id, since_position))
        if changed is None:
            structure = structure_ids(session, reader, organization_id)
            people: list[PersonRow] = []
            teams: list[TeamRow] = []
        else:
            structure = set(changed)
            resumed = since_position is not None
            people = [] if resumed else reader.people(organization_id)
            teams = [] if resumed else reader.teams(organization_id)
    finally:
        reader.close()
        session.close()
    structure |= {organization_id, cycle_id}
    return Grounds(head, covered, structure, people, teams), chosen


def tail(source: EventSource, after: int, head: int) -> list[tuple[int, Event]]:
    """The events relevant to a cycle written after ``after`` up to ``head``, with their
    positions."""
    events: list[tuple[int, Event]] = []
    start = after + 1
    while start <= head:
        batch = source.recorder.select_notifications(start=start, limit=TAIL_BATCH,
                                                     stop=head, topics=CATALOG_TOPICS)
        if not batch:
            break
        events += ((n.id, source.decode(n)) for n in batch)
        start = batch[-1].id + 1
    return events


def selected_stepper(source: EventSource, selection: Selection, organization_id: UUID,
                     cycle_id: UUID, known_at: datetime | None = None) -> CycleStepper:
    """A stepper over the selected aggregates' events alone (up to ``selection.head``),
    as recorded by ``known_at``."""
    notifications = notifications_of(source.recorder,
                                     selection.objectives | selection.structure,
                                     CATALOG_TOPICS, selection.head)
    log = SelectedLog(source, notifications, selection.head)
    return CycleStepper(log, organization_id, cycle_id,  # type: ignore[arg-type]
                        known_at=known_at)


def checkpoint_at(stepper: CycleStepper, selection: Selection,
                  moment: datetime) -> Checkpoint:
    """``stepper`` advanced to ``moment`` (valid time): a checkpoint read to
    ``selection.head``."""
    stepper.advance(moment)
    # Every event of the chosen aggregates up to the head is read: freshness is checked
    # from there.
    stepper.read_to = max(stepper.read_to, selection.head)
    return Checkpoint.of(stepper)


def with_live_rows(rows: RowSets, live: RowSets) -> RowSets:
    """The replayed rows with the catalog's rows of the aggregates not replayed."""
    extra = dict(live)
    return tuple((table, table_rows + tuple(extra.get(table, ())))
                 for table, table_rows in rows)
