"""A rebuild's shadow rows, remembered in memory as they are written.

A catalog batch loads the rows of every objective it touches (its key results and
check-ins so far) before applying its events; during a rebuild those rows are the ones
the rebuild itself wrote moments before. Keeping them in memory turns each batch's load
into dictionary lookups. Only a shadow that started empty is complete in memory; past
``max_rows`` the rows are forgotten and batches load from the store again, as does a
rebuild whose position was moved by someone else.

When every table of the projection is remembered, the remembered rows *are* the
batch's working set: the batch's changes are applied to them as the events are, and
nothing is copied. The store is then written every ``flush_batches`` batches (and by
``flush``): the net changes of those batches with the position reached, in one
transaction, so a row changed by many events of the interval (an objective and its key
results, at every check-in) is written once, by COPY. A commit that fails (the shadow
moved under the rebuild) forgets the rows, so rows the store did not take are never
read again.
"""

from __future__ import annotations

from typing import Any

from projections.projection import Projection
from projections.stores.session import StoreSession, Target, Wanted
from projections.tables import ChangeSet, Table, Tables

MAX_REMEMBERED_ROWS = 2_000_000
"""About two gigabytes of rows (a 10,000-person quarter's catalog is some 800,000)."""
FLUSH_BATCHES = 10
"""Batches whose changes are written together (a rebuild killed in between resumes
from the last write)."""


class RememberedRows:
    def __init__(self, session: StoreSession, projection: Projection, *, empty: bool,
                 max_rows: int = MAX_REMEMBERED_ROWS,
                 flush_batches: int = FLUSH_BATCHES) -> None:
        self.session = session
        self.projection = projection
        self.max_rows = max_rows
        self.flush_batches = flush_batches
        self._pending: ChangeSet | None = None
        self._pending_batches = 0
        self._pending_span = (0, 0)
        self._target = Target.SHADOW
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
        if self.rows is not None and self._shared:
            # The rows already hold these changes: write them with the next flush.
            if self._pending is None:
                self._pending, self._pending_span = ChangeSet(), (expected, new)
                self._target = target
            self._pending.merge(changes)
            self._pending_span = (self._pending_span[0], new)
            self._pending_batches += 1
            if self._pending_batches >= self.flush_batches:
                return self.flush()
            return True
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

    def flush(self) -> bool:
        """Write the changes not yet written and the position they reach; False when
        the shadow moved under this rebuild (the rows are then forgotten)."""
        pending, self._pending, self._pending_batches = self._pending, None, 0
        if pending is None:
            return True
        expected, new = self._pending_span
        try:
            committed = self.session.commit(self.projection, self._target, pending,
                                            expected, new)
        except BaseException:
            self.rows = None
            raise
        if not committed:
            self.rows = None
            return False
        if self.rows is not None and sum(self.rows.count(t) for t in self._owned) > (
                self.max_rows):
            self.rows = None
        return True
