"""Answers "as of" a moment for one organization's cycle, from checkpoints when it can.

A question about moment D is served by a kept checkpoint that covers D; otherwise the
replay resumes from the kept checkpoint furthest along before D (or from the start of
the log), checkpointing every ``every_events`` applied events on the way, and the
state at D is kept too when D lies in the safe past. A timeline walks one replay
through its moments in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID

from projections.checkpoints import Checkpoint, CheckpointCache, CycleKey
from projections.cycle_state import CycleState
from projections.source import EventSource
from projections.stepping import MARGIN, READ_BATCH, CycleStepper, Progress, paused_gc

T = TypeVar("T")

DEFAULT_EVERY_EVENTS = 25_000


class AsOfReplayer:
    def __init__(self, source: EventSource, cache: CheckpointCache | None = None, *,
                 every_events: int = DEFAULT_EVERY_EVENTS, margin: timedelta = MARGIN,
                 batch_size: int = READ_BATCH) -> None:
        self.source = source
        self.cache = cache or CheckpointCache()
        self.every_events = every_events
        self.margin = margin
        self.batch_size = batch_size

    def state_at(self, organization_id: UUID, cycle_id: UUID, moment: datetime,
                 progress: Progress | None = None) -> CycleState:
        """The cycle's rows as of ``moment`` (every event recorded at or before it)."""
        return self.sample(organization_id, cycle_id, [moment], lambda s: s, progress)[0]

    def sample(self, organization_id: UUID, cycle_id: UUID, moments: Sequence[datetime],
               sample: Callable[[CycleState], T],
               progress: Progress | None = None) -> list[T]:
        """``sample`` of the state at each moment, in the order of the moments."""
        key: CycleKey = (organization_id, cycle_id)
        order = sorted(range(len(moments)), key=lambda i: moments[i])
        results: dict[int, T] = {}
        with self.cache.building(key), paused_gc():
            stepper: CycleStepper | None = None
            for index in order:
                moment = moments[index]
                hit = self.cache.covering(key, moment)
                if hit is not None:
                    self.cache.stats.hits += 1
                    results[index] = sample(hit.state)
                    continue
                self.cache.stats.misses += 1
                stepper = self._resume(key, moment, stepper, progress)
                results[index] = sample(self._reach(stepper, moment).state)
        return [results[i] for i in range(len(moments))]

    def _new_stepper(self, key: CycleKey, progress: Progress | None) -> CycleStepper:
        return CycleStepper(self.source, key[0], key[1], margin=self.margin,
                            batch_size=self.batch_size, progress=progress)

    def _resume(self, key: CycleKey, moment: datetime, current: CycleStepper | None,
                progress: Progress | None) -> CycleStepper:
        """Go on with ``current`` unless a kept checkpoint saves more than a chunk of
        replay (restoring one costs about as much as replaying a chunk)."""
        if current is not None and current.applied_until is not None \
                and current.applied_until > moment:
            current = None
        base = self.cache.latest_until(key, moment)
        if base is None:
            return current or self._new_stepper(key, progress)
        if current is not None and base.position - current.position <= self.every_events:
            return current
        return base.stepper(self._new_stepper(key, progress))

    def _reach(self, stepper: CycleStepper, moment: datetime) -> Checkpoint:
        while True:
            target = stepper.chunk_end(self.every_events, moment)
            self.cache.stats.replayed_events += stepper.advance(target)
            checkpoint = self.cache.add(Checkpoint.of(stepper))
            if target >= moment:
                return checkpoint
