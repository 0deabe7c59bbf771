"""Teams in a hierarchy: the company root team, departments and teams, each with a lead."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain.base import OkrAggregate
from okr_domain.values import TeamKind


class Team(OkrAggregate):
    TOPIC = "okr.Team"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.Team.Created"
        name: str
        kind: str
        parent_team_id: UUID | None
        lead_id: UUID | None

    class Updated(OkrAggregate.Event):
        TOPIC = "okr.Team.Updated"
        name: str
        parent_team_id: UUID | None
        lead_id: UUID | None

        def apply(self, aggregate: Team) -> None:
            aggregate.name = self.name
            aggregate.parent_team_id = self.parent_team_id
            aggregate.lead_id = self.lead_id

    def __init__(
        self,
        organization_id: UUID,
        actor_id: UUID | None,
        cycle_id: UUID | None,
        name: str,
        kind: str,
        parent_team_id: UUID | None,
        lead_id: UUID | None,
    ) -> None:
        self.organization_id = organization_id
        self.name = name
        self.kind = TeamKind(kind)
        self.parent_team_id = parent_team_id
        self.lead_id = lead_id

    def update(
        self, actor_id: UUID | None, name: str, parent_team_id: UUID | None, lead_id: UUID | None
    ) -> bool:
        if (name, parent_team_id, lead_id) == (self.name, self.parent_team_id, self.lead_id):
            return False
        self.emit(
            self.Updated, actor_id, name=name, parent_team_id=parent_team_id, lead_id=lead_id
        )
        return True
