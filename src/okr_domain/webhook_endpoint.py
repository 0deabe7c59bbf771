"""Webhook endpoints: where an organization's OKR events are delivered over HTTP.

An endpoint is configuration that must be durable and audited, so it is an aggregate:
every registration, pause, resume, deletion, automatic disabling (the receiver said
410 Gone) and replay request is an event. Where deliveries have got to (the cursor) and
the log of attempts are operational state kept by the delivery worker, not here.

Each organization has one ``WebhookDirectory`` listing its endpoints, saved with every
registration and deletion so listings never lag.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from okr_domain.base import OkrAggregate
from okr_domain.errors import ErrorCode, InvalidState


class EndpointStatus(StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    DISABLED = "DISABLED"
    DELETED = "DELETED"


def webhook_directory_id(organization_id: UUID) -> UUID:
    return uuid5(organization_id, "webhook-directory")


class WebhookEndpoint(OkrAggregate):
    TOPIC = "okr.WebhookEndpoint"

    class Created(OkrAggregate.Event, Aggregate.Created):
        """The endpoint was registered."""

        TOPIC = "okr.WebhookEndpoint.Registered"
        url: str
        secret: str
        description: str
        event_types: list[str]
        filter: dict[str, Any]
        role: str

    class Paused(OkrAggregate.Event):
        TOPIC = "okr.WebhookEndpoint.Paused"
        reason: str

        def apply(self, aggregate: WebhookEndpoint) -> None:
            aggregate.status_value = EndpointStatus.PAUSED.value

    class Resumed(OkrAggregate.Event):
        TOPIC = "okr.WebhookEndpoint.Resumed"

        def apply(self, aggregate: WebhookEndpoint) -> None:
            aggregate.status_value = EndpointStatus.ACTIVE.value
            aggregate.disabled_reason = None

    class Disabled(OkrAggregate.Event):
        """Delivery stopped by the service (the receiver answered 410 Gone)."""

        TOPIC = "okr.WebhookEndpoint.Disabled"
        reason: str

        def apply(self, aggregate: WebhookEndpoint) -> None:
            aggregate.status_value = EndpointStatus.DISABLED.value
            aggregate.disabled_reason = self.reason

    class Deleted(OkrAggregate.Event):
        TOPIC = "okr.WebhookEndpoint.Deleted"

        def apply(self, aggregate: WebhookEndpoint) -> None:
            aggregate.status_value = EndpointStatus.DELETED.value

    class ReplayRequested(OkrAggregate.Event):
        """Deliver again every matching event after ``after_position``."""

        TOPIC = "okr.WebhookEndpoint.ReplayRequested"
        after_position: int

        def apply(self, aggregate: WebhookEndpoint) -> None:
            aggregate.replays += 1

    def __init__(self, organization_id: UUID, actor_id: UUID | None, cycle_id: UUID | None,
                 url: str, secret: str, description: str, event_types: list[str],
                 filter: dict[str, Any], role: str) -> None:
        self.organization_id = organization_id
        self.url = url
        self.secret = secret
        self.description = description
        self.event_types = list(event_types)
        self.filter = dict(filter)
        self.role = role
        self.created_by = actor_id
        # Kept as a plain string: snapshots are JSON.
        self.status_value = EndpointStatus.ACTIVE.value
        self.disabled_reason: str | None = None
        self.replays = 0

    @property
    def status(self) -> EndpointStatus:
        return EndpointStatus(self.status_value)

    def _ensure_not_deleted(self) -> None:
        if self.status is EndpointStatus.DELETED:
            raise InvalidState("the webhook endpoint is deleted", field="endpointId")

    def pause(self, actor_id: UUID | None, reason: str) -> bool:
        self._ensure_not_deleted()
        if self.status is not EndpointStatus.ACTIVE:
            return False
        self.emit(self.Paused, actor_id, reason=reason)
        return True

    def resume(self, actor_id: UUID | None) -> bool:
        self._ensure_not_deleted()
        if self.status is EndpointStatus.ACTIVE:
            return False
        self.emit(self.Resumed, actor_id)
        return True

    def disable(self, actor_id: UUID | None, reason: str) -> bool:
        if self.status is not EndpointStatus.ACTIVE:
            return False
        self.emit(self.Disabled, actor_id, reason=reason)
        return True

    def delete(self, actor_id: UUID | None) -> None:
        self._ensure_not_deleted()
        self.emit(self.Deleted, actor_id)

    def request_replay(self, actor_id: UUID | None, after_position: int) -> None:
        self._ensure_not_deleted()
        if after_position < 0:
            raise InvalidState("a replay starts at position 0 or later",
                               code=ErrorCode.INVALID_INPUT, field="afterPosition")
        self.emit(self.ReplayRequested, actor_id, after_position=after_position)


class WebhookDirectory(OkrAggregate):
    """The endpoints of one organization (ids as hex strings: snapshot-friendly)."""

    TOPIC = "okr.WebhookDirectory"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.WebhookDirectory.Created"

    class EndpointAdded(OkrAggregate.Event):
        TOPIC = "okr.WebhookDirectory.EndpointAdded"
        endpoint_id: UUID

        def apply(self, aggregate: WebhookDirectory) -> None:
            aggregate.endpoint_ids.append(self.endpoint_id.hex)

    class EndpointRemoved(OkrAggregate.Event):
        TOPIC = "okr.WebhookDirectory.EndpointRemoved"
        endpoint_id: UUID

        def apply(self, aggregate: WebhookDirectory) -> None:
            aggregate.endpoint_ids.remove(self.endpoint_id.hex)

    @staticmethod
    def create_id(organization_id: UUID) -> UUID:
        return webhook_directory_id(organization_id)

    def __init__(self, organization_id: UUID, actor_id: UUID | None,
                 cycle_id: UUID | None) -> None:
        self.organization_id = organization_id
        self.endpoint_ids: list[str] = []

    def add(self, actor_id: UUID | None, endpoint_id: UUID) -> None:
        self.emit(self.EndpointAdded, actor_id, endpoint_id=endpoint_id)

    def remove(self, actor_id: UUID | None, endpoint_id: UUID) -> None:
        if endpoint_id.hex in self.endpoint_ids:
            self.emit(self.EndpointRemoved, actor_id, endpoint_id=endpoint_id)
