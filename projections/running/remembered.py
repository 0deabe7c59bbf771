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
read again. A projection whose tables have no owner column (nothing is ever loaded back)
has its changes written the same way.

Such a write goes on in a thread of its own while the next batches are applied, so the
database's work on it (the COPY, the indexes) overlaps the rebuild's Python work (on
another core). One write at a time: the next waits for it, and its outcome (a failure,
a moved shadow) is reported by the next ``commit`` or ``flush``. Rows handed to a write
are never changed afterwards: a projection changes a row by putting a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[bool] | None = None

    @property
    def _deferred(self) -> bool:
        """Whether commits are gathered and written every ``flush_batches`` batches."""
        return (self.rows is not None and self._shared) or not self._owned

    def working_set(self) -> Tables | None:
        """The remembered rows when they serve as every batch's working set (a batch
        then needs no list of the owners it touches), else None."""
        return self.rows if self._shared else None

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        if not self._owned:  # nothing to load (and a write may be using the session)
            return Tables(projection.tables)
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
        if self._deferred:
            # The rows already hold these changes (or nothing reads them back): write
            # them with the next flush.
            if self._pending is None:
                self._pending, self._pending_span = ChangeSet(), (expected, new)
                self._target = target
            self._pending.merge(changes)
            self._pending_span = (self._pending_span[0], new)
            self._pending_batches += 1
            if self._pending_batches >= self.flush_batches:
                return self.flush(wait=False)
            return True
        if not self._settle():
            return False
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

    def flush(self, *, wait: bool = True) -> bool:
        """Write the changes not yet written and the position they reach; False when
        the shadow moved under this rebuild (the rows are then forgotten). Unless
        ``wait``, the write goes on in the background (its outcome comes with the next
        call)."""
        if not self._settle():
            return False
        pending, self._pending, self._pending_batches = self._pending, None, 0
        if pending is None:
            return True
        expected, new = self._pending_span
        too_many = self.rows is not None and sum(
            self.rows.count(t) for t in self._owned) > self.max_rows
        if wait or too_many:
            committed = self._outcome(lambda: self._write(pending, expected, new))
            if too_many:
                self.rows = None  # batches load from the store from here on
            return committed
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="rebuild-writer")
        self._writing = self._writer.submit(self._write, pending, expected, new)
        return True

    def _write(self, changes: ChangeSet, expected: int, new: int) -> bool:
        return self.session.commit(self.projection, self._target, changes, expected, new)

    def _settle(self) -> bool:
        """Wait for the write under way, if any; False when it did not commit (what
        was gathered since, built on it, is dropped with the rows)."""
        writing, self._writing = self._writing, None
        if writing is None or self._outcome(writing.result):
            return True
        self._pending, self._pending_batches = None, 0
        return False

    def _outcome(self, write: Callable[[], bool]) -> bool:
        try:
            committed = write()
        except BaseException:
            self.rows = None  # the store may not hold what the remembered rows do
            raise
        if not committed:
            self.rows = None  # the shadow moved under us: only the store knows it now
        return committed

    def close(self) -> None:
        """Wait for the write under way (its outcome dropped: the caller is leaving)."""
        writing, self._writing = self._writing, None
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        if writing is not None and writing.exception() is not None:
            self.rows = None
