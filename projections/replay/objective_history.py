"""One objective's history: its events in order, with its rows after each one.

The catalog projection changes only the rows of the event's own aggregate, so the
objective's own events, replayed in memory through it, give its state at every step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from projections.catalog.rows import CheckInRow, KeyResultRow, ObjectiveRow
from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES
from projections.projection import Event
from projections.replay.catalog_session import CATALOG, TablesSession, apply_events
from projections.tables import Tables


@dataclass(frozen=True)
class ObjectiveStep:
    """The objective right after the event at ``position``."""

    position: int
    event: Event
    objective: ObjectiveRow | None
    key_results: tuple[KeyResultRow, ...]
    check_ins: tuple[CheckInRow, ...]


def objective_steps(events: Sequence[tuple[int, Event]]) -> list[ObjectiveStep]:
    """``events``: (position, event) of one objective, in position order."""
    session = TablesSession(Tables(CATALOG.tables))
    steps: list[ObjectiveStep] = []
    for position, event in events:
        apply_events(session, [(position, event)])
        tables = session.tables
        objective_id = event.originator_id
        steps.append(ObjectiveStep(
            position=position, event=event, objective=tables.get(OBJECTIVES, objective_id),
            key_results=tuple(sorted(tables.owned(KEY_RESULTS, objective_id),
                                     key=lambda k: k.sort_index)),
            check_ins=tuple(sorted(tables.owned(CHECK_INS, objective_id),
                                   key=lambda c: (c.applies_at, c.sequence, c.id.int)))))
    return steps
