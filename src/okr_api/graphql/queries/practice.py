"""Queries of the practice: the proposal inbox."""

from __future__ import annotations

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, can_see_proposal, context, optional_uuid, uuid_of
from okr_api.graphql.negotiation import awaits_viewer
from okr_api.graphql.queries import one_on_one
from okr_api.graphql.types.okr import AlignmentProposal
from okr_api.graphql.types.practice import OneOnOne
from okr_domain import values

INBOX_MAX = 500
"""The most proposals one inbox answer lists (newest kept)."""


@strawberry.input(description="Narrow the alignment proposals; all given conditions apply.")
class AlignmentProposalFilter:
    awaiting_me: bool | None = strawberry.field(
        default=None, description="true: those the viewer may answer now.")
    mine: bool | None = strawberry.field(
        default=None, description="true: those the viewer asked.")
    state: values.ProposalStatus | None = None
    cycle: str | None = strawberry.field(default=None, description="A cycle's key.")


@strawberry.type
class PracticeQuery:
    @strawberry.field(description=(
        "Alignment proposals the viewer may see (both objectives visible), oldest first; "
        f"at most the newest {INBOX_MAX}. The inbox is "
        "`filter: {awaitingMe: true}`; what the viewer asked, `filter: {mine: true}`."))
    async def alignment_proposals(
        self, info: Info, filter: AlignmentProposalFilter | None = None,
    ) -> list[AlignmentProposal]:
        ctx = context(info)
        given = filter or AlignmentProposalFilter()
        org = ctx.principal.organization_id
        cycle_id = None
        if given.cycle is not None:
            cycles = await ctx.services.read_model.cycles(org)
            match = [c.id for c in cycles if c.key == given.cycle]
            if not match:
                raise ApiError("NOT_FOUND", f"no cycle {given.cycle[:64]}", field="cycle")
            cycle_id = match[0]
        state = given.state
        if given.awaiting_me and state is None:
            state = values.ProposalStatus.PENDING
        me = ctx.principal.actor.person_id
        rows = [r for r in await ctx.services.read_model.proposals(org, status=state)
                if (cycle_id is None or r.cycle_id == cycle_id)
                and (given.mine is None or given.mine == (me is not None
                                                          and r.proposed_by == me))]
        # Both sides of every proposal in one batch: the checks below then hit the cache.
        await ctx.loaders.objective.load_many(
            list({side for r in rows for side in (r.child_id, r.parent_id)}))
        kept: list[AlignmentProposal] = []
        for row in rows:
            if given.awaiting_me is not None and \
                    given.awaiting_me != await awaits_viewer(ctx, row):
                continue
            if await can_see_proposal(ctx, row):
                kept.append(AlignmentProposal(row=row))
        return kept[-INBOX_MAX:]

    @strawberry.field(description=(
        "The 1:1 view of a report and its manager (managerId defaults to the report's "
        "manager) for a cycle (by key; the current ACTIVE one by default). Null when the "
        "viewer may not see it: only the two of them, the manager's managers and admins "
        "may."))
    async def one_on_one(self, info: Info, report_id: relay.GlobalID,
                         manager_id: relay.GlobalID | None = None,
                         cycle: str | None = None) -> OneOnOne | None:
        return await one_on_one.one_on_one(
            info, uuid_of(report_id, "Person", field="reportId"),
            optional_uuid(manager_id, "Person", field="managerId"), cycle)
