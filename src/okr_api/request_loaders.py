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
from typing import TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from projections.catalog.rows import ProposalRow, TeamRow
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
    """DataLoaders of one request, all scoped to the caller's organization."""

    def __init__(self, read_model: ReadModel, org: UUID) -> None:
        rm = read_model
        self.objective = _one_each(lambda ids: rm.objectives_by_ids(org, ids),
                                   lambda r: r.id)
        self.children = _many_each(lambda ids: rm.children_of(org, ids),
                                   lambda r: (r.parent_id,))
        self.key_results = _many_each(lambda ids: rm.key_results_of(org, ids),
                                      lambda r: (r.objective_id,))
        self.key_result = _one_each(lambda ids: rm.key_results_by_ids(org, ids),
                                    lambda r: r.id)
        self.person = _one_each(lambda ids: rm.people_by_ids(org, ids), lambda r: r.id)
        self.cycle = _one_each(lambda ids: rm.cycles_by_ids(org, ids), lambda r: r.id)
        self.check_in = _one_each(lambda ids: rm.check_ins_by_ids(org, ids), lambda r: r.id)
        self.proposals = _many_each(lambda ids: rm.proposals_of(org, ids), _sides)
        self.proposal = _one_each(lambda ids: rm.proposals_by_ids(org, ids), lambda r: r.id)
        # The reads in flight are kept, not only their results: the resolvers of a page's
        # rows ask at the same time, and must share one round trip.
        self._teams: asyncio.Future[dict[UUID, TeamRow]] | None = None
        self._read_model = rm
        self._org = org
        self._scope: dict[UUID, asyncio.Future[ViewerScope]] = {}

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
        for loader in (self.objective, self.children, self.key_results, self.key_result,
                       self.person, self.cycle, self.check_in, self.proposals, self.proposal):
            loader.clear_all()
        self._teams = None
        self._scope.clear()


def forget(loader: DataLoader[K, R], key: K) -> None:
    """Drop a cached key (the loader raises when the key was never loaded)."""
    with contextlib.suppress(KeyError):
        loader.clear(key)
