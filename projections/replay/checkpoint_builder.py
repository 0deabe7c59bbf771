"""Keeping "as of" checkpoints in the store as the log grows.

For each cycle, a build resumes from the checkpoint kept furthest along (or starts
from the log's beginning) and reads on in whole steps of ``every_events`` positions;
after each step it keeps a checkpoint of every event read that is due by when the
step's last event counts from (so checkpoints follow the bulk of the log in valid time,
whatever few events are stamped far out of order), never later than the safe past
(``until``: commits may still land with earlier timestamps after it). A replay asked
about a moment then loads the kept checkpoint furthest along before that moment and
reads on from its position (events written later may still be due by the moment: late
check-ins, corrections, closes stamped earlier), applying only what is due.

Checkpoints are kept without a horizon and as known now (everything recorded), so any
later question may resume from one. Building is idempotent: with less than a step
written since the last one kept, a build keeps nothing, and two processes building at
once write the same rows once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from projections.gc_pause import paused_gc
from projections.replay.checkpoints import FOREVER, Checkpoint
from projections.replay.kept import KeptCheckpoints
from projections.replay.stepping import READ_BATCH, CycleStepper
from projections.source import EventSource

DEFAULT_KEEP_EVERY = 100_000
"""Log positions between two kept checkpoints of a cycle."""

EARLIEST = datetime.min.replace(tzinfo=UTC)

BuildProgress = Callable[[int, int], None]
"""(position read, head of the log)."""


@dataclass(frozen=True)
class Built:
    kept: int
    read_to: int


class CheckpointBuilder:
    def __init__(self, source: EventSource, kept: KeptCheckpoints, *,
                 every_events: int = DEFAULT_KEEP_EVERY,
                 batch_size: int = READ_BATCH) -> None:
        self.source = source
        self.kept = kept
        self.every_events = every_events
        self.batch_size = batch_size

    def build(self, organization_id: UUID, cycle_id: UUID, until: datetime,
              progress: BuildProgress | None = None) -> Built:
        """Keep checkpoints of the cycle up to the log's head, applied at most to
        ``until``; how many were kept."""
        key = (organization_id, cycle_id, None)
        head = self.source.head()
        read_to = self.kept.furthest_read(key, until, FOREVER)
        if head - read_to < self.every_events:
            return Built(0, read_to)  # not a whole step to read: nothing loaded
        template = CycleStepper(self.source, organization_id, cycle_id,
                                batch_size=self.batch_size)
        base = self.kept.latest(key, until, FOREVER)
        stepper = template if base is None else base.stepper(template)
        kept = 0
        with paused_gc():
            # Whole steps only: the newest checkpoint is at most a step behind the head,
            # and a build with less than a step to read keeps nothing.
            while head - stepper.read_to >= self.every_events:
                limit = stepper.read_to + self.every_events
                # Read the step (applying only what was due before it), then apply what
                # is due by the time of the last event it read.
                floor = stepper.applied_until or EARLIEST
                stepper.advance(floor, read_limit=limit)
                stepper.advance(self._due_by(stepper, floor, until), read_limit=limit)
                self.kept.keep(Checkpoint.of(stepper))
                kept += 1
                if progress is not None:
                    progress(stepper.read_to, head)
        return Built(kept, stepper.read_to)

    @staticmethod
    def _due_by(stepper: CycleStepper, floor: datetime, until: datetime) -> datetime:
        """When the last event read counts from (the bulk of a step's events, whatever
        the few stamped far out of order), within the safe past, never back in time."""
        if not stepper.pending:
            return floor
        return max(floor, min(until, stepper.pending[-1].valid))
