"""The organization's people and teams, indexed once, for visibility and scopes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast
from uuid import UUID

from okr_domain.person import Person
from okr_domain.team import Team
from projections.catalog.rows import PersonRow, TeamRow


@dataclass(frozen=True, eq=False)
class Directory:
    """People and teams by id, with the team hierarchy and memberships indexed."""

    people: Mapping[UUID, PersonRow]
    teams: Mapping[UUID, TeamRow]
    sub_teams: Mapping[UUID, tuple[UUID, ...]]
    members: Mapping[UUID, tuple[UUID, ...]]

    @classmethod
    def build(cls, people: Iterable[PersonRow], teams: Iterable[TeamRow]) -> Directory:
        people_by_id = {p.id: p for p in people}
        teams_by_id = {t.id: t for t in teams}
        sub_teams: defaultdict[UUID, list[UUID]] = defaultdict(list)
        for team in teams_by_id.values():
            if team.parent_team_id is not None:
                sub_teams[team.parent_team_id].append(team.id)
        members: defaultdict[UUID, list[UUID]] = defaultdict(list)
        for person in people_by_id.values():
            if person.team_id is not None:
                members[person.team_id].append(person.id)
        return cls(
            people=people_by_id,
            teams=teams_by_id,
            sub_teams={k: tuple(v) for k, v in sub_teams.items()},
            members={k: tuple(v) for k, v in members.items()},
        )

    def team_of(self, person_id: UUID | None) -> UUID | None:
        person = self.people.get(person_id) if person_id is not None else None
        return person.team_id if person is not None else None

    def find_person(self, person_id: UUID) -> Person | None:
        """For the access rules (``okr_domain.access``): rows have the same attributes."""
        return cast(Person | None, self.people.get(person_id))

    def find_team(self, team_id: UUID) -> Team | None:
        return cast(Team | None, self.teams.get(team_id))

    def teams_under(self, team_id: UUID, *, include_sub_teams: bool = True) -> frozenset[UUID]:
        """The team and, optionally, every team below it (empty for an unknown team)."""
        if team_id not in self.teams:
            return frozenset()
        found = {team_id}
        if not include_sub_teams:
            return frozenset(found)
        queue = [team_id]
        while queue:
            for child in self.sub_teams.get(queue.pop(), ()):
                if child not in found:
                    found.add(child)
                    queue.append(child)
        return frozenset(found)
