"""The asynchronous readers over PostgreSQL, through an asyncpg pool: each method runs the
plan of the same name (``catalog_plans``, ``event_plans``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import asyncpg  # type: ignore[import-untyped]

from projections.reading.interface import (
    AsyncCatalogReader,
    AsyncEventIndexReader,
    AsyncReader,
)
from projections.stores.catalog_plans import CatalogPlans
from projections.stores.dialect import ASYNCPG
from projections.stores.event_plans import EventIndexPlans
from projections.stores.plans import Plan, Plans, Query, Rows

P = ParamSpec("P")
T = TypeVar("T")


async def run_plan_async(plan: Plan[T], fetch: Callable[[Query], Awaitable[Rows]]) -> T:
    try:
        query = next(plan)
        while True:
            query = plan.send(await fetch(query))
    except StopIteration as done:
        result: T = done.value
        return result


class AsyncPlanReader(AsyncReader):
    def __init__(
        self,
        name: str,
        plans: Plans,
        fetch: Callable[[Query], Awaitable[Rows]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        self._name = name
        self._plans = plans
        self._fetch = fetch
        self._close = close

    async def position(self) -> int:
        return await run_plan_async(self._plans.position(self._name), self._fetch)

    async def close(self) -> None:
        await self._close()

    async def call(self, method: Callable[Concatenate[Any, P], T], *args: P.args,
                   **kwargs: P.kwargs) -> T:
        plan: Plan[T] = getattr(self._plans, method.__name__)(*args, **kwargs)
        return await run_plan_async(plan, self._fetch)


CONNECT_TIMEOUT_SECONDS = 3.0
STATEMENT_TIMEOUT_SECONDS = 30.0


async def open_pool(dsn: str, schema: str, max_size: int = 10) -> asyncpg.Pool[Any]:
    pool: asyncpg.Pool[Any] = await asyncpg.create_pool(
        dsn,
        min_size=1,
        max_size=max_size,
        timeout=CONNECT_TIMEOUT_SECONDS,
        command_timeout=STATEMENT_TIMEOUT_SECONDS,
        server_settings={"search_path": '"' + schema.replace('"', '""') + '"'},
    )
    return pool


BROKEN = (asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError,
          asyncpg.InternalClientError, asyncpg.InterfaceError, OSError)
"""What a connection the server dropped raises (a query interrupted by the loss can also
leave the connection's protocol mid-operation: InternalClientError)."""


async def _fetch_once(pool: asyncpg.Pool[Any], query: Query) -> list[Any]:
    async with pool.acquire() as connection:
        try:
            records: list[Any] = await connection.fetch(query.sql, *query.params)
        except BROKEN:
            # Never hand a broken connection back for reuse: the pool opens a new one.
            connection.terminate()
            raise
        return records


def pool_fetch(pool: asyncpg.Pool[Any]) -> Callable[[Query], Awaitable[Rows]]:
    async def fetch(query: Query) -> Rows:
        try:
            records = await _fetch_once(pool, query)
        except BROKEN:
            # The server restarted, or the connection was terminated: the other pooled
            # connections are as stale, so all are replaced; reads are safe to run
            # again, on a new connection (which fails at once if it is still down).
            await pool.expire_connections()
            records = await _fetch_once(pool, query)
        return [tuple(r) for r in records]

    return fetch


class AsyncpgCatalogReader(AsyncPlanReader, AsyncCatalogReader):
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        super().__init__("catalog", CatalogPlans(ASYNCPG), pool_fetch(pool), pool.close)


class AsyncpgEventIndexReader(AsyncPlanReader, AsyncEventIndexReader):
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        super().__init__("event_index", EventIndexPlans(ASYNCPG), pool_fetch(pool), pool.close)
