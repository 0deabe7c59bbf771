"""Service accounts: long-lived, revocable identities for HR systems and other services."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain.base import OkrAggregate
from okr_domain.errors import InvalidState
from okr_domain.values import Role


class ServiceAccount(OkrAggregate):
    TOPIC = "okr.ServiceAccount"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.ServiceAccount.Created"
        name: str
        roles: list[str]

    class Revoked(OkrAggregate.Event):
        TOPIC = "okr.ServiceAccount.Revoked"
        reason: str

        def apply(self, aggregate: ServiceAccount) -> None:
            aggregate.revoked = True

    def __init__(self, organization_id: UUID, actor_id: UUID | None, cycle_id: UUID | None,
                 name: str, roles: list[str]) -> None:
        self.organization_id = organization_id
        self.name = name
        self.roles = [Role(r) for r in roles]
        self.revoked = False

    def revoke(self, actor_id: UUID | None, reason: str) -> None:
        if self.revoked:
            raise InvalidState("the service account is already revoked")
        self.emit(self.Revoked, actor_id, reason=reason)
