"""The stored events of chosen aggregates, as notifications in position order.

The event store's primary key is (originator id, version), so the events of a few
hundred objectives (or of an organization's people and teams) are found without
reading the log. PostgreSQL and SQLite are asked directly; any other recorder (the
in-memory one) is read through and filtered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import sql

T = TypeVar("T")
CHUNK = 5_000
"""Ids per statement (SQLite's bound variables, PostgreSQL's array size)."""
SCAN_BATCH = 5_000


def notifications_of(recorder: Any, originators: Collection[UUID], topics: Sequence[str],
                     up_to: int, after: int = 0) -> list[Notification]:
    """The notifications of ``originators`` with one of ``topics``, at positions after
    ``after`` up to ``up_to``, in position order."""
    ids = sorted(originators, key=lambda u: u.int)
    span = (after, up_to)
    if isinstance(recorder, PostgresApplicationRecorder):
        found = [n for chunk in _chunks(ids) for n in _postgres(recorder, chunk, topics, span)]
    elif isinstance(recorder, SQLiteApplicationRecorder):
        found = [n for chunk in _chunks(ids) for n in _sqlite(recorder, chunk, topics, span)]
    else:
        found = [n for n in _scan(recorder, set(ids), topics, up_to) if n.id > after]
    found.sort(key=lambda n: n.id)
    return found


def notifications_at(recorder: Any, positions: Collection[int],
                     topics: Sequence[str]) -> list[Notification]:
    """The notifications at ``positions`` with one of ``topics``, in position order (by
    the position index: the rows wanted and no others)."""
    wanted = sorted(positions)
    if not wanted:
        return []
    if isinstance(recorder, PostgresApplicationRecorder):
        found = [n for chunk in _chunks(wanted) for n in _postgres_at(recorder, chunk, topics)]
    elif isinstance(recorder, SQLiteApplicationRecorder):
        found = [n for chunk in _chunks(wanted) for n in _sqlite_at(recorder, chunk, topics)]
    else:
        chosen = set(wanted)
        found = [n for n in _scan_from(recorder, wanted[0], topics, wanted[-1])
                 if n.id in chosen]
    found.sort(key=lambda n: n.id)
    return found


def _chunks(ids: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _postgres_at(recorder: PostgresApplicationRecorder, positions: list[int],
                 topics: Sequence[str]) -> list[Notification]:
    return _postgres_select(recorder, "notification_id = ANY(%s) AND topic = ANY(%s)",
                            (positions, list(topics)))


def _sqlite_at(recorder: SQLiteApplicationRecorder, positions: list[int],
               topics: Sequence[str]) -> list[Notification]:
    return _sqlite_select(recorder, f"rowid IN ({','.join('?' * len(positions))}) "
                                    f"AND topic IN ({','.join('?' * len(topics))})",
                          [*positions, *topics])


def _postgres(recorder: PostgresApplicationRecorder, ids: list[UUID], topics: Sequence[str],
              span: tuple[int, int]) -> list[Notification]:
    # "notification_id + 0": the positions filter the rows the primary key finds, never
    # an index scan of their own (given one, the planner may AND the primary key's
    # bitmap with one of the position index's whole range, the log's every row, for a
    # few thousand events).
    return _postgres_select(recorder, "originator_id = ANY(%s) AND topic = ANY(%s) "
                                      "AND notification_id + 0 > %s "
                                      "AND notification_id + 0 <= %s",
                            (ids, list(topics), *span))


def _sqlite(recorder: SQLiteApplicationRecorder, ids: list[UUID], topics: Sequence[str],
            span: tuple[int, int]) -> list[Notification]:
    # "+rowid": the positions filter what the originator index finds.
    return _sqlite_select(recorder, f"originator_id IN ({','.join('?' * len(ids))}) "
                                    f"AND topic IN ({','.join('?' * len(topics))}) "
                                    "AND +rowid > ? AND +rowid <= ?",
                          [*(u.hex for u in ids), *topics, *span])


def _postgres_select(recorder: PostgresApplicationRecorder, where: str,
                     params: tuple[Any, ...]) -> list[Notification]:
    statement = sql.SQL(
        "SELECT notification_id, originator_id, originator_version, topic, state "
        "FROM {}.{} WHERE " + where).format(
        sql.Identifier(recorder.datastore.schema), sql.Identifier(recorder.events_table_name))
    with recorder.datastore.get_connection() as conn, conn.transaction(), \
            conn.cursor() as curs:
        # JIT compilation, which a high row estimate can trigger, costs more than such
        # a query.
        curs.execute("SET LOCAL jit = off")
        curs.execute(statement, params)
        return [Notification(id=row["notification_id"], originator_id=row["originator_id"],
                             originator_version=row["originator_version"],
                             topic=row["topic"], state=bytes(row["state"]))
                for row in curs.fetchall()]


def _sqlite_select(recorder: SQLiteApplicationRecorder, where: str,
                   params: list[Any]) -> list[Notification]:
    statement = (f"SELECT rowid, originator_id, originator_version, topic, state "
                 f"FROM {recorder.events_table_name} WHERE {where}")
    with recorder.datastore.transaction(commit=False) as curs:
        curs.execute(statement, params)
        return [Notification(id=row["rowid"],
                             originator_id=recorder.convert_originator_id(row["originator_id"]),
                             originator_version=row["originator_version"],
                             topic=row["topic"], state=row["state"])
                for row in curs.fetchall()]


def _scan(recorder: Any, ids: set[UUID], topics: Sequence[str],
          up_to: int) -> Iterator[Notification]:
    yield from (n for n in _scan_from(recorder, 1, topics, up_to) if n.originator_id in ids)


def _scan_from(recorder: Any, start: int, topics: Sequence[str],
               up_to: int) -> Iterator[Notification]:
    while start <= up_to:
        batch = recorder.select_notifications(start=start, limit=SCAN_BATCH, stop=up_to,
                                              topics=topics)
        if not batch:
            return
        yield from batch
        start = batch[-1].id + 1
