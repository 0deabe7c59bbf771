"""Commands on webhook endpoints (admins only; disabling is also done by the service)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from okr_domain import validation
from okr_domain.access import Actor
from okr_domain.command_base import CommandBase, Result
from okr_domain.errors import InvalidInput
from okr_domain.values import Role
from okr_domain.webhook_endpoint import (
    EndpointStatus,
    WebhookDirectory,
    WebhookEndpoint,
    webhook_directory_id,
)

URL_MAX = 2_000
SECRET_MAX = 200
MAX_ENDPOINTS = 50


class WebhookCommands(CommandBase):
    def register_webhook_endpoint(
        self, actor: Actor, url: str, secret: str, *, description: str = "",
        event_types: list[str], filter: dict[str, Any] | None = None,
        role: Role = Role.HR,
    ) -> Result:
        """Register an endpoint; deliveries start with the events after this one. The
        URL policy (https only, loopback in development) is checked by the caller."""
        actor.require(Role.ADMIN)
        url = validation.text(url, field="url", max_len=URL_MAX, required=True)
        if not url.startswith(("https://", "http://")):
            raise InvalidInput("url must be an https URL", field="url")
        secret = validation.text(secret, field="secret", max_len=SECRET_MAX, required=True)
        description = validation.text(description, field="description",
                                      max_len=validation.NAME_MAX)
        if not event_types:
            raise InvalidInput("choose at least one event type", field="eventTypes")

        def attempt() -> Result:
            directory = self._directory(actor)
            if len(directory.endpoint_ids) >= MAX_ENDPOINTS:
                raise InvalidInput(f"an organization has at most {MAX_ENDPOINTS} endpoints",
                                   field="url")
            endpoint = WebhookEndpoint(
                organization_id=actor.organization_id, actor_id=actor.person_id,
                cycle_id=None, url=url, secret=secret, description=description,
                event_types=sorted(set(event_types)), filter=dict(filter or {}),
                role=role.value)
            directory.add(actor.person_id, endpoint.id)
            return Result(endpoint.id, self.save_all(endpoint, directory))

        return self.run(webhook_directory_id(actor.organization_id), attempt)

    def _directory(self, actor: Actor) -> WebhookDirectory:
        directory = self.find(WebhookDirectory, webhook_directory_id(actor.organization_id),
                              actor.organization_id)
        if directory is None:
            directory = WebhookDirectory(organization_id=actor.organization_id,
                                         actor_id=actor.person_id, cycle_id=None)
        return directory

    def pause_webhook_endpoint(self, actor: Actor, endpoint_id: UUID,
                               reason: str = "") -> Result:
        actor.require(Role.ADMIN)
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX)
        return self._change(actor, endpoint_id, lambda e: e.pause(actor.person_id, reason))

    def resume_webhook_endpoint(self, actor: Actor, endpoint_id: UUID) -> Result:
        actor.require(Role.ADMIN)
        return self._change(actor, endpoint_id, lambda e: e.resume(actor.person_id))

    def disable_webhook_endpoint(self, actor: Actor, endpoint_id: UUID, reason: str) -> Result:
        """Stop deliveries (the service does this when a receiver answers 410 Gone)."""
        actor.require(Role.ADMIN)
        return self._change(actor, endpoint_id, lambda e: e.disable(actor.person_id, reason))

    def replay_webhook_endpoint(self, actor: Actor, endpoint_id: UUID,
                                after_position: int) -> Result:
        actor.require(Role.ADMIN)
        return self._change(actor, endpoint_id,
                            lambda e: e.request_replay(actor.person_id, after_position))

    def delete_webhook_endpoint(self, actor: Actor, endpoint_id: UUID) -> Result:
        actor.require(Role.ADMIN)

        def attempt() -> Result:
            endpoint = self.load(WebhookEndpoint, endpoint_id, actor, "endpointId")
            endpoint.delete(actor.person_id)
            directory = self._directory(actor)
            directory.remove(actor.person_id, endpoint_id)
            return Result(endpoint_id, self.save_all(endpoint, directory))

        return self.run(webhook_directory_id(actor.organization_id), attempt)

    def _change(self, actor: Actor, endpoint_id: UUID,
                change: Any) -> Result:
        def attempt() -> Result:
            endpoint = self.load(WebhookEndpoint, endpoint_id, actor, "endpointId")
            change(endpoint)
            return Result(endpoint_id, self.save_all(endpoint))

        return self.run(endpoint_id, attempt)

    def webhook_endpoint(self, organization_id: UUID,
                         endpoint_id: UUID) -> WebhookEndpoint | None:
        endpoint = self.find(WebhookEndpoint, endpoint_id, organization_id)
        if endpoint is None or endpoint.status is EndpointStatus.DELETED:
            return None
        return endpoint

    def webhook_endpoints(self, organization_id: UUID) -> list[WebhookEndpoint]:
        """The organization's endpoints (not the deleted ones), oldest first."""
        directory = self.find(WebhookDirectory, webhook_directory_id(organization_id),
                              organization_id)
        if directory is None:
            return []
        found = (self.webhook_endpoint(organization_id, UUID(hex=h))
                 for h in directory.endpoint_ids)
        return [e for e in found if e is not None]
