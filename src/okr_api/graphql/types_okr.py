"""Nodes of the OKRs themselves: objectives, key results, check-ins, proposals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Self

import strawberry
from strawberry import relay

from okr_api.graphql.base import (
    Info,
    can_see,
    can_see_proposal,
    composite_id,
    context,
    first_of,
    load_all,
    split_composite,
)
from okr_api.graphql.connections import Connection
from okr_api.graphql.hr_mode import engagement_withheld, results_withheld
from okr_api.graphql.negotiation import awaits_viewer
from okr_api.graphql.types_org import Cycle, Person, Team, _uuids
from okr_api.history.past import Past
from okr_domain import values
from okr_domain.scoring import display
from projections.analysis.scores import final_grade
from projections.catalog.rows import CheckInRow, KeyResultRow, ObjectiveRow, ProposalRow
from projections.reading.queries import Page

if TYPE_CHECKING:
    from okr_api.graphql.history_types import ObjectiveHistoryConnection


async def _held_in_objectives(info: Info, loader: Any, node_ids: Iterable[str]) -> list[Any]:
    """Rows held inside an objective (key results, check-ins), by composite node id, for
    a viewer allowed to see the objective (None otherwise)."""
    ctx = context(info)
    parts = [split_composite(i) for i in node_ids]
    rows = await load_all(loader, [p[1] if p else None for p in parts])
    rows = [r if r and p and r.objective_id == p[0] else None
            for r, p in zip(rows, parts, strict=True)]
    parents = await load_all(ctx.loaders.objective,
                             [r.objective_id if r else None for r in rows])
    return [r if r and o and await can_see(ctx, o) else None
            for r, o in zip(rows, parents, strict=True)]


@strawberry.type(description="The grade of an objective: computed, overridden, final.")
class Grade:
    computed_score: float | None
    override: float | None
    reason: str | None
    final_score: float | None
    band: values.Band | None


@strawberry.type(description="An objective: a qualitative goal, measured by key results.")
class Objective(relay.Node):
    row: strawberry.Private[ObjectiveRow]
    past: strawberry.Private[Past | None] = None
    """Set for an objective shown as it was: its relations come from that state."""

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.row.id.hex

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Self | None]:
        ctx = context(info)
        rows = await load_all(ctx.loaders.objective, _uuids(node_ids))
        return [cls(row=r) if r and await can_see(ctx, r) else None for r in rows]

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def description(self) -> str:
        return self.row.description

    @strawberry.field
    def level(self) -> values.Level:
        return self.row.level

    @strawberry.field
    def kind(self) -> values.Kind:
        return self.row.kind

    @strawberry.field
    def visibility(self) -> values.Visibility:
        return self.row.visibility

    @strawberry.field
    def status(self) -> values.ObjectiveStatus:
        return self.row.status

    @strawberry.field(description=(
        "A DRAFT a manager made for its owner: only the owner activates it (accepting it)."))
    def awaiting_owner_acceptance(self) -> bool:
        return self.row.awaiting_owner_acceptance

    @strawberry.field(description="Weighted mean of the key results' scores, in [0, 1] "
                      "(null for HR readers whose organization's HR mode withholds results).")
    def score(self, info: Info) -> float | None:
        if results_withheld(context(info)):
            return None
        return display(self.row.score)

    @strawberry.field
    def supporters_can_check_in(self) -> bool:
        return self.row.supporters_can_check_in

    @strawberry.field(description="Null for HR readers whose HR mode withholds results.")
    def grade(self, info: Info) -> Grade | None:
        if results_withheld(context(info)):
            return None
        r = self.row
        return Grade(computed_score=display(r.computed_grade),
                     override=display(r.grade_override), reason=r.grade_reason,
                     final_score=display(final_grade(r)),
                     band=values.Band(r.band) if r.band else None)

    @strawberry.field
    def created_at(self) -> datetime | None:
        return self.row.created_at

    @strawberry.field
    def updated_at(self) -> datetime | None:
        return self.row.updated_at

    @strawberry.field
    def last_check_in_at(self) -> datetime | None:
        return self.row.last_check_in_at

    @strawberry.field(description="Global position of the last event that changed it.")
    def position(self) -> int:
        return self.row.position

    @strawberry.field(description="The moment this state is as of (null: the current state).")
    def as_of(self) -> datetime | None:
        return self.past.as_of if self.past is not None else None

    @strawberry.field
    async def cycle(self, info: Info) -> Cycle | None:
        row = await context(info).loaders.cycle.load(self.row.cycle_id)
        return Cycle(row=row) if row else None

    @strawberry.field
    async def owner_team(self, info: Info) -> Team | None:
        if self.row.owner_team_id is None:
            return None
        row = (await context(info).loaders.teams()).get(self.row.owner_team_id)
        return Team(row=row) if row else None

    @strawberry.field
    async def owner_person(self, info: Info) -> Person | None:
        if self.row.owner_person_id is None:
            return None
        row = await context(info).loaders.person.load(self.row.owner_person_id)
        return Person(row=row) if row else None

    @strawberry.field(description="The objective this one is aligned to (if visible).")
    async def parent(self, info: Info) -> Objective | None:
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
        if self.row.parent_key_result_id is None or await self.parent(info) is None:
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
    async def history(self, info: Info, first: int | None = None, after: str | None = None,
                      ) -> Annotated[ObjectiveHistoryConnection,
                                     strawberry.lazy("okr_api.graphql.history_types")]:
        from okr_api.graphql.history_queries import objective_history

        return await objective_history(info, self.row, first, after)


@strawberry.type(description="A measurable result that shows progress on its objective.")
class KeyResult(relay.Node):
    row: strawberry.Private[KeyResultRow]
    past: strawberry.Private[Past | None] = None

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return composite_id(root.row.objective_id, root.row.id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Self | None]:
        rows = await _held_in_objectives(info, context(info).loaders.key_result, node_ids)
        return [cls(row=r) if r else None for r in rows]

    @strawberry.field
    def title(self) -> str:
        return self.row.title

    @strawberry.field
    def metric_type(self) -> values.MetricType:
        return self.row.metric_type

    @strawberry.field
    def start(self) -> Decimal:
        return self.row.start

    @strawberry.field
    def target(self) -> Decimal:
        return self.row.target

    @strawberry.field(description="Null for HR readers whose HR mode withholds results.")
    def current(self, info: Info) -> Decimal | None:
        return None if results_withheld(context(info)) else self.row.current

    @strawberry.field
    def unit(self) -> str:
        return self.row.unit

    @strawberry.field
    def weight(self) -> float:
        return self.row.weight

    @strawberry.field(description="Raw progress; may be below 0 or above 1 (null for HR "
                      "readers whose HR mode withholds results).")
    def progress(self, info: Info) -> float | None:
        return None if results_withheld(context(info)) else display(self.row.progress)

    @strawberry.field(description="Progress clamped to [0, 1] (null for HR readers whose HR "
                      "mode withholds results).")
    def score(self, info: Info) -> float | None:
        return None if results_withheld(context(info)) else display(self.row.score)

    @strawberry.field
    def check_in_count(self) -> int:
        return self.row.check_in_count

    @strawberry.field
    def last_check_in_at(self) -> datetime | None:
        return self.row.last_check_in_at

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
            from okr_api.history.past import check_ins_page

            page = check_ins_page(self.past.check_ins_of(self.row.id), first_of(first), after)
            return Connection[CheckIn].from_page(page, lambda r: CheckIn(row=r))
        page = await ctx.services.read_model.check_ins_page(
            ctx.principal.organization_id, self.row.id, first=first_of(first), after=after)
        return Connection[CheckIn].from_page(page, lambda r: CheckIn(row=r))


@strawberry.type(description="A score update on a key result.")
class CheckIn(relay.Node):
    row: strawberry.Private[CheckInRow]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return composite_id(root.row.objective_id, root.row.id)

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Self | None]:
        if engagement_withheld(context(info)):
            return [None for _ in node_ids]
        rows = await _held_in_objectives(info, context(info).loaders.check_in, node_ids)
        return [cls(row=r) if r else None for r in rows]

    @strawberry.field(description="Null for HR readers whose HR mode withholds results.")
    def value(self, info: Info) -> Decimal | None:
        return None if results_withheld(context(info)) else self.row.value

    @strawberry.field
    def previous_value(self, info: Info) -> Decimal | None:
        return None if results_withheld(context(info)) else self.row.previous_value

    @strawberry.field(description="How confident the author is, 0-10 (null for HR readers "
                      "whose HR mode withholds results).")
    def confidence(self, info: Info) -> int | None:
        return None if results_withheld(context(info)) else self.row.confidence

    @strawberry.field(description="Null for HR readers whose HR mode withholds results "
                      "(notes, 1:1 notes included, are no appraisal material).")
    def note(self, info: Info) -> str | None:
        return None if results_withheld(context(info)) else self.row.note

    @strawberry.field(description="The time the value applies to.")
    def applies_at(self) -> datetime:
        return self.row.applies_at

    @strawberry.field
    def recorded_at(self) -> datetime:
        return self.row.recorded_at

    @strawberry.field
    def in_one_on_one(self) -> bool:
        return self.row.in_one_on_one

    @strawberry.field
    def corrected(self) -> bool:
        return self.row.corrected

    @strawberry.field
    def correction_reason(self) -> str | None:
        return self.row.correction_reason

    @strawberry.field
    async def author(self, info: Info) -> Person | None:
        if self.row.author_id is None:
            return None
        row = await context(info).loaders.person.load(self.row.author_id)
        return Person(row=row) if row else None

    @strawberry.field
    async def key_result(self, info: Info) -> KeyResult | None:
        row = await context(info).loaders.key_result.load(self.row.key_result_id)
        return KeyResult(row=row) if row else None


@strawberry.type(description="A negotiated alignment: one side proposes, the other responds.")
class AlignmentProposal(relay.Node):
    row: strawberry.Private[ProposalRow]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.row.id.hex

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                            required: bool = False) -> list[Self | None]:
        ctx = context(info)
        rows = await load_all(ctx.loaders.proposal, _uuids(node_ids))
        return [cls(row=r) if r and await can_see_proposal(ctx, r) else None for r in rows]

    @strawberry.field
    def status(self) -> values.ProposalStatus:
        return self.row.status

    @strawberry.field
    def message(self) -> str:
        return self.row.message

    @strawberry.field
    def proposed_by_child_side(self) -> bool:
        return self.row.proposed_by_child_side

    @strawberry.field(description="The side that must answer: the child objective's "
                      "owner when the parent's side asked, the parent's otherwise.")
    def awaiting_side(self) -> values.ProposalSide:
        return self.row.awaiting_side

    @strawberry.field(description="Whether the viewer may answer this proposal now.")
    async def awaiting_me(self, info: Info) -> bool:
        return await awaits_viewer(context(info), self.row)

    @strawberry.field(description="Who asked (the same person as proposedBy).")
    async def requested_by(self, info: Info) -> Person | None:
        return await self.proposed_by(info)

    @strawberry.field
    def responded_at(self) -> datetime | None:
        return self.row.responded_at

    @strawberry.field
    def withdrawn_at(self) -> datetime | None:
        return self.row.withdrawn_at

    @strawberry.field
    def response_reason(self) -> str | None:
        return self.row.response_reason

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at

    @strawberry.field
    async def proposed_by(self, info: Info) -> Person | None:
        if self.row.proposed_by is None:
            return None
        row = await context(info).loaders.person.load(self.row.proposed_by)
        return Person(row=row) if row else None

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
