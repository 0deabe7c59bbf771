"""Helpers for the domain tests: reading the store, and checking what a command wrote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification

from okr_domain.application import OkrApplication
from okr_domain.command_base import Result
from okr_domain.errors import DomainError, ErrorCode

ALL = 10_000_000


def notifications(app: OkrApplication) -> list[Notification]:
    return list(app.recorder.select_notifications(start=None, limit=ALL))


def all_events(app: OkrApplication) -> list[Any]:
    return [app.mapper.to_domain_event(n) for n in notifications(app)]


def events_of(app: OkrApplication, aggregate_id: UUID) -> list[Any]:
    return list(app.events.get(aggregate_id))


def names(events: list[Any]) -> list[str]:
    return [type(e).__name__ for e in events]


def last_event(app: OkrApplication, aggregate_id: UUID) -> Any:
    return events_of(app, aggregate_id)[-1]


def written(app: OkrApplication, command: Callable[..., Result], *args: Any,
            **kwargs: Any) -> Result:
    """Run a command that must write; its position is the store's newest one."""
    before = app.current_position()
    result = command(*args, **kwargs)
    after = app.current_position()
    assert after > before, "the command wrote nothing"
    assert result.position == after
    newest = notifications(app)[-1]
    assert newest.id == result.position
    return result


def unchanged(app: OkrApplication, command: Callable[..., Result], *args: Any,
              **kwargs: Any) -> Result:
    """Run a command that must succeed without writing anything."""
    before = app.current_position()
    count = len(notifications(app))
    result = command(*args, **kwargs)
    assert app.current_position() == before
    assert len(notifications(app)) == count
    assert result.position == before
    return result


def rejected(app: OkrApplication, code: ErrorCode, command: Callable[..., Any],
             *args: Any, **kwargs: Any) -> DomainError:
    """Run a command that must be rejected with ``code`` and leave the store as it was."""
    before = app.current_position()
    count = len(notifications(app))
    with pytest.raises(DomainError) as info:
        command(*args, **kwargs)
    assert info.value.code == code, repr(info.value)
    assert app.current_position() == before, "a rejected command wrote events"
    assert len(notifications(app)) == count
    return info.value


def event_payload(event: DomainEventProtocol[UUID]) -> dict[str, Any]:
    return dict(vars(event))
