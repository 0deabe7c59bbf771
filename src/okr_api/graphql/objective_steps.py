"""``Objective.history``'s data: the objective's events, each with its state after it,
paged by event cursor (the GraphQL types are built from it in
``okr_api.graphql.types.okr``)."""

from __future__ import annotations

from dataclasses import dataclass

from okr_api.graphql.asof import history_of, require_history
from okr_api.graphql.base import Info, context, first_of
from okr_api.graphql.event_fields import event_after
from projections.catalog.rows import ObjectiveRow
from projections.replay.objective_history import ObjectiveStep


@dataclass(frozen=True)
class StepPage:
    """One page of an objective's history."""

    position: int
    """The event index position it reflects."""
    steps: list[ObjectiveStep]
    total: int
    has_next_page: bool


async def objective_steps(info: Info, row: ObjectiveRow, first: int | None,
                          after: str | None) -> StepPage:
    """Every event of the objective after the cursor, with its state after each (ANALYST
    or ADMIN)."""
    require_history(info, "history")
    ctx = context(info)
    position, steps = await history_of(info).objective_history(
        ctx.principal.organization_id, row.id)
    total = len(steps)
    mark = event_after(after)
    if mark is not None:
        steps = [s for s in steps if s.position > mark]
    size = first_of(first)
    return StepPage(position, steps[:size], total, len(steps) > size)
