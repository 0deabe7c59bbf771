"""The organization's people and teams, indexed once, for visibility and scopes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import UUID

from projections.model import PersonRow, TeamRow

# As in okr_domain.access: chains longer than this are cut (a loop in bad data).
MAX_CHAIN = 64


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

    def manager_chain(self, person_id: UUID) -> list[UUID]:
        """The person's managers, nearest first (stops at a loop or a missing person)."""
        chain: list[UUID] = []
        person = self.people.get(person_id)
        while person is not None and person.manager_id is not None and len(chain) < MAX_CHAIN:
            if person.manager_id in chain or person.manager_id == person_id:
                break
            chain.append(person.manager_id)
            person = self.people.get(person.manager_id)
        return chain

    def team_chain(self, team_id: UUID) -> list[TeamRow]:
        """The team and the teams above it, nearest first."""
        chain: list[TeamRow] = []
        seen: set[UUID] = set()
        team = self.teams.get(team_id)
        while team is not None and team.id not in seen and len(chain) < MAX_CHAIN:
            seen.add(team.id)
            chain.append(team)
            team = self.teams.get(team.parent_team_id) if team.parent_team_id else None
        return chain

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
