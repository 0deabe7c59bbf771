"""A rebuild's shadow rows, remembered in memory as they are written.

A catalog batch loads the rows of every objective it touches (its key results and
check-ins so far) before applying its events; during a rebuild those rows are the ones
the rebuild itself wrote moments before. Keeping them in memory turns each batch's load
into dictionary lookups. Only a shadow that started empty is complete in memory; past
``max_rows`` the rows are forgotten and batches load from the store again, as does a
rebuild whose position was moved by someone else.

When every table of the projection is remembered, the remembered rows *are* the
batch's working set: the batch's changes are applied to them as the events are, and
nothing is copied. A commit that fails (the shadow moved under the rebuild) forgets
them, so rows the store did not take are never read again.
"""

from __future__ import annotations

from typing import Any

from projections.projection import Projection
from projections.stores.base import StoreSession, Target, Wanted
from projections.tables import ChangeSet, Table, Tables

MAX_REMEMBERED_ROWS = 2_000_000
"""About two gigabytes of rows (a 10,000-person quarter's catalog is some 800,000)."""


class RememberedRows:
    def __init__(self, session: StoreSession, projection: Projection, *, empty: bool,
                 max_rows: int = MAX_REMEMBERED_ROWS) -> None:
        self.session = session
        self.max_rows = max_rows
        self._owned: tuple[Table[Any], ...] = tuple(t for t in projection.tables if t.owner)
        self.rows: Tables | None = Tables(self._owned) if empty and self._owned else None
        self._shared = len(self._owned) == len(projection.tables)
        """Whether the remembered rows serve as the working set."""

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        if self.rows is None:
            return self.session.load(projection, target, wanted)
        if self._shared:
            return self.rows
        working = Tables(projection.tables)
        for table, owners in wanted.items():
            for owner in owners:
                for row in self.rows.owned(table, owner):
                    working.put(table, row)
        return working

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool:
        try:
            committed = self.session.commit(projection, target, changes, expected, new)
        except BaseException:
            self.rows = None  # the store may not hold what the shared rows do
            raise
        if not committed:
            self.rows = None  # the shadow moved under us: only the store knows it now
            return False
        if self.rows is not None and not self._shared:
            for table in self._owned:
                for key in changes.deletes.get(table.name, ()):
                    self.rows.delete(table, key)
                for row in changes.upserts.get(table.name, {}).values():
                    self.rows.put(table, row)
            if sum(self.rows.count(t) for t in self._owned) > self.max_rows:
                self.rows = None
        return True
