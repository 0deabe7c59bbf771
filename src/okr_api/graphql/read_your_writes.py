"""Read-your-writes: waiting (bounded) until the read model has reached a position, for
queries given ``minPosition`` and for mutation payloads reading back what was written."""

from __future__ import annotations

from uuid import UUID

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, can_see, context
from okr_api.request_loaders import forget
from projections.catalog.rows import ObjectiveRow

MIN_POSITION_WAIT_SECONDS = 5.0
"""How long a query given ``minPosition`` waits for the read model."""
RESULT_WAIT_SECONDS = 5.0
"""How long a mutation payload waits for the read model to show the write."""


async def wait_for(info: Info, min_position: int | None) -> None:
    """Wait (bounded) until the read model has reached ``min_position``; NOT_YET if not."""
    if min_position is None:
        return
    read_model = context(info).services.read_model
    if not await read_model.wait_for_position(min_position, MIN_POSITION_WAIT_SECONDS):
        raise ApiError("NOT_YET", f"the read model has not reached position {min_position} "
                                  "yet; retry shortly")


async def caught_up(info: Info, position: int | None) -> bool:
    """Whether the read model has reached a written position (waiting a while for it)."""
    if position is None:
        return False
    read_model = context(info).services.read_model
    return await read_model.wait_for_position(position, RESULT_WAIT_SECONDS)


async def objective_row(info: Info, objective_id: UUID | None,
                        position: int | None) -> ObjectiveRow | None:
    """The objective as the read model has it after the write (None if not visible)."""
    if objective_id is None or not await caught_up(info, position):
        return None
    ctx = context(info)
    forget(ctx.loaders.objective, objective_id)
    row = await ctx.loaders.objective.load(objective_id)
    return row if row and await can_see(ctx, row) else None
