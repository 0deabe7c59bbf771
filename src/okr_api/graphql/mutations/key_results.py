"""Mutations on key results and check-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.graphql.base import Info, composite_of, context, uuid_of
from okr_api.graphql.mutations.common import Outcome, execute, or_unset, written
from okr_api.graphql.types.payloads import CheckInPayload, KeyResultPayload
from okr_domain import values


@strawberry.input
class AddKeyResultInput:
    objective_id: relay.GlobalID
    title: str
    metric_type: values.MetricType
    target: Decimal | None = strawberry.field(
        default=None, description="Not needed for BINARY (0->1) and MILESTONE (0->100%).")
    start: Decimal | None = None
    unit: str = ""
    weight: float = 1.0
    idempotency_key: str | None = None


@strawberry.input
class UpdateKeyResultInput:
    key_result_id: relay.GlobalID
    title: str | None = None
    metric_type: values.MetricType | None = None
    start: Decimal | None = None
    target: Decimal | None = None
    unit: str | None = None
    weight: float | None = None


@strawberry.input
class RemoveKeyResultInput:
    key_result_id: relay.GlobalID


@strawberry.input
class RecordCheckInInput:
    key_result_id: relay.GlobalID
    value: Decimal
    confidence: int | None = strawberry.field(default=None, description="0-10.")
    note: str = ""
    applies_at: datetime | None = strawberry.field(
        default=None, description=(
            "The time the value applies to (default: now), with a time zone: from 14 days "
            "before the cycle's first day up to now."))
    in_one_on_one: bool = False
    idempotency_key: str | None = strawberry.field(
        default=None, description=(
            "Retries with the same key record the check-in once. Keys are each caller's "
            "own: someone else's key of the same name is another check-in."))


@strawberry.input
class CorrectCheckInInput:
    check_in_id: relay.GlobalID
    value: Decimal
    reason: str
    confidence: int | None = None
    note: str | None = None


@strawberry.type
class AddKeyResultPayload(KeyResultPayload):
    pass


@strawberry.type
class UpdateKeyResultPayload(KeyResultPayload):
    pass


@strawberry.type
class RemoveKeyResultPayload(KeyResultPayload):
    pass


@strawberry.type
class RecordCheckInPayload(CheckInPayload):
    pass


@strawberry.type
class CorrectCheckInPayload(CheckInPayload):
    pass


@strawberry.type
class KeyResultMutations:
    @strawberry.mutation
    async def add_key_result(self, info: Info,
                             input: AddKeyResultInput) -> AddKeyResultPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.add_key_result(
            ctx.principal.actor, uuid_of(input.objective_id, "Objective", field="objectiveId"),
            input.title, input.metric_type,
            target=input.target, start=input.start, unit=input.unit, weight=input.weight,
            idempotency_key=input.idempotency_key))
        return AddKeyResultPayload(
            objective_id=(uuid_of(input.objective_id, "Objective", field="objectiveId")
                          if outcome.result else None),
            key_result_id=outcome.id,
            **written(outcome))

    @strawberry.mutation
    async def update_key_result(self, info: Info,
                                input: UpdateKeyResultInput) -> UpdateKeyResultPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.update_key_result(
            ctx.principal.actor, *_kr_ids(input.key_result_id), title=or_unset(input.title),
            metric_type=or_unset(input.metric_type), start=or_unset(input.start),
            target=or_unset(input.target), unit=or_unset(input.unit),
            weight=or_unset(input.weight)))
        ids = _written(outcome, lambda: _kr_ids(input.key_result_id))
        return UpdateKeyResultPayload(
            objective_id=ids[0] if ids else None, key_result_id=ids[1] if ids else None,
            **written(outcome))

    @strawberry.mutation
    async def remove_key_result(self, info: Info,
                                input: RemoveKeyResultInput) -> RemoveKeyResultPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.remove_key_result(
            ctx.principal.actor, *_kr_ids(input.key_result_id)))
        ids = _written(outcome, lambda: _kr_ids(input.key_result_id))
        return RemoveKeyResultPayload(
            objective_id=ids[0] if ids else None, key_result_id=None,
            **written(outcome))

    @strawberry.mutation
    async def record_check_in(self, info: Info,
                              input: RecordCheckInInput) -> RecordCheckInPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.record_check_in(
            ctx.principal.actor, *_kr_ids(input.key_result_id), input.value,
            confidence=input.confidence, note=input.note, applies_at=input.applies_at,
            in_one_on_one=input.in_one_on_one, idempotency_key=input.idempotency_key))
        ids = _written(outcome, lambda: _kr_ids(input.key_result_id))
        return RecordCheckInPayload(
            objective_id=ids[0] if ids else None, key_result_id=ids[1] if ids else None,
            check_in_id=outcome.id,
            **written(outcome))

    @strawberry.mutation
    async def correct_check_in(self, info: Info,
                               input: CorrectCheckInInput) -> CorrectCheckInPayload | None:
        ctx = context(info)
        outcome = await execute(info, lambda: ctx.app.correct_check_in(
            ctx.principal.actor, *_check_in_ids(input.check_in_id), input.value, input.reason,
            confidence=input.confidence, note=input.note))
        ids = _written(outcome, lambda: _check_in_ids(input.check_in_id))
        return CorrectCheckInPayload(
            objective_id=ids[0] if ids else None, key_result_id=None,
            check_in_id=ids[1] if ids else None,
            **written(outcome))


def _kr_ids(value: relay.GlobalID) -> tuple[UUID, UUID]:
    return composite_of(value, "KeyResult", "keyResultId")


def _check_in_ids(value: relay.GlobalID) -> tuple[UUID, UUID]:
    return composite_of(value, "CheckIn", "checkInId")


def _written(outcome: Outcome, ids: Callable[[], tuple[UUID, UUID]]) -> tuple[UUID, UUID] | None:
    """The decoded ids, once the command succeeded (they were valid then)."""
    return ids() if outcome.result is not None else None
