"""A whole cycle "as of" moments, replayed part by part, for the answers that read its
objectives and key results and count its check-ins (the alignment tree, the stretch
analysis, OKR health, changes, the timeline).

Each aggregate's catalog rows depend on its own events alone (see
``projections.replay.subtree``), so the cycle's objectives and alignment proposals are
replayed ``PART_AGGREGATES`` at a time from their own events, read by aggregate, walked
through the moments asked about, and the organization's people and teams once beside
them. At each moment a part leaves its objectives', key results' and proposals' rows, the
count of its events and of its objectives' check-ins; its check-ins and events are
dropped before the next part is read. So an answer about a whole quarter holds one
part's events at a time and the rows it reports, never the quarter's check-ins or log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.analysis.timeline import CheckInCounts, count_check_ins
from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES, PROPOSALS
from projections.replay.aggregate_log import notifications_at, notifications_of
from projections.replay.catalog_session import CATALOG_TOPICS
from projections.replay.checkpoint_codec import STRUCTURE, Buckets, bucket_of
from projections.replay.checkpoints import Checkpoint
from projections.replay.chosen_aggregates import (
    SelectedLog,
    Selection,
    checkpoint_at,
    grounds,
    selected_stepper,
    tail,
    with_live_rows,
)
from projections.replay.cycle_state import CycleState, RowSets
from projections.replay.stepping import CycleStepper, Progress
from projections.replay.subtree_reads import cycle_members, cycle_positions
from projections.source import EventSource
from projections.stores.database import Database
from projections.stores.session import StoreSession

PART_AGGREGATES = 1_000
"""Objectives and proposals replayed together (a part holds their events and check-ins)."""
PART_TABLES = (OBJECTIVES, KEY_RESULTS, PROPOSALS)


Written = dict[UUID, list[int]]
"""Per aggregate, the positions of its events written after a checkpoint."""


def select_cycle(source: EventSource, database: Database, organization_id: UUID,
                 cycle_id: UUID, moment: datetime, known_at: datetime | None = None,
                 since_position: int | None = None,
                 ) -> tuple[Selection, Written | None] | None:
    """Every aggregate of the cycle, for moments from ``moment`` on (None: the read
    models are too far behind the log); with ``since_position``, for a replay resuming
    from a checkpoint read to there (see ``grounds``), with the positions of the
    cycle's events written after it (None: this store cannot say)."""
    def read(session: StoreSession, reader: Any,
             covered: int) -> tuple[set[UUID], list[tuple[int, UUID]] | None]:
        return (cycle_members(session, reader, organization_id, cycle_id),
                None if since_position is None
                else cycle_positions(session, organization_id, cycle_id, since_position,
                                     covered))

    found = grounds(source, database, organization_id, cycle_id, moment, known_at, read,
                    since_position)
    if found is None:
        return None
    ground, (members, indexed) = found
    written: Written | None = None
    if indexed is not None:
        written = {}
        for position, aggregate in indexed:
            written.setdefault(aggregate, []).append(position)
    for position, event in tail(source, ground.covered, ground.head):
        if event.organization_id != organization_id:
            continue
        if event.cycle_id == cycle_id:
            members.add(event.originator_id)
            if written is not None and since_position is not None \
                    and position > since_position:
                written.setdefault(event.originator_id, []).append(position)
        elif event.cycle_id is None:
            ground.structure.add(event.originator_id)
    selection = Selection(ground.head, frozenset(members - ground.structure),
                          frozenset(ground.structure), ground.live())
    return selection, written


