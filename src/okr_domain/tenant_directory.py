"""People and teams of one organization, looked up once per command."""

from __future__ import annotations

from typing import Protocol, TypeVar
from uuid import UUID

from okr_domain.base import OkrAggregate
from okr_domain.person import Person
from okr_domain.team import Team

A = TypeVar("A", bound=OkrAggregate)


class AggregateFinder(Protocol):
    """Finds an aggregate of a class within one organization (``CommandBase.find``)."""

    def find(self, cls: type[A], aggregate_id: UUID | None,
             organization_id: UUID) -> A | None: ...


class TenantDirectory:
    """People and teams of one organization, cached for the length of one command."""

    def __init__(self, app: AggregateFinder, organization_id: UUID) -> None:
        self._app = app
        self._org = organization_id
        self._people: dict[UUID, Person | None] = {}
        self._teams: dict[UUID, Team | None] = {}

    def find_person(self, person_id: UUID) -> Person | None:
        if person_id not in self._people:
            self._people[person_id] = self._app.find(Person, person_id, self._org)
        return self._people[person_id]

    def find_team(self, team_id: UUID) -> Team | None:
        if team_id not in self._teams:
            self._teams[team_id] = self._app.find(Team, team_id, self._org)
        return self._teams[team_id]
