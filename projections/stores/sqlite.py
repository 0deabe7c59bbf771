"""The SQLite store: read models in the application's own SQLite file.

Only one runner per projection may work at a time: a runner holds an exclusive
``flock`` on a lock file next to the database while it runs.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from projections.projection import Projection
from projections.stores.checkpoint_store import Connection, SqlCheckpointStore
from projections.stores.dialect import SQLITE
from projections.stores.plans import Query, Rows
from projections.stores.sql_readers import SqlCatalogReader, SqlEventIndexReader
from projections.stores.sql_tables import SqlSession, TableCodec
from projections.stores.urls import StoreUrl

LOCK_TIMEOUT_SECONDS = 30


def connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None,
                           check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    return conn


class SqliteConnection:
    dialect = SQLITE

    def __init__(self, path: str) -> None:
        self.raw = connect(path)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.raw.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.raw.execute(sql, params).rowcount

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.raw.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        self.raw.execute("COMMIT")

    def lock_ddl(self) -> None:
        """``BEGIN IMMEDIATE`` already excludes every other writer."""

    def table_exists(self, name: str) -> bool:
        return bool(self.fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]))

    def insert_rows(self, table: str, rows_codec: TableCodec, rows: Collection[Any]) -> None:
        columns = rows_codec.names
        marks = ", ".join("?" for _ in columns)
        self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                             [rows_codec.encode(row) for row in rows])


    def upsert_rows(self, table: str, rows_codec: TableCodec, key: str,
                    rows: Collection[Any]) -> None:
        columns = rows_codec.names
        marks = ", ".join("?" for _ in columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
        self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
                             f"ON CONFLICT ({key}) DO UPDATE SET {updates}",
                             [rows_codec.encode(row) for row in rows])

    def delete_rows(self, table: str, key: str, keys: list[Any]) -> None:
        self.raw.executemany(f"DELETE FROM {table} WHERE {key} = ?", [[k] for k in keys])


class FileLocks:
    """Named exclusive locks as ``flock`` on files beside the database."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._held: dict[str, int] = {}

    def try_lock(self, name: str) -> bool:
        if name in self._held:
            return False
        fd = os.open(f"{self._path}.{name}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._held[name] = fd
        return True

    def unlock(self, name: str) -> None:
        fd = self._held.pop(name, None)
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def release_all(self) -> None:
        for name in list(self._held):
            self.unlock(name)


class ThreadConnections:
    """One connection per reading thread (reads run in worker threads).

    A connection is used by its own thread only, under its own lock: ``close`` takes
    each lock in turn, so it never closes a connection in the middle of a query (which
    crashes the sqlite3 module), and a query after ``close`` fails cleanly.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._local = threading.local()
        self._all: list[tuple[sqlite3.Connection, threading.Lock]] = []
        self._lock = threading.Lock()
        self._closed = False

    def fetch(self, query: Query) -> Rows:
        mine: tuple[sqlite3.Connection, threading.Lock] | None = getattr(
            self._local, "conn", None)
        if mine is None:
            with self._lock:
                if self._closed:
                    raise sqlite3.ProgrammingError("the reader is closed")
                mine = (connect(self._path), threading.Lock())
                self._all.append(mine)
            self._local.conn = mine
        conn, lock = mine
        with lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the reader is closed")
            return conn.execute(query.sql, query.params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for conn, lock in self._all:
                with lock:
                    conn.close()
            self._all.clear()


def _close_sqlite(conn: Connection) -> None:
    assert isinstance(conn, SqliteConnection)
    conn.raw.close()


class SqliteDatabase:
    def __init__(self, url: StoreUrl) -> None:
        self.url = url
        self.path = url.sqlite_path

    def session(self) -> SqlSession:
        conn = SqliteConnection(self.path)
        locks = FileLocks(self.path)

        def close() -> None:
            locks.release_all()
            conn.raw.close()

        return SqlSession(conn, locks.try_lock, locks.unlock, close)

    def setup(self, projections: Iterable[Projection]) -> None:
        session = self.session()
        try:
            for projection in projections:
                session.setup(projection)
        finally:
            session.close()

    def checkpoint_store(self) -> SqlCheckpointStore:
        return SqlCheckpointStore(lambda: SqliteConnection(self.path), _close_sqlite)

    def catalog_reader(self) -> SqlCatalogReader:
        connections = ThreadConnections(self.path)
        return SqlCatalogReader(SQLITE, connections.fetch, connections.close)

    def event_index_reader(self) -> SqlEventIndexReader:
        connections = ThreadConnections(self.path)
        return SqlEventIndexReader(SQLITE, connections.fetch, connections.close)
