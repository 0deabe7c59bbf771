"""Analysis inputs and results, cached per process and keyed by the read-model position.

Every analysis query starts by loading a whole cycle (objectives, key results, people,
teams) and running pure functions over it. Both only change when the read model moves,
so they are kept for the position they were computed at:

- an entry serves only requests that observed exactly that position; the first request
  at a newer position empties the cache (nothing older than what a request observed is
  ever served, so ``minPosition`` holds as without the cache);
- a request that observed an older position than the cache's computes without caching;
- concurrent requests for one missing entry share one computation, which runs as a task
  of its own (a client going away does not cancel it for the others);
- failures are not cached.

Results depend on the viewer only through what they may see: admins see everything, so
they share entries; anyone else has entries of their own.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from okr_api.context import Services
from okr_api.request_loaders import ReadModel
from projections import analysis
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow, OrganizationRow, TeamRow

T = TypeVar("T")

EXTRAS_KEY = "analysis_cache"
MAX_INPUTS = 4
"""Cycles whose rows are kept (a 10,000-person cycle is some 100 MB of rows)."""
MAX_RESULTS = 32


@dataclass(frozen=True)
class CycleInputs:
    """One cycle's rows and the organization's directory, as of ``position``."""

    position: int
    organization: OrganizationRow
    cycles: tuple[CycleRow, ...]
    cycle: CycleRow
    objectives: list[ObjectiveRow]
    key_results: list[KeyResultRow]
    teams: dict[UUID, TeamRow]
    directory: analysis.Directory


class PositionCache:
    """Values computed at one read-model position (see the module docstring)."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.position = -1
        self._entries: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, position: int, key: Hashable,
                  compute: Callable[[], Awaitable[T]]) -> T:
        if position < self.position:
            return await compute()
        if position > self.position:
            self._entries.clear()
            self.position = position
        entry = self._entries.get(key)
        if entry is None or _failed(entry):
            self.misses += 1
            entry = asyncio.ensure_future(compute())
            self._entries[key] = entry
            entry.add_done_callback(lambda done: self._forget_failed(key, done))
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        else:
            self.hits += 1
            self._entries.move_to_end(key)
        value: T = await asyncio.shield(entry)
        return value

    def forget_before(self, position: int) -> int:
        """Forget the entries when the read model is past their position (no request
        observes it again: one that observed an older position computes without the
        cache). The number forgotten."""
        if position <= self.position:
            return 0
        forgotten = len(self._entries)
        self._entries.clear()
        self.position = position
        return forgotten

    def _forget_failed(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        if _failed(done) and self._entries.get(key) is done:
            del self._entries[key]


def _failed(entry: asyncio.Future[Any]) -> bool:
    return entry.done() and (entry.cancelled() or entry.exception() is not None)


class AnalysisCache:
    def __init__(self) -> None:
        self.inputs = PositionCache(MAX_INPUTS)
        self.results = PositionCache(MAX_RESULTS)

    def forget_before(self, position: int) -> None:
        """Forget the inputs and results of positions before ``position``."""
        self.inputs.forget_before(position)
        self.results.forget_before(position)


def analysis_cache(services: Services) -> AnalysisCache:
    """The process's cache (one per service instance)."""
    cache = services.extras.get(EXTRAS_KEY)
    if cache is None:
        cache = services.extras[EXTRAS_KEY] = AnalysisCache()
    assert isinstance(cache, AnalysisCache)
    return cache


def viewer_key(viewer: analysis.Viewer) -> analysis.Viewer:
    """Admins see every objective, so one entry serves them all."""
    return analysis.Viewer.admin() if viewer.is_admin else viewer


async def load_inputs(read_model: ReadModel, org_id: UUID, cycle_key: str,
                      position: int) -> CycleInputs | None:
    """The rows an analysis of the cycle needs (None: no such organization or cycle)."""
    org = await read_model.organization(org_id)
    cycles = tuple(await read_model.cycles(org_id))
    cycle = next((c for c in cycles if c.key == cycle_key), None)
    if org is None or cycle is None:
        return None
    objectives = await read_model.cycle_objectives(org_id, cycle.id)
    key_results = await read_model.cycle_key_results(org_id, cycle.id)
    teams = {t.id: t for t in await read_model.teams(org_id)}
    directory = analysis.Directory.build(await read_model.people(org_id), teams.values())
    return CycleInputs(position, org, cycles, cycle, objectives, key_results, teams,
                       directory)


async def cycle_inputs(services: Services, org_id: UUID, cycle_key: str,
                       position: int) -> CycleInputs | None:
    async def load() -> CycleInputs | None:
        return await load_inputs(services.read_model, org_id, cycle_key, position)

    return await analysis_cache(services).inputs.get(position, (org_id, cycle_key), load)


async def cached_result(services: Services, position: int, key: Hashable,
                        compute: Callable[[], T]) -> T:
    """A pure function of the inputs at ``position`` (``key`` names all its arguments)."""
    async def run() -> T:
        return compute()

    return await analysis_cache(services).results.get(position, key, run)


async def cached_result_async(services: Services, position: int, key: Hashable,
                              compute: Callable[[], Awaitable[T]]) -> T:
    """As ``cached_result``, for a computation that reads more of the read model."""
    return await analysis_cache(services).results.get(position, key, compute)
