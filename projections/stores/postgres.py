"""The PostgreSQL store: read models in the events' schema.

A runner holds a session-level advisory lock per projection on the connection it
writes with, so only one runner per projection works at a time, and a runner that
loses its connection loses the lock with it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from projections.projection import Projection
from projections.stores.asyncpg_readers import (
    AsyncpgCatalogReader,
    AsyncpgEventIndexReader,
    open_pool,
)
from projections.stores.checkpoint_store import Connection, SqlCheckpointStore
from projections.stores.dialect import POSTGRES
from projections.stores.plans import Query, Rows
from projections.stores.sql_readers import SqlCatalogReader, SqlEventIndexReader
from projections.stores.sql_tables import SqlSession, TableCodec
from projections.stores.urls import StoreUrl

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5
COPY_THRESHOLD = 50
COPY_CHUNK = 1 << 20
"""Bytes of COPY data sent per message."""


def advisory_key(schema: str, name: str) -> int:
    digest = hashlib.sha256(f"okr-projections/{schema}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def application_name(schema: str) -> str:
    """How projection connections show in ``pg_stat_activity``."""
    return f"okr-projections/{schema}"[:63]


def connect(dsn: str, schema: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                           application_name=application_name(schema))
    conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
    return conn


class PgConnection:
    dialect = POSTGRES

    def __init__(self, dsn: str, schema: str) -> None:
        self.schema = schema
        self.raw = connect(dsn, schema)
        self._staged: set[str] = set()

    def fetchall(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.raw.cursor() as cur:
            cur.execute(statement.encode(), params)
            return cur.fetchall()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> int:
        with self.raw.cursor() as cur:
            cur.execute(statement.encode(), params)
            return cur.rowcount

    def executemany(self, statement: str, rows: list[list[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(statement.encode(), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.raw.transaction():
            yield

    def lock_ddl(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(self.schema, "ddl")])

    def table_exists(self, name: str) -> bool:
        return bool(self.fetchall("SELECT 1 FROM pg_tables WHERE schemaname = %s "
                                  "AND tablename = %s", [self.schema, name]))

    def insert_rows(self, table: str, rows_codec: TableCodec, rows: Collection[Any]) -> None:
        self._copy(table, rows_codec.names, rows_codec.copy_text(rows))

    def _copy(self, table: str, columns: Sequence[str], data: bytes) -> None:
        with self.raw.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN".encode()) as copy:
            for start in range(0, len(data), COPY_CHUNK):
                copy.write(data[start:start + COPY_CHUNK])

    def upsert_rows(self, table: str, rows_codec: TableCodec, key: str,
                    rows: Collection[Any]) -> None:
        columns = rows_codec.names
        names = ", ".join(columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
        upsert = f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        if len(rows) < COPY_THRESHOLD:
            marks = ", ".join("%s" for _ in columns)
            self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {upsert}",
                             [rows_codec.encode(row) for row in rows])
            return
        # Many rows: COPY into a session-local staging table (emptied at commit), then
        # one INSERT, which saves a round trip per row. The name follows the columns, so
        # a new layout gets a new staging table.
        layout = hashlib.sha256(names.encode()).hexdigest()[:8]
        stage = f"stage_{table}_{layout}"[:63]
        if stage not in self._staged:
            self.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "
                         f"AS SELECT {names} FROM {table} WITH NO DATA")
            self._staged.add(stage)
        self._copy(stage, columns, rows_codec.copy_text(rows))
        self.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} {upsert}")

    def delete_rows(self, table: str, key: str, keys: list[Any]) -> None:
        self.execute(f"DELETE FROM {table} WHERE {key} = ANY(%s)", [keys])

    def try_lock(self, name: str) -> bool:
        rows = self.fetchall("SELECT pg_try_advisory_lock(%s)",
                             [advisory_key(self.schema, name)])
        return bool(rows[0][0])

    def unlock(self, name: str) -> None:
        if not self.raw.closed:
            self.execute("SELECT pg_advisory_unlock(%s)", [advisory_key(self.schema, name)])


def listen(dsn: str, schema: str, channel: str, on_notify: Callable[[], None],
           stop: threading.Event, timeout: float = 0.5) -> None:
    """Call ``on_notify`` for every NOTIFY on ``channel`` until ``stop`` is set (and
    once after connecting, for what was missed meanwhile). Raises when the connection
    fails; the caller reconnects."""
    with psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                         application_name=application_name(schema)) as conn:
        conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        on_notify()
        while not stop.is_set():
            for _ in conn.notifies(timeout=timeout, stop_after=1):
                on_notify()


def _close_pg(conn: Connection) -> None:
    assert isinstance(conn, PgConnection)
    conn.raw.close()


class PostgresDatabase:
    def __init__(self, url: StoreUrl) -> None:
        self.url = url
        self.dsn = url.dsn
        self.schema = url.schema

    def session(self) -> SqlSession:
        conn = PgConnection(self.dsn, self.schema)
        return SqlSession(conn, conn.try_lock, conn.unlock, conn.raw.close)

    def setup(self, projections: Iterable[Projection]) -> None:
        session = self.session()
        try:
            for projection in projections:
                session.setup(projection)
        finally:
            session.close()

    def _pool(self) -> tuple[Callable[[Query], Rows], Callable[[], None]]:
        schema = self.schema

        def configure(conn: psycopg.Connection[Any]) -> None:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))

        pool: ConnectionPool[Any] = ConnectionPool(
            self.dsn, min_size=1, max_size=4, kwargs={"autocommit": True},
            configure=configure, open=True)

        def fetch(query: Query) -> Rows:
            with pool.connection() as conn, conn.cursor() as cur:
                cur.execute(query.sql.encode(), query.params)
                rows: Rows = cur.fetchall()
                return rows

        return fetch, pool.close

    def checkpoint_store(self) -> SqlCheckpointStore:
        return SqlCheckpointStore(lambda: PgConnection(self.dsn, self.schema), _close_pg)

    def catalog_reader(self) -> SqlCatalogReader:
        return SqlCatalogReader(POSTGRES, *self._pool())

    def event_index_reader(self) -> SqlEventIndexReader:
        return SqlEventIndexReader(POSTGRES, *self._pool())

    async def open_async_catalog_reader(self) -> AsyncpgCatalogReader:
        return AsyncpgCatalogReader(await open_pool(self.dsn, self.schema))

    async def open_async_event_index_reader(self) -> AsyncpgEventIndexReader:
        return AsyncpgEventIndexReader(await open_pool(self.dsn, self.schema))
