"""Answers "as of" a moment (valid time), as known at a moment (transaction time), for
one organization's cycle, from checkpoints when it can.

A question about moment D is served by a kept checkpoint that covers D when nothing
relevant was written since it was made; otherwise the replay resumes from the kept
checkpoint furthest along before D (or from the start of the log), reads the log to its
head, and applies the events due by D, checkpointing every ``every_events`` applied
events on the way. A timeline walks one replay through its moments in order.

A replay keeps in memory only the events it may still apply: those due up to its
horizon, a week past the latest moment asked for. A question past the horizon of every
kept checkpoint starts from the log's beginning again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from heapq import nsmallest
from typing import TypeVar
from uuid import UUID

from projections.gc_pause import paused_gc
from projections.replay.catalog_session import CATALOG_TOPICS
from projections.replay.checkpoints import Checkpoint, CheckpointCache, CycleKey
from projections.replay.cycle_state import CycleState
from projections.replay.kept import KeptCheckpoints
from projections.replay.stepping import READ_BATCH, CycleStepper, Progress, concerns
from projections.source import EventSource

T = TypeVar("T")

DEFAULT_EVERY_EVENTS = 25_000
HORIZON_SLACK = timedelta(days=7)


class AsOfReplayer:
    def __init__(self, source: EventSource, cache: CheckpointCache | None = None, *,
                 every_events: int = DEFAULT_EVERY_EVENTS,
                 batch_size: int = READ_BATCH, kept: KeptCheckpoints | None = None) -> None:
        self.source = source
        self.cache = cache or CheckpointCache()
        self.kept = kept
        self.every_events = every_events
        self.batch_size = batch_size

    def state_at(self, organization_id: UUID, cycle_id: UUID, moment: datetime,
                 progress: Progress | None = None, *,
                 known_at: datetime | None = None) -> CycleState:
        """The cycle's rows as of ``moment``, as recorded by ``known_at`` (None: all
        recorded so far)."""
        return self.sample(organization_id, cycle_id, [moment], lambda s: s, progress,
                           known_at=known_at)[0]

    def sample(self, organization_id: UUID, cycle_id: UUID, moments: Sequence[datetime],
               sample: Callable[[CycleState], T], progress: Progress | None = None, *,
               known_at: datetime | None = None) -> list[T]:
        """``sample`` of the state at each moment, in the order of the moments."""
        key: CycleKey = (organization_id, cycle_id, known_at)
        order = sorted(range(len(moments)), key=lambda i: moments[i])
        results: dict[int, T] = {}
        # The replay keeps only what moments up to a week past the latest asked for
        # need: later questions nearby go on from its checkpoints, others start afresh.
        horizon = None if not moments else max(moments) + HORIZON_SLACK
        with self.cache.building(key), paused_gc():
            stepper: CycleStepper | None = None
            for index in order:
                moment = moments[index]
                hit = self.cache.covering(key, moment)
                if hit is not None and self.fresh(hit):
                    self.cache.stats.hits += 1
                    results[index] = sample(hit.state)
                    continue
                self.cache.stats.misses += 1
                stepper = self._resume(key, moment, stepper, progress, horizon)
                results[index] = sample(self._reach(stepper, moment).state)
        return [results[i] for i in range(len(moments))]

    def fresh(self, checkpoint: Checkpoint) -> bool:
        """Was nothing relevant to the checkpoint's cycle written since it was made?"""
        while True:
            notifications = self.source.recorder.select_notifications(
                start=checkpoint.checked_to + 1, limit=self.batch_size, topics=CATALOG_TOPICS)
            if not notifications:
                return True
            for notification in notifications:
                event = self.source.decode(notification)
                if concerns(event, checkpoint.organization_id, checkpoint.cycle_id):
                    return False
            checkpoint.checked_to = notifications[-1].id

    def _new_stepper(self, key: CycleKey, progress: Progress | None,
                     horizon: datetime | None = None) -> CycleStepper:
        return CycleStepper(self.source, key[0], key[1], known_at=key[2], horizon=horizon,
                            batch_size=self.batch_size, progress=progress)

    def _resume(self, key: CycleKey, moment: datetime, current: CycleStepper | None,
                progress: Progress | None, horizon: datetime | None) -> CycleStepper:
        """Go on with ``current`` unless it is past ``moment`` or a kept checkpoint is
        further along."""
        if current is not None and current.applied_until is not None \
                and current.applied_until > moment:
            current = None
        base = self.cache.latest_until(key, moment, horizon)
        further = self._kept_beyond(key, moment, horizon, current, base)
        if further is not None:
            base = further
        if base is None:
            return current or self._new_stepper(key, progress, horizon)
        if current is not None and current.applied_until is not None \
                and base.applied_until <= current.applied_until:
            return current
        return base.stepper(self._new_stepper(key, progress, horizon))

    def _kept_beyond(self, key: CycleKey, moment: datetime, horizon: datetime | None,
                     current: CycleStepper | None, base: Checkpoint | None) -> Checkpoint | None:
        """A checkpoint kept in the store that is further along than the one kept in
        memory (None: none is, or a walk through moments is under way: it has read the
        log already and goes on more cheaply than a resumed replay would)."""
        if self.kept is None or current is not None:
            return None
        found = self.kept.latest(key, moment, horizon or moment,
                                 after=base.applied_until if base else None)
        return None if found is None else self.cache.add(found)

    def _reach(self, stepper: CycleStepper, moment: datetime) -> Checkpoint:
        while True:
            target = self._chunk_end(stepper, moment)
            self.cache.stats.replayed_events += stepper.advance(target)
            checkpoint = self.cache.add(Checkpoint.of(stepper))
            if target >= moment:
                return checkpoint

    def _chunk_end(self, stepper: CycleStepper, limit: datetime) -> datetime:
        """A moment at most ``limit`` by which about ``every_events`` more events are due
        (events sharing one valid time are never split)."""
        stamps = [w.valid for w in stepper.pending if w.valid <= limit]
        if len(stamps) <= self.every_events:
            return limit
        end = nsmallest(self.every_events, stamps)[-1]
        if stepper.applied_until is not None and end <= stepper.applied_until:
            return limit
        return end
