"""Rebuilding projections from position zero, and every projection's status.

A rebuild fills shadow tables (with their own tracking record, so a killed rebuild
resumes where it stopped) and swaps them in atomically once they have caught up with
the live view: readers see the old view or the new one, never a half-built one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from projections.gc_pause import paused_gc
from projections.projection import Event, Projection, current_topic
from projections.registry import PROJECTIONS, projection
from projections.running.batches import REBUILD_BATCH, BatchSession, apply_batch
from projections.running.remembered import MAX_REMEMBERED_ROWS, RememberedRows
from projections.source import EventSource
from projections.stores.database import Database
from projections.stores.session import SHADOW_SUFFIX, Target

Progress = Callable[[int, int], None]
"""Called after every batch with (position reached, last position in the log)."""

LOCK_RETRY_SECONDS = 0.5


class RebuildStoppedError(RuntimeError):
    """The rebuild was asked to stop; running it again resumes it."""


def rebuild(source: EventSource, database: Database, name: str, *,
            progress: Progress | None = None, fresh: bool = False,
            batch_size: int = REBUILD_BATCH, stop: threading.Event | None = None) -> int:
    """Rebuild ``name`` and swap it in; the position of the new view.

    A rebuild left unfinished (killed, or stopped) is resumed unless ``fresh``.
    """
    return rebuild_together(source, database, [name], progress=progress, fresh=fresh,
                            batch_size=batch_size, stop=stop)[name]


class _Shadow:
    """One projection's rebuild: its session, its shadow's position, whether swapped in."""

    def __init__(self, database: Database, target: Projection) -> None:
        self.projection = target
        self.session = database.session()
        self.lock = target.name + SHADOW_SUFFIX
        self.locked = False
        self.position = 0
        self.done = False
        self.store: BatchSession = self.session

    def start(self, fresh: bool, stop: threading.Event, remember_rows: int) -> None:
        self.session.setup(self.projection)
        while not self.session.try_lock(self.lock):
            if stop.wait(LOCK_RETRY_SECONDS):
                raise RebuildStoppedError(
                    f"stopped while waiting for another rebuild of {self.projection.name}")
        self.locked = True
        self.position = self.session.start_rebuild(self.projection, fresh=fresh)
        # A shadow that starts empty is written by this rebuild alone: its rows can be
        # remembered instead of loaded back for every batch.
        self.store = RememberedRows(self.session, self.projection, empty=self.position == 0,
                                    max_rows=remember_rows)

    def apply(self, events: list[tuple[int, Event]], new: int) -> None:
        """The batch's events after this shadow's position, up to ``new``."""
        if new <= self.position:
            return
        mine = [(p, e) for p, e in events if p > self.position]
        if apply_batch(self.store, self.projection, Target.SHADOW, mine, self.position, new):
            self.position = new
        else:  # moved by someone else: read where it stands
            self.position = self.session.position(self.projection, Target.SHADOW) or 0

    def flush(self, *, wait: bool = True) -> bool:
        """Write what this shadow's remembered rows hold unwritten (unless ``wait``, in
        the background); False when the shadow moved under the rebuild (its position
        is then read again)."""
        if isinstance(self.store, RememberedRows) and not self.store.flush(wait=wait):
            self.position = self.session.position(self.projection, Target.SHADOW) or 0
            return False
        return True

    def close(self) -> None:
        try:
            if isinstance(self.store, RememberedRows):
                self.store.close()  # its write under way uses the session
            if self.locked:
                self.session.unlock(self.lock)
        finally:
            self.session.close()


def rebuild_together(source: EventSource, database: Database, names: Sequence[str], *,
                     progress: Progress | None = None, fresh: bool = False,
                     batch_size: int = REBUILD_BATCH, stop: threading.Event | None = None,
                     remember_rows: int = MAX_REMEMBERED_ROWS) -> dict[str, int]:
    """Rebuild the projections ``names`` in one pass over the log and swap each in once
    it has caught up; the position of each new view.

    Every batch is read and decoded once and applied to each shadow still behind it
    (reading and decoding cost about as much as a light projection). Unfinished rebuilds
    are resumed unless ``fresh``; the pass starts from the one furthest behind. Up to
    ``remember_rows`` rows of each new shadow are kept in memory
    (``projections.running.remembered``).
    """
    stop = stop or threading.Event()
    targets = [projection(name) for name in sorted(set(names))]  # unknown names: ValueError
    shadows: list[_Shadow] = []
    try:
        shadows += [_Shadow(database, target) for target in targets]
        wanted = _topics(shadows)
        # Locks are taken in name order, so two such rebuilds never wait on each other.
        for shadow in shadows:
            shadow.start(fresh, stop, remember_rows)
        with paused_gc():
            return _run(source, shadows, wanted, batch_size, stop, progress)
    finally:
        for shadow in shadows:
            shadow.close()


def _run(source: EventSource, shadows: list[_Shadow], wanted: frozenset[str] | None,
         batch_size: int, stop: threading.Event, progress: Progress | None,
         ) -> dict[str, int]:
    """Batches until every shadow has caught up and been swapped in."""
    while True:
        behind = [s for s in shadows if not s.done]
        if not behind:
            return {s.projection.name: s.position for s in shadows}
        position = min(s.position for s in behind)
        if stop.is_set():
            for shadow in behind:
                shadow.flush()
            position = min(s.position for s in behind)
            raise RebuildStoppedError(
                "rebuild of " + ", ".join(s.projection.name for s in behind)
                + f" stopped at {position}")
        notifications = source.read(position, batch_size)
        if notifications:
            events = [(n.id, source.decode(n)) for n in notifications
                      if wanted is None or current_topic(n.topic) in wanted]
            for shadow in behind:
                shadow.apply(events, notifications[-1].id)
        else:
            # At the head: every shadow's last write starts at once (each has its own
            # connection), then each is waited for and swapped in.
            for shadow in [s for s in behind if s.flush(wait=False)]:
                if shadow.flush():
                    shadow.done = shadow.session.finish_rebuild(shadow.projection)
        if progress is not None:
            reached = min(s.position for s in shadows)
            progress(reached, max(source.head(), reached))


def _topics(shadows: Sequence[_Shadow]) -> frozenset[str] | None:
    """The topics any of the projections handles (None: every topic)."""
    topics: set[str] = set()
    for shadow in shadows:
        if shadow.projection.topics is None:
            return None
        topics |= shadow.projection.topics
    return frozenset(topics)


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    lag: int
    rebuild_position: int | None
    """Where an unfinished rebuild stands (None when none is under way)."""


def status(source: EventSource, database: Database) -> list[ProjectionStatus]:
    database.setup()
    head = source.head()
    session = database.session()
    try:
        result = []
        for p in PROJECTIONS.values():
            position = session.position(p) or 0
            result.append(ProjectionStatus(p.name, position, head, max(head - position, 0),
                                           session.position(p, Target.SHADOW)))
        return result
    finally:
        session.close()

