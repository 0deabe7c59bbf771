"""The API's view of the read models: the async catalog reader and per-request
DataLoaders.

``RequestLoaders`` batch the relations of one request (objective -> key results, owners,
parents, children ...) so that a page of objectives costs a fixed number of round
trips, not one per row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from functools import cached_property
from typing import TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from projections.catalog.rows import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.reading.interface import AsyncCatalogReader
from projections.reading.queries import ObjectiveFilter, Page, ViewerScope

__all__ = ["ObjectiveFilter", "Page", "ReadModel", "RequestLoaders", "ViewerScope"]

ReadModel = AsyncCatalogReader

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


def _one_each(fetch: Callable[[list[K]], Awaitable[Iterable[R]]],
              key: Callable[[R], K]) -> DataLoader[K, R | None]:
    async def load(keys: list[K]) -> list[R | None]:
        found = {key(row): row for row in await fetch(keys)}
        return [found.get(k) for k in keys]

    return DataLoader(load_fn=load)


def _many_each(fetch: Callable[[list[K]], Awaitable[Iterable[R]]],
               keys_of: Callable[[R], Iterable[K]]) -> DataLoader[K, list[R]]:
    async def load(keys: list[K]) -> list[list[R]]:
        grouped: dict[K, list[R]] = defaultdict(list)
        for row in await fetch(keys):
            for k in keys_of(row):
                grouped[k].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


def _sides(row: ProposalRow) -> tuple[UUID, UUID]:
    return row.child_id, row.parent_id


class RequestLoaders:
    """DataLoaders of one request, all scoped to the caller's organization.

    Each loader is made when first used: a WebSocket connection keeps its context (and
    so these) for as long as it is open, and a subscription uses none of them when its
    events are sent as their cohort rendered them."""

    def __init__(self, read_model: ReadModel, org: UUID) -> None:
        # The reads in flight are kept, not only their results: the resolvers of a page's
        # rows ask at the same time, and must share one round trip.
        self._teams: asyncio.Future[dict[UUID, TeamRow]] | None = None
        self._read_model = read_model
        self._org = org
        self._scope: dict[UUID, asyncio.Future[ViewerScope]] = {}

    @cached_property
    def objective(self) -> DataLoader[UUID, ObjectiveRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.objectives_by_ids(org, ids), lambda r: r.id)

    @cached_property
    def children(self) -> DataLoader[UUID, list[ObjectiveRow]]:
        rm, org = self._read_model, self._org
        return _many_each(lambda ids: rm.children_of(org, ids), lambda r: (r.parent_id,))

    @cached_property
    def key_results(self) -> DataLoader[UUID, list[KeyResultRow]]:
        rm, org = self._read_model, self._org
        return _many_each(lambda ids: rm.key_results_of(org, ids), lambda r: (r.objective_id,))

    @cached_property
    def key_result(self) -> DataLoader[UUID, KeyResultRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.key_results_by_ids(org, ids), lambda r: r.id)

    @cached_property
    def person(self) -> DataLoader[UUID, PersonRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.people_by_ids(org, ids), lambda r: r.id)

    @cached_property
    def cycle(self) -> DataLoader[UUID, CycleRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.cycles_by_ids(org, ids), lambda r: r.id)

    @cached_property
    def check_in(self) -> DataLoader[UUID, CheckInRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.check_ins_by_ids(org, ids), lambda r: r.id)

    @cached_property
    def proposals(self) -> DataLoader[UUID, list[ProposalRow]]:
        rm, org = self._read_model, self._org
        return _many_each(lambda ids: rm.proposals_of(org, ids), _sides)

    @cached_property
    def proposal(self) -> DataLoader[UUID, ProposalRow | None]:
        rm, org = self._read_model, self._org
        return _one_each(lambda ids: rm.proposals_by_ids(org, ids), lambda r: r.id)

    async def teams(self) -> dict[UUID, TeamRow]:
        if self._teams is None:
            self._teams = asyncio.ensure_future(self._fetch_teams())
        return await asyncio.shield(self._teams)

    async def _fetch_teams(self) -> dict[UUID, TeamRow]:
        return {t.id: t for t in await self._read_model.teams(self._org)}

    async def scope(self, person_id: UUID) -> ViewerScope:
        if person_id not in self._scope:
            self._scope[person_id] = asyncio.ensure_future(
                self._read_model.viewer_scope(self._org, person_id))
        return await asyncio.shield(self._scope[person_id])

    def clear(self) -> None:
        """Forget cached rows (a subscription's context lives for the whole connection)."""
        for name in LOADERS:
            loader = self.__dict__.get(name)  # only the loaders made so far
            if isinstance(loader, DataLoader):
                loader.clear_all()
        self._teams = None
        self._scope.clear()


LOADERS = ("objective", "children", "key_results", "key_result", "person", "cycle",
           "check_in", "proposals", "proposal")


def forget(loader: DataLoader[K, R], key: K) -> None:
    """Drop a cached key (the loader raises when the key was never loaded)."""
    with contextlib.suppress(KeyError):
        loader.clear(key)
