"""A whole cycle "as of" a moment, replayed part by part, for the answers that read its
objectives and key results alone (the alignment tree, the stretch analysis, OKR health).

Each aggregate's catalog rows depend on its own events alone (see
``projections.replay.subtree``), so the cycle's objectives and alignment proposals are
replayed ``PART_AGGREGATES`` at a time from their own events, read by aggregate, and the
organization's people and teams once beside them. Each part leaves its objectives', key
results' and proposals' rows and the count of its events; its check-ins and events are
dropped before the next part is read. So an answer about a whole quarter holds one
part's events at a time and the rows it reports, never the quarter's check-ins or log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES, PROPOSALS
from projections.replay.checkpoints import Checkpoint
from projections.replay.cycle_state import CycleState, RowSets
from projections.replay.stepping import Frontier
from projections.replay.subtree import (
    Selection,
    grounds,
    subtree_checkpoint,
    tail,
    with_live_rows,
)
from projections.replay.subtree_reads import cycle_members
from projections.source import EventSource
from projections.stores.database import Database
from projections.tables import Table

PART_AGGREGATES = 250
"""Objectives and proposals replayed together (a part holds their events and check-ins)."""
PART_TABLES = (OBJECTIVES, KEY_RESULTS, PROPOSALS)


def select_cycle(source: EventSource, database: Database, organization_id: UUID,
                 cycle_id: UUID, moment: datetime,
                 known_at: datetime | None = None) -> Selection | None:
    """Every aggregate of the cycle, as of any moment (None: the read models are too far
    behind the log)."""
    found = grounds(source, database, organization_id, cycle_id, moment, known_at,
                    lambda session, reader: cycle_members(session, reader, organization_id,
                                                          cycle_id))
    if found is None:
        return None
    ground, members = found
    for event in tail(source, ground.covered, ground.head):
        if event.organization_id != organization_id:
            continue
        if event.cycle_id == cycle_id:
            members.add(event.originator_id)
        elif event.cycle_id is None:
            ground.structure.add(event.originator_id)
    return Selection(ground.head, frozenset(members - ground.structure),
                     frozenset(ground.structure), ground.live())


def cycle_in_parts(source: EventSource, selection: Selection, organization_id: UUID,
                   cycle_id: UUID, moment: datetime, known_at: datetime | None = None,
                   part_size: int | None = None) -> tuple[Checkpoint, CycleState]:
    """The cycle as of ``moment`` (valid time), as recorded by ``known_at``, without its
    check-ins (``CycleState.check_ins_held`` is false; their number is in the counts),
    and a checkpoint to tell whether it still holds (it holds no rows)."""
    structure = subtree_checkpoint(source, replace(selection, objectives=frozenset()),
                                   organization_id, cycle_id, moment, known_at)
    counts = Counter(structure.frontier.counts)
    kept: dict[str, list[Any]] = {table.name: [] for table in PART_TABLES}
    position, changed_at = structure.position, structure.changed_at
    valid_until = structure.valid_until
    ordered = sorted(selection.objectives, key=lambda u: u.int)
    size = part_size or PART_AGGREGATES
    for start in range(0, len(ordered), size):
        part = Selection(selection.head, frozenset(ordered[start:start + size]),
                         frozenset())
        checkpoint = subtree_checkpoint(source, part, organization_id, cycle_id, moment,
                                        known_at)
        for table, rows in checkpoint.rows:
            if table.name in kept:
                kept[table.name] += rows
        counts.update(checkpoint.frontier.counts)
        position = max(position, checkpoint.position)
        valid_until = min(valid_until, checkpoint.valid_until)
        if checkpoint.changed_at is not None and (changed_at is None
                                                  or checkpoint.changed_at > changed_at):
            changed_at = checkpoint.changed_at
    # The catalog's rows of people and teams stand for events a whole replay applies.
    position = max([position, *(row.position for _, rows in selection.live for row in rows)])
    rows: RowSets = tuple((table, table_rows) for table, table_rows
                          in with_live_rows(structure.rows, selection.live)
                          if table.name not in kept and table is not CHECK_INS)
    parts: tuple[tuple[Table[Any], tuple[Any, ...]], ...] = tuple(
        (table, tuple(kept[table.name])) for table in PART_TABLES)
    state = CycleState.of_rows(organization_id, cycle_id, rows + parts, position, changed_at,
                               counts, valid_until, check_ins_held=False)
    watch = Checkpoint(organization_id, cycle_id, known_at, (), position,
                       Frontier(read_to=selection.head), valid_until, selection.head)
    return watch, state
