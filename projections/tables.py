"""Tables of read-model rows, described once for every store, and the changes a
projection makes to them.

A ``Table`` names a row dataclass, its key and its "owner" column (the aggregate whose
events change the row), so a store can load exactly the rows one batch of events needs.
``Tables`` holds rows in memory: the memory store's content, and the working set of a
batch in the SQL stores.
"""

from __future__ import annotations

import dataclasses
import typing
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any, Generic, TypeVar, cast
from uuid import UUID

from okr_domain.values import OkrPolicy

R = TypeVar("R")


class ColumnKind(StrEnum):
    UUID = "uuid"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DECIMAL = "decimal"
    FRACTION = "fraction"
    TIMESTAMP = "timestamp"
    DATE = "date"
    UUID_LIST = "uuid_list"
    POLICY = "policy"
    ENUM = "enum"


SIMPLE_KINDS: dict[object, ColumnKind] = {
    UUID: ColumnKind.UUID, str: ColumnKind.TEXT, int: ColumnKind.INT,
    float: ColumnKind.FLOAT, bool: ColumnKind.BOOL, Decimal: ColumnKind.DECIMAL,
    Fraction: ColumnKind.FRACTION,
    datetime: ColumnKind.TIMESTAMP, date: ColumnKind.DATE, list[UUID]: ColumnKind.UUID_LIST,
    OkrPolicy: ColumnKind.POLICY,
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    nullable: bool
    enum: type[StrEnum] | None = None


@dataclass(frozen=True)
class Derived:
    """A column computed from the row when it is written (for queries only)."""

    name: str
    kind: ColumnKind
    compute: Callable[[Any], object]


def column_for(name: str, annotation: object) -> Column:
    args = typing.get_args(annotation)
    nullable = type(None) in args
    if nullable:
        (annotation,) = [a for a in args if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return Column(name, ColumnKind.ENUM, nullable, annotation)
    return Column(name, SIMPLE_KINDS[annotation], nullable)


@dataclass(frozen=True)
class Table(Generic[R]):
    name: str
    row_type: type[R]
    key: str
    owner: str | None = None
    indexes: tuple[tuple[str, ...], ...] = ()
    derived: tuple[Derived, ...] = ()
    append_only: bool = False

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        hints = typing.get_type_hints(self.row_type)
        return tuple(column_for(f.name, hints[f.name])
                     for f in dataclasses.fields(self.row_type))  # type: ignore[arg-type]

    @cached_property
    def key_column(self) -> Column:
        return next(c for c in self.columns if c.name == self.key)

    def key_of(self, row: R) -> Hashable:
        value: Hashable = getattr(row, self.key)
        return value

    def owner_of(self, row: R) -> Hashable:
        assert self.owner is not None
        value: Hashable = getattr(row, self.owner)
        return value


@dataclass(frozen=True)
class Upsert:
    table: Table[Any]
    row: Any


@dataclass(frozen=True)
class Delete:
    table: Table[Any]
    key: Hashable


Change = Upsert | Delete


class Tables:
    """Rows by table and key, with an index by owner (each owner's rows by key, so a
    projection reads an owner's rows without hashing their keys again)."""

    def __init__(self, tables: Iterable[Table[Any]]) -> None:
        self.tables = tuple(tables)
        self._rows: dict[str, dict[Hashable, Any]] = {t.name: {} for t in self.tables}
        self._owned: dict[str, dict[Hashable, dict[Hashable, Any]]] = {
            t.name: {} for t in self.tables if t.owner
        }

    def get(self, table: Table[R], key: Hashable) -> R | None:
        row: R | None = self._rows[table.name].get(key)
        return row

    def owned(self, table: Table[R], owner: Hashable) -> list[R]:
        return list(self._owned[table.name].get(owner, _NONE).values())

    def owned_by_key(self, table: Table[R], owner: Hashable) -> dict[Hashable, R]:
        """A copy of the owner's rows by key (for the caller to change)."""
        return dict(self._owned[table.name].get(owner, _NONE))

    def all(self, table: Table[R]) -> list[R]:
        return list(self._rows[table.name].values())

    def count(self, table: Table[Any]) -> int:
        return len(self._rows[table.name])

    def put(self, table: Table[R], row: R) -> None:
        key = getattr(row, table.key)
        rows = self._rows[table.name]
        if table.owner:
            owned = self._owned[table.name]
            owner = getattr(row, table.owner)
            old = rows.get(key)
            if old is not None:
                old_owner = getattr(old, table.owner)
                if old_owner != owner:
                    self._forget_owned(owned, old_owner, key)
            mine = owned.get(owner)
            if mine is None:
                mine = owned[owner] = {}
            mine[key] = row
        rows[key] = row

    def delete(self, table: Table[Any], key: Hashable) -> None:
        old = self._rows[table.name].pop(key, None)
        if old is not None and table.owner:
            self._forget_owned(self._owned[table.name], table.owner_of(old), key)

    @staticmethod
    def _forget_owned(owned: dict[Hashable, dict[Hashable, Any]], owner: Hashable,
                      key: Hashable) -> None:
        mine = owned.get(owner)
        if mine is not None:
            mine.pop(key, None)
            if not mine:
                del owned[owner]

    def apply(self, change: Change) -> None:
        if type(change) is Upsert:
            self.put(change.table, change.row)
        else:
            self.delete(change.table, cast(Delete, change).key)


_NONE: dict[Any, Any] = {}
"""No rows (never changed)."""


class ChangeSet:
    """The net changes of a batch: the last upsert or delete per row wins."""

    def __init__(self) -> None:
        self.upserts: dict[str, dict[Hashable, Any]] = defaultdict(dict)
        self.deletes: dict[str, set[Hashable]] = defaultdict(set)
        self.tables: dict[str, Table[Any]] = {}

    def add(self, change: Change) -> None:
        table = change.table
        name = table.name
        self.tables[name] = table
        if type(change) is Upsert:
            key = getattr(change.row, table.key)
            deletes = self.deletes.get(name)
            if deletes:
                deletes.discard(key)
            self.upserts[name][key] = change.row
        else:
            assert isinstance(change, Delete)
            self.upserts[name].pop(change.key, None)
            self.deletes[name].add(change.key)

    def merge(self, later: ChangeSet) -> None:
        """Add the net changes of a later batch (a row's last change wins)."""
        self.tables.update(later.tables)
        for name, keys in later.deletes.items():
            if keys:
                upserts = self.upserts[name]
                for key in keys:
                    upserts.pop(key, None)
                self.deletes[name] |= keys
        for name, rows in later.upserts.items():
            if rows:
                deletes = self.deletes.get(name)
                if deletes:
                    deletes.difference_update(rows.keys())
                self.upserts[name].update(rows)

    def extend(self, changes: Sequence[Change]) -> None:
        for change in changes:
            self.add(change)

    def __len__(self) -> int:
        return sum(map(len, self.upserts.values())) + sum(map(len, self.deletes.values()))
