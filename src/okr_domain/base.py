"""The base aggregate: every event carries its organization, actor and cycle."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import clock, ids

E = TypeVar("E", bound="OkrAggregate.Event")


class OkrAggregate(Aggregate):
    """An aggregate owned by one organization (the tenant)."""

    organization_id: UUID

    class Event(Aggregate.Event):
        organization_id: UUID
        actor_id: UUID | None
        cycle_id: UUID | None

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    @staticmethod
    def create_id(*_: Any, **__: Any) -> UUID:
        return ids.new_id()

    @property
    def event_cycle_id(self) -> UUID | None:
        """The cycle stamped on this aggregate's events (None when it has none)."""
        return None

    def emit(self, event_class: type[E], actor_id: UUID | None, **fields: Any) -> None:
        fields.setdefault("cycle_id", self.event_cycle_id)
        self.trigger_event(
            event_class, organization_id=self.organization_id, actor_id=actor_id, **fields
        )
