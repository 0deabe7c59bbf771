"""Who may see and change what (the README's "Using the API" says it for callers).

Company objectives are written by admins; team objectives by the lead of the team or of
any team above it, the lead's manager chain and admins; individual objectives by the
person and their manager chain (and admins). Private objectives are seen by those who
may write them. The rules read people and teams through a ``Directory``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from uuid import UUID

from okr_domain.errors import Forbidden
from okr_domain.objective import Objective
from okr_domain.values import Level, Role, Visibility


@dataclass(frozen=True)
class Actor:
    """The caller of a command: a person or a service account, in one organization."""

    organization_id: UUID
    person_id: UUID | None
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.MEMBER}))
    service_account_id: UUID | None = None
    """The service account calling (then ``person_id`` is None)."""

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @classmethod
    def system(cls, organization_id: UUID) -> Actor:
        """The service itself (bootstrap, seeding): an admin with no person."""
        return cls(organization_id, None, frozenset({Role.ADMIN}))

    def require(self, *roles: Role) -> None:
        if not self.roles.intersection(roles):
            names = " or ".join(r.value for r in roles)
            raise Forbidden(f"this needs the {names} role")


class PersonNode(Protocol):
    """What the rules read of a person: the aggregate, or a read model's row."""

    @property
    def manager_id(self) -> UUID | None: ...


class TeamNode(Protocol):
    """What the rules read of a team: the aggregate, or a read model's row."""

    @property
    def id(self) -> UUID: ...

    @property
    def parent_team_id(self) -> UUID | None: ...

    @property
    def lead_id(self) -> UUID | None: ...


class Directory(Protocol):
    def find_person(self, person_id: UUID) -> PersonNode | None: ...

    def find_team(self, team_id: UUID) -> TeamNode | None: ...


MAX_CHAIN = 64


def manager_chain(directory: Directory, person_id: UUID) -> list[UUID]:
    """The person's managers, nearest first (stops at a loop or a missing person)."""
    chain: list[UUID] = []
    person = directory.find_person(person_id)
    while person is not None and person.manager_id is not None and len(chain) < MAX_CHAIN:
        if person.manager_id in chain or person.manager_id == person_id:
            break
        chain.append(person.manager_id)
        person = directory.find_person(person.manager_id)
    return chain


def team_chain(directory: Directory, team_id: UUID) -> list[TeamNode]:
    """The team and the teams above it, nearest first."""
    chain: list[TeamNode] = []
    team = directory.find_team(team_id)
    while team is not None and len(chain) < MAX_CHAIN:
        if any(t.id == team.id for t in chain):
            break
        chain.append(team)
        team = directory.find_team(team.parent_team_id) if team.parent_team_id else None
    return chain


def controls_owner(directory: Directory, actor: Actor, level: Level,
                   owner_team_id: UUID | None, owner_person_id: UUID | None) -> bool:
    """May the actor write objectives of this level and owner?"""
    return actor.is_admin or person_controls_owner(directory, actor.person_id, level,
                                                   owner_team_id, owner_person_id)


def person_controls_owner(directory: Directory, me: UUID | None, level: Level,
                          owner_team_id: UUID | None, owner_person_id: UUID | None) -> bool:
    """May this person write objectives of this level and owner, roles aside? (An admin
    may write every objective, company ones included: see ``controls_owner``.)"""
    if me is None:
        return False
    if level is Level.INDIVIDUAL:
        if owner_person_id is None:
            return False
        return me == owner_person_id or me in manager_chain(directory, owner_person_id)
    if level is Level.TEAM and owner_team_id is not None:
        teams = team_chain(directory, owner_team_id)
        if any(t.lead_id == me for t in teams):
            return True
        lead = teams[0].lead_id if teams else None
        return lead is not None and me in manager_chain(directory, lead)
    return False


PRACTISING_ROLES = frozenset({Role.ADMIN, Role.MANAGER, Role.MEMBER})
"""The roles that write OKRs. HR keeps people's records and ANALYST reads history: a
token with only those roles (or none) reads, but writes no objective, check-in,
alignment or support."""


def practises(actor: Actor) -> bool:
    return bool(actor.roles & PRACTISING_ROLES)


def may_write(directory: Directory, actor: Actor, objective: Objective) -> bool:
    return practises(actor) and controls(directory, actor, objective)


def controls(directory: Directory, actor: Actor, objective: Objective) -> bool:
    return controls_owner(directory, actor, objective.level, objective.owner_team_id,
                          objective.owner_person_id)


def can_see(directory: Directory, actor: Actor, objective: Objective) -> bool:
    return objective.visibility is Visibility.PUBLIC or controls(directory, actor, objective)


def can_check_in(directory: Directory, actor: Actor, objective: Objective) -> bool:
    if not practises(actor):
        return False
    if controls(directory, actor, objective):
        return True
    return (objective.supporters_can_check_in and actor.person_id is not None
            and actor.person_id in objective.supporters)


def speaks_for_owner(directory: Directory, actor: Actor, level: Level,
                     owner_team_id: UUID | None, owner_person_id: UUID | None) -> bool:
    """Does the actor speak for the owner of an objective in a negotiation?

    The owner itself: the person of an individual objective, the lead of a team
    objective's own team (the leads above and managers only when the team has no
    lead), and admins for every objective. Controlling an objective (a manager writing
    a report's objective) is not speaking for its owner: a manager's proposal to a
    report awaits the report.
    """
    if actor.is_admin:
        return True
    me = actor.person_id
    if me is None or not practises(actor):
        return False
    if level is Level.INDIVIDUAL:
        return owner_person_id is not None and me == owner_person_id
    if level is Level.TEAM and owner_team_id is not None:
        team = directory.find_team(owner_team_id)
        if team is not None and team.lead_id is not None:
            return team.lead_id == me
        return person_controls_owner(directory, me, level, owner_team_id, owner_person_id)
    return False


def speaks_for(directory: Directory, actor: Actor, objective: Objective) -> bool:
    return speaks_for_owner(directory, actor, objective.level, objective.owner_team_id,
                            objective.owner_person_id)
