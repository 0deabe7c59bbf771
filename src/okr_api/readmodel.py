"""The API's view of the read models: async queries and per-request DataLoaders.

``ReadModel`` is what the GraphQL layer needs from the catalog; the projections'
readers provide it for every store. ``RequestLoaders`` batch the relations of one
request (objective -> key results, owners, parents, children ...) so that a page of
objectives costs a fixed number of round trips, not one per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from okr_domain.values import Kind, Level, ObjectiveStatus, Visibility
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

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    cursors: list[str]
    has_next_page: bool
    end_cursor: str | None
    total_count: int


@dataclass(frozen=True)
class ViewerScope:
    """Whose private objectives a viewer may see (None: everything, for admins)."""

    person_ids: frozenset[UUID] = frozenset()
    team_ids: frozenset[UUID] = frozenset()

    def sees(self, row: ObjectiveRow) -> bool:
        return (row.visibility is Visibility.PUBLIC
                or row.owner_person_id in self.person_ids
                or row.owner_team_id in self.team_ids)


@dataclass(frozen=True)
class ObjectiveFilter:
    cycle_id: UUID | None = None
    team_id: UUID | None = None
    include_sub_teams: bool = False
    owner_person_id: UUID | None = None
    levels: tuple[Level, ...] = ()
    kinds: tuple[Kind, ...] = ()
    statuses: tuple[ObjectiveStatus, ...] = ()
    visibility: Visibility | None = None
    min_score: float | None = None
    max_score: float | None = None
    aligned: bool | None = None
    text: str | None = None
    parent_ids: tuple[UUID, ...] = field(default=())


class ReadModel(Protocol):
    async def position(self) -> int: ...

    async def wait_for_position(self, position: int, timeout: float) -> bool: ...  # noqa: ASYNC109

    async def organization(self, org: UUID) -> OrganizationRow | None: ...

    async def cycles(self, org: UUID) -> list[CycleRow]: ...

    async def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]: ...

    async def teams(self, org: UUID) -> list[TeamRow]: ...

    async def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]: ...

    async def people_page(self, org: UUID, *, team_id: UUID | None, text: str | None,
                          first: int, after: str | None) -> Page[PersonRow]: ...

    async def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]: ...

    async def objectives_page(self, org: UUID, where: ObjectiveFilter,
                              scope: ViewerScope | None, *, first: int,
                              after: str | None) -> Page[ObjectiveRow]: ...

    async def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]: ...

    async def key_results_of(self, org: UUID,
                             objective_ids: Sequence[UUID]) -> list[KeyResultRow]: ...

    async def key_results_by_ids(self, org: UUID,
                                 ids: Sequence[UUID]) -> list[KeyResultRow]: ...

    async def check_ins_page(self, org: UUID, key_result_id: UUID, *, first: int,
                             after: str | None) -> Page[CheckInRow]: ...

    async def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]: ...

    async def proposals_of(self, org: UUID,
                           objective_ids: Sequence[UUID]) -> list[ProposalRow]: ...

    async def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]: ...

    async def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope: ...


def _one_each(fetch: Callable[[list[K]], Awaitable[Iterable[R]]],
              key: Callable[[R], K]) -> DataLoader[K, R | None]:
    async def load(keys: list[K]) -> list[R | None]:
        found = {key(row): row for row in await fetch(keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _many_each(fetch: Callable[[list[K]], Awaitable[Iterable[R]]],
               key: Callable[[R], K]) -> DataLoader[K, list[R]]:
    async def load(keys: list[K]) -> list[list[R]]:
        grouped: dict[K, list[R]] = defaultdict(list)
        for row in await fetch(keys):
            grouped[key(row)].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


class RequestLoaders:
    """DataLoaders of one request, all scoped to the caller's organization."""

    def __init__(self, read_model: ReadModel, org: UUID) -> None:
        rm = read_model
        self.objective = _one_each(lambda ids: rm.objectives_by_ids(org, ids),
                                   lambda r: r.id)
        self.children = _many_each(lambda ids: rm.children_of(org, ids),
                                   lambda r: r.parent_id)
        self.key_results = _many_each(lambda ids: rm.key_results_of(org, ids),
                                      lambda r: r.objective_id)
        self.key_result = _one_each(lambda ids: rm.key_results_by_ids(org, ids),
                                    lambda r: r.id)
        self.person = _one_each(lambda ids: rm.people_by_ids(org, ids), lambda r: r.id)
        self.cycle = _one_each(lambda ids: rm.cycles_by_ids(org, ids), lambda r: r.id)
        self.check_in = _one_each(lambda ids: rm.check_ins_by_ids(org, ids), lambda r: r.id)
        self.proposals = _many_each(lambda ids: rm.proposals_of(org, ids),
                                    lambda r: r.child_id)
        self.proposal = _one_each(lambda ids: rm.proposals_by_ids(org, ids), lambda r: r.id)
        self._teams: dict[UUID, TeamRow] | None = None
        self._read_model = rm
        self._org = org
        self._scope: dict[UUID, ViewerScope] = {}

    async def teams(self) -> dict[UUID, TeamRow]:
        if self._teams is None:
            self._teams = {t.id: t for t in await self._read_model.teams(self._org)}
        return self._teams

    async def scope(self, person_id: UUID) -> ViewerScope:
        if person_id not in self._scope:
            self._scope[person_id] = await self._read_model.viewer_scope(self._org, person_id)
        return self._scope[person_id]

    def clear(self) -> None:
        """Forget cached rows (a subscription's context lives for the whole connection)."""
        for loader in (self.objective, self.children, self.key_results, self.key_result,
                       self.person, self.cycle, self.check_in, self.proposals, self.proposal):
            loader.clear_all()
        self._teams = None
        self._scope.clear()


