"""The command side's machinery: loading within a tenant, saving, retrying on conflicts.

Every command runs as one attempt function: load, decide, save everything in one
transaction. A save at a stale version raises the library's IntegrityError; the attempt
is then run again on fresh state, a bounded number of times.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Recording,
    Transcoder,
)
from eventsourcing.utils import strtobool

from okr_domain.access import Actor
from okr_domain.aggregate_cache import DEFAULT_SIZE, AggregateCache
from okr_domain.alignment import AlignmentGraph
from okr_domain.base import OkrAggregate
from okr_domain.bulk import Bulk
from okr_domain.cycle import Cycle
from okr_domain.errors import Conflict, NotFound
from okr_domain.group_commit import GroupCommitter
from okr_domain.tenant_directory import TenantDirectory
from okr_domain.transcoder import OrjsonTranscoder, register_fast_transcodings

A = TypeVar("A", bound=OkrAggregate)
T = TypeVar("T")

MAX_ATTEMPTS = 40
_bulk: ContextVar[Bulk | None] = ContextVar("okr_bulk_load", default=None)
LOCK_STRIPES = 256


@dataclass(frozen=True)
class Result:
    """What a command wrote: the main aggregate's id and the global position of the
    last event written (or, when nothing new was written, a position at or after the
    earlier write, so read-your-writes still holds)."""

    id: UUID
    position: int
    replayed: bool = False


def project_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply stored events to an aggregate, as the library's ``project_aggregate`` does,
    without its per-event ``isinstance`` against a runtime-checkable protocol: that
    check costs more than applying a typical event (every one of ours can mutate)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class CommandBase(Application[UUID]):
    """Loading, saving and retrying shared by all command groups."""

    name = "okr"
    snapshotting_intervals = {AlignmentGraph: 200, Cycle: 200}
    snapshotting_projectors = {AlignmentGraph: project_events, Cycle: project_events}

    GROUP_COMMIT = "OKR_GROUP_COMMIT"
    AGGREGATE_CACHE_SIZE = "OKR_AGGREGATE_CACHE_SIZE"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._committer: GroupCommitter | None = None
        if strtobool(self.env.get(self.GROUP_COMMIT, "n")):
            self._committer = GroupCommitter(self._record, self._after_record)
        # Commands on the same aggregate in this process take turns, so conflicts only
        # arise between processes; the retry loop below handles those.
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]
        self._save_listeners: list[Callable[[int], None]] = []
        self._close_hooks: list[Callable[[], None]] = []
        self.aggregate_cache = AggregateCache(
            int(self.env.get(self.AGGREGATE_CACHE_SIZE) or DEFAULT_SIZE))

    def add_save_listener(self, listener: Callable[[int], None]) -> Callable[[], None]:
        """Call ``listener(position)`` in the saving thread after every save that
        recorded events (position: the last notification id written). The listener must
        be quick and must not raise. Returns a function that removes the listener."""
        self._save_listeners.append(listener)

        def remove() -> None:
            if listener in self._save_listeners:
                self._save_listeners.remove(listener)

        return remove

    def _notify(self, recordings: list[Recording[UUID]]) -> None:
        super()._notify(recordings)
        if recordings:
            position = max(r.notification.id for r in recordings)
            for listener in tuple(self._save_listeners):
                listener(position)

    def construct_transcoder(self) -> Transcoder:
        # The library's JSON format, written and read with orjson (same bytes).
        transcoder = OrjsonTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_fast_transcodings(transcoder)

    @contextmanager
    def bulk(self, flush_every: int = 5_000, *, background: bool = False) -> Iterator[Bulk]:
        """Run the commands in this context as a bulk load (see ``okr_domain.bulk``);
        everything staged is saved when the context ends. ``background``: batches are
        written by a saver thread while the next one is staged."""
        bulk = Bulk(self._save_events, flush_every, background=background,
                    empty_store=self.current_position() == 0)
        token = _bulk.set(bulk)
        try:
            try:
                yield bulk
            finally:
                _bulk.reset(token)
            bulk.flush()
        finally:
            bulk.close()
        for aggregate in bulk.staged.values():
            if type(aggregate) in self.snapshotting_intervals and aggregate.version > 1:
                self.take_snapshot(aggregate.id, version=aggregate.version)

    def _after_record(self, processing: ProcessingEvent[UUID],
                      recordings: list[Recording[UUID]]) -> None:
        self._take_snapshots(processing)
        self._notify(recordings)

    def add_close_hook(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call ``hook()`` when the application closes, before its store connections
        do: threads that read the store (projection runners) stop first, so none is
        cut off in the middle of a query. Returns a function that removes the hook."""
        self._close_hooks.append(hook)

        def remove() -> None:
            if hook in self._close_hooks:
                self._close_hooks.remove(hook)

        return remove

    def close(self) -> None:
        for hook in tuple(getattr(self, "_close_hooks", ())):
            hook()
        if getattr(self, "_committer", None) is not None:
            self._committer.close()  # type: ignore[union-attr]
        super().close()

    def _save_events(self, *events: Any) -> int:
        # Already collected events: recorded as ``save`` would, without its per-object
        # protocol checks (they cost more than the insert's encoding on big batches).
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        processing.events.extend(events)
        recordings = self._record(processing)
        self._after_record(processing, recordings)
        return max((r.notification.id for r in recordings), default=self.current_position())

    def run(self, lock_id: UUID | None, attempt: Callable[[], T]) -> T:
        """Run a command attempt, retrying on version conflicts."""
        bulk = _bulk.get()
        if bulk is not None:
            try:
                return attempt()
            except BaseException as error:
                bulk.poisoned = error
                raise
        for number in range(MAX_ATTEMPTS):
            lock = self._stripes[lock_id.int % LOCK_STRIPES] if lock_id else None
            try:
                if lock is None:
                    with self.aggregate_cache.command():
                        return attempt()
                with lock, self.aggregate_cache.command():
                    return attempt()
            except IntegrityError:
                # Back off with jitter so competing processes stop colliding.
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2**number)))
        raise Conflict("the command kept conflicting with concurrent changes; try again")

    def save_all(self, *aggregates: Aggregate | None) -> int:
        bulk = _bulk.get()
        if bulk is not None:
            return bulk.stage(aggregates)
        if self._committer is not None:
            recordings = self._committer.commit(aggregates)
        else:
            recordings = self.save(*aggregates)
        for aggregate in aggregates:
            if aggregate is not None:
                self.aggregate_cache.hold(aggregate)
        if not recordings:
            return self.current_position()
        return max(r.notification.id for r in recordings)

    def current_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def find(self, cls: type[A], aggregate_id: UUID | None,
             organization_id: UUID) -> A | None:
        if aggregate_id is None:
            return None
        bulk = _bulk.get()
        aggregate: Aggregate | None = bulk.get(aggregate_id) if bulk is not None else None
        if aggregate is None:
            if bulk is not None and not bulk.may_be_stored(aggregate_id):
                return None
            aggregate = self._load(aggregate_id)
            if aggregate is None:
                return None
            if bulk is not None:
                bulk.keep(aggregate)
        if not isinstance(aggregate, cls) or aggregate.organization_id != organization_id:
            return None
        return aggregate

    def _load(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate as stored now: a command's from the aggregate cache when it is
        there (brought up to date with what was stored since, by this process or
        another), else from its events (and snapshot)."""
        cache = self.aggregate_cache
        kept = cache.take(aggregate_id)
        if kept is not None:
            aggregate: Aggregate = project_events(
                kept, self.repository.event_store.get(aggregate_id, gt=kept.version))
        else:
            try:
                aggregate = self.repository.get(aggregate_id, projector_func=project_events)
            except AggregateNotFoundError:
                return None
        cache.hold(aggregate)
        return aggregate

    def load(self, cls: type[A], aggregate_id: UUID, actor: Actor, field: str) -> A:
        """Load within the actor's organization; other tenants' ids look unknown."""
        aggregate = self.find(cls, aggregate_id, actor.organization_id)
        if aggregate is None:
            raise NotFound(f"no such {cls.__name__.lower()}", field=field)
        return aggregate

    def directory_for(self, organization_id: UUID) -> TenantDirectory:
        return TenantDirectory(self, organization_id)


UNSET: Any = object()
"""Marks an optional update argument that was not given (None may be a real value)."""
