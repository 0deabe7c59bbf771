"""Bulk loading: many commands, one transaction per batch.

Inside ``OkrApplication.bulk()`` commands run exactly as usual (same validation, same
events), but what they would save is staged here and written in batches, and the
aggregates they touch stay in memory for the next command. It is for trusted loaders
(the data generator, imports) working alone on a store: there is no conflict retry, and
a command that fails part-way poisons the batch (its aggregates may hold half of its
changes), so the whole bulk load stops.

With ``background=True`` a full batch is written by a saver thread while the commands
go on staging the next one (at most one batch in flight, so memory stays bounded). The
batches are written one after the other in staging order, so positions, events and
snapshots are the same as without it; ``flush()`` waits for everything.

A bulk load that starts on an empty store knows every aggregate there is: those it
staged, and those it was told to ``forget`` (saved, then dropped from memory). Looking
up any other id then needs no query: it does not exist.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate


class BulkLoadError(RuntimeError):
    """A command failed inside a bulk load; nothing after the last flush was saved."""


class Bulk:
    def __init__(self, save: Callable[..., int], flush_every: int, *,
                 background: bool = False, empty_store: bool = False) -> None:
        self._save = save
        self._knows_all = empty_store
        self._forgotten: set[UUID] = set()
        self.flush_every = flush_every
        self.staged: dict[UUID, Aggregate] = {}
        self.pending: list[Any] = []
        self.position = 0
        self.saved_events = 0
        self.poisoned: BaseException | None = None
        self._saver = (ThreadPoolExecutor(1, thread_name_prefix="okr-bulk-save")
                       if background else None)
        self._in_flight: tuple[Future[int], int] | None = None

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        return self.staged.get(aggregate_id)

    def keep(self, aggregate: Aggregate) -> None:
        self.staged[aggregate.id] = aggregate

    def may_be_stored(self, aggregate_id: UUID) -> bool:
        """Whether the store may hold this aggregate although it is not staged (False:
        it does not exist, no need to look)."""
        return not self._knows_all or aggregate_id in self._forgotten

    def forget(self, aggregate_id: UUID) -> None:
        """Drop a saved aggregate from memory; it is loaded again when needed. Flush
        first: what is still pending for it must be saved."""
        if self.staged.pop(aggregate_id, None) is not None:
            self._forgotten.add(aggregate_id)

    def stage(self, aggregates: Iterable[Aggregate | None]) -> int:
        for aggregate in aggregates:
            if aggregate is None:
                continue
            # Events are taken in command order, so positions follow the commands.
            self.pending.extend(aggregate.collect_events())
            self.staged[aggregate.id] = aggregate
        if len(self.pending) >= self.flush_every:
            if self._saver is None:
                self.flush()
            else:
                self._hand_over()
        return self.position

    def flush(self) -> int:
        """Save everything staged (and wait for a batch in flight); the last position."""
        if self.poisoned is not None:
            self._wait()
            raise BulkLoadError("a command failed inside the bulk load") from self.poisoned
        if self._saver is None:
            if self.pending:
                events, self.pending = self.pending, []
                self._saved(self._save(*events), len(events))
            return self.position
        self._hand_over()
        self._wait()
        return self.position

    def close(self) -> None:
        """Stop the saver thread (after a final ``flush()``, or when giving up)."""
        if self._saver is not None:
            self._saver.shutdown(wait=True)

    def _saved(self, position: int, count: int) -> None:
        self.position = position
        self.saved_events += count

    def _hand_over(self) -> None:
        self._wait()  # one batch in flight at most; its failure stops the load here
        if not self.pending or self._saver is None:
            return
        events, self.pending = self.pending, []
        # The saver runs in this thread's context (the simulated clock, seeded ids).
        context = contextvars.copy_context()
        self._in_flight = (self._saver.submit(context.run, self._save, *events), len(events))

    def _wait(self) -> None:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None:
            future, count = in_flight
            self._saved(future.result(), count)
