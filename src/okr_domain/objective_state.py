"""What an objective holds: the fields its events set (``okr_domain.objective_events``)
and the reads on them. The aggregate (``okr_domain.objective``) adds the commands."""

from __future__ import annotations

from fractions import Fraction
from uuid import UUID

from okr_domain import scoring
from okr_domain.errors import ErrorCode, InvalidState, NotFound
from okr_domain.key_result import CheckIn, KeyResult
from okr_domain.values import Kind, Level, ObjectiveStatus, Visibility


class ObjectiveState:
    organization_id: UUID
    cycle_id: UUID
    level: Level
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    kind: Kind
    visibility: Visibility
    title: str
    description: str
    status: ObjectiveStatus
    created_by: UUID | None
    supporters_can_check_in: bool
    awaiting_owner_acceptance: bool
    key_results: dict[UUID, KeyResult]
    check_ins: dict[UUID, CheckIn]
    parent_id: UUID | None
    parent_key_result_id: UUID | None
    supporters: list[UUID]
    grade_override: float | None
    grade_reason: str | None
    final_score: float | None
    band: str | None

    @property
    def score(self) -> Fraction:
        """The objective's own score, exact: the weighted mean of its key results'
        scores."""
        return scoring.weighted_mean((kr.score, kr.weight) for kr in self.key_results.values())

    @property
    def is_open(self) -> bool:
        return self.status in (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE)

    def ensure_open(self) -> None:
        if self.status is ObjectiveStatus.CLOSED:
            raise InvalidState("the objective's cycle is closed", code=ErrorCode.CYCLE_CLOSED)
        if self.status is ObjectiveStatus.ARCHIVED:
            raise InvalidState("the objective is archived")

    def key_result(self, key_result_id: UUID) -> KeyResult:
        try:
            return self.key_results[key_result_id]
        except KeyError:
            raise NotFound("key result not found", field="keyResultId") from None
