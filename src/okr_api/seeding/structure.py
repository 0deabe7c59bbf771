"""The organization: departments, teams, managers and people."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import TeamKind

FIRST = ("Ada", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai",
         "Lea", "Milo", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik")
LAST = ("Adams", "Berg", "Costa", "Diaz", "Evans", "Fox", "Grant", "Hale", "Ito", "Jones",
        "Kim", "Lopez", "Moreau", "Novak", "Okafor", "Patel")
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Operations", "Finance", "People",
               "Product", "Support", "Design", "Legal", "Data", "Security")
TEAM_SIZE = 9
PEOPLE_PER_DEPARTMENT = 400


@dataclass
class SeedTeam:
    id: UUID
    lead: UUID
    members: list[UUID]
    department: UUID


@dataclass
class SeedDepartment:
    id: UUID
    head: UUID
    teams: list[SeedTeam] = field(default_factory=list)


@dataclass
class Organization:
    id: UUID
    ceo: UUID
    departments: list[SeedDepartment]
    external_ids: dict[UUID, str] = field(default_factory=dict)
    """Every person's external (HR) id, the one tokens are minted for."""

    @property
    def teams(self) -> list[SeedTeam]:
        return [t for d in self.departments for t in d.teams]


def build_structure(app: OkrApplication, admin: Actor, people: int,
                    rng: random.Random) -> Organization:
    """``people`` people: a CEO, department heads, team leads and members."""
    counter = iter(range(people * 2))
    external_ids: dict[UUID, str] = {}

    def person(team: UUID | None, manager: UUID | None) -> UUID:
        n = next(counter)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        person_id = app.upsert_person(admin, f"e{n:06d}", name, email=f"e{n:06d}@example.com",
                                      team_id=team, manager_id=manager).id
        external_ids[person_id] = f"e{n:06d}"
        return person_id

    ceo = person(None, None)
    count = max(1, min(len(DEPARTMENTS) * 2, round(people / PEOPLE_PER_DEPARTMENT)))
    left = people - 1
    departments: list[SeedDepartment] = []
    for index in range(count):
        size = left // (count - index)
        left -= size
        name = DEPARTMENTS[index % len(DEPARTMENTS)] + (
            f" {index // len(DEPARTMENTS) + 1}" if index >= len(DEPARTMENTS) else "")
        dept_id = app.create_team(admin, name, kind=TeamKind.DEPARTMENT).id
        head = person(dept_id, ceo)
        app.update_team(admin, dept_id, lead_id=head)
        dept = SeedDepartment(dept_id, head)
        departments.append(dept)
        size -= 1
        teams = max(1, math.ceil(size / TEAM_SIZE)) if size > 0 else 0
        for t in range(teams):
            members_here = size // (teams - t)
            size -= members_here
            if members_here == 0:
                continue
            team_id = app.create_team(admin, f"{name} team {t + 1}",
                                      parent_team_id=dept.id).id
            lead = person(team_id, head)
            app.update_team(admin, team_id, lead_id=lead)
            members = [person(team_id, lead) for _ in range(members_here - 1)]
            dept.teams.append(SeedTeam(team_id, lead, members, dept.id))
    return Organization(admin.organization_id, ceo, departments, external_ids)
