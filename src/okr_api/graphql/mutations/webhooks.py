"""Webhook mutations (admins): register, pause, resume, replay and delete endpoints."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context, uuid_of
from okr_api.graphql.mutations.common import Outcome, execute, refused, written
from okr_api.graphql.types.live import OkrEventFilterInput, event_filter
from okr_api.graphql.types.payloads import Payload
from okr_api.graphql.types.webhooks import WebhookEndpointNode
from okr_api.live.model import SCORE_TYPES, EventType
from okr_api.webhooks import signing
from okr_api.webhooks.urls import UrlRefused, check_url
from okr_domain import values
from okr_domain.command_base import Result


@strawberry.input
class RegisterWebhookEndpointInput:
    url: str = strawberry.field(description="https only (loopback in development).")
    secret: str | None = strawberry.field(
        default=None, description="whsec_ and base64 of 24-64 bytes; made for you if left out.")
    description: str = ""
    event_types: list[EventType] | None = strawberry.field(
        default=None, description="Default: the score events (check-ins, corrections, "
                                  "grades, closes).")
    filter: OkrEventFilterInput | None = strawberry.field(
        default=None, description="Which objectives' events (its `types` are not used: "
                                  "see eventTypes).")
    role: values.Role = strawberry.field(
        default=values.Role.HR, description="Deliveries are shaped as for a caller with "
                                            "this role (HR: per the HR mode).")


@strawberry.input
class WebhookEndpointIdInput:
    endpoint_id: relay.GlobalID
    reason: str = ""


@strawberry.input
class ReplayWebhookEndpointInput:
    endpoint_id: relay.GlobalID
    after_position: int = strawberry.field(
        description="Deliver again every matching event after this position (0: all).")


@strawberry.type
class WebhookEndpointPayload(Payload):
    endpoint_id: strawberry.Private[UUID | None]

    @strawberry.field
    async def endpoint(self, info: Info) -> WebhookEndpointNode | None:
        if self.endpoint_id is None:
            return None
        ctx = context(info)
        found = await asyncio.to_thread(ctx.app.webhook_endpoint,
                                        ctx.principal.organization_id, self.endpoint_id)
        return WebhookEndpointNode(endpoint=found) if found else None


@strawberry.type
class RegisterWebhookEndpointPayload(WebhookEndpointPayload):
    secret: str | None = strawberry.field(
        default=None, description="The signing secret: shown once, store it safely.")


def _endpoint_id(value: relay.GlobalID) -> UUID:
    return uuid_of(value, "WebhookEndpoint", field="endpointId")


def _refused(field: str, message: str) -> RegisterWebhookEndpointPayload:
    return RegisterWebhookEndpointPayload(
        endpoint_id=None, **written(refused("INVALID_INPUT", field, message)))


def _done(info: Info, outcome: Outcome) -> WebhookEndpointPayload:
    _kick(info, outcome)
    return WebhookEndpointPayload(endpoint_id=outcome.id, **written(outcome))


def _kick(info: Info, outcome: Outcome) -> None:
    """A write that changes deliveries wakes the delivery worker."""
    if outcome.result is not None:
        context(info).services.extras["webhooks"].kick()


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="Register a webhook endpoint (admins).")
    async def register_webhook_endpoint(
        self, info: Info, input: RegisterWebhookEndpointInput,
    ) -> RegisterWebhookEndpointPayload | None:
        ctx = context(info)
        try:
            url = check_url(input.url, ctx.services.settings.webhook_loopback_allowed)
        except UrlRefused as error:
            return _refused("url", str(error))
        secret = input.secret or signing.generate_secret()
        try:
            signing.secret_key(secret)
        except signing.InvalidSecret as error:
            return _refused("secret", str(error))
        try:
            where = await event_filter(info, input.filter)
        except ApiError as error:
            return _refused("filter", error.message)
        if where.types:
            return _refused("filter", "choose event types with eventTypes")
        types = sorted(t.value for t in (input.event_types or SCORE_TYPES))

        def register() -> Result:
            return ctx.app.register_webhook_endpoint(
                ctx.principal.actor, url, secret, description=input.description,
                event_types=types, filter=where.to_dict(), role=input.role)

        outcome = await execute(info, register)
        _kick(info, outcome)
        return RegisterWebhookEndpointPayload(
            endpoint_id=outcome.id, secret=secret if outcome.result else None,
            **written(outcome))

    @strawberry.mutation(description="Stop deliveries until resumed (events keep coming).")
    async def pause_webhook_endpoint(
            self, info: Info, input: WebhookEndpointIdInput,
    ) -> WebhookEndpointPayload | None:
        return await _command(info, lambda app, actor: app.pause_webhook_endpoint(
            actor, _endpoint_id(input.endpoint_id), input.reason))

    @strawberry.mutation(description="Deliver again, from where deliveries stopped.")
    async def resume_webhook_endpoint(
            self, info: Info, input: WebhookEndpointIdInput,
    ) -> WebhookEndpointPayload | None:
        return await _command(info, lambda app, actor: app.resume_webhook_endpoint(
            actor, _endpoint_id(input.endpoint_id)))

    @strawberry.mutation(description="Deliver again every matching event after a position.")
    async def replay_webhook_endpoint(
        self, info: Info, input: ReplayWebhookEndpointInput,
    ) -> WebhookEndpointPayload | None:
        return await _command(info, lambda app, actor: app.replay_webhook_endpoint(
            actor, _endpoint_id(input.endpoint_id), input.after_position))

    @strawberry.mutation(description="Delete an endpoint (its history stays in the log).")
    async def delete_webhook_endpoint(
            self, info: Info, input: WebhookEndpointIdInput,
    ) -> WebhookEndpointPayload | None:
        return await _command(info, lambda app, actor: app.delete_webhook_endpoint(
            actor, _endpoint_id(input.endpoint_id)))


async def _command(info: Info, command: Callable[..., Result]) -> WebhookEndpointPayload | None:
    ctx = context(info)
    return _done(info, await execute(info, lambda: command(ctx.app, ctx.principal.actor)))
