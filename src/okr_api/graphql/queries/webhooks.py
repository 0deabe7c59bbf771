"""Webhook queries (admins): the organization's endpoints with their delivery state."""

from __future__ import annotations

import asyncio

import strawberry

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context
from okr_api.graphql.types.webhooks import WebhookEndpointNode
from okr_domain import values


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="The organization's webhook endpoints (admins).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpointNode]:
        ctx = context(info)
        if not ctx.principal.has(values.Role.ADMIN):
            raise ApiError("FORBIDDEN", "this needs the ADMIN role")
        found = await asyncio.to_thread(ctx.app.webhook_endpoints,
                                        ctx.principal.organization_id)
        return [WebhookEndpointNode(endpoint=e) for e in found]
