"""Asynchronous readers over synchronous ones (SQLite, memory): every call runs in a
worker thread, so the event loop never blocks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from okr_domain.values import ProposalStatus
from projections.feed_rows import FeedQuery, FeedRows
from projections.model import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.readers import CatalogReader, EventIndexReader
from projections.reading import (
    EventFilter,
    EventPage,
    ObjectiveFilter,
    ObjectiveOrder,
    Page,
    ViewerScope,
)

POLL_FIRST = 0.002
POLL_MAX = 0.05


class _Reader(Protocol):
    def position(self) -> int: ...

    def close(self) -> None: ...


S = TypeVar("S", bound=_Reader)


class _Threaded(Generic[S]):
    def __init__(self, sync: S) -> None:
        self._sync = sync

    async def position(self) -> int:
        return await asyncio.to_thread(self._sync.position)

    async def wait_for_position(self, position: int, timeout: float) -> bool:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        pause = POLL_FIRST
        while await self.position() < position:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, POLL_MAX)
        return True

    async def close(self) -> None:
        await asyncio.to_thread(self._sync.close)


class ThreadedCatalogReader(_Threaded[CatalogReader]):
    async def organization(self, org: UUID) -> OrganizationRow | None:
        return await asyncio.to_thread(self._sync.organization, org)

    async def cycles(self, org: UUID) -> list[CycleRow]:
        return await asyncio.to_thread(self._sync.cycles, org)

    async def cycle(
        self, org: UUID, *, cycle_id: UUID | None = None, key: str | None = None
    ) -> CycleRow | None:
        return await asyncio.to_thread(self._sync.cycle, org, cycle_id=cycle_id, key=key)

    async def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]:
        return await asyncio.to_thread(self._sync.cycles_by_ids, org, ids)

    async def teams(self, org: UUID) -> list[TeamRow]:
        return await asyncio.to_thread(self._sync.teams, org)

    async def people(
        self, org: UUID, *, team_id: UUID | None = None, manager_id: UUID | None = None
    ) -> list[PersonRow]:
        return await asyncio.to_thread(
            self._sync.people, org, team_id=team_id, manager_id=manager_id
        )

    async def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]:
        return await asyncio.to_thread(self._sync.people_by_ids, org, ids)

    async def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[TeamRow]:
        return await asyncio.to_thread(self._sync.teams_by_ids, org, ids)

    async def people_page(
        self,
        org: UUID,
        *,
        team_id: UUID | None = None,
        text: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Page[PersonRow]:
        return await asyncio.to_thread(
            self._sync.people_page, org, team_id=team_id, text=text, first=first, after=after
        )

    async def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope:
        return await asyncio.to_thread(self._sync.viewer_scope, org, person_id)

    async def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return await asyncio.to_thread(self._sync.objectives_by_ids, org, ids)

    async def cycle_objectives(self, org: UUID, cycle_id: UUID) -> list[ObjectiveRow]:
        return await asyncio.to_thread(self._sync.cycle_objectives, org, cycle_id)

    async def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return await asyncio.to_thread(self._sync.children_of, org, parent_ids)

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
        return await asyncio.to_thread(
            self._sync.objectives_page,
            org,
            where,
            scope,
            first=first,
            after=after,
            order=order,
            descending=descending,
        )

    async def key_results_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[KeyResultRow]:
        return await asyncio.to_thread(self._sync.key_results_of, org, objective_ids)

    async def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[KeyResultRow]:
        return await asyncio.to_thread(self._sync.key_results_by_ids, org, ids)

    async def cycle_key_results(self, org: UUID, cycle_id: UUID) -> list[KeyResultRow]:
        return await asyncio.to_thread(self._sync.cycle_key_results, org, cycle_id)

    async def check_ins(
        self, org: UUID, *, key_result_id: UUID | None = None, objective_id: UUID | None = None
    ) -> list[CheckInRow]:
        return await asyncio.to_thread(
            self._sync.check_ins, org, key_result_id=key_result_id, objective_id=objective_id
        )

    async def check_ins_page(
        self, org: UUID, key_result_id: UUID, *, first: int = 20, after: str | None = None
    ) -> Page[CheckInRow]:
        return await asyncio.to_thread(
            self._sync.check_ins_page, org, key_result_id, first=first, after=after
        )

    async def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]:
        return await asyncio.to_thread(self._sync.check_ins_by_ids, org, ids)

    async def check_ins_of(self, org: UUID,
                           key_result_ids: Sequence[UUID]) -> list[CheckInRow]:
        return await asyncio.to_thread(self._sync.check_ins_of, org, key_result_ids)

    async def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> list[CheckInRow]:
        return await asyncio.to_thread(self._sync.cycle_check_ins, org, cycle_id)

    async def proposals(
        self, org: UUID, *, objective_id: UUID | None = None, status: ProposalStatus | None = None
    ) -> list[ProposalRow]:
        return await asyncio.to_thread(
            self._sync.proposals, org, objective_id=objective_id, status=status
        )

    async def proposals_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[ProposalRow]:
        return await asyncio.to_thread(self._sync.proposals_of, org, objective_ids)

    async def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]:
        return await asyncio.to_thread(self._sync.proposals_by_ids, org, ids)

    async def feed_rows(self, org: UUID, query: FeedQuery) -> FeedRows:
        return await asyncio.to_thread(self._sync.feed_rows, org, query)


class ThreadedEventIndexReader(_Threaded[EventIndexReader]):
    async def events(
        self,
        org: UUID,
        where: EventFilter | None = None,
        *,
        after: int | None = None,
        first: int = 100,
    ) -> EventPage:
        return await asyncio.to_thread(self._sync.events, org, where, after=after, first=first)
