"""The command side's contract, run on every backend (memory, SQLite, PostgreSQL).

Every command: what it writes on success (events, state, the global position it
returns) and how it refuses (a ``DomainError`` with a stable code, and nothing written).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from okr_api.storage import init_database, store_env
from okr_domain import clock, ids
from okr_domain.access import Actor
from okr_domain.alignment import AlignmentGraph, AlignmentProposal
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.cycle import Cycle
from okr_domain.errors import ErrorCode as C
from okr_domain.grading import Grade, grades_hash
from okr_domain.idempotency import IdempotencyRecord, fingerprint
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.person import Person
from okr_domain.team import Team
from okr_domain.values import (
    BandEdges,
    CycleStatus,
    HrMode,
    Kind,
    Level,
    MetricType,
    ObjectiveStatus,
    OkrPolicy,
    ProposalStatus,
    Role,
    RollUp,
    TeamKind,
    Visibility,
)

from .conftest import World, build_world
from .support import all_events, events_of, last_event, names, rejected, unchanged, written

M = MetricType


def objective(app: OkrApplication, objective_id: UUID) -> Objective:
    found = app.repository.get(objective_id)
    assert isinstance(found, Objective)
    return found


def add_kr(world: World, objective_id: UUID, metric: MetricType = M.INCREASE_TO, *,
           start: int | str | None = 0, target: int | str | None = 10,
           weight: float = 1.0) -> UUID:
    return world.app.add_key_result(
        world.admin, objective_id, f"KR {metric.value}", metric,
        start=None if start is None else Decimal(start),
        target=None if target is None else Decimal(target), weight=weight).id


def activated(world: World, objective_id: UUID) -> UUID:
    world.app.activate_objective(world.admin, objective_id)
    return objective_id


def graph(world: World) -> AlignmentGraph:
    found = world.app.repository.get(ids.alignment_graph_id(world.organization_id))
    assert isinstance(found, AlignmentGraph)
    return found


# Organizations and policy.


def test_create_organization_makes_tenant_company_team_and_alignment_graph(
    app: OkrApplication,
) -> None:
    result = written(app, app.create_organization, "Globex", "globex")
    assert result.id == ids.organization_id("globex")
    org = app.repository.get(result.id)
    assert isinstance(org, Organization)
    assert (org.name, org.slug, org.policy) == ("Globex", "globex", OkrPolicy())
    root = app.repository.get(org.root_team_id)
    assert isinstance(root, Team)
    assert (root.kind, root.parent_team_id, root.organization_id) == (
        TeamKind.COMPANY, None, result.id)
    assert isinstance(app.repository.get(ids.alignment_graph_id(result.id)), AlignmentGraph)
    assert sorted(names(all_events(app))) == ["Created", "Created", "Created"]


def test_create_organization_rejections(app: OkrApplication) -> None:
    app.create_organization("Acme", "acme")
    rejected(app, C.ALREADY_EXISTS, app.create_organization, "Acme again", "acme")
    rejected(app, C.INVALID_INPUT, app.create_organization, "Bad", "Bad Slug")
    rejected(app, C.INVALID_INPUT, app.create_organization, "Short", "x")
    rejected(app, C.INVALID_INPUT, app.create_organization, "   ", "blank")


def test_update_policy_records_the_new_policy_once(world: World) -> None:
    app, admin = world.app, world.person_admin("ceo")
    bands = BandEdges(low=0.2, sweet_from=0.5, sweet_to=0.8, too_safe=0.95)
    written(app, app.update_organization_policy, admin, bands=bands,
            roll_up=RollUp.BOTH, check_in_cadence_days=14)
    policy = app.organization(admin).policy
    assert policy == OkrPolicy(bands=bands, roll_up=RollUp.BOTH, hr_mode=HrMode.RESULTS,
                               check_in_cadence_days=14)
    event = last_event(app, world.organization_id)
    assert type(event) is Organization.PolicyChanged
    assert event.policy == policy.to_dict()
    assert event.actor_id == world.people["ceo"]
    unchanged(app, app.update_organization_policy, admin, roll_up=RollUp.BOTH)
    written(app, app.update_organization_policy, admin, hr_mode=HrMode.NONE)
    assert app.organization(admin).policy.roll_up is RollUp.BOTH


def test_update_policy_rejections(world: World) -> None:
    app = world.app
    rejected(app, C.FORBIDDEN, app.update_organization_policy, world.actor("ceo"),
             roll_up=RollUp.BOTH)
    rejected(app, C.FORBIDDEN, app.update_organization_policy,
             world.actor("ceo", Role.HR, Role.MANAGER), roll_up=RollUp.BOTH)
    rejected(app, C.INVALID_INPUT, app.update_organization_policy, world.admin,
             check_in_cadence_days=0)
    rejected(app, C.INVALID_INPUT, app.update_organization_policy, world.admin,
             check_in_cadence_days=91)


def test_other_organizations_ids_look_unknown(world: World) -> None:
    app = world.app
    other = Actor.system(app.create_organization("Globex", "globex").id)
    company = world.company_objective()
    kr = add_kr(world, activated(world, company))
    rejected(app, C.NOT_FOUND, app.update_objective, other, company, title="Mine now")
    rejected(app, C.NOT_FOUND, app.record_check_in, other, company, kr, 5)
    rejected(app, C.NOT_FOUND, app.create_objective, other, world.cycle_id, Level.COMPANY,
             "Theirs")
    rejected(app, C.NOT_FOUND, app.upsert_person, other, "hr-x", "X",
             manager_id=world.people["ceo"])
    rejected(app, C.NOT_FOUND, app.create_team, other, "Spies",
             parent_team_id=world.teams["eng"])
    rejected(app, C.NOT_FOUND, app.activate_cycle, other, world.cycle_id)


# Teams.


def test_create_team(world: World) -> None:
    app = world.app
    result = written(app, app.create_team, world.admin, "Data",
                     parent_team_id=world.teams["eng"], lead_id=world.people["dev"])
    team = app.repository.get(result.id)
    assert isinstance(team, Team)
    assert (team.name, team.kind, team.parent_team_id, team.lead_id) == (
        "Data", TeamKind.TEAM, world.teams["eng"], world.people["dev"])
    ops = app.repository.get(written(app, app.create_team, world.admin, "Ops",
                                     kind=TeamKind.DEPARTMENT).id)
    assert isinstance(ops, Team)
    assert (ops.parent_team_id, ops.kind, ops.lead_id) == (
        world.root_team_id, TeamKind.DEPARTMENT, None)


def test_create_team_rejections(world: World) -> None:
    app, admin = world.app, world.admin
    rejected(app, C.INVALID_INPUT, app.create_team, admin, "Second company",
             kind=TeamKind.COMPANY)
    rejected(app, C.INVALID_INPUT, app.create_team, admin, "  ")
    rejected(app, C.NOT_FOUND, app.create_team, admin, "Lost", parent_team_id=uuid4())
    rejected(app, C.NOT_FOUND, app.create_team, admin, "Headless", lead_id=uuid4())
    rejected(app, C.FORBIDDEN, app.create_team, world.actor("vp", Role.MANAGER), "Mine")


def test_update_team(world: World) -> None:
    app, admin, teams = world.app, world.admin, world.teams
    written(app, app.update_team, admin, teams["sales"], name="Sales & Marketing",
            parent_team_id=teams["eng"], lead_id=world.people["peer"])
    sales = app.repository.get(teams["sales"])
    assert isinstance(sales, Team)
    assert (sales.name, sales.parent_team_id, sales.lead_id) == (
        "Sales & Marketing", teams["eng"], world.people["peer"])
    event = last_event(app, teams["sales"])
    assert type(event) is Team.Updated
    assert event.parent_team_id == teams["eng"]
    unchanged(app, app.update_team, admin, teams["sales"], name="Sales & Marketing")
    written(app, app.update_team, admin, teams["sales"], lead_id=None)
    assert app.repository.get(teams["sales"]).lead_id is None


def test_team_hierarchy_cycles_are_rejected(world: World) -> None:
    app, admin, teams = world.app, world.admin, world.teams
    rejected(app, C.TEAM_CYCLE, app.update_team, admin, teams["eng"],
             parent_team_id=teams["platform"])
    rejected(app, C.TEAM_CYCLE, app.update_team, admin, teams["platform"],
             parent_team_id=teams["platform"])
    deep = app.create_team(admin, "Deep", parent_team_id=teams["platform"]).id
    rejected(app, C.TEAM_CYCLE, app.update_team, admin, teams["eng"], parent_team_id=deep)
    rejected(app, C.INVALID_INPUT, app.update_team, admin, world.root_team_id,
             parent_team_id=teams["eng"])
    rejected(app, C.NOT_FOUND, app.update_team, admin, teams["eng"], parent_team_id=uuid4())
    rejected(app, C.NOT_FOUND, app.update_team, admin, uuid4(), name="Ghost")
    rejected(app, C.NOT_FOUND, app.update_team, admin, teams["eng"], lead_id=uuid4())
    rejected(app, C.FORBIDDEN, app.update_team, world.actor("vp"), teams["eng"], name="Mine")
    # Moving a team sideways is fine.
    written(app, app.update_team, admin, deep, parent_team_id=teams["sales"])


# People.


def test_upsert_person_creates_then_records_nothing_for_the_same_details(world: World) -> None:
    app, admin = world.app, world.admin
    details: dict[str, Any] = {"email": "new@acme.test", "team_id": world.teams["platform"],
                               "manager_id": world.people["lead"]}
    first = written(app, app.upsert_person, admin, "hr-new", "New Person", **details)
    assert first.id == ids.person_id(world.organization_id, "hr-new")
    person = app.repository.get(first.id)
    assert isinstance(person, Person)
    assert (person.external_id, person.name, person.email, person.team_id,
            person.manager_id) == ("hr-new", "New Person", "new@acme.test",
                                   world.teams["platform"], world.people["lead"])
    again = unchanged(app, app.upsert_person, admin, "hr-new", "New Person", **details)
    assert again.id == first.id
    written(app, app.upsert_person, world.actor("ceo", Role.HR), "hr-new", "Renamed",
            **details)
    event = last_event(app, first.id)
    assert type(event) is Person.Updated
    assert (event.name, event.actor_id) == ("Renamed", world.people["ceo"])
    assert len(events_of(app, first.id)) == 2


def test_upsert_person_rejections(world: World) -> None:
    app, admin, people = world.app, world.admin, world.people
    # ceo <- director <- lead <- dev: the ceo cannot report to the dev.
    rejected(app, C.MANAGER_CYCLE, app.upsert_person, admin, "hr-ceo", "Ceo",
             email="ceo@acme.test", manager_id=people["dev"])
    rejected(app, C.MANAGER_CYCLE, app.upsert_person, admin, "hr-dev", "Dev",
             email="dev@acme.test", manager_id=people["dev"])
    rejected(app, C.NOT_FOUND, app.upsert_person, admin, "hr-x", "X", manager_id=uuid4())
    rejected(app, C.NOT_FOUND, app.upsert_person, admin, "hr-x", "X", team_id=uuid4())
    rejected(app, C.INVALID_INPUT, app.upsert_person, admin, "hr-x", "X", email="nope")
    rejected(app, C.INVALID_INPUT, app.upsert_person, admin, "  ", "X")
    rejected(app, C.INVALID_INPUT, app.upsert_person, admin, "hr-x", "")
    rejected(app, C.FORBIDDEN, app.upsert_person, world.actor("lead", Role.MANAGER),
             "hr-x", "X")
    # A legitimate change of manager is fine.
    written(app, app.upsert_person, admin, "hr-dev", "Dev", email="dev@acme.test",
            manager_id=people["seller"])


# Cycles.


@pytest.mark.parametrize(
    ("key", "starts", "ends"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarter_keys_give_the_quarters_dates(
    app: OkrApplication, org: Actor, key: str, starts: date, ends: date
) -> None:
    result = written(app, app.create_cycle, org, key)
    assert result.id == ids.cycle_id(org.organization_id, key)
    cycle = app.cycle_by_key(org, key)
    assert (cycle.key, cycle.name, cycle.starts_on, cycle.ends_on, cycle.status) == (
        key, key, starts, ends, CycleStatus.PLANNING)
    assert last_event(app, result.id).cycle_id == result.id


def test_custom_cycles_take_their_dates(app: OkrApplication, org: Actor) -> None:
    written(app, app.create_cycle, org, "2026-H1", name="First half",
            starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    cycle = app.cycle_by_key(org, "2026-H1")
    assert (cycle.name, cycle.starts_on, cycle.ends_on) == (
        "First half", date(2026, 1, 1), date(2026, 6, 30))
    written(app, app.create_cycle, org, "sprint-1", starts_on=date(2026, 2, 2),
            ends_on=date(2026, 2, 2))


def test_cycle_rejections(app: OkrApplication, org: Actor) -> None:
    app.create_cycle(org, "2026-Q1")
    rejected(app, C.ALREADY_EXISTS, app.create_cycle, org, "2026-Q1")
    rejected(app, C.INVALID_INPUT, app.create_cycle, org, "2026-H2")
    rejected(app, C.INVALID_INPUT, app.create_cycle, org, "2026-H2",
             starts_on=date(2026, 7, 1))
    rejected(app, C.INVALID_INPUT, app.create_cycle, org, "2026-H2",
             starts_on=date(2026, 12, 31), ends_on=date(2026, 7, 1))
    rejected(app, C.INVALID_INPUT, app.create_cycle, org, "2026 Q1")
    rejected(app, C.FORBIDDEN, app.create_cycle, Actor(org.organization_id, uuid4()),
             "2026-Q2")
    rejected(app, C.NOT_FOUND, app.activate_cycle, org, uuid4())
    rejected(app, C.NOT_FOUND, app.cycle_by_key, org, "2030-Q1")
    for key, dates in [("0000-Q1", {}), ("9999-Q4", {}), ("1969-Q4", {}),
                       ("early", {"starts_on": date(1, 1, 1), "ends_on": date(2026, 1, 1)}),
                       ("late", {"starts_on": date(2026, 1, 1), "ends_on": date(9999, 12, 31)})]:
        rejected(app, C.VALUE_OUT_OF_RANGE, app.create_cycle, org, key, **dates)
    written(app, app.create_cycle, org, "2200-Q4")
    written(app, app.create_cycle, org, "1970-Q1")


def test_cycle_goes_planning_active_closed(world: World) -> None:
    app, admin = world.app, world.admin
    cycle_id = app.create_cycle(admin, "2026-Q2").id
    rejected(app, C.INVALID_STATE, app.close_cycle, admin, cycle_id)
    rejected(app, C.FORBIDDEN, app.activate_cycle, world.actor("ceo"), cycle_id)
    written(app, app.activate_cycle, admin, cycle_id)
    assert app.cycle_by_key(admin, "2026-Q2").status is CycleStatus.ACTIVE
    rejected(app, C.INVALID_STATE, app.activate_cycle, admin, cycle_id)
    rejected(app, C.FORBIDDEN, app.close_cycle, world.actor("ceo", Role.MANAGER), cycle_id)
    written(app, app.close_cycle, admin, cycle_id)
    assert app.cycle_by_key(admin, "2026-Q2").status is CycleStatus.CLOSED
    rejected(app, C.CYCLE_CLOSED, app.close_cycle, admin, cycle_id)
    rejected(app, C.INVALID_STATE, app.activate_cycle, admin, cycle_id)
    rejected(app, C.CYCLE_CLOSED, app.create_objective, admin, cycle_id, Level.COMPANY,
             "Too late")
    assert names(events_of(app, cycle_id)) == ["Created", "Activated", "Closed"]


# Objectives: creation, levels, owners, permissions.


def test_create_objective_at_each_level(world: World) -> None:
    app, admin = world.app, world.person_admin("ceo")
    company = written(app, app.create_objective, admin, world.cycle_id, Level.COMPANY,
                      "Win the market", kind=Kind.COMMITTED, description="Why: growth")
    team = written(app, app.create_objective, admin, world.cycle_id, Level.TEAM,
                   "Ship v2", owner_team_id=world.teams["platform"])
    person = written(app, app.create_objective, admin, world.cycle_id, Level.INDIVIDUAL,
                     "Learn Rust", owner_person_id=world.people["dev"],
                     visibility=Visibility.PRIVATE)
    expected = {
        company.id: (Level.COMPANY, world.root_team_id, None, Kind.COMMITTED,
                     Visibility.PUBLIC),
        team.id: (Level.TEAM, world.teams["platform"], None, Kind.ASPIRATIONAL,
                  Visibility.PUBLIC),
        person.id: (Level.INDIVIDUAL, None, world.people["dev"], Kind.ASPIRATIONAL,
                    Visibility.PRIVATE),
    }
    for objective_id, shape in expected.items():
        found = objective(app, objective_id)
        assert (found.level, found.owner_team_id, found.owner_person_id, found.kind,
                found.visibility) == shape
        assert (found.status, found.cycle_id, found.created_by) == (
            ObjectiveStatus.DRAFT, world.cycle_id, world.people["ceo"])
        created = events_of(app, objective_id)[0]
        assert (created.organization_id, created.actor_id, created.cycle_id) == (
            world.organization_id, world.people["ceo"], world.cycle_id)
    assert objective(app, company.id).description == "Why: growth"
    cycle = app.repository.get(world.cycle_id)
    assert isinstance(cycle, Cycle)
    assert cycle.objective_ids == [company.id, team.id, person.id]


def test_create_objective_owner_rules(world: World) -> None:
    app, admin, cycle = world.app, world.admin, world.cycle_id
    dev, platform = world.people["dev"], world.teams["platform"]
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.INDIVIDUAL, "X")
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.INDIVIDUAL, "X",
             owner_person_id=dev, owner_team_id=platform)
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.COMPANY, "X",
             owner_team_id=platform)
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.COMPANY, "X",
             owner_person_id=dev)
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.TEAM, "X")
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.TEAM, "X",
             owner_team_id=platform, owner_person_id=dev)
    rejected(app, C.NOT_FOUND, app.create_objective, admin, cycle, Level.TEAM, "X",
             owner_team_id=uuid4())
    rejected(app, C.NOT_FOUND, app.create_objective, admin, cycle, Level.INDIVIDUAL, "X",
             owner_person_id=uuid4())
    rejected(app, C.NOT_FOUND, app.create_objective, admin, uuid4(), Level.COMPANY, "X")
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.COMPANY, " ")
    rejected(app, C.INVALID_INPUT, app.create_objective, admin, cycle, Level.COMPANY,
             "x" * 301)
    written(app, app.create_objective, admin, cycle, Level.COMPANY, "Root is implied",
            owner_team_id=world.root_team_id)


# (actor, level, owner, allowed). Admins write everything; see the module docstring
# of conftest for who leads and manages whom.
WRITERS = [
    ("ceo", Level.COMPANY, None, False),
    ("vp", Level.COMPANY, None, False),
    ("lead", Level.TEAM, "platform", True),
    ("vp", Level.TEAM, "platform", True),  # leads the team above
    ("director", Level.TEAM, "platform", True),  # the lead's manager
    ("ceo", Level.TEAM, "platform", True),  # the lead's manager's manager
    ("dev", Level.TEAM, "platform", False),
    ("seller", Level.TEAM, "platform", False),
    ("lead", Level.TEAM, "eng", False),  # a sub-team's lead does not own the department
    ("director", Level.TEAM, "eng", False),
    ("vp", Level.TEAM, "eng", True),
    ("dev", Level.INDIVIDUAL, "dev", True),
    ("lead", Level.INDIVIDUAL, "dev", True),
    ("director", Level.INDIVIDUAL, "dev", True),
    ("ceo", Level.INDIVIDUAL, "dev", True),
    ("dev2", Level.INDIVIDUAL, "dev", False),
    ("vp", Level.INDIVIDUAL, "dev", False),
    ("peer", Level.INDIVIDUAL, "dev", False),
]


def test_who_may_write_objectives(world: World) -> None:
    app = world.app
    for actor_name, level, owner, allowed in WRITERS:
        actor = world.actor(actor_name)
        owner_args: dict[str, Any] = {}
        if level is Level.TEAM:
            owner_args["owner_team_id"] = world.teams[str(owner)]
        if level is Level.INDIVIDUAL:
            owner_args["owner_person_id"] = world.people[str(owner)]
        create = (app.create_objective, actor, world.cycle_id, level, "Objective")
        # The same rule decides who may change an existing objective.
        existing = app.create_objective(world.admin, world.cycle_id, level, "Existing",
                                        **owner_args).id
        if allowed:
            written(app, *create, **owner_args)
            written(app, app.update_objective, actor, existing, title=f"By {actor_name}")
        else:
            rejected(app, C.FORBIDDEN, *create, **owner_args)
            rejected(app, C.FORBIDDEN, app.update_objective, actor, existing, title="No")
    company = world.company_objective()
    written(app, app.update_objective, world.person_admin("peer"), company, title="Admin")
    service = Actor(world.organization_id, None)
    rejected(app, C.FORBIDDEN, app.update_objective, service, company, title="Bot")


def test_private_objectives_are_invisible_to_others(world: World) -> None:
    app = world.app
    private = world.individual_objective("dev", visibility=Visibility.PRIVATE)
    kr = add_kr(world, activated(world, private))
    for name in ("dev", "lead", "director", "ceo"):
        assert app.visible_objective(world.actor(name), private).id == private
    assert app.visible_objective(world.person_admin("peer"), private).id == private
    for name in ("dev2", "vp", "seller", "peer"):
        outsider = world.actor(name)
        rejected(app, C.NOT_FOUND, app.visible_objective, outsider, private)
        rejected(app, C.NOT_FOUND, app.update_objective, outsider, private, title="Peek")
        rejected(app, C.NOT_FOUND, app.support_objective, outsider, private)
        rejected(app, C.NOT_FOUND, app.record_check_in, outsider, private, kr, 3)
    team_private = world.team_objective(visibility=Visibility.PRIVATE)
    assert app.visible_objective(world.actor("vp"), team_private).id == team_private
    rejected(app, C.NOT_FOUND, app.visible_objective, world.actor("dev"), team_private)
    rejected(app, C.NOT_FOUND, app.propose_alignment, world.actor("dev"),
             world.individual_objective("dev"), team_private)

    written(app, app.set_objective_visibility, world.actor("dev"), private,
            Visibility.PUBLIC)
    assert app.visible_objective(world.actor("dev2"), private).id == private
    rejected(app, C.FORBIDDEN, app.update_objective, world.actor("dev2"), private, title="X")
    event = last_event(app, private)
    assert type(event) is Objective.VisibilityChanged
    assert event.visibility == "PUBLIC"
    unchanged(app, app.set_objective_visibility, world.actor("dev"), private,
              Visibility.PUBLIC)
    rejected(app, C.FORBIDDEN, app.set_objective_visibility, world.actor("dev2"), private,
             Visibility.PRIVATE)


def test_update_objective(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = world.team_objective()
    written(app, app.update_objective, lead, oid, title="Ship v3", description="Faster",
            kind=Kind.COMMITTED, supporters_can_check_in=True)
    found = objective(app, oid)
    assert (found.title, found.description, found.kind, found.supporters_can_check_in) == (
        "Ship v3", "Faster", Kind.COMMITTED, True)
    event = last_event(app, oid)
    assert type(event) is Objective.Edited
    assert (event.title, event.kind, event.actor_id) == (
        "Ship v3", "COMMITTED", world.people["lead"])
    unchanged(app, app.update_objective, lead, oid, title="  Ship v3 ")
    rejected(app, C.INVALID_INPUT, app.update_objective, lead, oid, title="")
    rejected(app, C.INVALID_INPUT, app.update_objective, lead, oid, description="x" * 10_001)
    rejected(app, C.NOT_FOUND, app.update_objective, lead, uuid4(), title="Ghost")


def test_activate_and_archive_objective(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = world.team_objective()
    rejected(app, C.FORBIDDEN, app.activate_objective, world.actor("dev"), oid)
    written(app, app.activate_objective, lead, oid)
    assert objective(app, oid).status is ObjectiveStatus.ACTIVE
    rejected(app, C.INVALID_STATE, app.activate_objective, lead, oid)
    rejected(app, C.FORBIDDEN, app.archive_objective, world.actor("dev"), oid)
    written(app, app.archive_objective, lead, oid, "Merged into another")
    assert objective(app, oid).status is ObjectiveStatus.ARCHIVED
    event = last_event(app, oid)
    assert (type(event), event.reason) == (Objective.Archived, "Merged into another")
    rejected(app, C.INVALID_STATE, app.archive_objective, lead, oid)
    rejected(app, C.INVALID_STATE, app.update_objective, lead, oid, title="Revive")
    rejected(app, C.INVALID_STATE, app.add_key_result, lead, oid, "KR", M.BINARY)


# Key results.


@pytest.mark.parametrize(
    ("metric", "start", "target", "stored"),
    [
        (M.INCREASE_TO, "10", "20", ("10", "20")),
        (M.DECREASE_TO, "9.5", "2", ("9.5", "2")),
        (M.STAY_AT_OR_ABOVE, None, "99.9", ("99.9", "99.9")),
        (M.STAY_AT_OR_BELOW, "1", "3", ("1", "3")),
        (M.BINARY, None, None, ("0", "1")),
        (M.MILESTONE, "5", "6", ("0", "100")),
    ],
)
def test_add_key_result_of_each_metric(
    world: World, metric: MetricType, start: str | None, target: str | None,
    stored: tuple[str, str],
) -> None:
    app = world.app
    oid = world.team_objective()
    result = written(app, app.add_key_result, world.actor("lead"), oid, "Measure", metric,
                     start=None if start is None else Decimal(start),
                     target=None if target is None else Decimal(target), unit="%",
                     weight=2.5)
    kr = objective(app, oid).key_results[result.id]
    assert (kr.metric_type, kr.start, kr.target, kr.unit, kr.weight, kr.title) == (
        metric, Decimal(stored[0]), Decimal(stored[1]), "%", 2.5, "Measure")
    event = last_event(app, oid)
    assert type(event) is Objective.KeyResultAdded
    assert (event.key_result_id, event.metric_type, event.objective_score_before) == (
        result.id, metric.value, 0.0)
    assert event.objective_score_after == objective(app, oid).score


def test_key_result_scores_before_and_after_are_recorded(world: World) -> None:
    app = world.app
    oid = world.team_objective()
    add_kr(world, oid)  # scores 0 at its start
    # At or above 5 with no check-in yet: the current value is the start (5), score 1.
    add_kr(world, oid, M.STAY_AT_OR_ABOVE, start=None, target=5, weight=3)
    event = last_event(app, oid)
    assert (event.objective_score_before, event.objective_score_after) == (0.0, 0.75)
    assert objective(app, oid).score == 0.75


def test_add_key_result_rejections(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = world.team_objective()

    def add(**kwargs: Any) -> Any:
        arguments: dict[str, Any] = {"start": Decimal(0), "target": Decimal(10)}
        arguments.update(kwargs)
        metric = arguments.pop("metric", M.INCREASE_TO)
        actor = arguments.pop("actor", lead)
        return app.add_key_result(actor, arguments.pop("oid", oid), "KR", metric,
                                  **arguments)

    rejected(app, C.TARGET_EQUALS_START, add, start=Decimal(5), target=Decimal(5))
    rejected(app, C.TARGET_EQUALS_START, add, metric=M.DECREASE_TO, start=Decimal(5),
             target=Decimal("5.0"))
    rejected(app, C.TARGET_DIRECTION, add, start=Decimal(10), target=Decimal(5))
    rejected(app, C.TARGET_DIRECTION, add, metric=M.DECREASE_TO)
    rejected(app, C.INVALID_INPUT, add, target=None)
    rejected(app, C.INVALID_INPUT, add, start=None)
    rejected(app, C.INVALID_INPUT, add, target=Decimal("NaN"))
    rejected(app, C.VALUE_OUT_OF_RANGE, add, target=Decimal("10.0000001"))
    rejected(app, C.VALUE_OUT_OF_RANGE, add, target=Decimal("1e15"))
    rejected(app, C.VALUE_OUT_OF_RANGE, add, weight=-1)
    rejected(app, C.VALUE_OUT_OF_RANGE, add, weight=1000.5)
    rejected(app, C.FORBIDDEN, add, actor=world.actor("dev"))
    rejected(app, C.NOT_FOUND, add, oid=uuid4())
    written(app, add, weight=0)
    for _ in range(24):
        add()
    rejected(app, C.INVALID_INPUT, add)
    assert len(objective(app, oid).key_results) == 25


def test_update_key_result(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    app.record_check_in(lead, oid, kr, 5)
    written(app, app.update_key_result, lead, oid, kr, target=Decimal(20), title="Bigger",
            unit="users", weight=2)
    found = objective(app, oid).key_results[kr]
    assert (found.title, found.target, found.unit, found.weight, found.score) == (
        "Bigger", Decimal(20), "users", 2.0, 0.25)
    event = last_event(app, oid)
    assert type(event) is Objective.KeyResultEdited
    assert (event.objective_score_before, event.objective_score_after) == (0.5, 0.25)
    unchanged(app, app.update_key_result, lead, oid, kr, title="Bigger")
    rejected(app, C.TARGET_EQUALS_START, app.update_key_result, lead, oid, kr,
             target=Decimal(0))
    rejected(app, C.TARGET_DIRECTION, app.update_key_result, lead, oid, kr,
             metric_type=M.DECREASE_TO)
    # The recorded value 5 is no BINARY value.
    rejected(app, C.VALUE_OUT_OF_RANGE, app.update_key_result, lead, oid, kr,
             metric_type=M.BINARY)
    rejected(app, C.NOT_FOUND, app.update_key_result, lead, oid, uuid4(), title="Ghost")
    rejected(app, C.FORBIDDEN, app.update_key_result, world.actor("dev"), oid, kr,
             title="Mine")
    rejected(app, C.VALUE_OUT_OF_RANGE, app.update_key_result, lead, oid, kr, weight=-2)


def test_remove_key_result(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kept, removed = add_kr(world, oid), add_kr(world, oid)
    app.record_check_in(lead, oid, kept, 4)
    check_in = app.record_check_in(lead, oid, removed, 10).id
    assert objective(app, oid).score == pytest.approx(0.7)
    written(app, app.remove_key_result, lead, oid, removed)
    event = last_event(app, oid)
    assert type(event) is Objective.KeyResultRemoved
    assert (event.objective_score_before, event.objective_score_after) == (
        pytest.approx(0.7), pytest.approx(0.4))
    found = objective(app, oid)
    assert list(found.key_results) == [kept]
    assert check_in not in found.check_ins
    rejected(app, C.NOT_FOUND, app.remove_key_result, lead, oid, removed)
    rejected(app, C.NOT_FOUND, app.correct_check_in, lead, oid, check_in, 9, "typo")
    rejected(app, C.FORBIDDEN, app.remove_key_result, world.actor("dev"), oid, kept)


# Check-ins and corrections.


def test_record_check_in_records_scores_before_and_after(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr1 = add_kr(world, oid)  # 0 -> 10
    add_kr(world, oid, M.DECREASE_TO, start=100, target=50, weight=3)
    first = written(app, app.record_check_in, lead, oid, kr1, "4", confidence=7,
                    note="on track", in_one_on_one=True)
    event = last_event(app, oid)
    assert type(event) is Objective.CheckInRecorded
    assert (event.check_in_id, event.key_result_id, event.value, event.previous_value) == (
        first.id, kr1, Decimal(4), None)
    assert (event.confidence, event.note, event.in_one_on_one) == (7, "on track", True)
    assert (event.progress, event.score_before, event.score_after) == (0.4, 0.0, 0.4)
    assert (event.objective_score_before, event.objective_score_after) == (
        0.0, pytest.approx(0.1))  # (0.4 * 1 + 0 * 3) / 4
    assert (event.actor_id, event.cycle_id, event.organization_id) == (
        world.people["lead"], world.cycle_id, world.organization_id)
    assert event.applies_at.tzinfo is not None

    written(app, app.record_check_in, lead, oid, kr1, 12)
    event = last_event(app, oid)
    assert (event.previous_value, event.progress, event.score_before, event.score_after) == (
        Decimal(4), pytest.approx(1.2), 0.4, 1.0)
    assert (event.objective_score_before, event.objective_score_after) == (
        pytest.approx(0.1), pytest.approx(0.25))
    found = objective(app, oid)
    assert found.key_results[kr1].current == Decimal(12)
    assert found.key_results[kr1].progress == pytest.approx(1.2)
    assert found.score == pytest.approx(0.25)
    assert found.check_ins[first.id].value == Decimal(4)


def test_back_dated_check_in_does_not_set_the_current_value(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    app.record_check_in(lead, oid, kr, 8)
    yesterday = clock.now() - timedelta(days=1)
    written(app, app.record_check_in, lead, oid, kr, 2, applies_at=yesterday)
    event = last_event(app, oid)
    assert (event.score_before, event.score_after, event.applies_at) == (
        0.8, 0.8, yesterday)
    assert objective(app, oid).key_results[kr].current == Decimal(8)


def test_record_check_in_rejections(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    draft = world.team_objective()
    draft_kr = add_kr(world, draft)
    rejected(app, C.INVALID_STATE, app.record_check_in, lead, draft, draft_kr, 1)
    oid = activated(world, world.team_objective())
    number = add_kr(world, oid)
    binary = add_kr(world, oid, M.BINARY)
    milestone = add_kr(world, oid, M.MILESTONE)
    now = clock.now()
    for code, args, kwargs in [
        (C.NOT_FOUND, (uuid4(), 1), {}),
        (C.VALUE_OUT_OF_RANGE, (binary, 2), {}),
        (C.VALUE_OUT_OF_RANGE, (binary, "0.5"), {}),
        (C.VALUE_OUT_OF_RANGE, (milestone, 101), {}),
        (C.VALUE_OUT_OF_RANGE, (milestone, -1), {}),
        (C.INVALID_INPUT, (number, "abc"), {}),
        (C.INVALID_INPUT, (number, "NaN"), {}),
        (C.INVALID_INPUT, (number, float("inf")), {}),
        (C.VALUE_OUT_OF_RANGE, (number, "1e16"), {}),
        (C.VALUE_OUT_OF_RANGE, (number, 1), {"confidence": 11}),
        (C.VALUE_OUT_OF_RANGE, (number, 1), {"confidence": -1}),
        (C.INVALID_INPUT, (number, 1), {"applies_at": now + timedelta(hours=1)}),
        (C.INVALID_INPUT, (number, 1), {"applies_at": datetime(2026, 1, 1)}),
        (C.INVALID_INPUT, (number, 1), {"note": "x" * 5001}),
        (C.INVALID_INPUT, (number, 1), {"note": "bell\x07"}),
    ]:
        rejected(app, code, app.record_check_in, lead, oid, *args, **kwargs)
    rejected(app, C.FORBIDDEN, app.record_check_in, world.actor("dev"), oid, number, 1)
    rejected(app, C.NOT_FOUND, app.record_check_in, lead, uuid4(), number, 1)
    personal = activated(world, world.individual_objective("dev"))
    personal_kr = add_kr(world, personal)
    rejected(app, C.FORBIDDEN, app.record_check_in, world.actor("dev2"), personal,
             personal_kr, 1)
    written(app, app.record_check_in, world.actor("director"), personal, personal_kr, 1)
    written(app, app.record_check_in, world.actor("dev"), personal, personal_kr, 2)


def test_values_are_bounded_by_their_digits_without_arithmetic(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    for value in ("1E+999999999", "-1E+999999999", "1E-999999999", "1e15", "-1e15",
                  "0.0000001", "0E-7", 10**40):
        rejected(app, C.VALUE_OUT_OF_RANGE, app.record_check_in, lead, oid, kr, value)
    for value, kept in [("999999999999999.999999", "999999999999999.999999"),
                        ("-999999999999999", "-999999999999999"), ("1E+3", "1000"),
                        ("0E+999999999", "0"), ("0.000001", "0.000001")]:
        written(app, app.record_check_in, lead, oid, kr, value)
        assert str(last_event(app, oid).value) == kept


def test_a_check_in_applies_from_two_weeks_before_its_cycle_until_now(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())  # in 2026-Q1
    kr = add_kr(world, oid)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with simulated_time(datetime(2026, 2, 1, tzinfo=UTC)):
        for too_early in (datetime(1, 1, 1, tzinfo=UTC), datetime(1969, 12, 31, tzinfo=UTC),
                          start - timedelta(days=14, seconds=1),
                          datetime(2025, 12, 18, 13, 59, tzinfo=timezone(timedelta(hours=14)))):
            rejected(app, C.VALUE_OUT_OF_RANGE, app.record_check_in, lead, oid, kr, 1,
                     applies_at=too_early)
        rejected(app, C.VALUE_OUT_OF_RANGE, app.record_check_in, lead, oid, kr, 1,
                 applies_at=datetime(9999, 12, 31, tzinfo=UTC))
        rejected(app, C.INVALID_INPUT, app.record_check_in, lead, oid, kr, 1,
                 applies_at=datetime(2026, 2, 1, 0, 6, tzinfo=UTC))
        for fine in (start - timedelta(days=14), datetime(2026, 1, 20, tzinfo=UTC)):
            written(app, app.record_check_in, lead, oid, kr, 1, applies_at=fine)
            assert last_event(app, oid).applies_at == fine


def test_supporters_may_check_in_when_the_owner_allows_it(world: World) -> None:
    app, lead, dev = world.app, world.actor("lead"), world.actor("dev")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    app.support_objective(dev, oid)
    rejected(app, C.FORBIDDEN, app.record_check_in, dev, oid, kr, 3)
    app.update_objective(lead, oid, supporters_can_check_in=True)
    check_in = written(app, app.record_check_in, dev, oid, kr, 3).id
    assert last_event(app, oid).actor_id == world.people["dev"]
    written(app, app.correct_check_in, dev, oid, check_in, 4, "miscounted")
    rejected(app, C.FORBIDDEN, app.record_check_in, world.actor("dev2"), oid, kr, 3)


def test_correct_check_in_keeps_the_original_in_history(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    add_kr(world, oid, M.BINARY)
    older = app.record_check_in(lead, oid, kr, 2, confidence=5, note="start").id
    latest = app.record_check_in(lead, oid, kr, 4, confidence=6, note="first").id
    written(app, app.correct_check_in, lead, oid, latest, "6", "typo")
    event = last_event(app, oid)
    assert type(event) is Objective.CheckInCorrected
    assert (event.check_in_id, event.key_result_id, event.value, event.previous_value) == (
        latest, kr, Decimal(6), Decimal(4))
    assert (event.reason, event.confidence, event.note) == ("typo", 6, "first")
    assert (event.score_before, event.score_after, event.progress) == (0.4, 0.6, 0.6)
    assert (event.objective_score_before, event.objective_score_after) == (
        pytest.approx(0.2), pytest.approx(0.3))
    found = objective(app, oid)
    assert found.key_results[kr].current == Decimal(6)
    assert (found.check_ins[latest].value, found.check_ins[latest].note) == (Decimal(6),
                                                                          "first")
    assert names(events_of(app, oid)).count("CheckInRecorded") == 2
    # Correcting an older check-in leaves the current value alone.
    written(app, app.correct_check_in, lead, oid, older, 3, "rounding", confidence=9,
            note="restated")
    event = last_event(app, oid)
    assert (event.score_before, event.score_after, event.confidence, event.note) == (
        0.6, 0.6, 9, "restated")
    assert objective(app, oid).key_results[kr].current == Decimal(6)


def test_correct_check_in_rejections(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    binary = add_kr(world, oid, M.BINARY)
    check_in = app.record_check_in(lead, oid, binary, 1).id
    rejected(app, C.INVALID_INPUT, app.correct_check_in, lead, oid, check_in, 0, "  ")
    rejected(app, C.NOT_FOUND, app.correct_check_in, lead, oid, uuid4(), 0, "typo")
    rejected(app, C.VALUE_OUT_OF_RANGE, app.correct_check_in, lead, oid, check_in, 3,
             "typo")
    rejected(app, C.VALUE_OUT_OF_RANGE, app.correct_check_in, lead, oid, check_in, 0,
             "typo", confidence=12)
    rejected(app, C.FORBIDDEN, app.correct_check_in, world.actor("dev"), oid, check_in, 0,
             "typo")


def test_idempotent_check_in_is_recorded_once(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    first = written(app, app.record_check_in, lead, oid, kr, 5, note="weekly",
                    idempotency_key="week-1")
    assert not first.replayed
    for _ in range(9):
        again = unchanged(app, app.record_check_in, lead, oid, kr, 5, note="weekly",
                          idempotency_key="week-1")
        assert (again.id, again.replayed) == (first.id, True)
    assert names(events_of(app, oid)).count("CheckInRecorded") == 1
    rejected(app, C.IDEMPOTENCY_KEY_REUSED, app.record_check_in, lead, oid, kr, 6,
             note="weekly", idempotency_key="week-1")
    rejected(app, C.IDEMPOTENCY_KEY_REUSED, app.record_check_in, lead, oid, kr, 5,
             note="weekly", in_one_on_one=True, idempotency_key="week-1")
    rejected(app, C.INVALID_INPUT, app.record_check_in, lead, oid, kr, 5,
             idempotency_key="")
    rejected(app, C.INVALID_INPUT, app.record_check_in, lead, oid, kr, 5,
             idempotency_key="line\nbreak")
    second = written(app, app.record_check_in, lead, oid, kr, 6, idempotency_key="week-2")
    assert second.id != first.id
    assert names(events_of(app, oid)).count("CheckInRecorded") == 2


def test_an_idempotency_key_is_its_callers_own(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    first = app.record_check_in(lead, oid, kr, 5, idempotency_key="week-1")
    # Someone else's key of the same name is their own first request: never answered
    # with the lead's check-in, checked like any other, and it blocks nothing.
    rejected(app, C.FORBIDDEN, app.record_check_in, world.actor("dev2"), oid, kr, 5,
             idempotency_key="week-1")
    vp = written(app, app.record_check_in, world.actor("vp"), oid, kr, 6,
                 idempotency_key="week-1")
    assert (vp.replayed, vp.id != first.id) == (False, True)
    assert unchanged(app, app.record_check_in, world.actor("vp"), oid, kr, 6,
                     idempotency_key="week-1").id == vp.id
    assert unchanged(app, app.record_check_in, lead, oid, kr, 5,
                     idempotency_key="week-1").id == first.id
    feeds = [Actor(world.organization_id, None, frozenset({Role.ADMIN}), uuid4())
             for _ in range(2)]
    by_feed = [written(app, app.record_check_in, feed, oid, kr, 7, idempotency_key="week-1")
               for feed in feeds]
    assert by_feed[0].id != by_feed[1].id
    assert unchanged(app, app.record_check_in, feeds[1], oid, kr, 7,
                     idempotency_key="week-1").id == by_feed[1].id
    assert names(events_of(app, oid)).count("CheckInRecorded") == 4


def _record_as_before(app: OkrApplication, actor: Actor, key: str, result_id: UUID,
                      **arguments: Any) -> None:
    """Store a check-in's idempotency record as it was kept before keys were per caller:
    named by command and key alone."""
    app.save(IdempotencyRecord._create(
        IdempotencyRecord.Created, organization_id=actor.organization_id,
        id=ids.idempotency_record_id(actor.organization_id, "recordCheckIn", key),
        actor_id=actor.person_id, cycle_id=None, command="recordCheckIn", key=key,
        fingerprint=fingerprint({**arguments, "actor": actor.person_id}),
        result_id=result_id))


def test_keys_recorded_before_they_were_per_caller_still_answer_their_author(
        world: World) -> None:
    app, lead, vp = world.app, world.actor("lead"), world.actor("vp")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    sent = {"objective": oid, "keyResult": kr, "value": Decimal(5), "confidence": None,
            "note": "weekly", "appliesAt": None, "oneOnOne": False}
    earlier = app.record_check_in(lead, oid, kr, 5, note="weekly")
    _record_as_before(app, lead, "week-1", earlier.id, **sent)
    again = unchanged(app, app.record_check_in, lead, oid, kr, 5, note="weekly",
                      idempotency_key="week-1")
    assert (again.id, again.replayed) == (earlier.id, True)
    rejected(app, C.IDEMPOTENCY_KEY_REUSED, app.record_check_in, lead, oid, kr, 6,
             note="weekly", idempotency_key="week-1")
    assert not written(app, app.record_check_in, vp, oid, kr, 5, note="weekly",
                       idempotency_key="week-1").replayed
    # A record that names nobody (a service's): it answers the same input only.
    system = Actor.system(world.organization_id)
    by_system = app.record_check_in(system, oid, kr, 8)
    _record_as_before(app, system, "feed-1", by_system.id, **{**sent, "value": Decimal(8),
                                                                 "note": ""})
    assert unchanged(app, app.record_check_in, system, oid, kr, 8,
                     idempotency_key="feed-1").id == by_system.id
    assert not written(app, app.record_check_in, system, oid, kr, 9,
                       idempotency_key="feed-1").replayed


def test_idempotent_objective_and_key_result_creation(world: World) -> None:
    app, admin = world.app, world.admin
    create = (app.create_objective, admin, world.cycle_id, Level.COMPANY, "Once")
    first = written(app, *create, idempotency_key="obj-1")
    again = unchanged(app, *create, idempotency_key="obj-1")
    assert (again.id, again.replayed) == (first.id, True)
    rejected(app, C.IDEMPOTENCY_KEY_REUSED, app.create_objective, admin, world.cycle_id,
             Level.COMPANY, "Twice", idempotency_key="obj-1")
    cycle = app.repository.get(world.cycle_id)
    assert cycle.objective_ids == [first.id]
    add = (app.add_key_result, admin, first.id, "KR", M.BINARY)
    kr = written(app, *add, idempotency_key="obj-1")  # keys are per command
    assert unchanged(app, *add, idempotency_key="obj-1").id == kr.id
    assert list(objective(app, first.id).key_results) == [kr.id]


# Alignment.


def test_child_side_proposes_and_parent_side_accepts(world: World) -> None:
    app, dev, lead = world.app, world.actor("dev"), world.actor("lead")
    parent = world.team_objective()
    child = world.individual_objective("dev")
    proposal_id = written(app, app.propose_alignment, dev, child, parent,
                          message="Shall I take this one?").id
    proposal = app.repository.get(proposal_id)
    assert isinstance(proposal, AlignmentProposal)
    assert (proposal.status, proposal.proposed_by_child_side, proposal.proposed_by,
            proposal.child_id, proposal.parent_id, proposal.message) == (
        ProposalStatus.PENDING, True, world.people["dev"], child, parent,
        "Shall I take this one?")
    created = events_of(app, proposal_id)[0]
    assert (created.cycle_id, created.actor_id) == (world.cycle_id, world.people["dev"])
    assert objective(app, child).parent_id is None
    rejected(app, C.FORBIDDEN, app.respond_to_alignment_proposal, dev, proposal_id, True)

    written(app, app.respond_to_alignment_proposal, lead, proposal_id, True, "Welcome")
    proposal = app.repository.get(proposal_id)
    assert (proposal.status, proposal.response_reason) == (ProposalStatus.ACCEPTED,
                                                           "Welcome")
    aligned = last_event(app, child)
    assert type(aligned) is Objective.Aligned
    assert (aligned.parent_id, aligned.proposal_id, aligned.actor_id) == (
        parent, proposal_id, world.people["lead"])
    assert objective(app, child).parent_id == parent
    edge = last_event(app, ids.alignment_graph_id(world.organization_id))
    assert type(edge) is AlignmentGraph.EdgeAdded
    assert (edge.child_id, edge.parent_id, edge.cycle_id) == (child, parent, world.cycle_id)
    assert graph(world).parent_of(child) == parent
    rejected(app, C.PROPOSAL_NOT_PENDING, app.respond_to_alignment_proposal, lead,
             proposal_id, True)
    rejected(app, C.PROPOSAL_NOT_PENDING, app.withdraw_alignment_proposal, dev, proposal_id)


def test_parent_side_proposes_and_child_side_accepts(world: World) -> None:
    app, seller, lead = world.app, world.actor("seller"), world.actor("lead")
    parent = world.team_objective("sales")
    child = world.team_objective("platform")  # TEAM may align to TEAM
    proposal_id = written(app, app.propose_alignment, seller, child, parent,
                          message="Could you take this on for us?").id
    assert app.repository.get(proposal_id).proposed_by_child_side is False
    rejected(app, C.FORBIDDEN, app.respond_to_alignment_proposal, seller, proposal_id, True)
    written(app, app.respond_to_alignment_proposal, lead, proposal_id, True)
    assert objective(app, child).parent_id == parent


def test_declined_and_withdrawn_proposals_align_nothing(world: World) -> None:
    app, seller, lead = world.app, world.actor("seller"), world.actor("lead")
    parent = world.team_objective("sales")
    child = world.team_objective("platform")
    declined = app.propose_alignment(lead, child, parent).id
    graph_version = graph(world).version
    written(app, app.respond_to_alignment_proposal, seller, declined, False, "Not now")
    proposal = app.repository.get(declined)
    assert (proposal.status, proposal.response_reason) == (ProposalStatus.DECLINED,
                                                           "Not now")
    assert objective(app, child).parent_id is None
    assert graph(world).version == graph_version
    rejected(app, C.PROPOSAL_NOT_PENDING, app.respond_to_alignment_proposal, seller,
             declined, True)

    withdrawn = app.propose_alignment(lead, child, parent).id
    # Either side withdraws; nobody else does.
    rejected(app, C.FORBIDDEN, app.withdraw_alignment_proposal, world.actor("dev2"),
             withdrawn)
    written(app, app.withdraw_alignment_proposal, lead, withdrawn)
    by_other_side = app.propose_alignment(lead, child, parent).id
    written(app, app.withdraw_alignment_proposal, seller, by_other_side)
    assert app.repository.get(withdrawn).status is ProposalStatus.WITHDRAWN
    rejected(app, C.PROPOSAL_NOT_PENDING, app.respond_to_alignment_proposal, seller,
             withdrawn, True)
    rejected(app, C.PROPOSAL_NOT_PENDING, app.withdraw_alignment_proposal, lead, withdrawn)
    rejected(app, C.NOT_FOUND, app.withdraw_alignment_proposal, lead, uuid4())
    rejected(app, C.NOT_FOUND, app.respond_to_alignment_proposal, seller, uuid4(), True)


def test_proposal_rejections(world: World) -> None:
    app, lead, seller = world.app, world.actor("lead"), world.actor("seller")
    parent = world.team_objective("sales")
    child = world.team_objective("platform")
    rejected(app, C.FORBIDDEN, app.propose_alignment, world.actor("peer"), child, parent)
    rejected(app, C.NOT_FOUND, app.propose_alignment, lead, child, uuid4())
    rejected(app, C.NOT_FOUND, app.propose_alignment, lead, child, parent,
             parent_key_result_id=uuid4())
    rejected(app, C.ALIGNMENT_LEVEL, app.propose_alignment, lead,
             world.company_objective(), parent)
    rejected(app, C.ALIGNMENT_CYCLE, app.propose_alignment, lead, child, child)
    # Two pending proposals for one child: the second acceptance finds it aligned.
    first = app.propose_alignment(lead, child, parent).id
    second = app.propose_alignment(lead, child, world.company_objective()).id
    app.respond_to_alignment_proposal(seller, first, True)
    rejected(app, C.ALREADY_ALIGNED, app.respond_to_alignment_proposal, world.admin,
             second, True)
    assert app.repository.get(second).status is ProposalStatus.PENDING
    rejected(app, C.ALREADY_ALIGNED, app.propose_alignment, lead, child, parent)
    rejected(app, C.ALIGNMENT_CYCLE, app.propose_alignment, seller, parent, child)


def test_direct_alignment_by_admin_or_a_parent_owner_where_the_policy_allows(
        world: World) -> None:
    app, lead = world.app, world.actor("lead")
    company = world.company_objective()
    team = world.team_objective()
    kr = add_kr(world, team)
    written(app, app.align_objective, world.admin, team, company)
    event = last_event(app, team)
    assert (type(event), event.parent_id, event.proposal_id, event.actor_id) == (
        Objective.Aligned, company, None, None)
    personal = world.individual_objective("dev")
    # The lead controls her report's objective, but aligning it without the report's
    # consent needs the organization's policy to allow it.
    rejected(app, C.FORBIDDEN, app.align_objective, lead, personal, team,
             parent_key_result_id=kr)
    app.update_organization_policy(world.admin, direct_alignment_by_parent_owner=True)
    written(app, app.align_objective, lead, personal, team, parent_key_result_id=kr)
    found = objective(app, personal)
    assert (found.parent_id, found.parent_key_result_id) == (team, kr)
    assert last_event(app, personal).parent_key_result_id == kr
    other = world.individual_objective("dev")
    rejected(app, C.FORBIDDEN, app.align_objective, world.actor("dev"), other, team)
    rejected(app, C.FORBIDDEN, app.align_objective, lead, team, world.team_objective("sales"))
    rejected(app, C.NOT_FOUND, app.align_objective, lead, other, team,
             parent_key_result_id=uuid4())
    assert graph(world).path_up(personal) == [personal, team, company]


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (Level.INDIVIDUAL, Level.TEAM, True),
        (Level.INDIVIDUAL, Level.COMPANY, True),
        (Level.TEAM, Level.COMPANY, True),
        (Level.TEAM, Level.TEAM, True),
        (Level.INDIVIDUAL, Level.INDIVIDUAL, False),
        (Level.TEAM, Level.INDIVIDUAL, False),
        (Level.COMPANY, Level.TEAM, False),
        (Level.COMPANY, Level.COMPANY, False),
        (Level.COMPANY, Level.INDIVIDUAL, False),
    ],
)
def test_alignment_level_rules(world: World, child: Level, parent: Level,
                               allowed: bool) -> None:
    make = {Level.COMPANY: world.company_objective, Level.TEAM: world.team_objective,
            Level.INDIVIDUAL: world.individual_objective}
    child_id, parent_id = make[child](), make[parent]()
    if allowed:
        written(world.app, world.app.align_objective, world.admin, child_id, parent_id)
    else:
        rejected(world.app, C.ALIGNMENT_LEVEL, world.app.align_objective, world.admin,
                 child_id, parent_id)


def test_alignment_cycles_are_rejected(world: World) -> None:
    app, admin = world.app, world.admin
    first, second, third = (world.team_objective(title=t) for t in ("One", "Two", "Three"))
    app.align_objective(admin, first, second)
    app.align_objective(admin, second, third)
    rejected(app, C.ALIGNMENT_CYCLE, app.align_objective, admin, third, first)
    rejected(app, C.ALIGNMENT_CYCLE, app.propose_alignment, admin, third, first)
    rejected(app, C.ALIGNMENT_CYCLE, app.align_objective, admin, third, third)
    rejected(app, C.ALREADY_ALIGNED, app.align_objective, admin, first, third)
    assert graph(world).path_up(first) == [first, second, third]


def test_alignment_across_cycles_needs_overlapping_dates(world: World) -> None:
    app, admin = world.app, world.admin
    half = app.create_cycle(admin, "2026-H1", starts_on=date(2026, 1, 1),
                            ends_on=date(2026, 6, 30)).id
    autumn = app.create_cycle(admin, "2026-Q3").id
    yearly = app.create_objective(admin, half, Level.COMPANY, "Half-year goal").id
    later = app.create_objective(admin, autumn, Level.COMPANY, "Autumn goal").id
    team = world.team_objective()
    rejected(app, C.ALIGNMENT_CYCLE_MISMATCH, app.align_objective, admin, team, later)
    written(app, app.align_objective, admin, team, yearly)
    edge = last_event(app, ids.alignment_graph_id(world.organization_id))
    assert edge.cycle_id == world.cycle_id  # the child's cycle


def test_unalign(world: World) -> None:
    app, lead, seller = world.app, world.actor("lead"), world.actor("seller")
    parent = world.team_objective("sales")
    child = world.team_objective("platform")
    app.align_objective(world.admin, child, parent)
    rejected(app, C.FORBIDDEN, app.unalign_objective, world.actor("peer"), child)
    written(app, app.unalign_objective, seller, child, "Priorities changed")
    event = last_event(app, child)
    assert (type(event), event.parent_id, event.reason, event.actor_id) == (
        Objective.Unaligned, parent, "Priorities changed", world.people["seller"])
    edge = last_event(app, ids.alignment_graph_id(world.organization_id))
    assert (type(edge), edge.child_id, edge.parent_id) == (AlignmentGraph.EdgeRemoved,
                                                           child, parent)
    assert objective(app, child).parent_id is None
    assert graph(world).parent_of(child) is None
    rejected(app, C.NOT_ALIGNED, app.unalign_objective, lead, child)
    app.align_objective(world.admin, child, parent)
    written(app, app.unalign_objective, lead, child)


def test_archiving_an_objective_unaligns_it_and_its_children(world: World) -> None:
    app, admin = world.app, world.admin
    company = world.company_objective()
    team = world.team_objective()
    first, second = world.individual_objective("dev"), world.individual_objective("dev2")
    app.align_objective(admin, team, company)
    app.align_objective(admin, first, team)
    app.align_objective(admin, second, team)
    before = app.current_position()
    written(app, app.archive_objective, world.actor("lead"), team, "Dropped")
    for child in (first, second):
        event = last_event(app, child)
        assert (type(event), event.parent_id, event.reason) == (
            Objective.Unaligned, team, "parent objective archived")
        assert objective(app, child).parent_id is None
    assert names(events_of(app, team))[-2:] == ["Unaligned", "Archived"]
    current = graph(world)
    assert current.parents == {}
    assert current.children == {}
    written_now = app.recorder.select_notifications(start=before + 1, limit=100)
    assert len(written_now) == 7  # 3 unaligned, 1 archived, 3 edges removed
    rejected(app, C.INVALID_INPUT, app.align_objective, admin, first, team)
    # Archiving a leaf removes just its own edge.
    app.align_objective(admin, first, company)
    written(app, app.archive_objective, admin, first)
    assert graph(world).parent_of(first) is None


# Supporters and grades.


def test_supporters(world: World) -> None:
    app, dev = world.app, world.actor("dev")
    oid = world.team_objective()
    written(app, app.support_objective, dev, oid)
    event = last_event(app, oid)
    assert (type(event), event.person_id, event.actor_id) == (
        Objective.SupportCommitted, world.people["dev"], world.people["dev"])
    unchanged(app, app.support_objective, dev, oid)
    written(app, app.support_objective, world.person_admin("ceo"), oid, world.people["peer"])
    assert objective(app, oid).supporters == [world.people["dev"], world.people["peer"]]
    rejected(app, C.FORBIDDEN, app.support_objective, world.actor("dev2"), oid,
             world.people["seller"])
    rejected(app, C.INVALID_INPUT, app.support_objective, world.admin, oid)
    rejected(app, C.NOT_FOUND, app.support_objective, world.admin, oid, uuid4())
    rejected(app, C.NOT_FOUND, app.support_objective, dev, uuid4())
    own = world.individual_objective("dev")
    rejected(app, C.INVALID_INPUT, app.support_objective, dev, own)
    written(app, app.support_objective, world.actor("dev2"), own)
    written(app, app.withdraw_support, dev, oid)
    event = last_event(app, oid)
    assert (type(event), event.person_id) == (Objective.SupportWithdrawn,
                                              world.people["dev"])
    assert objective(app, oid).supporters == [world.people["peer"]]
    rejected(app, C.INVALID_STATE, app.withdraw_support, dev, oid)


def test_grade_override_needs_a_reason(world: World) -> None:
    app, lead = world.app, world.actor("lead")
    oid = activated(world, world.team_objective())
    kr = add_kr(world, oid)
    app.record_check_in(lead, oid, kr, 5)
    rejected(app, C.INVALID_INPUT, app.grade_objective, lead, oid, 0.8, "")
    rejected(app, C.INVALID_INPUT, app.grade_objective, lead, oid, 0.8, "   ")
    rejected(app, C.VALUE_OUT_OF_RANGE, app.grade_objective, lead, oid, 1.5, "generous")
    rejected(app, C.VALUE_OUT_OF_RANGE, app.grade_objective, lead, oid, -0.1, "harsh")
    rejected(app, C.FORBIDDEN, app.grade_objective, world.actor("dev"), oid, 0.8, "me")
    written(app, app.grade_objective, lead, oid, 0.8, "The metric undercounts")
    event = last_event(app, oid)
    assert (type(event), event.computed_score, event.override, event.reason) == (
        Objective.GradeOverridden, 0.5, 0.8, "The metric undercounts")
    found = objective(app, oid)
    assert (found.grade_override, found.grade_reason) == (0.8, "The metric undercounts")
    written(app, app.grade_objective, lead, oid, None, "")
    found = objective(app, oid)
    assert (found.grade_override, found.grade_reason) == (None, None)
    assert names(events_of(app, oid)).count("GradeOverridden") == 2


# Closing a cycle.


def _closed_grades(app: OkrApplication, objective_ids: list[UUID]) -> list[Grade]:
    grades = []
    for objective_id in objective_ids:
        event = last_event(app, objective_id)
        assert type(event) is Objective.Closed
        grades.append(Grade(objective_id, event.computed_score, event.override,
                            event.final_score, event.band))
    return grades


def test_close_cycle_grades_every_open_objective_and_freezes_them(world: World) -> None:
    app, admin, lead = world.app, world.admin, world.actor("lead")

    def scored(make: Any, metric: MetricType, value: int | None, **kwargs: Any) -> UUID:
        oid = activated(world, make(**kwargs))
        kr = add_kr(world, oid, metric)
        if value is not None:
            app.record_check_in(admin, oid, kr, value)
        return oid

    sweet = scored(world.team_objective, M.INCREASE_TO, 7)
    met = scored(world.company_objective, M.BINARY, 1, kind=Kind.COMMITTED)
    missed = scored(world.individual_objective, M.INCREASE_TO, 9, kind=Kind.COMMITTED)
    overridden = scored(world.team_objective, M.INCREASE_TO, 2)
    app.grade_objective(lead, overridden, 0.95, "Hit it another way")
    archived = scored(world.team_objective, M.INCREASE_TO, 5)
    app.archive_objective(admin, archived)
    draft = world.team_objective(title="Never started")
    written(app, app.close_cycle, admin, world.cycle_id)

    expected = {
        sweet: (0.7, None, 0.7, "SWEET_SPOT"),
        met: (1.0, None, 1.0, "MET"),
        missed: (0.9, None, 0.9, "MISSED"),
        overridden: (0.2, 0.95, 0.95, "TOO_SAFE"),
        draft: (0.0, None, 0.0, "LOW"),
    }
    grades = _closed_grades(app, list(expected))
    for grade in grades:
        assert (grade.computed_score, grade.override, grade.final_score, grade.band) == (
            pytest.approx(expected[grade.objective_id][0]),
            *expected[grade.objective_id][1:])
        found = objective(app, grade.objective_id)
        assert (found.status, found.final_score, found.band) == (
            ObjectiveStatus.CLOSED, grade.final_score, grade.band)
    assert last_event(app, overridden).reason == "Hit it another way"
    assert objective(app, archived).status is ObjectiveStatus.ARCHIVED
    closed = last_event(app, world.cycle_id)
    assert type(closed) is Cycle.Closed
    assert closed.graded_count == 5
    assert closed.grades_hash == grades_hash(grades)
    assert closed.grades_hash.startswith("sha256:")
    assert app.repository.get(world.cycle_id).grades_hash == closed.grades_hash

    # Frozen: nothing about the quarter changes any more.
    kr = next(iter(objective(app, sweet).key_results))
    check_in = next(iter(objective(app, sweet).check_ins))
    for command, args in [
        (app.record_check_in, (lead, sweet, kr, 10)),
        (app.correct_check_in, (lead, sweet, check_in, 10, "late")),
        (app.add_key_result, (lead, sweet, "More", M.BINARY)),
        (app.update_key_result, (lead, sweet, kr)),
        (app.remove_key_result, (lead, sweet, kr)),
        (app.grade_objective, (lead, sweet, 1.0, "late")),
        (app.update_objective, (lead, sweet)),
        (app.archive_objective, (lead, sweet)),
        (app.support_objective, (world.actor("dev"), sweet)),
        (app.unalign_objective, (lead, sweet)),
        (app.create_objective, (admin, world.cycle_id, Level.COMPANY, "Late")),
        (app.close_cycle, (admin, world.cycle_id)),
    ]:
        rejected(app, C.CYCLE_CLOSED, command, *args)
    later = app.create_cycle(admin, "2026-Q2", starts_on=date(2026, 3, 1)).id
    next_quarter = app.create_objective(admin, later, Level.COMPANY, "Next").id
    rejected(app, C.CYCLE_CLOSED, app.align_objective, admin, sweet, next_quarter)
    rejected(app, C.INVALID_INPUT, app.align_objective, admin,
             app.create_objective(admin, later, Level.TEAM, "Next team",
                                  owner_team_id=world.teams["eng"]).id, sweet)


@pytest.mark.parametrize(
    ("rule", "parent_score"),
    [(RollUp.KEY_RESULTS, 0.0), (RollUp.ALIGNED_CHILDREN, 0.6), (RollUp.BOTH, 0.4)],
)
def test_close_cycle_rolls_up_per_the_organizations_rule(
    world: World, rule: RollUp, parent_score: float
) -> None:
    app, admin = world.app, world.admin
    app.update_organization_policy(admin, roll_up=rule)
    parent = activated(world, world.team_objective())
    add_kr(world, parent)  # stays at 0
    children = []
    for person, value in (("dev", 8), ("dev2", 4)):
        child = activated(world, world.individual_objective(person))
        app.record_check_in(admin, child, add_kr(world, child), value)
        app.align_objective(admin, child, parent)
        children.append(child)
    app.close_cycle(admin, world.cycle_id)
    grades = {g.objective_id: g for g in _closed_grades(app, [parent, *children])}
    assert grades[parent].computed_score == pytest.approx(parent_score)
    assert grades[children[0]].computed_score == pytest.approx(0.8)
    assert last_event(app, world.cycle_id).grades_hash == grades_hash(grades.values())


# What every event carries.


def test_every_event_carries_organization_actor_and_cycle(world: World) -> None:
    app, lead, dev = world.app, world.actor("lead"), world.actor("dev")
    company = world.company_objective()
    team = activated(world, world.team_objective())
    kr = add_kr(world, team)
    check_in = app.record_check_in(lead, team, kr, 3, idempotency_key="k").id
    app.correct_check_in(lead, team, check_in, 4, "typo")
    app.update_key_result(lead, team, kr, title="Renamed")
    app.support_objective(dev, team)
    app.withdraw_support(dev, team)
    proposal = app.propose_alignment(lead, team, company).id
    app.respond_to_alignment_proposal(world.admin, proposal, True)
    app.unalign_objective(lead, team)
    app.withdraw_alignment_proposal(lead, app.propose_alignment(lead, team, company).id)
    app.set_objective_visibility(lead, team, Visibility.PRIVATE)
    app.update_objective(lead, team, title="Retitled")
    app.grade_objective(lead, team, 0.5, "fair")
    app.remove_key_result(lead, team, add_kr(world, team))
    app.archive_objective(world.admin, world.individual_objective())
    app.update_organization_policy(world.admin, hr_mode=HrMode.EFFORT)
    app.update_team(world.admin, world.teams["sales"], name="Sales team")
    app.close_cycle(world.admin, world.cycle_id)

    events = all_events(app)
    seen = {type(e).__qualname__ for e in events}
    objective_events = ("CheckInRecorded", "CheckInCorrected", "KeyResultAdded",
                        "KeyResultEdited", "KeyResultRemoved", "SupportCommitted",
                        "SupportWithdrawn", "Aligned", "Unaligned", "VisibilityChanged",
                        "Edited", "GradeOverridden", "Activated", "Archived", "Closed")
    for expected in ("Organization.PolicyChanged", "Team.Updated", "Person.Created",
                     "Cycle.ObjectiveAdded", "Cycle.Closed", "AlignmentProposal.Responded",
                     "AlignmentProposal.Withdrawn", "AlignmentGraph.EdgeAdded",
                     "AlignmentGraph.EdgeRemoved", "IdempotencyRecord.Created",
                     *(f"Objective.{name}" for name in objective_events)):
        assert expected in seen, expected

    cycle_of: dict[UUID, UUID | None] = {}
    for event in events:
        state = vars(event)
        assert state["organization_id"] == world.organization_id, event
        assert "actor_id" in state
        assert "cycle_id" in state
        owner = app.repository.get(event.originator_id)
        if isinstance(owner, Objective | AlignmentProposal):
            assert event.cycle_id == world.cycle_id, event
        elif isinstance(owner, Cycle):
            assert event.cycle_id == owner.id
        elif isinstance(event, AlignmentGraph.EdgeAdded | AlignmentGraph.EdgeRemoved):
            cycle_of.setdefault(event.child_id, event.cycle_id)
            assert event.cycle_id == world.cycle_id
        else:
            assert event.cycle_id is None, event
    assert cycle_of == {team: world.cycle_id}
    by_lead = [e for e in events if e.actor_id == world.people["lead"]]
    assert {type(e).__name__ for e in by_lead} >= {
        "CheckInRecorded", "CheckInCorrected", "Unaligned", "GradeOverridden"}
    assert last_event(app, ids.idempotency_record_id(
        world.organization_id, "recordCheckIn", "k", f"person:{world.people['lead'].hex}"
    )).actor_id == world.people["lead"]


# Snapshots.


def _replayed(app: OkrApplication, aggregate_id: UUID) -> Any:
    """The aggregate rebuilt from its events alone, without snapshots."""
    aggregate = None
    for event in app.events.get(aggregate_id):
        aggregate = event.mutate(aggregate)
    return aggregate


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items()
            if k not in ("_modified_on", "_pending_events")}


class OftenSnapshotting(OkrApplication):
    name = "okr"
    snapshotting_intervals = {AlignmentGraph: 3, Cycle: 3}


def test_snapshotted_cycles_and_graphs_load_as_their_events_say(store_url: str) -> None:
    init_database(store_url).close()
    app = OftenSnapshotting(env=store_env(store_url, create_tables=True))
    try:
        admin = Actor.system(app.create_organization("Acme", "acme").id)
        world = build_world(app, admin)
        parent = world.company_objective()
        children = [world.team_objective(title=f"Team {n}") for n in range(8)]
        for child in children:
            app.align_objective(admin, child, parent)
        for child in children[:3]:
            app.unalign_objective(admin, child)
        graph_id = ids.alignment_graph_id(world.organization_id)
        for aggregate_id in (world.cycle_id, graph_id):
            assert app.snapshots is not None
            assert list(app.snapshots.get(aggregate_id)), "no snapshot was taken"
            loaded = app.repository.get(aggregate_id)
            assert _state(loaded) == _state(_replayed(app, aggregate_id))
        cycle = app.repository.get(world.cycle_id)
        assert cycle.status is CycleStatus.ACTIVE
        assert len(cycle.objective_ids) == 9
        assert graph(world).children_of(parent) == children[3:]
        written(app, app.close_cycle, admin, world.cycle_id)
        assert app.repository.get(world.cycle_id).status is CycleStatus.CLOSED
        rejected(app, C.CYCLE_CLOSED, app.create_objective, admin, world.cycle_id,
                 Level.COMPANY, "Late")
        planned = app.create_cycle(admin, "2026-Q2").id
        for n in range(3):
            app.create_objective(admin, planned, Level.COMPANY, f"Plan {n}")
        assert list(app.snapshots.get(planned))
        assert app.repository.get(planned).status is CycleStatus.PLANNING
        written(app, app.activate_cycle, admin, planned)
    finally:
        app.close()
