"""All or nothing: a load is made in a scratch store in memory, then published to the
real store in one transaction.

A load that fails (a refused command, an interruption) leaves the real store as it was,
and the same load can simply run again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from okr_domain.application import OkrApplication
from okr_domain.persistence.settings import store_env

PUBLISH_PAGE = 50_000
"""Events read from the scratch store at a time while publishing."""


def scratch_application() -> OkrApplication:
    """An empty application in memory, encoding events as every store does."""
    return OkrApplication(env=store_env("memory://", create_tables=True))


def publish(scratch: OkrApplication, target: OkrApplication, aggregate_ids: Iterable[UUID],
            progress: Callable[[int, int], None] | None = None) -> int:
    """Write every event of ``scratch`` to ``target`` in one transaction, in the same
    order; then the latest snapshots of ``aggregate_ids`` (snapshots only spare loading
    work, so they follow once the events are in). Returns the events written."""
    total = scratch.current_position()
    events: list[StoredEvent] = []
    while len(events) < total:
        page = scratch.recorder.select_notifications(start=len(events) + 1,
                                                     limit=PUBLISH_PAGE)
        events.extend(StoredEvent(n.originator_id, n.originator_version, n.topic, n.state)
                      for n in page)
        if progress is not None:
            progress(len(events) // 2, total)
    if events:
        target.recorder.insert_events(events)
    if progress is not None:
        progress(total, total)
    snapshots = [snapshot for aggregate_id in aggregate_ids
                 for snapshot in scratch.snapshots.recorder.select_events(
                     aggregate_id, desc=True, limit=1)] if scratch.snapshots else []
    if snapshots and target.snapshots is not None:
        target.snapshots.recorder.insert_events(snapshots)
    return len(events)
