"""One objective's subtree "as of" a moment, replayed from the events of the aggregates
it can hold, not from the log's beginning.

Its aggregates are replayed as ``projections.replay.chosen_aggregates`` says. The
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

from datetime import datetime
from uuid import UUID

from okr_domain import objective_events as ev
from projections.replay.checkpoints import Checkpoint
from projections.replay.chosen_aggregates import (
    LINKS,
    Selection,
    checkpoint_at,
    grounds,
    selected_stepper,
    tail,
)
from projections.replay.subtree_reads import linked_objectives
from projections.source import EventSource
from projections.stores.database import Database


def select(source: EventSource, database: Database, organization_id: UUID, cycle_id: UUID,
           root: UUID, moment: datetime, known_at: datetime | None = None,
           ) -> Selection | None:
    """The aggregates the subtree of ``root`` can hold, as of any moment (None: the read
    models are too far behind the log)."""
    found = grounds(source, database, organization_id, cycle_id, moment, known_at,
                    lambda session, _, __: linked_objectives(session, LINKS, organization_id,
                                                         cycle_id, root))
    if found is None:
        return None
    ground, (below, above) = found
    tail_links: list[tuple[UUID, UUID]] = []
    for _, event in tail(source, ground.covered, ground.head):
        if event.organization_id != organization_id:
            continue
        if isinstance(event, ev.Aligned) and event.cycle_id == cycle_id:
            tail_links.append((event.originator_id, event.parent_id))
        elif event.cycle_id is None:
            ground.structure.add(event.originator_id)
    # Links recorded after the read model's position join the walk down (and up).
    above |= {parent for child, parent in tail_links if child == root}
    while True:
        more = {child for child, parent in tail_links if parent in below} - below
        if not more:
            break
        below |= more
    return Selection(ground.head, frozenset(below | above), frozenset(ground.structure),
                     ground.live())


def subtree_checkpoint(source: EventSource, selection: Selection, organization_id: UUID,
                       cycle_id: UUID, moment: datetime,
                       known_at: datetime | None = None) -> Checkpoint:
    """The selected aggregates replayed as of ``moment`` (valid time), as recorded by
    ``known_at``: a checkpoint read to ``selection.head``."""
    stepper = selected_stepper(source, selection, organization_id, cycle_id, known_at)
    return checkpoint_at(stepper, selection, moment)
