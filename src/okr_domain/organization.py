"""The organization (tenant) and its OKR policy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids
from okr_domain.base import OkrAggregate
from okr_domain.values import OkrPolicy


class Organization(OkrAggregate):
    TOPIC = "okr.Organization"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.Organization.Created"
        name: str
        slug: str
        root_team_id: UUID
        policy: dict[str, Any]

    class PolicyChanged(OkrAggregate.Event):
        TOPIC = "okr.Organization.PolicyChanged"
        policy: dict[str, Any]

        def apply(self, aggregate: Organization) -> None:
            aggregate.policy_data = self.policy

    @staticmethod
    def create_id(slug: str) -> UUID:
        return ids.organization_id(slug)

    def __init__(
        self,
        organization_id: UUID,
        actor_id: UUID | None,
        cycle_id: UUID | None,
        name: str,
        slug: str,
        root_team_id: UUID,
        policy: dict[str, Any],
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.slug = slug
        self.root_team_id = root_team_id
        self.policy_data = policy

    @property
    def policy(self) -> OkrPolicy:
        return OkrPolicy.from_dict(self.policy_data)

    def change_policy(self, actor_id: UUID | None, policy: OkrPolicy) -> None:
        if policy.to_dict() != self.policy_data:
            self.emit(self.PolicyChanged, actor_id, policy=policy.to_dict())
