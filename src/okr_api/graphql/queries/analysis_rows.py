"""The rows an analysis answer reads, live or as of a moment, and where its results are
kept.

Live, the cycle's rows come from the read model, cached per read-model position (see
``okr_api.graphql.analysis_cache``). As of a moment, the cycle's rows, the
organization's people, teams and policy all come from the replay (the history cache).
Nothing stored changes either way.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from okr_api.errors import ApiError
from okr_api.graphql.analysis_cache import (
    CycleInputs,
    cached_result,
    cached_result_async,
    cycle_inputs,
    viewer_key,
)
from okr_api.graphql.asof import cycle_as_of, moment
from okr_api.graphql.base import Info, context
from okr_api.graphql.read_your_writes import wait_for
from okr_domain import clock
from okr_domain.values import OkrPolicy
from projections import analysis
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow

RESULTS_KEY = "asof_results"
MAX_RESULTS = 32
T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    cycle: CycleRow
    policy: OkrPolicy
    objectives: Sequence[ObjectiveRow]
    key_results: Sequence[KeyResultRow]
    directory: analysis.Directory
    viewer: analysis.Viewer
    position: int
    as_of: datetime | None
    state_key: Hashable | None = None
    """Names the replayed rows when they are kept in the history cache (None: live rows,
    or a moment too recent to keep)."""
    live: CycleInputs | None = None
    """The read model's inputs the rows are (None: replayed rows)."""

    @property
    def now(self) -> datetime:
        """The moment the answer is for: the one asked about, or now."""
        return self.as_of or clock.now()

    def result_key(self, *parts: Hashable) -> Hashable | None:
        """A key for a result computed from these rows and ``parts`` alone (None: do not
        keep it). Every moment the kept rows hold for shares it."""
        if self.state_key is None:
            return None
        viewer = analysis.Viewer.admin() if self.viewer.is_admin else self.viewer
        return (self.state_key, viewer, *parts)


async def rows_for(info: Info, key: str, as_of: datetime | None,
                   min_position: int | None, known_at: datetime | None = None, *,
                   root: UUID | None = None) -> Rows:
    """The rows an answer reads; with ``root`` (an alignment tree's root objective, no
    team filter) as of a moment, those of that subtree may be all there is."""
    ctx = context(info)
    viewer = analysis.Viewer.from_actor(ctx.principal.actor)
    if as_of is not None:
        state = await cycle_as_of(info, key, as_of, known_at, root=root)
        assert state.cycle is not None
        assert state.organization is not None
        return Rows(state.cycle, state.organization.policy, state.objectives,
                    state.key_results, state.directory, viewer, state.position,
                    moment(as_of), state.key if state.valid_until is not None else None)
    await wait_for(info, min_position)
    position = await ctx.services.read_model.position()
    inputs = await cycle_inputs(ctx.services, ctx.principal.organization_id, key, position)
    if inputs is None:
        raise ApiError("NOT_FOUND", f"no cycle {key}")
    return Rows(inputs.cycle, inputs.organization.policy, inputs.objectives,
                inputs.key_results, inputs.directory, viewer, position, None, live=inputs)


async def kept(info: Info, key: Hashable | None, compute: Callable[[], T]) -> T:
    """``compute()`` in a worker thread, its result kept by ``key`` (when there is one):
    repeated questions about the same cycle and moment are answered from here."""
    results = context(info).services.extras.setdefault(RESULTS_KEY, OrderedDict())
    if key is not None and key in results:
        results.move_to_end(key)
        found: T = results[key]
        return found
    value = await asyncio.to_thread(compute)
    if key is not None:
        results[key] = value
        while len(results) > MAX_RESULTS:
            results.popitem(last=False)
    return value


async def computed(info: Info, rows: Rows, rescored: bool, parts: tuple[Hashable, ...],
                   compute: Callable[[], T]) -> T:
    """A result of ``compute()`` (a pure function of the rows and ``parts``): live and
    under the organization's own rules, from the analysis cache at the rows' position;
    otherwise kept with the replayed rows (or computed afresh)."""
    if rows.live is not None and not rescored:
        return await cached_result(context(info).services, rows.position,
                                   _live_key(rows, rows.live, parts), compute)
    return await kept(info, rows.result_key(*parts), compute)


async def computed_async(info: Info, rows: Rows, rescored: bool, parts: tuple[Hashable, ...],
                         compute: Callable[[], Awaitable[T]]) -> T:
    """As ``computed``, for a computation that reads more of the read model: cached only
    live and under the organization's own rules."""
    if rows.live is not None and not rescored:
        return await cached_result_async(context(info).services, rows.position,
                                         _live_key(rows, rows.live, parts), compute)
    return await compute()


def _live_key(rows: Rows, inputs: CycleInputs, parts: tuple[Hashable, ...],
              ) -> tuple[Hashable, ...]:
    """A result cache key: the cycle, the viewer, and what else the result depends on."""
    return (inputs.organization.id, rows.cycle.id, viewer_key(rows.viewer), *parts)
