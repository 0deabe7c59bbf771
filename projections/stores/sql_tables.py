"""The SQL store (SQLite and PostgreSQL): tables, batches and rebuild swaps.

Each projection's rows live in its own tables; ``projection_tracking`` holds one record
per projection (and one per rebuild under way) with the last processed notification id
and a fingerprint of the table layout. A batch's rows and the tracking record are
written in one transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from contextlib import AbstractContextManager
from functools import cached_property
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from projections.projection import Projection
from projections.stores.copy_text import CopyText, copy_text
from projections.stores.dialect import Dialect, Params
from projections.stores.session import TRACKING_TABLE, Target, Wanted, table_name, tracking_name
from projections.tables import ChangeSet, ColumnKind, Table, Tables

CHUNK = 500
R = TypeVar("R")


class SqlConnection(Protocol):
    @property
    def dialect(self) -> Dialect: ...

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""

    def executemany(self, sql: str, rows: list[list[Any]]) -> None: ...

    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction."""

    def lock_ddl(self) -> None:
        """Within a transaction: wait until no other session changes table layouts."""

    def table_exists(self, name: str) -> bool: ...

    def insert_rows(self, table: str, rows_codec: TableCodec, rows: Collection[Any]) -> None:
        """Insert rows known to be new (the fastest way the database offers)."""

    def upsert_rows(self, table: str, rows_codec: TableCodec, key: str,
                    rows: Collection[Any]) -> None:
        """Insert rows, replacing those with the same key."""

    def delete_rows(self, table: str, key: str, keys: list[Any]) -> None: ...


class ConflictError(Exception):
    """The tracking record was not at the expected position."""


