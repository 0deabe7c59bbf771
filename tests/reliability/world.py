"""The organization the reliability scenarios run against: people, a cycle, company
objectives to align to and individual objectives with key results to check in on (a few
of them "hot", shared by many clients), plus a second organization that must stay
invisible."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Level, MetricType, Role, TeamKind, Visibility
from tests.live.support import gid, token_for

PEOPLE = 8
OBJECTIVES = 16
HOT_KEY_RESULTS = 3


@dataclass(frozen=True)
class KeyResultRef:
    objective: UUID
    key_result: UUID

    @property
    def gid(self) -> str:
        return gid("KeyResult", self.objective, self.key_result)


@dataclass
class LoadWorld:
    org: UUID
    other_org: UUID
    cycle_key: str
    admin: UUID
    people: list[UUID]
    parents: list[UUID]
    children: list[UUID]
    key_results: list[KeyResultRef]
    private_objective: UUID
    private_key_result: UUID
    other_objective: UUID
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def hot(self) -> list[KeyResultRef]:
        return self.key_results[:HOT_KEY_RESULTS]


def build_load_world(app: OkrApplication) -> LoadWorld:
    org = app.create_organization("Acme", "acme").id
    system = Actor.system(org)
    admin = app.upsert_person(system, "ceo", "Cleo Ceo").id
    team = app.create_team(system, "Platform", kind=TeamKind.TEAM, lead_id=admin).id
    people = [app.upsert_person(system, f"p{i}", f"Person {i}", team_id=team,
                                manager_id=admin).id for i in range(PEOPLE)]
    cycle = app.create_cycle(system, "2026-Q4").id
    app.activate_cycle(system, cycle)
    parents = [app.create_objective(system, cycle, Level.COMPANY, f"Company goal {i}").id
               for i in range(3)]
    children: list[UUID] = []
    key_results: list[KeyResultRef] = []
    for i in range(OBJECTIVES):
        objective = app.create_objective(system, cycle, Level.INDIVIDUAL, f"Objective {i}",
                                         owner_person_id=people[i % PEOPLE]).id
        children.append(objective)
        for k in range(2):
            kr = app.add_key_result(system, objective, f"Key result {i}.{k}",
                                    MetricType.INCREASE_TO, start=0, target=100).id
            key_results.append(KeyResultRef(objective, kr))
    private = app.create_objective(system, cycle, Level.INDIVIDUAL, "Private plan",
                                   owner_person_id=people[0], visibility=Visibility.PRIVATE).id
    private_kr = app.add_key_result(system, private, "Private key result",
                                    MetricType.INCREASE_TO, start=0, target=10).id
    for objective in (*parents, *children, private):
        app.activate_objective(system, objective)
    other = app.create_organization("Globex", "globex").id
    other_system = Actor.system(other)
    other_cycle = app.create_cycle(other_system, "2026-Q4").id
    app.activate_cycle(other_system, other_cycle)
    other_objective = app.create_objective(other_system, other_cycle, Level.COMPANY,
                                           "Globex secret plan").id
    app.record_check_in(system, private, private_kr, 3, note="Private note")
    world = LoadWorld(org, other, "2026-Q4", admin, people, parents, children, key_results,
                      private, private_kr, other_objective)
    world.tokens["admin"] = token_for(org, admin, Role.ADMIN)
    for i, person in enumerate(people):
        world.tokens[f"p{i}"] = token_for(org, person, Role.MEMBER)
    world.tokens["other_admin"] = token_for(other, UUID(int=7), Role.ADMIN)
    for role in Role:
        world.tokens[f"role_{role.value}"] = token_for(org, people[1], role)
    return world
