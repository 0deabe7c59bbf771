"""Check-ins: the score updates, recorded once per idempotency key, never rewritten."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from okr_domain import clock, ids, validation
from okr_domain.access import Actor, can_check_in
from okr_domain.command_base import Result
from okr_domain.command_idempotency import Idempotency
from okr_domain.commands_objectives import ObjectiveCommands
from okr_domain.cycle import Cycle
from okr_domain.errors import Forbidden, NotFound
from okr_domain.objective import Objective


class CheckInCommands(ObjectiveCommands):
    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._cycle_starts: dict[UUID, date] = {}

    def cycle_starts_on(self, objective: Objective) -> date:
        """The first day of the objective's cycle (cycles never change their dates, so
        each is read once per process)."""
        starts = self._cycle_starts.get(objective.cycle_id)
        if starts is None:
            cycle = self.find(Cycle, objective.cycle_id, objective.organization_id)
            if cycle is None:
                raise NotFound("the objective's cycle is unknown", field="keyResultId")
            starts = self._cycle_starts[objective.cycle_id] = cycle.starts_on
        return starts

    def record_check_in(
        self, actor: Actor, objective_id: UUID, key_result_id: UUID,
        value: Decimal | int | float | str, *, confidence: int | None = None, note: str = "",
        applies_at: datetime | None = None, in_one_on_one: bool = False,
        idempotency_key: str | None = None,
    ) -> Result:
        value_ = validation.decimal(value, field="value")
        confidence = validation.confidence(confidence)
        note = validation.text(note, field="note", max_len=validation.NOTE_MAX)
        idem = Idempotency(self, actor, "recordCheckIn", idempotency_key, {
            "objective": objective_id, "keyResult": key_result_id, "value": value_,
            "confidence": confidence, "note": note, "appliesAt": applies_at,
            "oneOnOne": in_one_on_one})

        def attempt() -> Result:
            earlier = idem.earlier_result()
            if earlier is not None:
                return earlier
            objective = self.visible_objective(actor, objective_id)
            if not can_check_in(self.directory_for(actor.organization_id), actor, objective):
                raise Forbidden("you may not check in on this objective")
            when = validation.moment(applies_at, field="appliesAt", now=clock.now())
            if applies_at is not None:
                validation.not_before_cycle(when, self.cycle_starts_on(objective))
            check_in_id = ids.new_id()
            objective.record_check_in(
                actor.person_id, check_in_id, key_result_id, value=value_,
                confidence=confidence, note=note, applies_at=when,
                in_one_on_one=in_one_on_one)
            return Result(check_in_id, self.save_all(objective, idem.record(check_in_id)))

        return self.run(objective_id, attempt)

    def correct_check_in(
        self, actor: Actor, objective_id: UUID, check_in_id: UUID,
        value: Decimal | int | float | str, reason: str, *, confidence: int | None = None,
        note: str | None = None,
    ) -> Result:
        """Record a correction of an earlier check-in (the original stays in history)."""
        value_ = validation.decimal(value, field="value")
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX,
                                 required=True)
        confidence = validation.confidence(confidence)
        note_ = None if note is None else validation.text(note, field="note",
                                                          max_len=validation.NOTE_MAX)

        def attempt() -> Result:
            objective = self.visible_objective(actor, objective_id)
            if not can_check_in(self.directory_for(actor.organization_id), actor, objective):
                raise Forbidden("you may not correct check-ins on this objective")
            objective.correct_check_in(actor.person_id, check_in_id, value=value_,
                                       reason=reason, confidence=confidence, note=note_)
            return Result(check_in_id, self.save_all(objective))

        return self.run(objective_id, attempt)
