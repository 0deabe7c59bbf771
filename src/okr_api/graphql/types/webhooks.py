"""GraphQL shapes of webhook endpoints and their delivery log (admins only)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Self
from uuid import UUID

import strawberry

from okr_api.graphql.base import Info, context
from okr_api.graphql.types.node import LoadedNode
from okr_api.live.model import EventType
from okr_api.webhooks.signing import hint
from okr_api.webhooks.store import Cursor, Delivery
from okr_domain import values
from okr_domain.webhook_endpoint import EndpointStatus, WebhookEndpoint

MAX_DELIVERIES = 100

WebhookEndpointStatus = strawberry.enum(EndpointStatus, name="WebhookEndpointStatus")


class DeliveryOutcome(StrEnum):
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    GONE = "GONE"


strawberry.enum(DeliveryOutcome, name="WebhookDeliveryOutcome")


def _time(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


@strawberry.type(description="One delivery attempt.")
class WebhookDelivery:
    row: strawberry.Private[Delivery]

    @strawberry.field(description="Its place in the log; page with before: id.")
    def id(self) -> int:
        return self.row.id

    @strawberry.field
    def event_id(self) -> strawberry.ID:
        return strawberry.ID(self.row.event_id)

    @strawberry.field
    def position(self) -> int:
        return self.row.position

    @strawberry.field(description="1 for the first try of this event, then 2, 3...")
    def attempt(self) -> int:
        return self.row.attempt

    @strawberry.field
    def status_code(self) -> int | None:
        return self.row.status_code

    @strawberry.field
    def outcome(self) -> DeliveryOutcome:
        return DeliveryOutcome(self.row.outcome)

    @strawberry.field
    def error(self) -> str | None:
        return self.row.error

    @strawberry.field
    def latency_ms(self) -> float:
        return self.row.latency_ms

    @strawberry.field
    def attempted_at(self) -> datetime:
        return datetime.fromtimestamp(self.row.attempted_at, UTC)


@strawberry.type(description="Where an endpoint's deliveries have got to.")
class WebhookDeliveryState:
    row: strawberry.Private[Cursor]

    @strawberry.field(description="Every matching event up to here was delivered.")
    def position(self) -> int:
        return self.row.position

    @strawberry.field(description="Failed attempts on the next event.")
    def failures(self) -> int:
        return self.row.failures

    @strawberry.field
    def next_attempt_at(self) -> datetime | None:
        return _time(self.row.next_attempt_at) if self.row.failures else None

    @strawberry.field
    def last_error(self) -> str | None:
        return self.row.last_error


@strawberry.type(name="WebhookEndpoint", description=(
    "Where an organization's OKR events are POSTed: CloudEvents 1.0 JSON, signed per "
    "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature), in order, at "
    "least once."))
class WebhookEndpointNode(LoadedNode):
    endpoint: strawberry.Private[WebhookEndpoint]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.endpoint.id.hex

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        ctx = context(info)
        if not ctx.principal.has(values.Role.ADMIN):
            return [None for _ in node_ids]
        org = ctx.principal.organization_id
        found: list[Self | None] = []
        for node_id in node_ids:
            try:
                endpoint_id = UUID(hex=node_id)
            except ValueError:
                found.append(None)
                continue
            endpoint = await asyncio.to_thread(ctx.app.webhook_endpoint, org, endpoint_id)
            found.append(cls(endpoint=endpoint) if endpoint else None)
        return found

    @strawberry.field
    def url(self) -> str:
        return self.endpoint.url

    @strawberry.field
    def description(self) -> str:
        return self.endpoint.description

    @strawberry.field
    def status(self) -> EndpointStatus:
        return self.endpoint.status

    @strawberry.field
    def disabled_reason(self) -> str | None:
        return self.endpoint.disabled_reason

    @strawberry.field
    def event_types(self) -> list[EventType]:
        return [EventType(t) for t in self.endpoint.event_types]

    @strawberry.field(description="Deliveries are shaped as for a caller with this role.")
    def role(self) -> values.Role:
        return values.Role(self.endpoint.role)

    @strawberry.field(description="The end of the signing secret (the secret is shown once).")
    def secret_hint(self) -> str:
        return hint(self.endpoint.secret)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.endpoint.created_on

    @strawberry.field
    async def delivery_state(self, info: Info) -> WebhookDeliveryState | None:
        store = context(info).services.extras["webhooks"].store
        row = await asyncio.to_thread(store.cursor, self.endpoint.id.hex)
        return WebhookDeliveryState(row=row) if row else None

    @strawberry.field(description="The delivery log, newest first.")
    async def deliveries(self, info: Info, first: int = 20,
                         before: int | None = None) -> list[WebhookDelivery]:
        store = context(info).services.extras["webhooks"].store
        first = max(0, min(first, MAX_DELIVERIES))
        rows = await asyncio.to_thread(store.deliveries, self.endpoint.id.hex, first, before)
        return [WebhookDelivery(row=r) for r in rows]
