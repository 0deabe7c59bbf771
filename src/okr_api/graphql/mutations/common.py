"""What every mutation shares: running the command off the event loop, turning expected
failures into user errors, and the payload fields every payload has."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict, TypeVar
from uuid import UUID

from okr_api.context import Services
from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context
from okr_api.graphql.types.payloads import UserError
from okr_domain.command_base import UNSET, Result
from okr_domain.errors import DomainError

T = TypeVar("T")


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


class Written(TypedDict):
    """The fields every payload shares, as a write left them."""

    user_errors: list[UserError]
    position: int | None
    replayed: bool


def written(outcome: Outcome) -> Written:
    """The shared payload fields of an outcome: ``Payload(**written(outcome), ...)``."""
    result = outcome.result
    return Written(user_errors=outcome.errors,
                   position=result.position if result else None,
                   replayed=bool(result and result.replayed))


def refused(code: str, field: str, message: str) -> Outcome:
    """An outcome refused before any command ran (``field`` under ``input``)."""
    return Outcome(None, [UserError(code=code, field=_field_path(field), message=message)])


def or_unset(value: T | None) -> T:
    """An optional input field as a command argument: left out (None) leaves it as it is."""
    return UNSET if value is None else value
