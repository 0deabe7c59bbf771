"""Mutations on alignment: negotiated proposals, direct alignment, unalignment."""

from __future__ import annotations

from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, composite_of, context, uuid_of
from okr_api.graphql.mutations.common import execute, written
from okr_api.graphql.types.payloads import ObjectivePayload, ProposalPayload
from okr_domain import values
from okr_domain.command_base import Result


def _parent_kr(value: relay.GlobalID | None, parent: UUID) -> UUID | None:
    if value is None:
        return None
    objective_id, kr_id = composite_of(value, "KeyResult", "parentKeyResultId")
    if objective_id != parent:
        raise ApiError("INVALID_INPUT", "parentKeyResultId is not a key result of the parent",
                       field="parentKeyResultId")
    return kr_id


@strawberry.input
class ProposeAlignmentInput:
    child_id: relay.GlobalID
    parent_id: relay.GlobalID
    parent_key_result_id: relay.GlobalID | None = None
    message: str = ""
    side: values.ProposalSide | None = strawberry.field(default=None, description=(
        "The side the proposer speaks for (inferred when it owns only one): PARENT asks "
        "\"shall we?\" and awaits the child's owner, CHILD asks \"could you?\" and "
        "awaits the parent's owner."))


@strawberry.input
class RespondToAlignmentProposalInput:
    proposal_id: relay.GlobalID
    accept: bool
    reason: str = ""


@strawberry.input
class WithdrawAlignmentProposalInput:
    proposal_id: relay.GlobalID


@strawberry.input
class AlignObjectiveInput:
    child_id: relay.GlobalID
    parent_id: relay.GlobalID
    parent_key_result_id: relay.GlobalID | None = None


@strawberry.input
class UnalignObjectiveInput:
    objective_id: relay.GlobalID
    reason: str = ""


@strawberry.type
class ProposeAlignmentPayload(ProposalPayload):
    pass


@strawberry.type
class RespondToAlignmentProposalPayload(ProposalPayload):
    pass


@strawberry.type
class WithdrawAlignmentProposalPayload(ProposalPayload):
    pass


@strawberry.type
class AlignObjectivePayload(ObjectivePayload):
    pass


@strawberry.type
class UnalignObjectivePayload(ObjectivePayload):
    pass


def _objective(value: relay.GlobalID, field: str) -> UUID:
    return uuid_of(value, "Objective", field=field)


@strawberry.type
class AlignmentMutations:
    @strawberry.mutation(description="Propose an alignment; the other side responds.")
    async def propose_alignment(self, info: Info,
                                input: ProposeAlignmentInput) -> ProposeAlignmentPayload | None:
        ctx = context(info)

        def command() -> Result:
            parent = _objective(input.parent_id, "parentId")
            return ctx.app.propose_alignment(
                ctx.principal.actor, _objective(input.child_id, "childId"), parent,
                parent_key_result_id=_parent_kr(input.parent_key_result_id, parent),
                message=input.message, side=input.side)

        outcome = await execute(info, command)
        return ProposeAlignmentPayload(
            objective_id=_objective(input.child_id, "childId") if outcome.result else None,
            proposal_id=outcome.id,
            **written(outcome))

    @strawberry.mutation(description=(
        "The awaited side accepts (the alignment is made) or declines, with a reason."))
    async def respond_to_alignment_proposal(
        self, info: Info, input: RespondToAlignmentProposalInput,
    ) -> RespondToAlignmentProposalPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.respond_to_alignment_proposal(
            ctx.principal.actor, uuid_of(input.proposal_id, "AlignmentProposal",
                                         field="proposalId"),
            input.accept, input.reason))
        return RespondToAlignmentProposalPayload(
            objective_id=None, proposal_id=outcome.id,
            **written(outcome))

    @strawberry.mutation(description="Either side withdraws a pending proposal.")
    async def withdraw_alignment_proposal(
        self, info: Info, input: WithdrawAlignmentProposalInput,
    ) -> WithdrawAlignmentProposalPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.withdraw_alignment_proposal(
            ctx.principal.actor, uuid_of(input.proposal_id, "AlignmentProposal",
                                         field="proposalId")))
        return WithdrawAlignmentProposalPayload(
            objective_id=None, proposal_id=outcome.id,
            **written(outcome))

    @strawberry.mutation(description=(
        "Align directly: admins, a child's owner who controls the parent too, or a "
        "parent's owner where the policy's directAlignmentByParentOwner allows it."))
    async def align_objective(self, info: Info,
                              input: AlignObjectiveInput) -> AlignObjectivePayload | None:
        ctx = context(info)

        def command() -> Result:
            parent = _objective(input.parent_id, "parentId")
            return ctx.app.align_objective(
                ctx.principal.actor, _objective(input.child_id, "childId"), parent,
                parent_key_result_id=_parent_kr(input.parent_key_result_id, parent))

        outcome = await execute(info, command)
        return AlignObjectivePayload(
            objective_id=outcome.id,
            **written(outcome))

    @strawberry.mutation
    async def unalign_objective(self, info: Info,
                                input: UnalignObjectiveInput) -> UnalignObjectivePayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.unalign_objective(
            ctx.principal.actor, _objective(input.objective_id, "objectiveId"), input.reason))
        return UnalignObjectivePayload(
            objective_id=outcome.id,
            **written(outcome))
