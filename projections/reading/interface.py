"""The reader interface, declared once here for every store (memory, SQLite, PostgreSQL).

``CatalogReader`` and ``EventIndexReader`` declare every method once. The memory readers
(``projections.reading.memory``) implement them, and so do the SQL plans
(``projections.stores.catalog_plans``, ``event_plans``), one plan per method with the
method's name and signature, run by the SQL readers (``projections.stores.sql_readers``).
The asynchronous readers (``AsyncCatalogReader``, ``AsyncEventIndexReader``) are made
from the same declarations (``awaited``); each kind only says how it runs a method
(``AsyncReader.call``): in a worker thread over a synchronous reader
(``projections.reading.threaded``) or as a plan over asyncpg
(``projections.stores.asyncpg_readers``).

Row orders: cycles by (starts_on, key); teams and people by (name, id); objectives of a
cycle, children and listings by creation; key results by (objective_id, sort_index);
check-ins by (applies_at, sequence, id), ``check_ins_of`` by key result first;
proposals by (created_at, id); ``*_by_ids``
lookups by id; ``feed_rows``, what the live feed names of a batch of events
(``projections.reading.feed_rows``). ``proposals_of`` finds proposals on either side of the
given objectives.
``position()`` is the last notification id the projection has processed; rows read
afterwards reflect at least that position.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar
from uuid import UUID

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

P = ParamSpec("P")
T = TypeVar("T")


class CatalogReader(Protocol):
    def position(self) -> int: ...
    def wait_for_position(self, position: int, timeout: float) -> bool: ...
    def organization(self, org: UUID) -> OrganizationRow | None: ...
    def cycles(self, org: UUID) -> list[CycleRow]: ...
    def cycle(self, org: UUID, *, cycle_id: UUID | None = None,
              key: str | None = None) -> CycleRow | None: ...
    def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]: ...
    def teams(self, org: UUID) -> list[TeamRow]: ...
    def people(self, org: UUID, *, team_id: UUID | None = None,
               manager_id: UUID | None = None) -> list[PersonRow]: ...
    def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]: ...
    def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[TeamRow]: ...
    def people_page(self, org: UUID, *, team_id: UUID | None = None, text: str | None = None,
                    first: int = 20, after: str | None = None) -> Page[PersonRow]: ...
    def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope: ...
    def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]: ...
    def cycle_objectives(self, org: UUID, cycle_id: UUID) -> list[ObjectiveRow]: ...
    def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]: ...
    def objectives_page(self, org: UUID, where: ObjectiveFilter | None = None,
                        scope: ViewerScope | None = None, *, first: int = 20,
                        after: str | None = None, order: ObjectiveOrder = ObjectiveOrder.CREATED,
                        descending: bool = False) -> Page[ObjectiveRow]: ...
    def key_results_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[KeyResultRow]: ...
    def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[KeyResultRow]: ...
    def cycle_key_results(self, org: UUID, cycle_id: UUID) -> list[KeyResultRow]: ...
    def check_ins(self, org: UUID, *, key_result_id: UUID | None = None,
                  objective_id: UUID | None = None) -> list[CheckInRow]: ...
    def check_ins_page(self, org: UUID, key_result_id: UUID, *, first: int = 20,
                       after: str | None = None) -> Page[CheckInRow]: ...
    def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]: ...
    def check_ins_of(self, org: UUID, key_result_ids: Sequence[UUID]) -> list[CheckInRow]: ...
    def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> list[CheckInRow]: ...
    def proposals(self, org: UUID, *, objective_id: UUID | None = None,
                  status: ProposalStatus | None = None) -> list[ProposalRow]: ...
    def proposals_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[ProposalRow]: ...
    def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]: ...
    def feed_rows(self, org: UUID, query: FeedQuery) -> FeedRows: ...
    def close(self) -> None: ...


class EventIndexReader(Protocol):
    def position(self) -> int: ...
    def wait_for_position(self, position: int, timeout: float) -> bool: ...
    def events(self, org: UUID, where: EventFilter | None = None, *,
               after: int | None = None, first: int = 100) -> EventPage: ...
    def close(self) -> None: ...


class AsyncReader(ABC):
    """What every asynchronous reader has; its other methods come from ``awaited``."""

    @abstractmethod
    async def position(self) -> int: ...

    async def wait_for_position(self, position: int, timeout: float) -> bool:  # noqa: ASYNC109
        return await wait_for_position_async(self.position, position, timeout)

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def call(self, method: Callable[Concatenate[Any, P], T], *args: P.args,
                   **kwargs: P.kwargs) -> T:
        """Run this reader's method declared as ``method`` (by its name)."""


def awaited(method: Callable[Concatenate[Any, P], T]
            ) -> Callable[Concatenate[AsyncReader, P], Coroutine[Any, Any, T]]:
    """The asynchronous form of a synchronous reader's declared method."""
    async def run(self: AsyncReader, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self.call(method, *args, **kwargs)

    run.__name__ = method.__name__
    return run


class AsyncCatalogReader(AsyncReader):
    organization = awaited(CatalogReader.organization)
    cycles = awaited(CatalogReader.cycles)
    cycle = awaited(CatalogReader.cycle)
    cycles_by_ids = awaited(CatalogReader.cycles_by_ids)
    teams = awaited(CatalogReader.teams)
    people = awaited(CatalogReader.people)
    people_by_ids = awaited(CatalogReader.people_by_ids)
    teams_by_ids = awaited(CatalogReader.teams_by_ids)
    people_page = awaited(CatalogReader.people_page)
    viewer_scope = awaited(CatalogReader.viewer_scope)
    objectives_by_ids = awaited(CatalogReader.objectives_by_ids)
    cycle_objectives = awaited(CatalogReader.cycle_objectives)
    children_of = awaited(CatalogReader.children_of)
    objectives_page = awaited(CatalogReader.objectives_page)
    key_results_of = awaited(CatalogReader.key_results_of)
    key_results_by_ids = awaited(CatalogReader.key_results_by_ids)
    cycle_key_results = awaited(CatalogReader.cycle_key_results)
    check_ins = awaited(CatalogReader.check_ins)
    check_ins_page = awaited(CatalogReader.check_ins_page)
    check_ins_by_ids = awaited(CatalogReader.check_ins_by_ids)
    check_ins_of = awaited(CatalogReader.check_ins_of)
    cycle_check_ins = awaited(CatalogReader.cycle_check_ins)
    proposals = awaited(CatalogReader.proposals)
    proposals_of = awaited(CatalogReader.proposals_of)
    proposals_by_ids = awaited(CatalogReader.proposals_by_ids)
    feed_rows = awaited(CatalogReader.feed_rows)


class AsyncEventIndexReader(AsyncReader):
    events = awaited(EventIndexReader.events)
