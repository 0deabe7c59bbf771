"""Objectives: the aggregate that holds key results, check-ins, alignment and grades."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from uuid import UUID

from okr_domain import objective_events as events
from okr_domain import scoring
from okr_domain.base import OkrAggregate
from okr_domain.errors import ErrorCode, Forbidden, InvalidInput, InvalidState, NotFound
from okr_domain.key_result import MAX_KEY_RESULTS, CheckIn, KeyResult
from okr_domain.objective_state import ObjectiveState
from okr_domain.scoring import as_float
from okr_domain.values import Kind, Level, MetricType, ObjectiveStatus, Visibility


class Objective(OkrAggregate, ObjectiveState):
    TOPIC = "okr.Objective"

    Edited = events.Edited
    VisibilityChanged = events.VisibilityChanged
    Activated = events.Activated
    OwnerAcceptanceRequested = events.OwnerAcceptanceRequested
    Archived = events.Archived
    KeyResultAdded = events.KeyResultAdded
    KeyResultEdited = events.KeyResultEdited
    KeyResultRemoved = events.KeyResultRemoved
    CheckInRecorded = events.CheckInRecorded
    CheckInCorrected = events.CheckInCorrected
    Aligned = events.Aligned
    Unaligned = events.Unaligned
    SupportCommitted = events.SupportCommitted
    SupportWithdrawn = events.SupportWithdrawn
    GradeOverridden = events.GradeOverridden
    Closed = events.Closed

    Created = events.Created

    def __init__(
        self,
        organization_id: UUID,
        actor_id: UUID | None,
        cycle_id: UUID | None,
        level: str,
        owner_team_id: UUID | None,
        owner_person_id: UUID | None,
        kind: str,
        visibility: str,
        title: str,
        description: str,
    ) -> None:
        assert cycle_id is not None
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.level = Level(level)
        self.owner_team_id = owner_team_id
        self.owner_person_id = owner_person_id
        self.kind = Kind(kind)
        self.visibility = Visibility(visibility)
        self.title = title
        self.description = description
        self.status = ObjectiveStatus.DRAFT
        self.created_by = actor_id
        self.supporters_can_check_in = False
        self.awaiting_owner_acceptance = False
        self.key_results = {}
        self.check_ins = {}
        self.parent_id = None
        self.parent_key_result_id = None
        self.supporters = []
        self.grade_override = None
        self.grade_reason = None
        self.final_score = None
        self.band = None

    @property
    def event_cycle_id(self) -> UUID | None:
        return self.cycle_id

    # Commands on the objective itself.

    def edit(self, actor_id: UUID | None, *, title: str, description: str, kind: Kind,
             supporters_can_check_in: bool) -> bool:
        self.ensure_open()
        new = (title, description, kind, supporters_can_check_in)
        if new == (self.title, self.description, self.kind, self.supporters_can_check_in):
            return False
        self.emit(self.Edited, actor_id, title=title, description=description,
                  kind=kind.value, supporters_can_check_in=supporters_can_check_in)
        return True

    def set_visibility(self, actor_id: UUID | None, visibility: Visibility) -> bool:
        self.ensure_open()
        if visibility is self.visibility:
            return False
        self.emit(self.VisibilityChanged, actor_id, visibility=visibility.value)
        return True

    def activate(self, actor_id: UUID | None) -> None:
        self.ensure_open()
        if self.status is not ObjectiveStatus.DRAFT:
            raise InvalidState("only a DRAFT objective can be activated")
        if self.awaiting_owner_acceptance and actor_id != self.owner_person_id:
            raise Forbidden("this draft was made for its owner: only the owner may "
                            "accept it (activate it)", field="objectiveId")
        self.emit(self.Activated, actor_id)

    def request_owner_acceptance(self, actor_id: UUID | None) -> None:
        assert self.owner_person_id is not None
        self.emit(self.OwnerAcceptanceRequested, actor_id,
                  owner_person_id=self.owner_person_id)

    def archive(self, actor_id: UUID | None, reason: str) -> None:
        self.ensure_open()
        self.emit(self.Archived, actor_id, reason=reason)

    # Key results.

    def add_key_result(self, actor_id: UUID | None, key_result_id: UUID, *, title: str,
                       metric_type: MetricType, start: Decimal | None,
                       target: Decimal | None, unit: str, weight: float) -> None:
        self.ensure_open()
        if len(self.key_results) >= MAX_KEY_RESULTS:
            raise InvalidInput(f"an objective holds at most {MAX_KEY_RESULTS} key results",
                               field="objectiveId")
        start_, target_ = scoring.normalize_bounds(metric_type, start, target)
        before = self.score
        self.emit(self.KeyResultAdded, actor_id, key_result_id=key_result_id, title=title,
                  metric_type=metric_type.value, start=start_, target=target_, unit=unit,
                  weight=weight, objective_score_before=as_float(before),
                  objective_score_after=as_float(self._score_with(
                      key_result_id, start_, target_, metric_type, weight)))

    def edit_key_result(self, actor_id: UUID | None, key_result_id: UUID, *, title: str,
                        metric_type: MetricType, start: Decimal | None,
                        target: Decimal | None, unit: str, weight: float) -> bool:
        self.ensure_open()
        kr = self.key_result(key_result_id)
        start_, target_ = scoring.normalize_bounds(metric_type, start, target)
        for check_in in kr.check_ins:
            scoring.check_value(metric_type, check_in.value)
        if (title, metric_type, start_, target_, unit, weight) == (
            kr.title, kr.metric_type, kr.start, kr.target, kr.unit, kr.weight
        ):
            return False
        self.emit(self.KeyResultEdited, actor_id, key_result_id=key_result_id, title=title,
                  metric_type=metric_type.value, start=start_, target=target_, unit=unit,
                  weight=weight, objective_score_before=as_float(self.score),
                  objective_score_after=as_float(self._score_with(
                      key_result_id, start_, target_, metric_type, weight)))
        return True

    def remove_key_result(self, actor_id: UUID | None, key_result_id: UUID) -> None:
        self.ensure_open()
        self.key_result(key_result_id)
        after = scoring.weighted_mean(
            (kr.score, kr.weight) for kr in self.key_results.values() if kr.id != key_result_id
        )
        self.emit(self.KeyResultRemoved, actor_id, key_result_id=key_result_id,
                  objective_score_before=as_float(self.score),
                  objective_score_after=as_float(after))

    def _score_with(self, key_result_id: UUID, start: Decimal, target: Decimal,
                    metric_type: MetricType, weight: float) -> Fraction:
        pairs: list[tuple[Fraction, float]] = []
        for kr in self.key_results.values():
            if kr.id != key_result_id:
                pairs.append((kr.score, kr.weight))
        existing = self.key_results.get(key_result_id)
        current = existing.current if existing and existing.has_value else start
        pairs.append((scoring.score(metric_type, start, target, current), weight))
        return scoring.weighted_mean(pairs)

    # Check-ins.

    def record_check_in(self, actor_id: UUID | None, check_in_id: UUID, key_result_id: UUID,
                        *, value: Decimal, confidence: int | None, note: str,
                        applies_at: datetime, in_one_on_one: bool) -> None:
        if self.status is not ObjectiveStatus.ACTIVE:
            self.ensure_open()
            raise InvalidState("check-ins need an ACTIVE objective (activate it first)")
        kr = self.key_result(key_result_id)
        scoring.check_value(kr.metric_type, value)
        self.emit(self.CheckInRecorded, actor_id, **self._score_change(
            kr, check_in_id, value, applies_at, replaces=None),
            check_in_id=check_in_id, key_result_id=key_result_id, value=value,
            previous_value=kr.current if kr.has_value else None, confidence=confidence,
            note=note, applies_at=applies_at, in_one_on_one=in_one_on_one)

    def correct_check_in(self, actor_id: UUID | None, check_in_id: UUID, *, value: Decimal,
                         reason: str, confidence: int | None, note: str | None) -> None:
        self.ensure_open()
        try:
            original = self.check_ins[check_in_id]
        except KeyError:
            raise NotFound("check-in not found", field="checkInId") from None
        kr = self.key_result(original.key_result_id)
        scoring.check_value(kr.metric_type, value)
        self.emit(self.CheckInCorrected, actor_id, **self._score_change(
            kr, check_in_id, value, original.applies_at, replaces=original),
            check_in_id=check_in_id, key_result_id=kr.id, value=value,
            previous_value=original.value, reason=reason,
            confidence=original.confidence if confidence is None else confidence,
            note=original.note if note is None else note)

    def _score_change(self, kr: KeyResult, check_in_id: UUID, value: Decimal,
                      applies_at: datetime, replaces: CheckIn | None) -> dict[str, Any]:
        """Scores before and after a check-in, computed on a scratch copy of the key result."""
        others = [c for c in kr.check_ins if replaces is None or c.id != replaces.id]
        sequence = replaces.sequence if replaces else self.version + 1
        trial = KeyResult(kr.id, kr.title, kr.metric_type, kr.start, kr.target, kr.unit,
                          kr.weight, [*others, CheckIn(check_in_id, kr.id, value, applies_at,
                                                       sequence, None, "", None)])
        # Each key result's score is computed once (each is a walk over its check-ins).
        scored = [(k.id, k.score, k.weight) for k in self.key_results.values()]
        progress = trial.progress
        after = scoring.clamp(progress)
        return {
            "progress": as_float(progress),
            "score_before": as_float(next(score for id_, score, _ in scored if id_ == kr.id)),
            "score_after": as_float(after),
            "objective_score_before": as_float(
                scoring.weighted_mean((s, w) for _, s, w in scored)),
            "objective_score_after": as_float(scoring.weighted_mean(
                (after if id_ == kr.id else s, w) for id_, s, w in scored)),
        }

    # Alignment, support and grades.

    def align(self, actor_id: UUID | None, parent_id: UUID, parent_key_result_id: UUID | None,
              proposal_id: UUID | None) -> None:
        self.ensure_open()
        if self.parent_id is not None:
            raise InvalidState("the objective is already aligned; unalign it first",
                               code=ErrorCode.ALREADY_ALIGNED, field="childId")
        self.emit(self.Aligned, actor_id, parent_id=parent_id,
                  parent_key_result_id=parent_key_result_id, proposal_id=proposal_id)

    def unalign(self, actor_id: UUID | None, reason: str) -> UUID:
        self.ensure_open()
        if self.parent_id is None:
            raise InvalidState("the objective is not aligned", code=ErrorCode.NOT_ALIGNED,
                               field="objectiveId")
        parent_id = self.parent_id
        self.emit(self.Unaligned, actor_id, parent_id=parent_id, reason=reason)
        return parent_id

    def add_supporter(self, actor_id: UUID | None, person_id: UUID) -> bool:
        self.ensure_open()
        if person_id in self.supporters:
            return False
        self.emit(self.SupportCommitted, actor_id, person_id=person_id)
        return True

    def remove_supporter(self, actor_id: UUID | None, person_id: UUID) -> None:
        self.ensure_open()
        if person_id not in self.supporters:
            raise InvalidState("that person does not support this objective",
                               field="personId")
        self.emit(self.SupportWithdrawn, actor_id, person_id=person_id)

    def override_grade(self, actor_id: UUID | None, override: float | None,
                       reason: str) -> None:
        self.ensure_open()
        self.emit(self.GradeOverridden, actor_id, computed_score=as_float(self.score),
                  override=override, reason=reason)

    def close(self, actor_id: UUID | None, computed_score: Fraction, final_score: Fraction,
              band: str) -> None:
        self.ensure_open()
        self.emit(self.Closed, actor_id, computed_score=as_float(computed_score),
                  override=self.grade_override, reason=self.grade_reason,
                  final_score=as_float(final_score), band=band,
                  computed_exact=str(computed_score), final_exact=str(final_score))
