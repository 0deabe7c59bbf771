"""Whose private objectives a person may see, by the domain's own access rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast
from uuid import UUID

from okr_domain.access import Actor, controls_owner
from okr_domain.person import Person
from okr_domain.team import Team
from okr_domain.values import Level, Role
from projections.catalog.rows import PersonRow, TeamRow
from projections.reading.queries import ViewerScope


class RowDirectory:
    """The access rules' ``Directory`` over catalog rows (same attribute names)."""

    def __init__(self, teams: Iterable[TeamRow], people: Iterable[PersonRow]) -> None:
        self.teams = {t.id: t for t in teams}
        self.people = {p.id: p for p in people}

    def find_person(self, person_id: UUID) -> Person | None:
        return cast(Person | None, self.people.get(person_id))

    def find_team(self, team_id: UUID) -> Team | None:
        return cast(Team | None, self.teams.get(team_id))


def viewer_scope_of(organization_id: UUID, person_id: UUID, teams: Iterable[TeamRow],
                    people: Iterable[PersonRow]) -> ViewerScope:
    """The owners whose private objectives a (non-admin) person may see: those whose
    objectives the person may write."""
    directory = RowDirectory(teams, people)
    actor = Actor(organization_id, person_id, frozenset({Role.MEMBER}))
    return ViewerScope(
        person_ids=frozenset(
            p for p in directory.people
            if controls_owner(directory, actor, Level.INDIVIDUAL, None, p)),
        team_ids=frozenset(
            t for t in directory.teams
            if controls_owner(directory, actor, Level.TEAM, t, None)),
    )


def sub_teams(teams: Iterable[TeamRow], team_id: UUID) -> set[UUID]:
    """The team and every team below it."""
    children: dict[UUID, list[UUID]] = {}
    for team in teams:
        if team.parent_team_id is not None:
            children.setdefault(team.parent_team_id, []).append(team.id)
    found = {team_id}
    stack = [team_id]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found
