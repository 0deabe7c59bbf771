"""The OKR nodes: objectives, key results, check-ins and alignment proposals, with the
fields that lead from one to another, and an objective's history (its events, each with
the objective's state after it)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from okr_api.graphql.base import Info, can_see, can_see_proposal, context, first_of, global_id
from okr_api.graphql.dataloaders import load_all
from okr_api.graphql.event_fields import event_cursor, event_data
from okr_api.graphql.hr_mode import engagement_withheld
from okr_api.graphql.objective_steps import objective_steps
from okr_api.graphql.types.connections import Connection
from okr_api.graphql.types.objective_fields import ObjectiveFields
from okr_api.graphql.types.okr_fields import CheckInFields, KeyResultFields, ProposalFields
from okr_api.graphql.types.org import Person
from okr_api.history.past import StepPast, check_ins_page
from okr_domain import values
from projections.projection import topic_of
from projections.reading.queries import Page


@strawberry.type(description="An objective: a qualitative goal, measured by key results.")
class Objective(ObjectiveFields):
    @strawberry.field(description="The objective this one is aligned to (if visible).")
    async def parent(self, info: Info) -> Objective | None:
        return await self.visible_parent(info)

    async def visible_parent(self, info: Info) -> Objective | None:
        if self.row.parent_id is None:
            return None
        ctx = context(info)
        row = await ctx.loaders.objective.load(self.row.parent_id)
        if self.past is not None and row is not None:
            then = self.past.objective(row.id)  # None: a parent in another cycle
            if then is not None:
                return Objective(row=then, past=self.past) if await can_see(ctx, row) else None
        return Objective(row=row) if row and await can_see(ctx, row) else None

    @strawberry.field
    async def parent_key_result(self, info: Info) -> KeyResult | None:
        if self.row.parent_key_result_id is None or await self.visible_parent(info) is None:
            return None
        if self.past is not None and self.row.parent_id is not None:
            held = self.past.key_results_of(self.row.parent_id)
            then = next((k for k in held if k.id == self.row.parent_key_result_id), None)
            return KeyResult(row=then, past=self.past) if then else None
        row = await context(info).loaders.key_result.load(self.row.parent_key_result_id)
        return KeyResult(row=row) if row else None

    @strawberry.field(description="Objectives aligned to this one (those you may see).")
    async def children(self, info: Info) -> list[Objective]:
        ctx = context(info)
        if self.past is not None:
            return [Objective(row=r, past=self.past) for r in self.past.children_of(self.row.id)
                    if r.status is not values.ObjectiveStatus.ARCHIVED
                    and await can_see(ctx, r)]
        rows = await ctx.loaders.children.load(self.row.id)
        return [Objective(row=r) for r in rows
                if r.status is not values.ObjectiveStatus.ARCHIVED and await can_see(ctx, r)]

    @strawberry.field
    async def key_results(self, info: Info) -> list[KeyResult]:
        return await self.held_key_results(info)

    async def held_key_results(self, info: Info) -> list[KeyResult]:
        if self.past is not None:
            return [KeyResult(row=r, past=self.past)
                    for r in self.past.key_results_of(self.row.id)]
        rows = await context(info).loaders.key_results.load(self.row.id)
        return [KeyResult(row=r) for r in sorted(rows, key=lambda r: r.sort_index)]

    @strawberry.field(description="People who committed to support this objective.")
    async def supporters(self, info: Info) -> list[Person]:
        rows = await load_all(context(info).loaders.person, list(self.row.supporters))
        return [Person(row=r) for r in rows if r]

    @strawberry.field(description="Alignment proposals where this objective is the child "
                                  "(those whose parent you may see too).")
    async def alignment_proposals(self, info: Info) -> list[AlignmentProposal]:
        ctx = context(info)
        rows = (self.past.proposals_of(self.row.id) if self.past is not None
                else await ctx.loaders.proposals.load(self.row.id))
        return [AlignmentProposal(row=r) for r in rows if await can_see_proposal(ctx, r)]

    @strawberry.field(description="Every event of this objective, oldest first, with its "
                                  "state after each one (ANALYST or ADMIN).")
    async def history(self, info: Info, first: int | None = None,
                      after: str | None = None) -> ObjectiveHistoryConnection:
        page = await objective_steps(info, self.row, first, after)
        nodes = [ObjectiveHistoryEntry(
            position=s.position, occurred_at=s.event.timestamp, type=topic_of(s.event),
            actor_id=global_id("Person", s.event.actor_id) if s.event.actor_id else None,
            data=event_data(s.event),
            state=Objective(row=s.objective, past=StepPast(s)) if s.objective else None)
            for s in page.steps]
        edges = [ObjectiveHistoryEdge(cursor=event_cursor(n.position), node=n) for n in nodes]
        return ObjectiveHistoryConnection(
            edges=edges, nodes=nodes, total_count=page.total, position=page.position,
            page_info=relay.PageInfo(has_next_page=page.has_next_page, has_previous_page=False,
                                     start_cursor=edges[0].cursor if edges else None,
                                     end_cursor=edges[-1].cursor if edges else None))



@strawberry.type(description="A measurable result that shows progress on its objective.")
class KeyResult(KeyResultFields):
    @strawberry.field
    async def objective(self, info: Info) -> Objective | None:
        if self.past is not None:
            then = self.past.objective(self.row.objective_id)
            return Objective(row=then, past=self.past) if then else None
        row = await context(info).loaders.objective.load(self.row.objective_id)
        return Objective(row=row) if row else None

    @strawberry.field(description="The check-in history, in the order the values apply.")
    async def check_ins(self, info: Info, first: int | None = None,
                        after: str | None = None) -> Connection[CheckIn]:
        ctx = context(info)
        if engagement_withheld(ctx):
            return Connection[CheckIn].from_page(Page([], [], False, None, 0),
                                                 lambda r: CheckIn(row=r))
        if self.past is not None:
            page = check_ins_page(await self.past.check_ins_of(self.row.id), first_of(first),
                                  after)
            return Connection[CheckIn].from_page(page, lambda r: CheckIn(row=r))
        page = await ctx.services.read_model.check_ins_page(
            ctx.principal.organization_id, self.row.id, first=first_of(first), after=after)
        return Connection[CheckIn].from_page(page, lambda r: CheckIn(row=r))



@strawberry.type(description="A score update on a key result.")
class CheckIn(CheckInFields):
    @strawberry.field
    async def key_result(self, info: Info) -> KeyResult | None:
        row = await context(info).loaders.key_result.load(self.row.key_result_id)
        return KeyResult(row=row) if row else None



@strawberry.type(description="A negotiated alignment: one side proposes, the other responds.")
class AlignmentProposal(ProposalFields):
    @strawberry.field
    async def child(self, info: Info) -> Objective | None:
        ctx = context(info)
        row = await ctx.loaders.objective.load(self.row.child_id)
        return Objective(row=row) if row and await can_see(ctx, row) else None

    @strawberry.field
    async def parent(self, info: Info) -> Objective | None:
        ctx = context(info)
        row = await ctx.loaders.objective.load(self.row.parent_id)
        return Objective(row=row) if row and await can_see(ctx, row) else None


@strawberry.type(description="One event of an objective and the objective right after it.")
class ObjectiveHistoryEntry:
    position: int
    occurred_at: datetime
    type: str
    actor_id: relay.GlobalID | None
    data: JSON | None
    state: Objective | None = strawberry.field(
        description="The objective after this event (its key results and check-ins too).")


@strawberry.type
class ObjectiveHistoryEdge:
    cursor: str
    node: ObjectiveHistoryEntry


@strawberry.type(description="An objective's events, oldest first, keyset-paged.")
class ObjectiveHistoryConnection:
    edges: list[ObjectiveHistoryEdge]
    nodes: list[ObjectiveHistoryEntry]
    page_info: relay.PageInfo
    total_count: int
    position: int = strawberry.field(description="The event index position it reflects.")
