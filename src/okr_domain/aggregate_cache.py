"""Aggregates kept between commands, so a command does not load them from scratch.

An objective is about 25 events: decoding and applying them was a third of a
check-in's time. The library's own cache deep-copies the cached aggregate on every
read (as costly, for an objective, as loading it again), because a command could
mutate it and then fail. This cache hands aggregates over instead: a command *takes*
an aggregate out (no one else can see it while the command runs), brings it up to
date with the events stored since (one indexed query: other processes write too), and
gives it back only when the command succeeded and the aggregate has nothing unsaved.
A failed or conflicting attempt gives nothing back, so its changes never reach another
command; the retry loads afresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID

DEFAULT_SIZE = 10_000
"""Aggregates kept per process (an objective with its check-ins: a few kilobytes)."""

_held: ContextVar[dict[UUID, Any] | None] = ContextVar("okr_held_aggregates", default=None)


class AggregateCache:
    """A bounded, least-recently-used store of aggregates handed between commands."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._size = size
        self._kept: OrderedDict[UUID, Any] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._size > 0

    def __len__(self) -> int:
        return len(self._kept)

    @staticmethod
    def in_command() -> bool:
        return _held.get() is not None

    def take(self, aggregate_id: UUID) -> Any | None:
        """The kept aggregate, removed from the cache (the caller owns it), or None."""
        if _held.get() is None:
            return None
        with self._lock:
            return self._kept.pop(aggregate_id, None)

    def hold(self, aggregate: Any) -> None:
        """Note an aggregate the running command loaded or saved, to give back."""
        held = _held.get()
        if held is not None:
            held[aggregate.id] = aggregate

    @contextmanager
    def command(self) -> Iterator[None]:
        """One command attempt: what it held is given back if it succeeds."""
        if not self.enabled or _held.get() is not None:
            yield
            return
        held: dict[UUID, Any] = {}
        token = _held.set(held)
        try:
            yield
        finally:
            _held.reset(token)
        # Only reached when the attempt succeeded (an exception skips this).
        self._give_back(held.values())

    def _give_back(self, aggregates: Any) -> None:
        with self._lock:
            for aggregate in aggregates:
                if aggregate.pending_events:
                    continue  # changed and not saved: never shared
                self._kept[aggregate.id] = aggregate
                self._kept.move_to_end(aggregate.id)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
