"""The catalog projection applied to rows held in memory: the session replays use with
``apply_batch``, and the rows of a replay as immutable sets."""

from __future__ import annotations

from collections.abc import Sequence

from projections.projection import Event, Projection
from projections.registry import projection
from projections.replay.cycle_state import RowSets
from projections.running.batches import apply_batch
from projections.stores.session import Target, Wanted
from projections.tables import ChangeSet, Tables

CATALOG: Projection = projection("catalog")
CATALOG_TOPICS: tuple[str, ...] = tuple(sorted(CATALOG.topics or ()))
APPLY_CHUNK = 5_000


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
