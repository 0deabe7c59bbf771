"""A small organization to act in.

    company (root team)
    +-- eng (DEPARTMENT, lead: vp)
    |   +-- platform (TEAM, lead: lead)
    +-- sales (TEAM, lead: seller)

    ceo <- vp;  ceo <- director <- lead <- dev, dev2;  ceo <- seller <- peer

``director`` leads no team: he controls platform objectives only through the lead's
manager chain; ``vp`` only as the lead of a team above platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Level, Role, TeamKind


@dataclass
class World:
    app: OkrApplication
    admin: Actor
    cycle_id: UUID
    root_team_id: UUID
    people: dict[str, UUID] = field(default_factory=dict)
    teams: dict[str, UUID] = field(default_factory=dict)

    @property
    def organization_id(self) -> UUID:
        return self.admin.organization_id

    def actor(self, name: str, *roles: Role) -> Actor:
        return Actor(self.organization_id, self.people[name],
                     frozenset(roles or {Role.MEMBER}))

    def person_admin(self, name: str) -> Actor:
        return self.actor(name, Role.ADMIN)

    def company_objective(self, title: str = "Win the market", **kwargs: Any) -> UUID:
        return self.app.create_objective(self.admin, self.cycle_id, Level.COMPANY, title,
                                         **kwargs).id

    def team_objective(self, team: str = "platform", title: str = "Ship it",
                       **kwargs: Any) -> UUID:
        return self.app.create_objective(
            self.admin, self.cycle_id, Level.TEAM, title, owner_team_id=self.teams[team],
            **kwargs).id

    def individual_objective(self, person: str = "dev", title: str = "Grow",
                             **kwargs: Any) -> UUID:
        return self.app.create_objective(
            self.admin, self.cycle_id, Level.INDIVIDUAL, title,
            owner_person_id=self.people[person], **kwargs).id


def build_world(app: OkrApplication, admin: Actor, *, activate: bool = True) -> World:
    root = app.organization(admin).root_team_id
    cycle_id = app.create_cycle(admin, "2026-Q1").id
    if activate:
        app.activate_cycle(admin, cycle_id)
    world = World(app, admin, cycle_id, root)
    people = world.people

    def person(name: str, manager: str | None = None) -> None:
        people[name] = app.upsert_person(
            admin, f"hr-{name}", name.title(), email=f"{name}@acme.test",
            manager_id=people[manager] if manager else None).id

    person("ceo")
    person("vp", "ceo")
    person("director", "ceo")
    person("lead", "director")
    person("dev", "lead")
    person("dev2", "lead")
    person("seller", "ceo")
    person("peer", "seller")
    teams = world.teams
    teams["eng"] = app.create_team(admin, "Engineering", kind=TeamKind.DEPARTMENT,
                                   lead_id=people["vp"]).id
    teams["platform"] = app.create_team(admin, "Platform", parent_team_id=teams["eng"],
                                        lead_id=people["lead"]).id
    teams["sales"] = app.create_team(admin, "Sales", lead_id=people["seller"]).id
    return world


@pytest.fixture
def world(app: OkrApplication, org: Actor) -> World:
    return build_world(app, org)
