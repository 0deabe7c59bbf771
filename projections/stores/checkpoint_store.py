"""Where "as of" checkpoints are kept between processes: a table in the read-model
store (SQLite or PostgreSQL), or this process's memory.

A kept checkpoint is immutable and named by what it holds (organization, cycle, layout,
valid time applied, log position read, known at, horizon): two processes that make the
same one write the same row once. Every lookup asks for the checkpoint furthest along in
valid time that a replay may resume from.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from projections.stores.dialect import Dialect
from projections.tables import ColumnKind

TABLE = "history_checkpoints"


@dataclass(frozen=True)
class KeptCheckpoint:
    organization_id: UUID
    cycle_id: UUID
    layout: str
    applied_until: datetime
    read_to: int
    known_at: datetime | None
    horizon: datetime | None
    newest_recorded: datetime | None
    rows: int
    payload: bytes

    @property
    def name(self) -> str:
        return ":".join(str(part) for part in (
            self.organization_id.hex, self.cycle_id.hex, self.layout,
            self.applied_until.isoformat(), self.read_to, self.known_at, self.horizon))


@dataclass(frozen=True)
class Wanted:
    """A checkpoint to resume from: applied up to at most ``moment``; able to go on to
    ``reach`` (its horizon, if any, not before it); and holding only what was recorded
    by ``known_at`` (None: everything), either as made for that or because nothing it
    read was recorded later."""

    organization_id: UUID
    cycle_id: UUID
    layout: str
    moment: datetime
    reach: datetime
    known_at: datetime | None = None
    after: datetime | None = None
    """Only one applied beyond this (None: any)."""


def suits(kept: KeptCheckpoint, wanted: Wanted) -> bool:
    """The rule ``SqlCheckpointStore.latest`` states in SQL."""
    if (kept.organization_id, kept.cycle_id, kept.layout) \
            != (wanted.organization_id, wanted.cycle_id, wanted.layout):
        return False
    if kept.applied_until > wanted.moment:
        return False
    if wanted.after is not None and kept.applied_until <= wanted.after:
        return False
    if kept.horizon is not None and kept.horizon < wanted.reach:
        return False
    if wanted.known_at is None:
        return kept.known_at is None
    return kept.known_at == wanted.known_at or (
        kept.known_at is None
        and (kept.newest_recorded is None or kept.newest_recorded <= wanted.known_at))


class CheckpointStore(Protocol):
    def save(self, kept: KeptCheckpoint) -> None: ...

    def latest(self, wanted: Wanted) -> bytes | None:
        """The payload of the suitable checkpoint furthest along (None: none)."""
        ...

    def furthest_read(self, wanted: Wanted) -> int | None:
        """The log position read by the suitable checkpoint furthest along (None: none
        suits), without loading it."""
        ...

    def count(self) -> int: ...

    def clear(self) -> None: ...


class MemoryCheckpointStore:
    def __init__(self) -> None:
        self._kept: dict[str, KeptCheckpoint] = {}
        self._lock = threading.Lock()

    def save(self, kept: KeptCheckpoint) -> None:
        with self._lock:
            self._kept.setdefault(kept.name, kept)

    def latest(self, wanted: Wanted) -> bytes | None:
        with self._lock:
            found = [k for k in self._kept.values() if suits(k, wanted)]
        if not found:
            return None
        return max(found, key=lambda k: (k.applied_until, k.read_to)).payload

    def furthest_read(self, wanted: Wanted) -> int | None:
        with self._lock:
            found = [k for k in self._kept.values() if suits(k, wanted)]
        return max((k.applied_until, k.read_to) for k in found)[1] if found else None

    def count(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


class Connection(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def fetchall(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]: ...

    def execute(self, sql: str, params: Any = ()) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    def lock_ddl(self) -> None: ...


class SqlCheckpointStore:
    """Checkpoints in the read-model database; ``connect`` opens a connection that the
    store closes after each use (lookups and saves are few and far between)."""

    def __init__(self, connect: Callable[[], Connection],
                 close: Callable[[Connection], None]) -> None:
        self._connect = connect
        self._close = close
        self._ready = False

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        conn = self._connect()
        try:
            if not self._ready:
                self._create(conn)
                self._ready = True
            yield conn
        finally:
            self._close(conn)

    @staticmethod
    def _create(conn: Connection) -> None:
        # Under the store's DDL lock: processes starting together would otherwise race
        # to create the same table (PostgreSQL fails one of them).
        with conn.transaction():
            conn.lock_ddl()
            SqlCheckpointStore._create_table(conn)

    @staticmethod
    def _create_table(conn: Connection) -> None:
        types = conn.dialect.column_types
        uuid, time = types[ColumnKind.UUID], types[ColumnKind.TIMESTAMP]
        blob = "blob" if conn.dialect.name == "sqlite" else "bytea"
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (name text PRIMARY KEY, "
            f"organization_id {uuid} NOT NULL, cycle_id {uuid} NOT NULL, "
            f"layout text NOT NULL, applied_until {time} NOT NULL, read_to bigint NOT NULL, "
            f"known_at {time}, horizon {time}, newest_recorded {time}, "
            f"row_count bigint NOT NULL, payload {blob} NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_cycle ON {TABLE} "
                     "(organization_id, cycle_id, layout, applied_until)")

    def save(self, kept: KeptCheckpoint) -> None:
        with self._connection() as conn:
            d = conn.dialect
            t = ColumnKind.TIMESTAMP
            marks = ", ".join(d.placeholder(i + 1) for i in range(11))
            conn.execute(
                f"INSERT INTO {TABLE} (name, organization_id, cycle_id, layout, "
                "applied_until, read_to, known_at, horizon, newest_recorded, row_count, "
                f"payload) VALUES ({marks}) ON CONFLICT (name) DO NOTHING",
                [kept.name, d.encode(ColumnKind.UUID, kept.organization_id),
                 d.encode(ColumnKind.UUID, kept.cycle_id), kept.layout,
                 d.encode(t, kept.applied_until), kept.read_to, d.encode(t, kept.known_at),
                 d.encode(t, kept.horizon), d.encode(t, kept.newest_recorded), kept.rows,
                 kept.payload])

    def latest(self, wanted: Wanted) -> bytes | None:
        rows = self._furthest("payload", wanted)
        return bytes(rows[0][0]) if rows else None

    def furthest_read(self, wanted: Wanted) -> int | None:
        rows = self._furthest("read_to", wanted)
        return int(rows[0][0]) if rows else None

    def _furthest(self, column: str, wanted: Wanted) -> list[tuple[Any, ...]]:
        with self._connection() as conn:
            d = conn.dialect
            t = ColumnKind.TIMESTAMP
            params: list[Any] = []

            def p(value: Any) -> str:
                params.append(value)
                return d.placeholder(len(params))

            # Placeholders are positional: the clauses are written in the order of the text.
            where = [f"organization_id = {p(d.encode(ColumnKind.UUID, wanted.organization_id))}",
                     f"cycle_id = {p(d.encode(ColumnKind.UUID, wanted.cycle_id))}",
                     f"layout = {p(wanted.layout)}",
                     f"applied_until <= {p(d.encode(t, wanted.moment))}",
                     f"(horizon IS NULL OR horizon >= {p(d.encode(t, wanted.reach))})"]
            if wanted.after is not None:
                where.append(f"applied_until > {p(d.encode(t, wanted.after))}")
            if wanted.known_at is None:
                where.append("known_at IS NULL")
            else:
                k = d.encode(t, wanted.known_at)
                where.append(f"(known_at = {p(k)} OR (known_at IS NULL AND "
                             f"(newest_recorded IS NULL OR newest_recorded <= {p(k)})))")
            return conn.fetchall(
                f"SELECT {column} FROM {TABLE} WHERE {' AND '.join(where)} "
                "ORDER BY applied_until DESC, read_to DESC LIMIT 1", params)

    def count(self) -> int:
        with self._connection() as conn:
            return int(conn.fetchall(f"SELECT count(*) FROM {TABLE}")[0][0])

    def clear(self) -> None:
        with self._connection() as conn:
            conn.execute(f"DELETE FROM {TABLE}")
