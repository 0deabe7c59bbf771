"""The memory store: rows in dicts, for tests and in-memory "as of" replays."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import TypeVar

from projections.projection import Projection
from projections.stores.session import SHADOW_SUFFIX, Target, Wanted, tracking_name
from projections.tables import ChangeSet, Table, Tables

R = TypeVar("R")


class MemoryStore:
    """All views of one in-memory database, guarded by one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._changed = threading.Condition(self.lock)
        self._views: dict[str, Tables] = {}
        self._positions: dict[str, int] = {}
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def view(self, name: str) -> Tables | None:
        """The live rows of a projection (hold ``lock`` while reading them)."""
        return self._views.get(name)

    def position_of(self, name: str) -> int:
        with self.lock:
            return self._positions.get(name, 0)

    def wait_for(self, name: str, position: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._positions.get(name, 0) < position:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def session(self) -> MemorySession:
        return MemorySession(self)

    # What sessions do, under the lock.

    def _reset(self, projection: Projection, name: str) -> None:
        self._views[name] = Tables(projection.tables)
        self._positions[name] = 0

    def _swap(self, projection: Projection) -> bool:
        live, shadow = (tracking_name(projection, t) for t in (Target.LIVE, Target.SHADOW))
        with self.lock:
            if shadow not in self._positions:
                return False
            if self._positions[shadow] < self._positions.get(live, 0):
                return False
            self._views[live] = self._views.pop(shadow)
            self._positions[live] = self._positions.pop(shadow)
            self._changed.notify_all()
            return True


class MemorySession:
    """A ``StoreSession`` over a ``MemoryStore``."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self._held: set[str] = set()

    def setup(self, projection: Projection) -> None:
        with self.store.lock:
            if self.store.view(projection.name) is None:
                self.store._reset(projection, projection.name)

    def position(self, projection: Projection, target: Target = Target.LIVE) -> int | None:
        with self.store.lock:
            return self.store._positions.get(tracking_name(projection, target))

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        tables = Tables(projection.tables)
        with self.store.lock:
            source = self.store.view(tracking_name(projection, target))
            assert source is not None
            for table, owners in wanted.items():
                for owner in owners:
                    for row in source.owned(table, owner):
                        tables.put(table, row)
        return tables

    def all_rows(self, table: Table[R], target: Target = Target.LIVE) -> list[R]:
        with self.store.lock:
            for name, view in self.store._views.items():
                shadow = name.endswith(SHADOW_SUFFIX)
                if table in view.tables and shadow == (target is Target.SHADOW):
                    return sorted(view.all(table), key=table.key_of)  # type: ignore[arg-type]
        return []

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool:
        name = tracking_name(projection, target)
        with self.store.lock:
            view = self.store.view(name)
            if view is None or self.store._positions.get(name) != expected:
                return False
            for table in projection.tables:
                for key in changes.deletes.get(table.name, ()):
                    view.delete(table, key)
                for row in changes.upserts.get(table.name, {}).values():
                    view.put(table, row)
            self.store._positions[name] = new
            self.store._changed.notify_all()
            return True

    def start_rebuild(self, projection: Projection, *, fresh: bool) -> int:
        name = tracking_name(projection, Target.SHADOW)
        with self.store.lock:
            if fresh or self.store.view(name) is None:
                self.store._reset(projection, name)
            return self.store._positions[name]

    def finish_rebuild(self, projection: Projection) -> bool:
        return self.store._swap(projection)

    def try_lock(self, name: str) -> bool:
        if name in self._held or not self.store._locks[name].acquire(blocking=False):
            return False
        self._held.add(name)
        return True

    def unlock(self, name: str) -> None:
        if name in self._held:
            self._held.discard(name)
            self.store._locks[name].release()

    def close(self) -> None:
        for name in list(self._held):
            self.unlock(name)
