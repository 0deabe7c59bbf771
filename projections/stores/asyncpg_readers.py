"""The asynchronous readers over PostgreSQL, through an asyncpg pool."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

import asyncpg  # type: ignore[import-untyped]

from okr_domain.values import ProposalStatus
from projections.catalog.rows import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.reading.feed_rows import FeedQuery, FeedRows
from projections.reading.queries import (
    EventFilter,
    EventPage,
    ObjectiveFilter,
    ObjectiveOrder,
    Page,
    ViewerScope,
)
from projections.reading.waiting import wait_for_position_async
from projections.stores.catalog_plans import CatalogPlans
from projections.stores.dialect import ASYNCPG
from projections.stores.event_plans import EventIndexPlans
from projections.stores.plans import Plan, Plans, Query, Rows

T = TypeVar("T")


async def run_plan_async(plan: Plan[T], fetch: Callable[[Query], Awaitable[Rows]]) -> T:
    try:
        query = next(plan)
        while True:
            query = plan.send(await fetch(query))
    except StopIteration as done:
        result: T = done.value
        return result


class AsyncPlanReader:
    def __init__(
        self,
        name: str,
        plans: Plans,
        fetch: Callable[[Query], Awaitable[Rows]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        self._name = name
        self._position_plans = plans
        self._fetch = fetch
        self._close = close

    async def _run(self, plan: Plan[T]) -> T:
        return await run_plan_async(plan, self._fetch)

    async def position(self) -> int:
        return await self._run(self._position_plans.position(self._name))

    async def wait_for_position(self, position: int, timeout: float) -> bool:  # noqa: ASYNC109
        return await wait_for_position_async(self.position, position, timeout)

    async def close(self) -> None:
        await self._close()


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


class AsyncpgCatalogReader(AsyncPlanReader):
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._plans = CatalogPlans(ASYNCPG)
        super().__init__("catalog", self._plans, pool_fetch(pool), pool.close)

    async def organization(self, org: UUID) -> OrganizationRow | None:
        return await self._run(self._plans.organization(org))

    async def cycles(self, org: UUID) -> list[CycleRow]:
        return await self._run(self._plans.cycles(org))

    async def cycle(
        self, org: UUID, *, cycle_id: UUID | None = None, key: str | None = None
    ) -> CycleRow | None:
        return await self._run(self._plans.cycle(org, cycle_id, key))

    async def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]:
        return await self._run(self._plans.cycles_by_ids(org, ids))

    async def teams(self, org: UUID) -> list[TeamRow]:
        return await self._run(self._plans.teams(org))

    async def people(
        self, org: UUID, *, team_id: UUID | None = None, manager_id: UUID | None = None
    ) -> list[PersonRow]:
        return await self._run(self._plans.people(org, team_id, manager_id))

    async def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]:
        return await self._run(self._plans.people_by_ids(org, ids))

    async def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[TeamRow]:
        return await self._run(self._plans.teams_by_ids(org, ids))

    async def people_page(
        self,
        org: UUID,
        *,
        team_id: UUID | None = None,
        text: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Page[PersonRow]:
        return await self._run(self._plans.people_page(org, team_id, text, first, after))

    async def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope:
        return await self._run(self._plans.viewer_scope(org, person_id))

    async def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return await self._run(self._plans.objectives_by_ids(org, ids))

    async def cycle_objectives(self, org: UUID, cycle_id: UUID) -> list[ObjectiveRow]:
        return await self._run(self._plans.cycle_objectives(org, cycle_id))

    async def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return await self._run(self._plans.children_of(org, parent_ids))

    async def objectives_page(
        self,
        org: UUID,
        where: ObjectiveFilter | None = None,
        scope: ViewerScope | None = None,
        *,
        first: int = 20,
        after: str | None = None,
        order: ObjectiveOrder = ObjectiveOrder.CREATED,
        descending: bool = False,
    ) -> Page[ObjectiveRow]:
        return await self._run(
            self._plans.objectives_page(
                org, where or ObjectiveFilter(), scope, first, after, order, descending
            )
        )

    async def key_results_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[KeyResultRow]:
        return await self._run(self._plans.key_results_of(org, objective_ids))

    async def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[KeyResultRow]:
        return await self._run(self._plans.key_results_by_ids(org, ids))

    async def cycle_key_results(self, org: UUID, cycle_id: UUID) -> list[KeyResultRow]:
        return await self._run(self._plans.cycle_key_results(org, cycle_id))

    async def check_ins(
        self, org: UUID, *, key_result_id: UUID | None = None, objective_id: UUID | None = None
    ) -> list[CheckInRow]:
        return await self._run(self._plans.check_ins(org, key_result_id, objective_id))

    async def check_ins_page(
        self, org: UUID, key_result_id: UUID, *, first: int = 20, after: str | None = None
    ) -> Page[CheckInRow]:
        return await self._run(self._plans.check_ins_page(org, key_result_id, first, after))

    async def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]:
        return await self._run(self._plans.check_ins_by_ids(org, ids))

    async def check_ins_of(self, org: UUID,
                           key_result_ids: Sequence[UUID]) -> list[CheckInRow]:
        return await self._run(self._plans.check_ins_of(org, key_result_ids))

    async def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> list[CheckInRow]:
        return await self._run(self._plans.cycle_check_ins(org, cycle_id))

    async def proposals(
        self, org: UUID, *, objective_id: UUID | None = None, status: ProposalStatus | None = None
    ) -> list[ProposalRow]:
        return await self._run(self._plans.proposals(org, objective_id, status))

    async def proposals_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[ProposalRow]:
        return await self._run(self._plans.proposals_of(org, objective_ids))

    async def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]:
        return await self._run(self._plans.proposals_by_ids(org, ids))

    async def feed_rows(self, org: UUID, query: FeedQuery) -> FeedRows:
        return await self._run(self._plans.feed_rows(org, query))


class AsyncpgEventIndexReader(AsyncPlanReader):
    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._plans = EventIndexPlans(ASYNCPG)
        super().__init__("event_index", self._plans, pool_fetch(pool), pool.close)

    async def events(
        self,
        org: UUID,
        where: EventFilter | None = None,
        *,
        after: int | None = None,
        first: int = 100,
    ) -> EventPage:
        return await self._run(self._plans.events(org, where or EventFilter(), after, first))
