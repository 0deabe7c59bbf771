"""The events of the Objective aggregate.

Each event says what happened, with enough in it (scores before and after, values,
actor, cycle) that a consumer needs no follow-up query. Shapes are versioned:
``class_version`` plus an ``upcast_vN_vN+1`` static method per step.

Score fields are floats for display (the nearest float to the exact score); nothing is
decided on them. Decisions use exact values: recomputed from the key results' decimal
values and weights, or, for a final grade, the exact text the close recorded.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain.base import OkrAggregate
from okr_domain.key_result import CheckIn, KeyResult
from okr_domain.objective_state import ObjectiveState
from okr_domain.scoring import exact
from okr_domain.values import Kind, MetricType, ObjectiveStatus, Visibility


class Created(OkrAggregate.Event, Aggregate.Created):
    TOPIC = "okr.Objective.Created"
    level: str
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    kind: str
    visibility: str
    title: str
    description: str


class Edited(OkrAggregate.Event):
    TOPIC = "okr.Objective.Edited"
    title: str
    description: str
    kind: str
    supporters_can_check_in: bool

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.title = self.title
        aggregate.description = self.description
        aggregate.kind = Kind(self.kind)
        aggregate.supporters_can_check_in = self.supporters_can_check_in


class VisibilityChanged(OkrAggregate.Event):
    TOPIC = "okr.Objective.VisibilityChanged"
    visibility: str

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.visibility = Visibility(self.visibility)


class Activated(OkrAggregate.Event):
    """Activation; for a draft a manager made for a report, the report's acceptance."""

    TOPIC = "okr.Objective.Activated"

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.status = ObjectiveStatus.ACTIVE
        aggregate.awaiting_owner_acceptance = False


class OwnerAcceptanceRequested(OkrAggregate.Event):
    """Someone other than the owner (a manager) drafted the objective for its owner:
    it stays a DRAFT until the owner activates it, accepting it."""

    TOPIC = "okr.Objective.OwnerAcceptanceRequested"
    owner_person_id: UUID

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.awaiting_owner_acceptance = True


class Archived(OkrAggregate.Event):
    TOPIC = "okr.Objective.Archived"
    reason: str

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.status = ObjectiveStatus.ARCHIVED


class KeyResultAdded(OkrAggregate.Event):
    TOPIC = "okr.Objective.KeyResultAdded"
    key_result_id: UUID
    title: str
    metric_type: str
    start: Decimal
    target: Decimal
    unit: str
    weight: float
    objective_score_before: float
    objective_score_after: float

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.key_results[self.key_result_id] = KeyResult(
            self.key_result_id, self.title, MetricType(self.metric_type), self.start,
            self.target, self.unit, self.weight,
        )


class KeyResultEdited(OkrAggregate.Event):
    TOPIC = "okr.Objective.KeyResultEdited"
    key_result_id: UUID
    title: str
    metric_type: str
    start: Decimal
    target: Decimal
    unit: str
    weight: float
    objective_score_before: float
    objective_score_after: float

    def apply(self, aggregate: ObjectiveState) -> None:
        kr = aggregate.key_results[self.key_result_id]
        kr.title = self.title
        kr.metric_type = MetricType(self.metric_type)
        kr.start = self.start
        kr.target = self.target
        kr.unit = self.unit
        kr.weight = self.weight


class KeyResultRemoved(OkrAggregate.Event):
    TOPIC = "okr.Objective.KeyResultRemoved"
    key_result_id: UUID
    objective_score_before: float
    objective_score_after: float

    def apply(self, aggregate: ObjectiveState) -> None:
        kr = aggregate.key_results.pop(self.key_result_id)
        for check_in in kr.check_ins:
            aggregate.check_ins.pop(check_in.id, None)


class CheckInRecorded(OkrAggregate.Event):
    """A score update. Version 2 added ``in_one_on_one`` (version 1 check-ins predate
    the 1:1 flag and load as not made in a 1:1)."""

    TOPIC = "okr.Objective.CheckInRecorded"
    class_version = 2
    check_in_id: UUID
    key_result_id: UUID
    value: Decimal
    previous_value: Decimal | None
    confidence: int | None
    note: str
    applies_at: datetime
    in_one_on_one: bool
    progress: float
    score_before: float
    score_after: float
    objective_score_before: float
    objective_score_after: float

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["in_one_on_one"] = False

    def apply(self, aggregate: ObjectiveState) -> None:
        check_in = CheckIn(
            self.check_in_id, self.key_result_id, self.value, self.applies_at,
            self.originator_version, self.confidence, self.note, self.actor_id,
        )
        aggregate.check_ins[self.check_in_id] = check_in
        aggregate.key_results[self.key_result_id].check_ins.append(check_in)


class CheckInCorrected(OkrAggregate.Event):
    TOPIC = "okr.Objective.CheckInCorrected"
    check_in_id: UUID
    key_result_id: UUID
    value: Decimal
    previous_value: Decimal
    reason: str
    confidence: int | None
    note: str
    progress: float
    score_before: float
    score_after: float
    objective_score_before: float
    objective_score_after: float

    def apply(self, aggregate: ObjectiveState) -> None:
        check_in = aggregate.check_ins[self.check_in_id]
        check_in.value = self.value
        check_in.confidence = self.confidence
        check_in.note = self.note


class Aligned(OkrAggregate.Event):
    TOPIC = "okr.Objective.Aligned"
    parent_id: UUID
    parent_key_result_id: UUID | None
    proposal_id: UUID | None

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.parent_id = self.parent_id
        aggregate.parent_key_result_id = self.parent_key_result_id


class Unaligned(OkrAggregate.Event):
    TOPIC = "okr.Objective.Unaligned"
    parent_id: UUID
    reason: str

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.parent_id = None
        aggregate.parent_key_result_id = None


class SupportCommitted(OkrAggregate.Event):
    TOPIC = "okr.Objective.SupportCommitted"
    person_id: UUID

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.supporters.append(self.person_id)


class SupportWithdrawn(OkrAggregate.Event):
    TOPIC = "okr.Objective.SupportWithdrawn"
    person_id: UUID

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.supporters.remove(self.person_id)


class GradeOverridden(OkrAggregate.Event):
    """A reviewer's override of the computed score (None clears it); needs a reason."""

    TOPIC = "okr.Objective.GradeOverridden"
    computed_score: float
    override: float | None
    reason: str

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.grade_override = self.override
        aggregate.grade_reason = self.reason if self.override is not None else None


class Closed(OkrAggregate.Event):
    """The final grade, recorded when the cycle closes; ``band`` is that of the exact
    final score.

    Version 2 added the exact scores as fraction text (``computed_exact``,
    ``final_exact``, like "7/10"). Version 1 closes recorded floats only: they load with
    the exact value of the float's decimal text.
    """

    TOPIC = "okr.Objective.Closed"
    class_version = 2
    computed_score: float
    override: float | None
    reason: str | None
    final_score: float
    band: str
    computed_exact: str
    final_exact: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["computed_exact"] = str(exact(float(state["computed_score"])))
        state["final_exact"] = str(exact(float(state["final_score"])))

    def apply(self, aggregate: ObjectiveState) -> None:
        aggregate.status = ObjectiveStatus.CLOSED
        aggregate.final_score = self.final_score
        aggregate.band = self.band
