"""The PostgreSQL event store, quick to report an outage.

The library retries every read and insert ten times when the database cannot be
reached, each time waiting up to the pool timeout for a connection: with the database
down, one call blocks for about a minute (and commands queued behind it on the same
aggregate for longer still). Here:

- a call is tried again once, after a pause, only when a connection broke under it (the
  server restarted): a pooled connection it dropped is then replaced; when no connection
  could be had within the pool timeout, the outage is reported at once;
- once a call found the database unreachable, the calls of the next ``PAUSE_SECONDS``
  fail at once instead of each waiting for the pool (the first call after the pause
  tries again, so recovery is noticed within about a second).

The API answers these failures with 503 (``okr_api.http.unavailable``).

Large inserts (bulk loads, big group commits) are written with a binary ``COPY`` under
the library's table lock instead of its ``unnest`` of a composite-type array, whose
parameter psycopg builds as text in Python: the same rows, positions and notification,
several times less work per event.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import InterfaceError, Notification, OperationalError, StoredEvent
from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresFactory,
)
from psycopg import sql
from psycopg.rows import tuple_row
from psycopg_pool import PoolTimeout

RETRY_WAIT_SECONDS = 0.2
PAUSE_SECONDS = 1.0
CONNECTION_STATES = ("08", "57P")  # connection exceptions, operator intervention
UNREACHABLE = "the database is unreachable (failing fast for a moment)"
COPY_FROM_EVENTS = 100
"""Inserts of at least this many events use ``COPY`` (below, the library's statement
costs less than COPY's extra round trips)."""


def unreachable(error: BaseException) -> bool:
    """Whether the failure says the database could not be reached (not a bad query)."""
    cause = error.__cause__
    if isinstance(cause, PoolTimeout):
        return True
    if isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        state = cause.sqlstate
        return state is None or state.startswith(CONNECTION_STATES)
    return isinstance(error, InterfaceError)


class Breaker:
    """Fails calls at once for a moment after one found the database unreachable."""

    def __init__(self, pause: float = PAUSE_SECONDS) -> None:
        self.pause = pause
        self._until = 0.0
        self._lock = threading.Lock()

    def check(self) -> None:
        if time.monotonic() < self._until:
            raise OperationalError(UNREACHABLE)

    def trip(self) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + self.pause)


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """The library's method without its retry loop, under the rules above."""
    unwrapped = getattr(method, "__wrapped__", method)

    @functools.wraps(unwrapped)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        breaker: Breaker = self.datastore.okr_breaker
        breaker.check()
        for attempt in range(2):
            try:
                return unwrapped(self, *args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                if not unreachable(error):
                    raise
                if attempt == 1 or isinstance(error.__cause__, PoolTimeout):
                    breaker.trip()
                    raise
            time.sleep(RETRY_WAIT_SECONDS)
        raise AssertionError("unreachable")  # pragma: no cover

    return call


class BoundedAggregateRecorder(PostgresAggregateRecorder):
    """Snapshots."""

    insert_events = _guarded(PostgresAggregateRecorder.insert_events)
    select_events = _guarded(PostgresAggregateRecorder.select_events)


def _notification(row: tuple[Any, ...]) -> Notification:
    notification = object.__new__(Notification)
    # Frozen: its fields set as the generated __init__ would, in one step.
    object.__setattr__(notification, "__dict__", {
        "originator_id": row[1], "originator_version": row[2], "topic": row[3],
        "state": row[4], "id": row[0]})
    return notification


class BoundedApplicationRecorder(PostgresApplicationRecorder):
    """Events and the notification log."""

    def _insert_or_copy(self, stored_events: Sequence[StoredEvent],
                        **kwargs: Any) -> Sequence[int] | None:
        # A tracking record (or another extra) goes the library's way.
        extras = any(value is not None for value in kwargs.values())
        if (len(stored_events) < COPY_FROM_EVENTS or extras
                or self.datastore.enable_db_functions):
            library_insert = getattr(PostgresApplicationRecorder.insert_events,
                                     "__wrapped__", PostgresApplicationRecorder.insert_events)
            ids: Sequence[int] | None = library_insert(self, stored_events, **kwargs)
            return ids
        return self._copy_events(stored_events)

    def _copy_events(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert as the library does (table lock, NOTIFY, one transaction), the rows
        by binary COPY; their notification ids are the ones issued after the last one
        before the copy (the lock keeps every other insert out meanwhile)."""
        schema, table = (sql.Identifier(n) for n in (self.datastore.schema,
                                                      self.events_table_name))
        copy = sql.SQL("COPY {}.{} (originator_id, originator_version, topic, state) "
                       "FROM STDIN (FORMAT BINARY)").format(schema, table)
        issued = sql.SQL("SELECT notification_id FROM {}.{} WHERE notification_id > %s "
                         "ORDER BY notification_id").format(schema, table)
        with self.datastore.get_connection() as conn, conn.transaction(), \
                conn.cursor() as curs:
            self._lock_table(curs)
            self._notify_channel(curs)
            curs.execute(self.max_notification_id_statement)
            last = curs.fetchone()
            before = (last["max"] if last else None) or 0
            with curs.copy(copy) as writer:
                writer.set_types([self.datastore.originator_id_type, "int8", "text", "bytea"])
                for event in stored_events:
                    writer.write_row((event.originator_id, event.originator_version,
                                      event.topic, event.state))
            curs.execute(issued, (before,))
            ids = [row["notification_id"] for row in curs.fetchall()]
        if len(ids) != len(stored_events):
            raise RuntimeError(f"copied {len(stored_events)} events, found {len(ids)} ids")
        return ids

    def _select_range(self, start: int, limit: int, stop: int) -> list[Notification]:
        """``select_notifications(start, limit, stop)``: the same notifications, read as
        tuples in the binary format and made without the dataclass's ``__init__`` (the
        library's dictionary rows and constructor are most of the cost of a long read)."""
        statement = sql.SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            "FROM {}.{} WHERE notification_id >= %s AND notification_id <= %s "
            "ORDER BY notification_id LIMIT %s").format(
                sql.Identifier(self.datastore.schema), sql.Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, \
                conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(statement, (start, stop, limit), prepare=True, binary=True)
            return [_notification(row) for row in curs.fetchall()]

    insert_events = _guarded(_insert_or_copy)
    select_range = _guarded(_select_range)
    select_events = _guarded(PostgresApplicationRecorder.select_events)
    select_notifications = _guarded(PostgresApplicationRecorder.select_notifications)
    max_notification_id = _guarded(PostgresApplicationRecorder.max_notification_id)


class BoundedRetryPostgresFactory(PostgresFactory):
    def __init__(self, env: Any) -> None:
        super().__init__(env)
        # One breaker per datastore: the events and the snapshots share its pool.
        self.datastore.okr_breaker = Breaker()  # type: ignore[attr-defined]

    aggregate_recorder_class = BoundedAggregateRecorder
    application_recorder_class = BoundedApplicationRecorder
