"""Mutations on objectives: create, edit, visibility, lifecycle, support, grades."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.graphql.base import Info, context, uuid_of
from okr_api.graphql.mutations.common import execute, or_unset, written
from okr_api.graphql.types.payloads import ObjectivePayload
from okr_domain import values
from okr_domain.command_base import Result

P = TypeVar("P", bound=ObjectivePayload)


@strawberry.input
class CreateObjectiveInput:
    cycle_id: relay.GlobalID
    level: values.Level
    title: str
    description: str = ""
    owner_team_id: relay.GlobalID | None = strawberry.field(
        default=None, description="TEAM objectives (COMPANY ones default to the company team).")
    owner_person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="INDIVIDUAL objectives.")
    kind: values.Kind = values.Kind.ASPIRATIONAL
    visibility: values.Visibility = values.Visibility.PUBLIC
    idempotency_key: str | None = None


@strawberry.input
class UpdateObjectiveInput:
    objective_id: relay.GlobalID
    title: str | None = None
    description: str | None = None
    kind: values.Kind | None = None
    supporters_can_check_in: bool | None = None


@strawberry.input
class SetObjectiveVisibilityInput:
    objective_id: relay.GlobalID
    visibility: values.Visibility


@strawberry.input
class ObjectiveIdInput:
    objective_id: relay.GlobalID


@strawberry.input
class ArchiveObjectiveInput:
    objective_id: relay.GlobalID
    reason: str = ""


@strawberry.input
class SupportObjectiveInput:
    objective_id: relay.GlobalID
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Admins may name the supporter; others support themselves.")


@strawberry.input
class GradeObjectiveInput:
    objective_id: relay.GlobalID
    override: float | None = strawberry.field(
        default=None, description="Grade override in [0, 1]; null clears it.")
    reason: str = ""


@strawberry.type
class CreateObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class UpdateObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class SetObjectiveVisibilityPayload(ObjectivePayload):
    pass


@strawberry.type
class ActivateObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class ArchiveObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class SupportObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class WithdrawSupportPayload(ObjectivePayload):
    pass


@strawberry.type
class GradeObjectivePayload(ObjectivePayload):
    pass


async def _on_objective(info: Info, payload: type[P], objective_id: relay.GlobalID,
                        command: Callable[[UUID], Result]) -> P:
    """Run a command on one objective; its payload names the objective written."""
    outcome = await execute(info, lambda: command(
        uuid_of(objective_id, "Objective", field="objectiveId")))
    return payload(objective_id=outcome.id, **written(outcome))


@strawberry.type
class ObjectiveMutations:
    @strawberry.mutation
    async def create_objective(self, info: Info,
                               input: CreateObjectiveInput) -> CreateObjectivePayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.create_objective(
            ctx.principal.actor, uuid_of(input.cycle_id, "Cycle", field="cycleId"),
            input.level, input.title,
            owner_team_id=(uuid_of(input.owner_team_id, "Team", field="ownerTeamId")
                           if input.owner_team_id else None),
            owner_person_id=(uuid_of(input.owner_person_id, "Person", field="ownerPersonId")
                             if input.owner_person_id else None),
            kind=input.kind, visibility=input.visibility, description=input.description,
            idempotency_key=input.idempotency_key))
        return CreateObjectivePayload(objective_id=outcome.id, **written(outcome))

    @strawberry.mutation
    async def update_objective(self, info: Info,
                               input: UpdateObjectiveInput) -> UpdateObjectivePayload | None:
        ctx = context(info)
        return await _on_objective(
            info, UpdateObjectivePayload, input.objective_id,
            lambda objective: ctx.app.update_objective(
                ctx.principal.actor, objective,
                title=or_unset(input.title), description=or_unset(input.description),
                kind=or_unset(input.kind),
                supporters_can_check_in=or_unset(input.supporters_can_check_in)))

    @strawberry.mutation
    async def set_objective_visibility(
        self, info: Info, input: SetObjectiveVisibilityInput,
    ) -> SetObjectiveVisibilityPayload | None:
        ctx = context(info)
        return await _on_objective(
            info, SetObjectiveVisibilityPayload, input.objective_id,
            lambda objective: ctx.app.set_objective_visibility(
                ctx.principal.actor, objective, input.visibility))

    @strawberry.mutation
    async def activate_objective(self, info: Info,
                                 input: ObjectiveIdInput) -> ActivateObjectivePayload | None:
        ctx = context(info)
        return await _on_objective(
            info, ActivateObjectivePayload, input.objective_id,
            lambda objective: ctx.app.activate_objective(ctx.principal.actor, objective))

    @strawberry.mutation
    async def archive_objective(self, info: Info,
                                input: ArchiveObjectiveInput) -> ArchiveObjectivePayload | None:
        ctx = context(info)
        return await _on_objective(
            info, ArchiveObjectivePayload, input.objective_id,
            lambda objective: ctx.app.archive_objective(
                ctx.principal.actor, objective, input.reason))

    @strawberry.mutation
    async def support_objective(self, info: Info,
                                input: SupportObjectiveInput) -> SupportObjectivePayload | None:
        ctx = context(info)
        return await _on_objective(
            info, SupportObjectivePayload, input.objective_id,
            lambda objective: ctx.app.support_objective(
                ctx.principal.actor, objective, _supporter(input)))

    @strawberry.mutation
    async def withdraw_support(self, info: Info,
                               input: SupportObjectiveInput) -> WithdrawSupportPayload | None:
        ctx = context(info)
        return await _on_objective(
            info, WithdrawSupportPayload, input.objective_id,
            lambda objective: ctx.app.withdraw_support(
                ctx.principal.actor, objective, _supporter(input)))

    @strawberry.mutation
    async def grade_objective(self, info: Info,
                              input: GradeObjectiveInput) -> GradeObjectivePayload | None:
        ctx = context(info)
        return await _on_objective(
            info, GradeObjectivePayload, input.objective_id,
            lambda objective: ctx.app.grade_objective(
                ctx.principal.actor, objective, input.override, input.reason))


def _supporter(input: SupportObjectiveInput) -> UUID | None:
    return uuid_of(input.person_id, "Person", field="personId") if input.person_id else None
