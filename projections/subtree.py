"""One objective's subtree "as of" a moment, replayed from the events of the aggregates
it can hold, not from the log's beginning.

Each aggregate's catalog rows depend on its own events alone (the catalog projection
reads only the rows of the event's aggregate, and a replay's rule of which events are
due is per aggregate: ``projections.stepping``). So replaying a chosen set of aggregates
through the same stepper gives exactly their rows in a replay of the whole cycle. The
set: the organization, its people and teams, the cycle, and the objectives ever aligned
below the root (``alignment_links``), with the root's parents of any time (a root's
placement reads its parent). Their events are read by aggregate from the event store's
primary key, so an answer about a few hundred objectives reads a few thousand events
plus the organization's people and teams, whatever the length of the log.

Where the links and the people come from read models, anything written after those
read models' position is read from the log (the tail) and added; a tail longer than
``MAX_TAIL`` events makes the caller replay the whole cycle instead.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from okr_domain import objective_events as ev
from okr_domain.person import Person
from okr_domain.team import Team
from projections.aggregate_log import notifications_of
from projections.alignment_links import (
    ALIGNMENT_LINKS,
    AlignmentLinksProjection,
    ever_above,
    ever_below,
)
from projections.asof import AsOfReplayer
from projections.checkpoints import Checkpoint
from projections.cycle_state import CycleState
from projections.databases import Database
from projections.projection import Event
from projections.registry import projection
from projections.source import EventSource
from projections.stepping import CATALOG_TOPICS, CycleStepper, paused_gc
from projections.stores.base import Target

MAX_TAIL = 20_000
"""Events past the read models' position read from the log before giving up."""
TAIL_BATCH = 5_000
LINKS: AlignmentLinksProjection = projection("alignment_links")  # type: ignore[assignment]


class SelectedLog:
    """What a ``CycleStepper`` reads from an ``EventSource``, restricted to chosen
    notifications (read up to ``head``)."""

    def __init__(self, source: EventSource, notifications: Sequence[Notification],
                 head: int) -> None:
        self.source = source
        self.recorder = self
        self.notifications = list(notifications)
        self._ids = [n.id for n in self.notifications]
        self._head = head

    def select_notifications(self, start: int, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), **_: Any) -> list[Notification]:
        first = bisect_left(self._ids, start)
        chosen = self.notifications[first:first + limit]
        return [n for n in chosen if (stop is None or n.id <= stop)
                and (not topics or n.topic in topics)]

    def decode(self, notification: Notification) -> Event:
        return self.source.decode(notification)

    def head(self) -> int:
        return self._head


@dataclass(frozen=True)
class Selection:
    """The aggregates a subtree replay reads, and the log position they were chosen at."""

    head: int
    objectives: frozenset[UUID]
    structure: frozenset[UUID]


def select(source: EventSource, database: Database, organization_id: UUID, cycle_id: UUID,
           root: UUID) -> Selection | None:
    """The aggregates the subtree of ``root`` can hold, as of any moment (None: the read
    models are too far behind the log)."""
    head = source.head()
    database.setup([LINKS])
    session = database.session()
    reader = database.catalog_reader()
    try:
        covered = min(session.position(LINKS) or 0, reader.position())
        if head - covered > MAX_TAIL:
            return None
        links = [(r.child_id, r.parent_id) for r in session.load(
            LINKS, Target.LIVE, {ALIGNMENT_LINKS: {cycle_id}}).all(ALIGNMENT_LINKS)
            if r.organization_id == organization_id]
        structure = {organization_id, cycle_id}
        structure.update(p.id for p in reader.people(organization_id))
        structure.update(t.id for t in reader.teams(organization_id))
    finally:
        reader.close()
        session.close()
    for event in _tail(source, covered, head):
        if event.organization_id != organization_id:
            continue
        if isinstance(event, ev.Aligned) and event.cycle_id == cycle_id:
            links.append((event.originator_id, event.parent_id))
        elif isinstance(event, Person.Created | Team.Created):
            structure.add(event.originator_id)
    objectives = ever_below(root, links) | ever_above(root, links)
    return Selection(head, frozenset(objectives), frozenset(structure))


def _tail(source: EventSource, after: int, head: int) -> list[Event]:
    events: list[Event] = []
    start = after + 1
    while start <= head:
        batch = source.recorder.select_notifications(start=start, limit=TAIL_BATCH,
                                                     stop=head, topics=CATALOG_TOPICS)
        if not batch:
            break
        events += (source.decode(n) for n in batch)
        start = batch[-1].id + 1
    return events


def subtree_checkpoint(source: EventSource, selection: Selection, organization_id: UUID,
                       cycle_id: UUID, moment: datetime,
                       known_at: datetime | None = None) -> Checkpoint:
    """The selected aggregates replayed as of ``moment`` (valid time), as recorded by
    ``known_at``: a checkpoint read to ``selection.head``."""
    notifications = notifications_of(source.recorder,
                                     selection.objectives | selection.structure,
                                     CATALOG_TOPICS, selection.head)
    log = SelectedLog(source, notifications, selection.head)
    stepper = CycleStepper(log, organization_id, cycle_id,  # type: ignore[arg-type]
                           known_at=known_at)
    stepper.advance(moment)
    # Every event of the chosen aggregates up to the head is read: freshness is checked
    # from there.
    stepper.read_to = max(stepper.read_to, selection.head)
    return Checkpoint.of(stepper)


SubtreeKey = tuple[UUID, UUID, datetime | None, UUID]
"""(organization, cycle, known at, root)."""
DEFAULT_KEPT = 16


class SubtreeReplayer:
    """Subtree states, the latest ``kept`` checkpoints remembered (each answers its
    moments while nothing relevant was written after it)."""

    def __init__(self, replayer: AsOfReplayer, database: Database,
                 kept: int = DEFAULT_KEPT) -> None:
        self.replayer = replayer
        self.database = database
        self.kept = kept
        self._lock = threading.Lock()
        self._states: OrderedDict[int, tuple[SubtreeKey, Checkpoint, CycleState]] = \
            OrderedDict()

    def state_at(self, organization_id: UUID, cycle_id: UUID, root: UUID, moment: datetime,
                 known_at: datetime | None = None) -> CycleState | None:
        """The subtree of ``root`` as of ``moment``, as recorded by ``known_at`` (None:
        the read models are too far behind; replay the whole cycle instead)."""
        key: SubtreeKey = (organization_id, cycle_id, known_at, root)
        with self._lock:
            candidates = [(i, c, s) for i, (k, c, s) in self._states.items()
                          if k == key and c.covers(moment)]
        for ident, checkpoint, state in candidates:
            if self.replayer.fresh(checkpoint):
                with self._lock:
                    if ident in self._states:
                        self._states.move_to_end(ident)
                return state
        selection = select(self.replayer.source, self.database, organization_id, cycle_id,
                           root)
        if selection is None:
            return None
        with paused_gc():
            checkpoint = subtree_checkpoint(self.replayer.source, selection, organization_id,
                                            cycle_id, moment, known_at)
            state = CycleState.of_rows(organization_id, cycle_id, checkpoint.rows,
                                       checkpoint.position, checkpoint.changed_at,
                                       checkpoint.frontier.counts, checkpoint.valid_until,
                                       part=root)
        with self._lock:
            self._states[id(checkpoint)] = (key, checkpoint, state)
            while len(self._states) > self.kept:
                self._states.popitem(last=False)
        return state
