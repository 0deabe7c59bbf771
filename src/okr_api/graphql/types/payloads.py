"""Payload types: the ``Payload`` interface, user errors, and the shared shapes each
mutation's own payload type (so it can grow fields independently) is built on."""

from __future__ import annotations

from uuid import UUID

import strawberry

from okr_api.graphql.base import Info, context
from okr_api.graphql.read_your_writes import caught_up, objective_row
from okr_api.graphql.types.okr import AlignmentProposal, CheckIn, KeyResult, Objective
from okr_api.graphql.types.org import Cycle, Organization, Person, Team
from okr_api.request_loaders import forget
from projections.catalog.rows import CheckInRow


@strawberry.type(description="An expected failure: nothing was written.")
class UserError:
    code: str = strawberry.field(description="Stable machine-readable code.")
    field: list[str] | None = strawberry.field(description="Path to the input field.")
    message: str


@strawberry.interface(description="Fields every mutation payload has.")
class Payload:
    user_errors: list[UserError]
    position: int | None = strawberry.field(
        description="Global position written; pass it as minPosition to read your write.")
    replayed: bool = strawberry.field(
        default=False, description="True when an idempotency key returned an earlier result.")


@strawberry.type
class ObjectivePayload(Payload):
    objective_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def objective(self, info: Info) -> Objective | None:
        return await self.written_objective(info)

    async def written_objective(self, info: Info) -> Objective | None:
        row = await objective_row(info, self.objective_id, self.position)
        return Objective(row=row) if row else None


@strawberry.type
class KeyResultPayload(ObjectivePayload):
    key_result_id: strawberry.Private[UUID | None]

    async def written_key_result_id(self, info: Info) -> UUID | None:
        return self.key_result_id

    @strawberry.field
    async def key_result(self, info: Info) -> KeyResult | None:
        if await self.written_objective(info) is None:
            return None
        key_result_id = await self.written_key_result_id(info)
        if key_result_id is None:
            return None
        loader = context(info).loaders.key_result
        forget(loader, key_result_id)
        row = await loader.load(key_result_id)
        return KeyResult(row=row) if row else None


@strawberry.type
class CheckInPayload(KeyResultPayload):
    check_in_id: strawberry.Private[UUID | None]

    async def check_in_row(self, info: Info) -> CheckInRow | None:
        if await self.written_objective(info) is None or self.check_in_id is None:
            return None
        loader = context(info).loaders.check_in
        forget(loader, self.check_in_id)
        return await loader.load(self.check_in_id)

    async def written_key_result_id(self, info: Info) -> UUID | None:
        """A correction names only its check-in; the key result is the check-in's."""
        if self.key_result_id is not None:
            return self.key_result_id
        row = await self.check_in_row(info)
        return row.key_result_id if row else None

    @strawberry.field
    async def check_in(self, info: Info) -> CheckIn | None:
        row = await self.check_in_row(info)
        return CheckIn(row=row) if row else None


@strawberry.type
class ProposalPayload(ObjectivePayload):
    proposal_id: strawberry.Private[UUID | None]

    async def written_objective(self, info: Info) -> Objective | None:
        """The proposal's child objective."""
        child_id = self.objective_id
        if child_id is None and self.proposal_id is not None and await caught_up(
                info, self.position):
            # Responses and withdrawals name only the proposal.
            loader = context(info).loaders.proposal
            forget(loader, self.proposal_id)
            proposal = await loader.load(self.proposal_id)
            child_id = proposal.child_id if proposal else None
        row = await objective_row(info, child_id, self.position)
        return Objective(row=row) if row else None

    @strawberry.field
    async def proposal(self, info: Info) -> AlignmentProposal | None:
        if self.proposal_id is None or not await caught_up(info, self.position):
            return None
        nodes = await AlignmentProposal.load_nodes(info, [self.proposal_id.hex])
        return nodes[0]


@strawberry.type
class CyclePayload(Payload):
    cycle_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def cycle(self, info: Info) -> Cycle | None:
        if self.cycle_id is None or not await caught_up(info, self.position):
            return None
        loader = context(info).loaders.cycle
        forget(loader, self.cycle_id)
        row = await loader.load(self.cycle_id)
        return Cycle(row=row) if row else None


@strawberry.type
class TeamPayload(Payload):
    team_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        if self.team_id is None or not await caught_up(info, self.position):
            return None
        ctx = context(info)
        rows = {t.id: t for t in await ctx.services.read_model.teams(
            ctx.principal.organization_id)}
        row = rows.get(self.team_id)
        return Team(row=row) if row else None


@strawberry.type
class PersonPayload(Payload):
    person_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def person(self, info: Info) -> Person | None:
        if self.person_id is None or not await caught_up(info, self.position):
            return None
        loader = context(info).loaders.person
        forget(loader, self.person_id)
        row = await loader.load(self.person_id)
        return Person(row=row) if row else None


@strawberry.type
class OrganizationPayload(Payload):
    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        if not await caught_up(info, self.position):
            return None
        ctx = context(info)
        row = await ctx.services.read_model.organization(ctx.principal.organization_id)
        return Organization(row=row) if row else None
