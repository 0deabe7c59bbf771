"""GraphQL types of the practice's per-person views: check-ins due from the viewer and
the 1:1 view of a manager and a report."""

from __future__ import annotations

from datetime import datetime

import strawberry

from okr_api.graphql.types.okr import AlignmentProposal, CheckIn, KeyResult, Objective
from okr_api.graphql.types.org import Person


@strawberry.type(description="A key result whose check-in is due from the viewer.")
class CheckInDue:
    key_result: KeyResult
    objective: Objective
    due_since: datetime = strawberry.field(description=(
        "When it fell due: its latest check-in (or the objective's start in the cycle) "
        "plus the organization's check-in cadence."))


@strawberry.type(description="A week's mean confidence (0-10) in the report's check-ins.")
class ConfidencePoint:
    at: datetime
    confidence: float


@strawberry.type(description="What a manager and a report look at in their 1:1.")
class OneOnOne:
    manager: Person
    report: Person
    cycle_key: str
    last_one_on_one_at: datetime | None = strawberry.field(description=(
        "When a check-in on the report's objectives was last made in a 1:1."))
    objectives: list[Objective]
    check_ins_since_last_one_on_one: list[CheckIn]
    confidence_trend: list[ConfidencePoint]
    open_proposals: list[AlignmentProposal] = strawberry.field(description=(
        "Pending alignment proposals between the report's objectives and the manager's."))
