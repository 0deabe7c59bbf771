"""Checkpoints of in-memory cycle replays, kept in a bounded cache.

A checkpoint is the replayed rows of one organization's cycle after every event due by
``applied_until`` (valid time) among those recorded by ``known_at`` (None: all), with
the replay's place in the log (so a replay can resume from it). It answers "as of" any
moment from ``changed_at`` (the latest valid time it holds) up to ``valid_until``
(exclusive: the earliest valid time of an event read and not yet applied), as long as
no relevant event was written after ``checked_to``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from uuid import UUID

from projections.replay.catalog_session import rows_of
from projections.replay.cycle_state import CycleState, RowSets
from projections.replay.stepping import CycleStepper, Frontier

CycleKey = tuple[UUID, UUID, datetime | None]
"""(organization id, cycle id, known at)."""
FOREVER = datetime.max.replace(tzinfo=UTC)

DEFAULT_MAX_ROWS = 8_000_000
DEFAULT_MAX_CHECKPOINTS = 256


@dataclass(eq=False)
class Checkpoint:
    organization_id: UUID
    cycle_id: UUID
    known_at: datetime | None
    rows: RowSets
    position: int
    frontier: Frontier
    valid_until: datetime
    """Exclusive (``FOREVER`` when no event read can still become due)."""
    checked_to: int = field(default=0)
    """No relevant event was written after ``frontier.read_to`` up to here."""

    @classmethod
    def of(cls, stepper: CycleStepper) -> Checkpoint:
        frontier = stepper.frontier()
        assert frontier.applied_until is not None
        upcoming = stepper.next_change_at()
        until = FOREVER if upcoming is None else upcoming
        if stepper.horizon is not None:  # nothing is known past it
            until = min(until, stepper.horizon + timedelta(microseconds=1))
        return cls(stepper.organization_id, stepper.cycle_id, stepper.known_at,
                   rows_of(stepper.tables), stepper.position, frontier, until,
                   frontier.read_to)

    @property
    def key(self) -> CycleKey:
        return self.organization_id, self.cycle_id, self.known_at

    @property
    def applied_until(self) -> datetime:
        assert self.frontier.applied_until is not None
        return self.frontier.applied_until

    @property
    def changed_at(self) -> datetime | None:
        return self.frontier.changed_at

    @property
    def safe(self) -> bool:
        return True

    @property
    def size(self) -> int:
        """Rows held (for the cache's budget)."""
        return sum(len(rows) for _, rows in self.rows) + len(self.frontier.pending)

    def same_rows(self, other: Checkpoint) -> bool:
        """Both hold the same events (and so the same rows), read as far."""
        return (self.key, self.position, self.frontier.read_to,
                sum(self.frontier.counts.values())) \
            == (other.key, other.position, other.frontier.read_to,
                sum(other.frontier.counts.values()))

    def reaches(self, moment: datetime) -> bool:
        """Can a replay resumed from here go on to ``moment``?"""
        return self.frontier.horizon is None or moment <= self.frontier.horizon

    def covers(self, moment: datetime) -> bool:
        if moment >= self.valid_until:
            return False
        return self.changed_at is None or self.changed_at <= moment

    @cached_property
    def state(self) -> CycleState:
        return CycleState.of_rows(self.organization_id, self.cycle_id, self.rows,
                                  self.position, self.changed_at, self.frontier.counts,
                                  self.valid_until)

    def stepper(self, stepper: CycleStepper) -> CycleStepper:
        """A stepper resuming from here (``stepper`` gives the source and settings, and
        the moment of recording it replays as of: this checkpoint's own, or a later one
        when nothing it read was recorded after that)."""
        frontier = self.frontier
        if frontier.horizon is None and stepper.horizon is not None:
            # Going no further than the new replay's horizon, it need not keep what is
            # due after it (events already waiting hold their aggregates back as
            # leaving them out would).
            frontier = replace(frontier, horizon=stepper.horizon)
        return CycleStepper(stepper.source, self.organization_id, self.cycle_id,
                            rows=self.rows, position=self.position, frontier=frontier,
                            known_at=stepper.known_at, batch_size=stepper.batch_size,
                            progress=stepper.progress)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    replayed_events: int = 0
    checkpoints_added: int = 0
    checkpoints_evicted: int = 0


class CheckpointCache:
    """Safe checkpoints per cycle, least recently used evicted first, bounded by the
    number of rows held and the number of checkpoints."""

    def __init__(self, max_rows: int = DEFAULT_MAX_ROWS,
                 max_checkpoints: int = DEFAULT_MAX_CHECKPOINTS) -> None:
        self.max_rows = max_rows
        self.max_checkpoints = max_checkpoints
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._by_key: dict[CycleKey, list[Checkpoint]] = {}
        self._recent: OrderedDict[int, Checkpoint] = OrderedDict()
        self._rows = 0
        self._building: dict[CycleKey, threading.Lock] = {}

    def building(self, key: CycleKey) -> threading.Lock:
        """The lock that lets one replay of a cycle run at a time in this process."""
        with self._lock:
            return self._building.setdefault(key, threading.Lock())

    def covering(self, key: CycleKey, moment: datetime) -> Checkpoint | None:
        with self._lock:
            found = next((c for c in self._by_key.get(key, ())
                          if c.covers(moment) and c.reaches(moment)), None)
            if found is not None:
                self._recent.move_to_end(id(found))
            return found

    def latest_until(self, key: CycleKey, moment: datetime,
                     reach: datetime | None = None) -> Checkpoint | None:
        """The checkpoint furthest along that is not past ``moment`` and from which a
        replay can go on to ``reach`` (default: ``moment``)."""
        reach = moment if reach is None else reach
        with self._lock:
            found = None
            for checkpoint in self._by_key.get(key, ()):
                if checkpoint.applied_until <= moment and checkpoint.reaches(reach):
                    found = checkpoint
            if found is not None:
                self._recent.move_to_end(id(found))
            return found

    def add(self, checkpoint: Checkpoint) -> Checkpoint:
        """Keep a checkpoint of the safe past; the one kept with the same rows (this one,
        or one kept before), or the one given when it is not kept."""
        if checkpoint.size > self.max_rows:
            return checkpoint
        with self._lock:
            kept = self._by_key.setdefault(checkpoint.key, [])
            same = next((c for c in kept if c.same_rows(checkpoint)), None)
            if same is not None:
                if same.applied_until <= checkpoint.applied_until:
                    self._recent.move_to_end(id(same))
                    return same
                self._drop(same)  # the same rows, known to hold from earlier on
            kept.append(checkpoint)
            kept.sort(key=lambda c: (c.applied_until, c.frontier.read_to))
            self._recent[id(checkpoint)] = checkpoint
            self._rows += checkpoint.size
            self.stats.checkpoints_added += 1
            while self._recent and (self._rows > self.max_rows
                                    or len(self._recent) > self.max_checkpoints):
                self._drop(next(iter(self._recent.values())))
                self.stats.checkpoints_evicted += 1
            return checkpoint

    def _drop(self, checkpoint: Checkpoint) -> None:
        self._by_key[checkpoint.key].remove(checkpoint)
        del self._recent[id(checkpoint)]
        self._rows -= checkpoint.size

    def checkpoints(self, key: CycleKey) -> list[Checkpoint]:
        with self._lock:
            return list(self._by_key.get(key, ()))

    @property
    def rows_held(self) -> int:
        return self._rows

    def clear(self) -> None:
        with self._lock:
            self._by_key.clear()
            self._recent.clear()
            self._rows = 0
