"""The fields of key results, check-ins and alignment proposals that lead to no other OKR
node (their scalars and people). The nodes themselves, with the fields that lead from one
to another, are in ``okr_api.graphql.types.okr``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Self

import strawberry

from okr_api.graphql.base import Info, can_see_proposal, composite_id, context
from okr_api.graphql.dataloaders import held_in_objectives, load_all, node_uuids
from okr_api.graphql.hr_mode import engagement_withheld, results_withheld
from okr_api.graphql.negotiation import awaits_viewer
from okr_api.graphql.types.node import LoadedNode, RowNode
from okr_api.graphql.types.org import Person, person_of
from okr_api.history.past import Past
from okr_domain import values
from okr_domain.scoring import display
from projections.catalog.rows import CheckInRow, KeyResultRow, ProposalRow


@strawberry.type(description="The fields of KeyResult that lead to no other OKR node.")
class KeyResultFields(LoadedNode):
    row: strawberry.Private[KeyResultRow]
    past: strawberry.Private[Past | None] = None

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return composite_id(root.row.objective_id, root.row.id)

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        rows = await held_in_objectives(info, context(info).loaders.key_result, node_ids)
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


@strawberry.type(description="The fields of CheckIn that lead to no other OKR node.")
class CheckInFields(LoadedNode):
    row: strawberry.Private[CheckInRow]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return composite_id(root.row.objective_id, root.row.id)

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        if engagement_withheld(context(info)):
            return [None for _ in node_ids]
        rows = await held_in_objectives(info, context(info).loaders.check_in, node_ids)
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
        return await person_of(info, self.row.author_id)


@strawberry.type(description="The fields of AlignmentProposal that lead to no other OKR node.")
class ProposalFields(RowNode):
    row: strawberry.Private[ProposalRow]

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        ctx = context(info)
        rows = await load_all(ctx.loaders.proposal, node_uuids(node_ids))
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
        return await self.proposer(info)

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
        return await self.proposer(info)

    async def proposer(self, info: Info) -> Person | None:
        return await person_of(info, self.row.proposed_by)
