"""Bulk loading: many commands, one transaction per batch.

Inside ``OkrApplication.bulk()`` commands run exactly as usual (same validation, same
events), but what they would save is staged here and written in batches, and the
aggregates they touch stay in memory for the next command. It is for trusted loaders
(the data generator, imports) working alone on a store: there is no conflict retry, and
a command that fails part-way poisons the batch (its aggregates may hold half of its
changes), so the whole bulk load stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate


class BulkLoadError(RuntimeError):
    """A command failed inside a bulk load; nothing after the last flush was saved."""


class Bulk:
    def __init__(self, save: Callable[..., int], flush_every: int) -> None:
        self._save = save
        self.flush_every = flush_every
        self.staged: dict[UUID, Aggregate] = {}
        self.pending: list[Any] = []
        self.position = 0
        self.saved_events = 0
        self.poisoned: BaseException | None = None

    def get(self, aggregate_id: UUID) -> Aggregate | None:
        return self.staged.get(aggregate_id)

    def keep(self, aggregate: Aggregate) -> None:
        self.staged[aggregate.id] = aggregate

    def stage(self, aggregates: Iterable[Aggregate | None]) -> int:
        for aggregate in aggregates:
            if aggregate is None:
                continue
            # Events are taken in command order, so positions follow the commands.
            self.pending.extend(aggregate.collect_events())
            self.staged[aggregate.id] = aggregate
        if len(self.pending) >= self.flush_every:
            self.flush()
        return self.position

    def flush(self) -> int:
        if self.poisoned is not None:
            raise BulkLoadError("a command failed inside the bulk load") from self.poisoned
        if self.pending:
            events, self.pending = self.pending, []
            self.position = self._save(*events)
            self.saved_events += len(events)
        return self.position
