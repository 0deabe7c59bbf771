"""The delivery worker's own tables, next to the events (the SQLite file, the PostgreSQL
schema): where each endpoint's deliveries have got to, the delivery log, and the
worker's lease. Blocking: call it through ``asyncio.to_thread``.

- ``webhook_cursors``: one row per endpoint: its status, the position up to which every
  event was delivered (or did not match), consecutive failures on the next event and
  when to try it again.
- ``webhook_deliveries``: one row per attempt (status code, outcome, latency, error).
- ``webhook_state``: the worker's lease (one process delivers at a time) and how far it
  has read the endpoints' own events (registrations, pauses, replay requests).

Writes that move a cursor are compare-and-set on the position and fenced by the lease:
a replay request racing a delivery, or a worker that lost its lease, cannot move a
cursor it did not read.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from psycopg import sql

from projections.stores.urls import Backend, StoreUrl

T = TypeVar("T")
Execute = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
LOG_KEEP = 1000
POOL_TIMEOUT_SECONDS = 2.0

TABLES = """
CREATE TABLE IF NOT EXISTS webhook_state (
    name TEXT PRIMARY KEY, position BIGINT NOT NULL DEFAULT 0, owner TEXT,
    lease_until DOUBLE PRECISION NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS webhook_cursors (
    endpoint_id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, status TEXT NOT NULL,
    position BIGINT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0, last_error TEXT,
    updated_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id {serial} PRIMARY KEY, endpoint_id TEXT NOT NULL, event_id TEXT NOT NULL,
    position BIGINT NOT NULL, attempt INTEGER NOT NULL, status_code INTEGER,
    outcome TEXT NOT NULL, error TEXT, latency_ms DOUBLE PRECISION NOT NULL,
    attempted_at DOUBLE PRECISION NOT NULL);
CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
INSERT INTO webhook_state (name) VALUES ('worker') ON CONFLICT DO NOTHING;
INSERT INTO webhook_state (name) VALUES ('discovery') ON CONFLICT DO NOTHING
"""
FENCE = "(SELECT owner FROM webhook_state WHERE name = 'worker') = ?"


@dataclass(frozen=True)
class EndpointChange:
    """What one of an endpoint's events means for its cursor row."""

    kind: str  # "registered", "status" or "replay"
    endpoint_id: str
    organization_id: str
    value: int = 0  # the registration's position, or the replay's start
    status: str = ""


@dataclass(frozen=True)
class Cursor:
    endpoint_id: str
    organization_id: str
    status: str
    position: int
    failures: int
    next_attempt_at: float
    last_error: str | None


@dataclass(frozen=True)
class Delivery:
    id: int
    endpoint_id: str
    event_id: str
    position: int
    attempt: int
    status_code: int | None
    outcome: str
    error: str | None
    latency_ms: float
    attempted_at: float


class WebhookStore:
    def __init__(self, url: str) -> None:
        self.url = StoreUrl.parse(url)
        self._pool: Any = None
        self._keep_alive: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        if self.url.backend is Backend.POSTGRES:
            from psycopg_pool import ConnectionPool

            schema = self.url.schema

            def configure(conn: Any) -> None:
                conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

            # Bounded waits and a check of pooled connections: the endpoint queries
            # read here, and must answer 503 quickly, not hang, while the database is
            # down; after a restart, dropped connections are replaced.
            self._pool = ConnectionPool(self.url.dsn, min_size=1, max_size=2,
                                        kwargs={"autocommit": True}, configure=configure,
                                        open=True, timeout=POOL_TIMEOUT_SECONDS,
                                        check=ConnectionPool.check_connection)
        elif self.url.backend is Backend.MEMORY:
            self._memory = f"file:okr-webhooks-{id(self)}?mode=memory&cache=shared"
            self._keep_alive = sqlite3.connect(self._memory, uri=True, check_same_thread=False)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._keep_alive is not None:
            self._keep_alive.close()

    @contextmanager
    def _transaction(self) -> Iterator[Execute]:
        if self._pool is not None:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                def run_pg(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
                    cur.execute(statement.replace("?", "%s").encode(), params)
                    return cur.fetchall() if cur.description else []

                yield run_pg
            return
        if self._keep_alive is not None:
            conn = sqlite3.connect(self._memory, uri=True, isolation_level=None, timeout=30)
        else:
            conn = sqlite3.connect(self.url.sqlite_path, isolation_level=None, timeout=30)
        try:
            conn.execute("BEGIN IMMEDIATE")

            def run_sqlite(statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
                return conn.execute(statement, tuple(params)).fetchall()

            yield run_sqlite
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def run(self, work: Callable[[Execute], T]) -> T:
        with self._transaction() as execute:
            return work(execute)

    def setup(self) -> None:
        serial = ("BIGSERIAL" if self._pool is not None
                  else "INTEGER")  # SQLite: an INTEGER PRIMARY KEY is the rowid
        with self._transaction() as execute:
            if self._pool is not None:
                execute("SELECT pg_advisory_xact_lock(727368)", ())
            for statement in TABLES.format(serial=serial).split(";"):
                if statement.strip():
                    execute(statement, ())

    # The worker's lease.

    def acquire_lease(self, owner: str, seconds: float) -> bool:
        now = time.time()
        rows = self.run(lambda ex: ex(
            "UPDATE webhook_state SET owner = ?, lease_until = ? WHERE name = 'worker' "
            "AND (owner IS NULL OR owner = ? OR lease_until < ?) RETURNING owner",
            (owner, now + seconds, owner, now)))
        return bool(rows)

    def release_lease(self, owner: str) -> None:
        self.run(lambda ex: ex("UPDATE webhook_state SET owner = NULL, lease_until = 0 "
                               "WHERE name = 'worker' AND owner = ?", (owner,)))

    def discovered(self) -> int:
        rows = self.run(lambda ex: ex(
            "SELECT position FROM webhook_state WHERE name = 'discovery'", ()))
        return int(rows[0][0])

    def apply_discovery(self, owner: str, changes: Sequence[EndpointChange],
                        position: int) -> bool:
        """Apply what the endpoints' events say, and how far they were read, at once."""
        def work(ex: Execute) -> bool:
            fenced = ex(f"UPDATE webhook_state SET position = ? WHERE name = 'discovery' "
                        f"AND {FENCE} RETURNING name", (position, owner))
            if not fenced:
                return False
            now = time.time()
            for change in changes:
                if change.kind == "registered":
                    ex("INSERT INTO webhook_cursors (endpoint_id, organization_id, status, "
                       "position, updated_at) VALUES (?, ?, 'ACTIVE', ?, ?) "
                       "ON CONFLICT DO NOTHING",
                       (change.endpoint_id, change.organization_id, change.value, now))
                elif change.kind == "replay":
                    ex("UPDATE webhook_cursors SET position = ?, failures = 0, "
                       "next_attempt_at = 0, last_error = NULL, updated_at = ? "
                       "WHERE endpoint_id = ?", (change.value, now, change.endpoint_id))
                elif change.status == "ACTIVE":
                    ex("UPDATE webhook_cursors SET status = 'ACTIVE', failures = 0, "
                       "next_attempt_at = 0, updated_at = ? WHERE endpoint_id = ?",
                       (now, change.endpoint_id))
                else:
                    ex("UPDATE webhook_cursors SET status = ?, updated_at = ? "
                       "WHERE endpoint_id = ?", (change.status, now, change.endpoint_id))
            return True

        return self.run(work)

    # Cursors.

    def cursors(self, endpoint_ids: Sequence[str] | None = None) -> list[Cursor]:
        statement = ("SELECT endpoint_id, organization_id, status, position, failures, "
                     "next_attempt_at, last_error FROM webhook_cursors")
        rows = self.run(lambda ex: ex(statement, ()))
        found = [Cursor(*row) for row in rows]
        if endpoint_ids is None:
            return found
        wanted = set(endpoint_ids)
        return [c for c in found if c.endpoint_id in wanted]

    def cursor(self, endpoint_id: str) -> Cursor | None:
        rows = self.run(lambda ex: ex(
            "SELECT endpoint_id, organization_id, status, position, failures, "
            "next_attempt_at, last_error FROM webhook_cursors WHERE endpoint_id = ?",
            (endpoint_id,)))
        return Cursor(*rows[0]) if rows else None

    def advance(self, owner: str, endpoint_id: str, expected: int, position: int,
                delivery: Delivery | None = None) -> bool:
        """Move the cursor (and log the attempt that did it) in one transaction; False
        when the cursor moved meanwhile or the lease was lost."""
        def work(ex: Execute) -> bool:
            moved = ex("UPDATE webhook_cursors SET position = ?, failures = 0, "
                       "next_attempt_at = 0, last_error = NULL, updated_at = ? "
                       f"WHERE endpoint_id = ? AND position = ? AND {FENCE} "
                       "RETURNING endpoint_id",
                       (position, time.time(), endpoint_id, expected, owner))
            if moved and delivery is not None:
                _log(ex, delivery)
            return bool(moved)

        return self.run(work)

    def failed(self, owner: str, endpoint_id: str, expected: int, delivery: Delivery,
               retry_at: float, status: str = "ACTIVE") -> bool:
        def work(ex: Execute) -> bool:
            moved = ex("UPDATE webhook_cursors SET failures = failures + 1, "
                       "next_attempt_at = ?, last_error = ?, status = ?, updated_at = ? "
                       f"WHERE endpoint_id = ? AND position = ? AND {FENCE} "
                       "RETURNING endpoint_id",
                       (retry_at, delivery.error, status, time.time(), endpoint_id, expected,
                        owner))
            if moved:
                _log(ex, delivery)
            return bool(moved)

        return self.run(work)

    def deliveries(self, endpoint_id: str, first: int,
                   before_id: int | None = None) -> list[Delivery]:
        """The delivery log, newest first."""
        bound = before_id if before_id is not None else 2**62
        rows = self.run(lambda ex: ex(
            "SELECT id, endpoint_id, event_id, position, attempt, status_code, outcome, "
            "error, latency_ms, attempted_at FROM webhook_deliveries "
            "WHERE endpoint_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
            (endpoint_id, bound, first)))
        return [Delivery(*row) for row in rows]


def _log(ex: Execute, d: Delivery) -> None:
    ex("INSERT INTO webhook_deliveries (endpoint_id, event_id, position, attempt, "
       "status_code, outcome, error, latency_ms, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
       "?, ?)", (d.endpoint_id, d.event_id, d.position, d.attempt, d.status_code, d.outcome,
                 d.error, d.latency_ms, d.attempted_at))
    # Keep the log bounded: the newest LOG_KEEP attempts per endpoint.
    ex("DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND id <= "
       "(SELECT id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC "
       "LIMIT 1 OFFSET ?)", (d.endpoint_id, d.endpoint_id, LOG_KEEP))
