"""Scopes of an analysis: the organization, a team (with or without its sub-teams), a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from okr_domain.errors import InvalidInput, NotFound
from okr_domain.values import Level
from projections.analysis.directory import Directory
from projections.catalog.rows import ObjectiveRow


class ScopeKind(StrEnum):
    ORGANIZATION = "ORGANIZATION"
    TEAM = "TEAM"
    PERSON = "PERSON"


@dataclass(frozen=True)
class Scope:
    """Which objectives an analysis looks at.

    TEAM: the objectives owned by the team (and its sub-teams when asked), plus the
    individual objectives of their members (people whose team is one of those teams).
    PERSON: the person's individual objectives. Membership is read from the people and
    team rows given, so an "as of" replay uses the organization as it was then.
    """

    kind: ScopeKind = ScopeKind.ORGANIZATION
    team_id: UUID | None = None
    person_id: UUID | None = None
    include_sub_teams: bool = True

    @classmethod
    def organization(cls) -> Scope:
        return cls()

    @classmethod
    def team(cls, team_id: UUID, *, include_sub_teams: bool = True) -> Scope:
        return cls(ScopeKind.TEAM, team_id=team_id, include_sub_teams=include_sub_teams)

    @classmethod
    def person(cls, person_id: UUID) -> Scope:
        return cls(ScopeKind.PERSON, person_id=person_id)


ORGANIZATION = Scope()

ObjectiveFilter = Callable[[ObjectiveRow], bool]


def scope_teams(scope: Scope, directory: Directory) -> frozenset[UUID] | None:
    """The teams a TEAM scope covers; None for the other kinds."""
    if scope.kind is not ScopeKind.TEAM:
        return None
    if scope.team_id is None:
        raise InvalidInput("a team scope needs a team", field="teamId")
    teams = directory.teams_under(scope.team_id, include_sub_teams=scope.include_sub_teams)
    if not teams:
        raise NotFound("no such team", field="teamId")
    return teams


def scope_filter(scope: Scope, directory: Directory) -> ObjectiveFilter:
    """A predicate selecting the scope's objectives (raises NotFound for unknown ids)."""
    if scope.kind is ScopeKind.ORGANIZATION:
        return lambda _objective: True
    if scope.kind is ScopeKind.PERSON:
        person_id = scope.person_id
        if person_id is None:
            raise InvalidInput("a person scope needs a person", field="personId")
        if person_id not in directory.people:
            raise NotFound("no such person", field="personId")
        return lambda o: o.level == Level.INDIVIDUAL and o.owner_person_id == person_id
    teams = scope_teams(scope, directory)
    assert teams is not None

    def in_teams(objective: ObjectiveRow) -> bool:
        if objective.level == Level.INDIVIDUAL:
            return directory.team_of(objective.owner_person_id) in teams
        return objective.owner_team_id in teams

    return in_teams
