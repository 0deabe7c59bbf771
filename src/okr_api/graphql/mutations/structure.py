"""Mutations on the organization's structure: cycles, teams, people, policy, accounts."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.auth import SERVICE_PREFIX, mint_token
from okr_api.graphql.base import Info, context, uuid_of
from okr_api.graphql.mutations.common import execute, or_unset, refused, written
from okr_api.graphql.types.payloads import (
    CyclePayload,
    OrganizationPayload,
    Payload,
    PersonPayload,
    TeamPayload,
)
from okr_domain import values
from okr_domain.command_base import UNSET

SERVICE_TOKEN_MAX_DAYS = 730


@strawberry.input
class CreateCycleInput:
    key: str = strawberry.field(description="Like 2026-Q4 (dates follow) or any key with dates.")
    name: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@strawberry.input
class CycleIdInput:
    cycle_id: relay.GlobalID


@strawberry.input
class CreateTeamInput:
    name: str
    parent_team_id: relay.GlobalID | None = None
    kind: values.TeamKind = values.TeamKind.TEAM
    lead_id: relay.GlobalID | None = None


@strawberry.input
class UpdateTeamInput:
    team_id: relay.GlobalID
    name: str | None = None
    parent_team_id: relay.GlobalID | None = None
    lead_id: relay.GlobalID | None = None
    remove_lead: bool = False


@strawberry.input
class UpsertPersonInput:
    external_id: str = strawberry.field(description="The HR system's id: the natural key.")
    name: str
    email: str | None = None
    team_id: relay.GlobalID | None = None
    manager_id: relay.GlobalID | None = None


@strawberry.input
class BandEdgesInput:
    low: float
    sweet_from: float
    sweet_to: float
    too_safe: float


@strawberry.input
class UpdateOrganizationPolicyInput:
    bands: BandEdgesInput | None = None
    roll_up: values.RollUp | None = None
    hr_mode: values.HrMode | None = None
    check_in_cadence_days: int | None = None
    time_zone: str | None = strawberry.field(default=None, description=(
        "An IANA time zone name, such as \"Asia/Tokyo\"."))
    one_on_one_cadence_days: int | None = None
    direct_alignment_by_parent_owner: bool | None = None


@strawberry.input
class CreateServiceAccountInput:
    name: str
    roles: list[values.Role]
    token_days: int = 365


@strawberry.input
class RevokeServiceAccountInput:
    service_account_id: relay.GlobalID
    reason: str = ""


@strawberry.type
class CreateCyclePayload(CyclePayload):
    pass


@strawberry.type
class ActivateCyclePayload(CyclePayload):
    pass


@strawberry.type
class CloseCyclePayload(CyclePayload):
    pass


@strawberry.type
class CreateTeamPayload(TeamPayload):
    pass


@strawberry.type
class UpdateTeamPayload(TeamPayload):
    pass


@strawberry.type
class UpsertPersonPayload(PersonPayload):
    pass


@strawberry.type
class UpdateOrganizationPolicyPayload(OrganizationPayload):
    pass


@strawberry.type
class CreateServiceAccountPayload(Payload):
    service_account_id: relay.GlobalID | None
    token: str | None = strawberry.field(description="Shown once; store it safely.")


@strawberry.type
class RevokeServiceAccountPayload(Payload):
    service_account_id: relay.GlobalID | None


def _id(value: relay.GlobalID | None, type_name: str, field: str) -> UUID:
    return or_unset(None if value is None else uuid_of(value, type_name, field=field))


@strawberry.type
class StructureMutations:
    @strawberry.mutation
    async def create_cycle(self, info: Info,
                           input: CreateCycleInput) -> CreateCyclePayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.create_cycle(
            ctx.principal.actor, input.key, name=input.name, starts_on=input.starts_on,
            ends_on=input.ends_on))
        return CreateCyclePayload(cycle_id=outcome.id,
                                  **written(outcome))

    @strawberry.mutation
    async def activate_cycle(self, info: Info,
                             input: CycleIdInput) -> ActivateCyclePayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.activate_cycle(
            ctx.principal.actor, uuid_of(input.cycle_id, "Cycle", field="cycleId")))
        return ActivateCyclePayload(cycle_id=outcome.id,
                                    **written(outcome))

    @strawberry.mutation(description="Grade every open objective and freeze the cycle.")
    async def close_cycle(self, info: Info,
                          input: CycleIdInput) -> CloseCyclePayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.close_cycle(
            ctx.principal.actor, uuid_of(input.cycle_id, "Cycle", field="cycleId")))
        return CloseCyclePayload(cycle_id=outcome.id,
                                 **written(outcome))

    @strawberry.mutation
    async def create_team(self, info: Info,
                          input: CreateTeamInput) -> CreateTeamPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.create_team(
            ctx.principal.actor, input.name,
            parent_team_id=(uuid_of(input.parent_team_id, "Team", field="parentTeamId")
                            if input.parent_team_id else None),
            kind=input.kind,
            lead_id=uuid_of(input.lead_id, "Person", field="leadId") if input.lead_id else None))
        return CreateTeamPayload(team_id=outcome.id,
                                 **written(outcome))

    @strawberry.mutation
    async def update_team(self, info: Info,
                          input: UpdateTeamInput) -> UpdateTeamPayload | None:
        ctx = context(info)
        if input.remove_lead and input.lead_id is not None:
            return UpdateTeamPayload(team_id=None, **written(refused(
                "INVALID_INPUT", "removeLead", "give leadId or removeLead, not both")))
        outcome = await execute(info, lambda: ctx.app.update_team(
            ctx.principal.actor, uuid_of(input.team_id, "Team", field="teamId"),
            name=or_unset(input.name),
            parent_team_id=_id(input.parent_team_id, "Team", "parentTeamId"),
            lead_id=None if input.remove_lead else _id(input.lead_id, "Person", "leadId")))
        return UpdateTeamPayload(team_id=outcome.id,
                                 **written(outcome))

    @strawberry.mutation(description="Create or update a person by external HR id.")
    async def upsert_person(self, info: Info,
                            input: UpsertPersonInput) -> UpsertPersonPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.upsert_person(
            ctx.principal.actor, input.external_id, input.name, email=input.email,
            team_id=uuid_of(input.team_id, "Team", field="teamId") if input.team_id else None,
            manager_id=(uuid_of(input.manager_id, "Person", field="managerId")
                        if input.manager_id else None)))
        return UpsertPersonPayload(person_id=outcome.id,
                                   **written(outcome))

    @strawberry.mutation
    async def update_organization_policy(
        self, info: Info, input: UpdateOrganizationPolicyInput,
    ) -> UpdateOrganizationPolicyPayload | None:
        ctx = context(info)
        b = input.bands
        outcome = await execute(info, lambda: ctx.app.update_organization_policy(
            ctx.principal.actor,
            bands=UNSET if b is None else values.BandEdges(b.low, b.sweet_from, b.sweet_to,
                                                           b.too_safe),
            roll_up=or_unset(input.roll_up),
            hr_mode=or_unset(input.hr_mode),
            check_in_cadence_days=or_unset(input.check_in_cadence_days),
            time_zone=or_unset(input.time_zone),
            one_on_one_cadence_days=or_unset(input.one_on_one_cadence_days),
            direct_alignment_by_parent_owner=or_unset(
                input.direct_alignment_by_parent_owner)))
        return UpdateOrganizationPolicyPayload(**written(outcome))

    @strawberry.mutation(description="A long-lived identity for an HR system (admins).")
    async def create_service_account(
        self, info: Info, input: CreateServiceAccountInput,
    ) -> CreateServiceAccountPayload | None:
        ctx = context(info)
        if not 1 <= input.token_days <= SERVICE_TOKEN_MAX_DAYS:
            return CreateServiceAccountPayload(
                service_account_id=None, token=None, **written(refused(
                    "INVALID_INPUT", "tokenDays", f"tokenDays must be 1-{SERVICE_TOKEN_MAX_DAYS}")))
        outcome = await execute(info, lambda: ctx.app.create_service_account(
            ctx.principal.actor, input.name, list(input.roles)))
        token = None
        account_id = None
        if outcome.result is not None:
            account_id = relay.GlobalID("ServiceAccount", outcome.result.id.hex)
            token = await asyncio.to_thread(
                mint_token, ctx.services.keys, organization_id=ctx.principal.organization_id,
                subject=SERVICE_PREFIX + str(outcome.result.id), roles=list(input.roles),
                ttl_seconds=input.token_days * 86400)
        return CreateServiceAccountPayload(service_account_id=account_id, token=token,
                                           **written(outcome))

    @strawberry.mutation
    async def revoke_service_account(
        self, info: Info, input: RevokeServiceAccountInput,
    ) -> RevokeServiceAccountPayload | None:
        ctx = context(info)
        account_id = uuid_of(input.service_account_id, "ServiceAccount",
                             field="serviceAccountId")
        outcome = await execute(info, lambda: ctx.app.revoke_service_account(
            ctx.principal.actor, account_id, input.reason))
        if outcome.result is not None:
            # This process refuses the tokens at once; the others when their tailers
            # read the revocation.
            ctx.services.extras["accounts"].revoked(account_id)
        return RevokeServiceAccountPayload(
            service_account_id=input.service_account_id if outcome.result else None,
            **written(outcome))