@dataclass
class _Moment:
    """What the parts replayed so far leave of one moment."""

    structure: Checkpoint
    since: datetime | None
    rows: dict[str, list[Any]] = field(
        default_factory=lambda: {table.name: [] for table in PART_TABLES})
    counts: Counter[str] = field(default_factory=Counter)
    check_ins: dict[UUID, tuple[int, int]] = field(default_factory=dict)
    position: int = field(init=False)
    changed_at: datetime | None = field(init=False)
    valid_until: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.position = self.structure.position
        self.changed_at = self.structure.changed_at
        self.valid_until = self.structure.valid_until
        self.counts.update(self.structure.frontier.counts)

    def add(self, part: Checkpoint, base: Mapping[str, int]) -> None:
        """``base``: the counts the part's replay started from."""
        for table, rows in part.rows:
            if table.name in self.rows:
                self.rows[table.name] += rows
            elif table is CHECK_INS:
                self.check_ins.update(count_check_ins(rows, self.since))
        self.counts.update(part.frontier.counts)
        self.counts.subtract(base)
        self.position = max(self.position, part.position)
        self.valid_until = min(self.valid_until, part.valid_until)
        if part.changed_at is not None and (self.changed_at is None
                                            or part.changed_at > self.changed_at):
            self.changed_at = part.changed_at

    def state(self, selection: Selection) -> CycleState:
        # The catalog's rows of people and teams stand for events a whole replay applies.
        position = max([self.position,
                        *(row.position for _, rows in selection.live for row in rows)])
        structure: RowSets = tuple(
            (table, table_rows) for table, table_rows
            in with_live_rows(self.structure.rows, selection.live)
            if table.name not in self.rows and table is not CHECK_INS)
        parts: RowSets = tuple((table, tuple(self.rows[table.name])) for table in PART_TABLES)
        s = self.structure
        return CycleState.of_rows(s.organization_id, s.cycle_id, structure + parts, position,
                                  self.changed_at, +self.counts, self.valid_until,
                                  check_ins_held=False)


def walk_in_parts(source: EventSource, selection: Selection, organization_id: UUID,
                  cycle_id: UUID, moments: Sequence[datetime],
                  known_at: datetime | None = None, part_size: int | None = None,
                  progress: Progress | None = None, start: Buckets | None = None,
                  written: Written | None = None) -> list[tuple[CycleState, CheckInCounts]]:
    """The cycle at each of ``moments`` (valid time, in increasing order, none before
    the one ``selection`` was made for), as recorded by ``known_at``, without its
    check-ins (``CycleState.check_ins_held`` is false; the number of events applied is
    in the counts) but with its objectives' check-ins counted, those applying after the
    moment before (or all, at the first). From the kept checkpoint ``start`` when given
    (``selection`` made for it): each of its buckets is a part, resumed from its rows
    and waiting events, reading only its aggregates' events written after it (at the
    ``written`` positions, when known); else from
    the beginning, ``part_size`` aggregates a part. ``progress`` is told the parts
    replayed so far, out of all of them."""
    ordered = sorted(selection.objectives, key=lambda u: u.int)
    if start is None:
        size = part_size or PART_AGGREGATES
        parts = [frozenset(ordered[i:i + size]) for i in range(0, len(ordered), size)]
        structure = selected_stepper(source, replace(selection, objectives=frozenset()),
                                     organization_id, cycle_id, known_at)
        base: Mapping[str, int] = {}
    else:
        grouped: dict[int, set[UUID]] = {}
        for aggregate in ordered:
            grouped.setdefault(bucket_of(aggregate, start.count), set()).add(aggregate)
        parts = [frozenset(grouped.get(b, ())) for b in range(start.count)]
        structure = _resumed(source, selection, selection.structure, start, STRUCTURE,
                             known_at, None)
        base = start.counts
    walked = [_Moment(checkpoint_at(structure, selection, moment), since)
              for moment, since in zip(moments, [None, *moments], strict=False)]
    del structure
    for done, members in enumerate(parts, 1):
        part = Selection(selection.head, members, frozenset())
        stepper = (selected_stepper(source, part, organization_id, cycle_id, known_at)
                   if start is None
                   else _resumed(source, part, members, start, done - 1, known_at, written))
        for moment, at in zip(moments, walked, strict=True):
            at.add(checkpoint_at(stepper, part, moment), base)
        if progress is not None:
            progress(done, len(parts))
    return [(at.state(selection), at.check_ins) for at in walked]


def _resumed(source: EventSource, selection: Selection, aggregates: frozenset[UUID],
             start: Buckets, bucket: int, known_at: datetime | None,
             written: Written | None) -> CycleStepper:
    """A stepper resuming from one bucket of a kept checkpoint, reading ``aggregates``'
    events written after it (at the ``written`` positions, when known)."""
    resumed = start.part(bucket)
    if written is None:
        notifications = notifications_of(source.recorder, aggregates, CATALOG_TOPICS,
                                         selection.head, after=start.read_to)
    else:
        notifications = notifications_at(
            source.recorder, [p for a in aggregates for p in written.get(a, ())],
            CATALOG_TOPICS)
    log = SelectedLog(source, notifications, selection.head)
    return resumed.stepper(CycleStepper(log, resumed.organization_id,  # type: ignore[arg-type]
                                        resumed.cycle_id, known_at=known_at))
