"""What every mutation shares: running the command off the event loop, user errors,
and payload fields that read the result back once the read model has caught up."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import strawberry

from okr_api.context import Services
from okr_api.errors import ApiError
from okr_api.graphql.base import Info, can_see, context
from okr_api.readmodel import forget
from okr_domain.command_base import Result
from okr_domain.errors import DomainError
from projections.catalog.rows import ObjectiveRow

RESULT_WAIT_SECONDS = 5.0


@strawberry.type(description="An expected failure: nothing was written.")
class UserError:
    code: str = strawberry.field(description="Stable machine-readable code.")
    field: list[str] | None = strawberry.field(description="Path to the input field.")
    message: str


@dataclass
class Outcome:
    result: Result | None
    errors: list[UserError]

    @property
    def id(self) -> UUID | None:
        """The id the command returned (None when it was refused)."""
        return self.result.id if self.result else None


def _field_path(field: str | None) -> list[str] | None:
    return ["input", *field.split(".")] if field else None


async def run_command(services: Services, command: Callable[[], Result]) -> Result:
    """Run a command in one of the command threads (the event store is blocking).

    Commands get threads of their own, as many as may usefully share one group commit,
    so that slow reads in the default threads (history replays) never hold them up. The
    context variables travel with the call, as with ``asyncio.to_thread``.
    """
    if services.commands is None:
        return await asyncio.to_thread(command)
    call = contextvars.copy_context().run
    return await asyncio.get_running_loop().run_in_executor(services.commands, call, command)


async def execute(info: Info, command: Callable[[], Result]) -> Outcome:
    """Run a command and turn expected failures into user errors."""
    services = context(info).services
    metrics = services.extras.get("metrics")
    try:
        result = await run_command(services, command)
    except DomainError as error:
        return Outcome(None, [UserError(code=error.code.value, field=_field_path(error.field),
                                        message=error.message)])
    except ApiError as error:
        return Outcome(None, [UserError(code=error.code, field=_field_path(error.field),
                                        message=error.message)])
    if metrics is not None:
        metrics.event_store_writes.inc()
    return Outcome(result, [])


async def caught_up(info: Info, position: int | None) -> bool:
    if position is None:
        return False
    read_model = context(info).services.read_model
    return await read_model.wait_for_position(position, RESULT_WAIT_SECONDS)


async def objective_row(info: Info, objective_id: UUID | None,
                        position: int | None) -> ObjectiveRow | None:
    """The objective as the read model has it after the write (None if not visible)."""
    if objective_id is None or not await caught_up(info, position):
        return None
    ctx = context(info)
    forget(ctx.loaders.objective, objective_id)
    row = await ctx.loaders.objective.load(objective_id)
    return row if row and await can_see(ctx, row) else None


@strawberry.interface(description="Fields every mutation payload has.")
class Payload:
    user_errors: list[UserError]
    position: int | None = strawberry.field(
        description="Global position written; pass it as minPosition to read your write.")
    replayed: bool = strawberry.field(
        default=False, description="True when an idempotency key returned an earlier result.")


def payload_fields(outcome: Outcome) -> dict[str, object]:
    result = outcome.result
    return {"user_errors": outcome.errors, "position": result.position if result else None,
            "replayed": bool(result and result.replayed)}
