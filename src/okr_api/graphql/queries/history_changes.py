"""``changes(cycle, from, to)``: the cycle as of both moments, compared."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.asof import history_of
from okr_api.graphql.base import Info, composite_id, context, global_id
from okr_api.graphql.types import history as types
from okr_api.graphql.types.okr import Objective
from okr_api.history.past import CyclePast
from okr_domain import ids
from okr_domain.scoring import display
from projections.analysis import Viewer
from projections.analysis.changes import CycleSide
from projections.analysis.changes import cycle_changes as compare
from projections.replay.cycle_state import CycleState


def _side(state: CycleState, fallback: CycleState) -> CycleSide:
    organization = state.organization or fallback.organization
    assert organization is not None
    return CycleSide(state.objectives, state.key_results, organization.policy)


async def cycle_changes(info: Info, key: str, since: datetime, until: datetime,
                        known_at: datetime | None = None) -> types.CycleChanges:
    if until < since:
        raise ApiError("INVALID_INPUT", "to is before from", field="to")
    ctx = context(info)
    org_id = ctx.principal.organization_id
    cycle_id = ids.cycle_id(org_id, key)
    history = history_of(info)
    before, after = await history.cycles_at(org_id, cycle_id, [since, until], known_at)
    if not after.exists:
        raise ApiError("NOT_FOUND", f"no cycle {key} as of {until.isoformat()}")
    found = compare(cycle_id, _side(before, after), _side(after, after), after.directory,
                    Viewer.from_actor(ctx.principal.actor))
    past = CyclePast(after, until, lambda objective_id: history.subtree_at(
        org_id, cycle_id, objective_id, until, known_at))

    def shown(objective_id: UUID) -> Objective:
        row = after.objective(objective_id)
        assert row is not None
        return Objective(row=row, past=past)

    def gid(value: UUID | None) -> relay.GlobalID | None:
        return global_id("Objective", value) if value is not None else None

    return types.CycleChanges(
        cycle_key=key, from_=since, to=until, from_position=before.position,
        to_position=after.position,
        created=[shown(i) for i in found.created],
        archived=[shown(i) for i in found.archived],
        realigned=[types.Realignment(objective=shown(r.objective_id),
                                     parent_before_id=gid(r.parent_before),
                                     parent_after_id=gid(r.parent_after))
                   for r in found.realigned],
        reweighted=[types.Reweighting(
            objective=shown(r.objective_id), title=r.title,
            key_result_id=relay.GlobalID("KeyResult", composite_id(r.objective_id,
                                                                   r.key_result_id)),
            weight_before=r.weight_before, weight_after=r.weight_after)
            for r in found.reweighted],
        rescored=[types.Rescoring(objective=shown(r.objective_id),
                                  score_before=display(r.score_before),
                                  score_after=display(r.score_after), delta=display(r.delta))
                  for r in found.rescored])
