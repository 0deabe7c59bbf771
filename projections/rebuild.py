"""Rebuilding a projection from position zero, and every projection's status.

A rebuild fills shadow tables (with their own tracking record, so a killed rebuild
resumes where it stopped) and swaps them in atomically once they have caught up with
the live view: readers see the old view or the new one, never a half-built one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from projections.databases import Database
from projections.processing import REBUILD_BATCH, ProjectionWorker
from projections.registry import PROJECTIONS, projection
from projections.source import EventSource
from projections.stores.base import SHADOW_SUFFIX, Target

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
    target = projection(name)
    stop = stop or threading.Event()
    session = database.session()
    lock = name + SHADOW_SUFFIX
    try:
        session.setup(target)
        while not session.try_lock(lock):
            if stop.wait(LOCK_RETRY_SECONDS):
                raise RebuildStoppedError(f"stopped while waiting for another rebuild of {name}")
        session.start_rebuild(target, fresh=fresh)
        worker = ProjectionWorker(source, target, session, Target.SHADOW, batch_size)
        while True:
            if stop.is_set():
                raise RebuildStoppedError(f"rebuild of {name} stopped at {worker.position}")
            moved = worker.step()
            if progress is not None:
                progress(worker.position, max(source.head(), worker.position))
            if not moved and session.finish_rebuild(target):
                return worker.position
    finally:
        try:
            session.unlock(lock)
        finally:
            session.close()


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

