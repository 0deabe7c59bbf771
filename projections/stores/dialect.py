"""How values and statements differ between SQLite, psycopg and asyncpg.

SQLite keeps UUIDs as hex text, decimals as text (exact), times as UTC ISO text (so text
order is time order); PostgreSQL has native types. Enums and the policy are text, and so
are exact scores (fraction text like "7/10", on both).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any
from uuid import UUID

from okr_domain.values import OkrPolicy
from projections.tables import Column, ColumnKind

Decode = Callable[[Any], Any]
Encode = Callable[[Any], Any]


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _uuid(value: Any) -> UUID:
    return value if type(value) is UUID else UUID(bytes=value.bytes)


def _policy_text(value: OkrPolicy) -> str:
    return json.dumps(value.to_dict(), sort_keys=True)


def _policy(value: str) -> OkrPolicy:
    return OkrPolicy.from_dict(json.loads(value))


def _same(value: Any) -> Any:
    return value


same_value = _same


@lru_cache(maxsize=1 << 16)
def _fraction(text: str) -> Fraction:
    """Exact scores repeat (0, 1, 1/2, 7/10...): each text is parsed once."""
    return Fraction(text)


class Dialect:
    name = "postgres"
    column_types = {
        ColumnKind.UUID: "uuid", ColumnKind.TEXT: "text", ColumnKind.INT: "bigint",
        ColumnKind.FLOAT: "double precision", ColumnKind.BOOL: "boolean",
        ColumnKind.DECIMAL: "numeric", ColumnKind.FRACTION: "text",
        ColumnKind.TIMESTAMP: "timestamptz",
        ColumnKind.DATE: "date", ColumnKind.UUID_LIST: "uuid[]", ColumnKind.POLICY: "text",
        ColumnKind.ENUM: "text",
    }
    text_collation = ' COLLATE "C"'

    def placeholder(self, index: int) -> str:
        return "%s"

    def encoder(self, kind: ColumnKind) -> Encode:
        if kind is ColumnKind.POLICY:
            return _policy_text
        if kind in (ColumnKind.ENUM, ColumnKind.FRACTION):
            return str
        return _same

    def value_decoder(self, column: Column) -> Decode:
        if column.kind is ColumnKind.TIMESTAMP:
            return _utc
        if column.kind is ColumnKind.POLICY:
            return _policy
        if column.kind is ColumnKind.ENUM:
            assert column.enum is not None
            return column.enum
        if column.kind is ColumnKind.FRACTION:
            return _fraction
        return _same

    def decoder(self, column: Column) -> Decode:
        decode = self.value_decoder(column)
        if decode is _same:
            return decode
        if column.nullable:
            return lambda v: None if v is None else decode(v)
        return decode

    def lookup_decoder(self, column: Column) -> Decode:
        """A decoder for values only compared for equality (dictionary keys): as
        ``decoder``, except where the driver's own value already compares and hashes
        as the decoded one would."""
        return self.decoder(column)

    def encode(self, kind: ColumnKind, value: Any) -> Any:
        return None if value is None else self.encoder(kind)(value)

    def any_of(self, column: str, placeholder: str, kind: ColumnKind) -> str:
        return f"{column} = ANY({placeholder}::{self.column_types[kind]}[])"

    def list_param(self, kind: ColumnKind, values: Sequence[Any]) -> list[Any]:
        encode = self.encoder(kind)
        return [encode(v) for v in values]

    def contains(self, column: str, placeholder: str) -> str:
        return f"strpos({column}, {placeholder}) > 0"


class AsyncpgDialect(Dialect):
    name = "asyncpg"

    def placeholder(self, index: int) -> str:
        return f"${index}"

    def value_decoder(self, column: Column) -> Decode:
        if column.kind is ColumnKind.UUID:
            return _uuid
        if column.kind is ColumnKind.UUID_LIST:
            return lambda v: [_uuid(u) for u in v]
        return super().value_decoder(column)

    def lookup_decoder(self, column: Column) -> Decode:
        # asyncpg's UUID subclasses uuid.UUID, equal to it and hashed alike.
        if column.kind is ColumnKind.UUID:
            return _same
        return super().lookup_decoder(column)


class SqliteDialect(Dialect):
    name = "sqlite"
    column_types = {
        **Dialect.column_types,
        ColumnKind.UUID: "text", ColumnKind.INT: "integer", ColumnKind.FLOAT: "real",
        ColumnKind.BOOL: "integer", ColumnKind.DECIMAL: "text", ColumnKind.TIMESTAMP: "text",
        ColumnKind.DATE: "text", ColumnKind.UUID_LIST: "text",
    }
    text_collation = ""

    def placeholder(self, index: int) -> str:
        return "?"

    def encoder(self, kind: ColumnKind) -> Encode:
        encoders: dict[ColumnKind, Encode] = {
            ColumnKind.UUID: lambda v: v.hex,
            ColumnKind.BOOL: int,
            ColumnKind.DECIMAL: str,
            ColumnKind.TIMESTAMP: lambda v: v.astimezone(UTC).isoformat(
                timespec="microseconds"),
            ColumnKind.DATE: date.isoformat,
            ColumnKind.UUID_LIST: lambda v: json.dumps([u.hex for u in v]),
        }
        return encoders.get(kind) or super().encoder(kind)

    def value_decoder(self, column: Column) -> Decode:
        decoders: dict[ColumnKind, Decode] = {
            ColumnKind.UUID: lambda v: UUID(hex=v),
            ColumnKind.BOOL: bool,
            ColumnKind.DECIMAL: Decimal,
            ColumnKind.TIMESTAMP: datetime.fromisoformat,
            ColumnKind.DATE: date.fromisoformat,
            ColumnKind.UUID_LIST: lambda v: [UUID(hex=u) for u in json.loads(v)],
            ColumnKind.FLOAT: float,
        }
        return decoders.get(column.kind) or super().value_decoder(column)

    def any_of(self, column: str, placeholder: str, kind: ColumnKind) -> str:
        raise NotImplementedError("SQLite expands lists into IN (...)")

    def contains(self, column: str, placeholder: str) -> str:
        return f"instr({column}, {placeholder}) > 0"


class Params:
    """Statement parameters in a dialect's placeholder style."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.values: list[Any] = []

    def __call__(self, value: Any, kind: ColumnKind | None = None) -> str:
        self.values.append(self.dialect.encode(kind, value) if kind else value)
        return self.dialect.placeholder(len(self.values))

    def one_of(self, column: str, values: Sequence[Any], kind: ColumnKind) -> str:
        """``column`` is one of ``values`` (false for none)."""
        if not values:
            return "1 = 0"
        if isinstance(self.dialect, SqliteDialect):
            return f"{column} IN ({', '.join(self(v, kind) for v in values)})"
        return self.dialect.any_of(column, self(self.dialect.list_param(kind, values)), kind)


POSTGRES = Dialect()
ASYNCPG = AsyncpgDialect()
SQLITE = SqliteDialect()
