"""Reader queries as plans: generators that yield SQL and receive the rows.

One plan serves the synchronous readers (SQLite, psycopg) and the asynchronous one
(asyncpg): each reader only runs the queries a plan yields.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from projections.stores.dialect import Dialect, Params, same_value
from projections.stores.session import TRACKING_TABLE
from projections.stores.sql_tables import codec
from projections.tables import Table

T = TypeVar("T")
R = TypeVar("R")

Rows = list[tuple[Any, ...]]


@dataclass(frozen=True)
class Query:
    sql: str
    params: list[Any]


Plan = Generator[Query, Rows, T]


def run_plan(plan: Plan[T], fetch: Callable[[Query], Rows]) -> T:
    try:
        query = next(plan)
        while True:
            query = plan.send(fetch(query))
    except StopIteration as done:
        result: T = done.value
        return result


class Plans:
    def __init__(self, dialect: Dialect) -> None:
        self.d = dialect

    def position(self, name: str) -> Plan[int]:
        p = Params(self.d)
        rows = yield Query(f"SELECT position FROM {TRACKING_TABLE} WHERE name = {p(name)}",
                           p.values)
        return int(rows[0][0]) if rows else 0

    def select(self, table: Table[R], where: Callable[[Params], str], order: str,
               limit: int | None = None) -> Plan[list[R]]:
        rows_codec = codec(table, self.d)
        p = Params(self.d)
        sql = (f"SELECT {rows_codec.select_list} FROM {table.name} WHERE {where(p)} "
               f"ORDER BY {order}")
        if limit is not None:
            sql += f" LIMIT {p(limit)}"
        rows = yield Query(sql, p.values)
        return rows_codec.decode_all(rows)

    def select_columns(self, table: Table[Any], columns: Sequence[str],
                       where: Callable[[Params], str], *,
                       keys: Collection[str] = ()) -> Plan[list[list[Any]]]:
        """Only ``columns`` of the matching rows, each decoded as the full rows' are;
        ``keys`` are columns only looked up by equality, decoded only as far as that
        needs (``Dialect.lookup_decoder``). Values a row repeats (an owner's id, an
        enum's text) are decoded once per query."""
        by_name = {c.name: c for c in table.columns}
        decoders = [(i, self.d.lookup_decoder(by_name[name]) if name in keys
                     else self.d.decoder(by_name[name])) for i, name in enumerate(columns)]
        converting = [(i, _once(decode)) for i, decode in decoders if decode is not same_value]
        p = Params(self.d)
        rows = yield Query(f"SELECT {', '.join(columns)} FROM {table.name} WHERE {where(p)}",
                           p.values)
        decoded: list[list[Any]] = []
        for row in rows:
            values = list(row)
            for i, decode in converting:
                values[i] = decode(values[i])
            decoded.append(values)
        return decoded

    def count(self, table: Table[Any], where: Callable[[Params], str]) -> Plan[int]:
        p = Params(self.d)
        rows = yield Query(f"SELECT count(*) FROM {table.name} WHERE {where(p)}", p.values)
        return int(rows[0][0])


def _once(decode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``decode`` remembering its answers (for one query's rows)."""
    known: dict[Any, Any] = {}

    def decoded(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = result = decode(value)
            return result
        except TypeError:  # not hashable
            return decode(value)

    return decoded
