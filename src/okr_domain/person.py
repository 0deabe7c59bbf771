"""People: a team, a manager and an external HR id (the natural key for upserts)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids
from okr_domain.base import OkrAggregate


class Person(OkrAggregate):
    TOPIC = "okr.Person"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.Person.Created"
        external_id: str
        name: str
        email: str | None
        team_id: UUID | None
        manager_id: UUID | None

    class Updated(OkrAggregate.Event):
        TOPIC = "okr.Person.Updated"
        name: str
        email: str | None
        team_id: UUID | None
        manager_id: UUID | None

        def apply(self, aggregate: Person) -> None:
            aggregate.name = self.name
            aggregate.email = self.email
            aggregate.team_id = self.team_id
            aggregate.manager_id = self.manager_id

    @staticmethod
    def create_id(organization_id: UUID, external_id: str) -> UUID:
        return ids.person_id(organization_id, external_id)

    def __init__(
        self,
        organization_id: UUID,
        actor_id: UUID | None,
        cycle_id: UUID | None,
        external_id: str,
        name: str,
        email: str | None,
        team_id: UUID | None,
        manager_id: UUID | None,
    ) -> None:
        self.organization_id = organization_id
        self.external_id = external_id
        self.name = name
        self.email = email
        self.team_id = team_id
        self.manager_id = manager_id

    def update(
        self,
        actor_id: UUID | None,
        name: str,
        email: str | None,
        team_id: UUID | None,
        manager_id: UUID | None,
    ) -> bool:
        """Record the new details; returns False (and records nothing) when unchanged."""
        if (name, email, team_id, manager_id) == (
            self.name, self.email, self.team_id, self.manager_id
        ):
            return False
        self.emit(
            self.Updated, actor_id, name=name, email=email, team_id=team_id,
            manager_id=manager_id,
        )
        return True
