"""An objective's grade and the fields of Objective that lead to no other OKR node (its
scalars, cycle and owners). ``Objective`` itself is in ``okr_api.graphql.types.okr``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

import strawberry

from okr_api.graphql.base import Info, can_see, context
from okr_api.graphql.dataloaders import load_all, node_uuids
from okr_api.graphql.hr_mode import results_withheld
from okr_api.graphql.types.node import RowNode
from okr_api.graphql.types.org import Cycle, Person, Team, person_of, team_of
from okr_api.history.past import Past
from okr_domain import values
from okr_domain.scoring import display
from projections.analysis.scores import final_grade
from projections.catalog.rows import ObjectiveRow


@strawberry.type(description="The grade of an objective: computed, overridden, final.")
class Grade:
    computed_score: float | None
    override: float | None
    reason: str | None
    final_score: float | None
    band: values.Band | None



@strawberry.type(description="The fields of Objective that lead to no other OKR node.")
class ObjectiveFields(RowNode):
    row: strawberry.Private[ObjectiveRow]
    past: strawberry.Private[Past | None] = None
    """Set for an objective shown as it was: its relations come from that state."""

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        ctx = context(info)
        rows = await load_all(ctx.loaders.objective, node_uuids(node_ids))
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
        return await team_of(info, self.row.owner_team_id)

    @strawberry.field
    async def owner_person(self, info: Info) -> Person | None:
        return await person_of(info, self.row.owner_person_id)