def layout_version(projection: Projection) -> str:
    """A fingerprint of the projection's tables: a change means a rebuild from zero."""
    parts = [
        f"{t.name}:{t.key}:{t.owner}:{t.indexes}:"
        + ",".join(f"{c.name}/{c.kind}/{c.nullable}" for c in t.columns)
        + ",".join(d.name for d in t.derived)
        for t in projection.tables
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class TableCodec:
    """Rows of one table to and from a dialect's values."""

    def __init__(self, table: Table[Any], dialect: Dialect) -> None:
        self.table = table
        self.dialect = dialect
        self.names = [c.name for c in table.columns] + [d.name for d in table.derived]
        self.select_list = ", ".join(c.name for c in table.columns)
        self._get = [attrgetter(c.name) for c in table.columns]
        self._enc = [dialect.encoder(c.kind) for c in table.columns]
        self._derived = [(d.compute, dialect.encoder(d.kind)) for d in table.derived]
        self._dec = [dialect.decoder(c) for c in table.columns]
        self._ids = [(i, c.nullable) for i, c in enumerate(table.columns)
                     if c.kind is ColumnKind.UUID]
        self._id = (dialect.value_decoder(table.columns[self._ids[0][0]])
                    if self._ids else None)

    def encode(self, row: Any) -> list[Any]:
        values = [None if (v := get(row)) is None else enc(v)
                  for get, enc in zip(self._get, self._enc, strict=True)]
        values.extend(enc(compute(row)) for compute, enc in self._derived)
        return values

    @cached_property
    def copy_text(self) -> CopyText:
        """The rows in COPY's text format (``projections.stores.copy_text``)."""
        return copy_text(self.table, self.dialect.encoder(ColumnKind.POLICY))

    def decode(self, values: Sequence[Any]) -> Any:
        return self.table.row_type(*[dec(v) for dec, v in zip(self._dec, values, strict=True)])

    def decode_all(self, rows: Sequence[Sequence[Any]]) -> list[Any]:
        """The rows of one query, each id among them held once: the drivers make an
        object per value, and a cycle's 100,000 key results repeat their organization's,
        cycle's and objective's ids."""
        if self._id is None or len(rows) < 2:
            return [self.decode(r) for r in rows]
        decode_id = self._id
        known: dict[Any, Any] = {}

        def shared(value: Any) -> Any:
            if value is None:
                return None
            found = known.get(value)
            if found is None:
                found = known[value] = decode_id(value)
            return found

        decoders = list(self._dec)
        for i, _ in self._ids:
            decoders[i] = shared
        make = self.table.row_type
        return [make(*[dec(v) for dec, v in zip(decoders, r, strict=True)]) for r in rows]


_codecs: dict[tuple[str, str], TableCodec] = {}


def codec(table: Table[Any], dialect: Dialect) -> TableCodec:
    key = (table.name, dialect.name)
    if key not in _codecs:
        _codecs[key] = TableCodec(table, dialect)
    return _codecs[key]


def create_table_statements(table: Table[Any], name: str, dialect: Dialect) -> list[str]:
    """DDL for one table; index names are unique so shadow tables can be renamed in."""
    suffix = uuid.uuid4().hex[:10]
    columns = [f"{c.name} {dialect.column_types[c.kind]}{'' if c.nullable else ' NOT NULL'}"
               for c in table.columns]
    columns += [f"{d.name} {dialect.column_types[d.kind]}" for d in table.derived]
    columns.append(f"CONSTRAINT pk_{suffix} PRIMARY KEY ({table.key})")
    statements = [f"CREATE TABLE {name} ({', '.join(columns)})"]
    statements += [f"CREATE INDEX ix_{suffix}_{n} ON {name} ({', '.join(cols)})"
                   for n, cols in enumerate(table.indexes)]
    return statements


class SqlSession:
    """A ``StoreSession`` over one SQL connection."""

    def __init__(self, conn: SqlConnection, lock: Callable[[str], bool],
                 unlock: Callable[[str], None], close: Callable[[], None]) -> None:
        self.conn = conn
        self.dialect = conn.dialect
        self.try_lock = lock
        self.unlock = unlock
        self.close = close

    def _tracking(self, name: str) -> tuple[int, str] | None:
        p = Params(self.dialect)
        rows = self.conn.fetchall(
            f"SELECT position, version FROM {TRACKING_TABLE} WHERE name = {p(name)}", p.values)
        return (int(rows[0][0]), str(rows[0][1])) if rows else None

    def _create(self, projection: Projection, target: Target) -> None:
        for table in projection.tables:
            name = table_name(table, target)
            self.conn.execute(f"DROP TABLE IF EXISTS {name}")
            for statement in create_table_statements(table, name, self.dialect):
                self.conn.execute(statement)
        p = Params(self.dialect)
        self.conn.execute(
            f"INSERT INTO {TRACKING_TABLE} (name, position, version) "
            f"VALUES ({p(tracking_name(projection, target))}, 0, {p(layout_version(projection))}) "
            "ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version",
            p.values)

    def setup(self, projection: Projection) -> None:
        live = tracking_name(projection, Target.LIVE)
        with self.conn.transaction():
            self.conn.lock_ddl()
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (name text PRIMARY KEY, "
                "position bigint NOT NULL, version text NOT NULL)")
            tracking = self._tracking(live)
            complete = all(self.conn.table_exists(t.name) for t in projection.tables)
            if tracking is None or tracking[1] != layout_version(projection) or not complete:
                self._create(projection, Target.LIVE)

    def position(self, projection: Projection, target: Target = Target.LIVE) -> int | None:
        tracking = self._tracking(tracking_name(projection, target))
        return None if tracking is None else tracking[0]

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        tables = Tables(projection.tables)
        for table, owners in wanted.items():
            assert table.owner is not None
            kind = next(c.kind for c in table.columns if c.name == table.owner)
            rows_codec = codec(table, self.dialect)
            for chunk in chunks(list(owners)):
                p = Params(self.dialect)
                rows = self.conn.fetchall(
                    f"SELECT {rows_codec.select_list} FROM {table_name(table, target)} "
                    f"WHERE {p.one_of(table.owner, chunk, kind)}", p.values)
                for values in rows:
                    tables.put(table, rows_codec.decode(values))
        return tables

    def all_rows(self, table: Table[R], target: Target = Target.LIVE) -> list[R]:
        rows_codec = codec(table, self.dialect)
        rows = self.conn.fetchall(f"SELECT {rows_codec.select_list} "
                                  f"FROM {table_name(table, target)} ORDER BY {table.key}")
        return [rows_codec.decode(values) for values in rows]

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool:
        try:
            with self.conn.transaction():
                p = Params(self.dialect)
                moved = self.conn.execute(
                    f"UPDATE {TRACKING_TABLE} SET position = {p(new)} "
                    f"WHERE name = {p(tracking_name(projection, target))} "
                    f"AND position = {p(expected)}", p.values)
                if moved != 1:
                    raise ConflictError
                for table in projection.tables:
                    self._write(table, table_name(table, target), changes)
        except ConflictError:
            return False
        return True

    def _write(self, table: Table[Any], name: str, changes: ChangeSet) -> None:
        deleted: set[Hashable] = changes.deletes.get(table.name, set())
        if deleted:
            encode = self.dialect.encoder(table.key_column.kind)
            self.conn.delete_rows(name, table.key, [encode(k) for k in deleted])
        rows = changes.upserts.get(table.name, {})
        if not rows:
            return
        table_codec = codec(table, self.dialect)
        if table.append_only:
            self.conn.insert_rows(name, table_codec, rows.values())
        else:
            self.conn.upsert_rows(name, table_codec, table.key, rows.values())

    def start_rebuild(self, projection: Projection, *, fresh: bool) -> int:
        with self.conn.transaction():
            self.conn.lock_ddl()
            tracking = self._tracking(tracking_name(projection, Target.SHADOW))
            complete = all(self.conn.table_exists(table_name(t, Target.SHADOW))
                           for t in projection.tables)
            if (not fresh and tracking is not None and complete
                    and tracking[1] == layout_version(projection)):
                return tracking[0]
            self._create(projection, Target.SHADOW)
            return 0

    def finish_rebuild(self, projection: Projection) -> bool:
        live, shadow = (tracking_name(projection, t) for t in (Target.LIVE, Target.SHADOW))
        try:
            with self.conn.transaction():
                self.conn.lock_ddl()
                p = Params(self.dialect)
                # Lock the live record first: a worker's batch commit waits for the swap.
                self.conn.execute(f"UPDATE {TRACKING_TABLE} SET position = position "
                                  f"WHERE name = {p(live)}", p.values)
                live_position = self.position(projection, Target.LIVE) or 0
                shadow_position = self.position(projection, Target.SHADOW)
                if shadow_position is None or shadow_position < live_position:
                    raise ConflictError
                for table in projection.tables:
                    self.conn.execute(f"DROP TABLE IF EXISTS {table.name}")
                    self.conn.execute(f"ALTER TABLE {table_name(table, Target.SHADOW)} "
                                      f"RENAME TO {table.name}")
                p = Params(self.dialect)
                self.conn.execute(
                    f"UPDATE {TRACKING_TABLE} SET position = {p(shadow_position)}, "
                    f"version = {p(layout_version(projection))} WHERE name = {p(live)}",
                    p.values)
                p = Params(self.dialect)
                self.conn.execute(f"DELETE FROM {TRACKING_TABLE} WHERE name = {p(shadow)}",
                                  p.values)
        except ConflictError:
            return False
        return True
