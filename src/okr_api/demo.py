"""A small demo organization: a company, departments and teams, ~40 people, and a
quarter of company, team and individual OKRs with alignments and weekly check-ins.

Everything goes through the command side, so the demo's history is real events. The
organization and its OKRs are set up as at the quarter's start; the weekly check-ins
made so far are entered now, each applying at its week, so "as of" a week shows the
quarter as it stood then and "known at" an earlier moment shows them not yet entered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from okr_domain import clock, ids
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.cycle import quarter_dates
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.values import Kind, Level, MetricType, Role, TeamKind, Visibility

DEMO_SLUG = "demo"
WHOLE_DEMO = 1_000_000
"""Events staged before a save: more than the demo has, so it is saved once."""
STRUCTURE = {
    "Engineering": ["Platform", "Mobile", "Data"],
    "Sales": ["Enterprise", "Self-serve"],
    "People": ["Talent"],
}
FIRST = ["Ada", "Ben", "Chloe", "Dev", "Ema", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai",
         "Lea", "Milo", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tara", "Uma", "Vik",
         "Wen", "Xavi", "Yara", "Zed"]
LAST = ["Adams", "Berg", "Costa", "Diaz", "Evans", "Fox", "Grant", "Hale", "Ito", "Jones"]
COMPANY_OKRS = [("Become the most loved OKR tool in Europe", Kind.ASPIRATIONAL),
                ("Grow revenue sustainably", Kind.COMMITTED),
                ("Be a great place to grow", Kind.ASPIRATIONAL)]


@dataclass(frozen=True)
class Demo:
    organization_id: UUID
    cycle_key: str
    admin_id: UUID
    manager_id: UUID
    member_id: UUID


def current_quarter(today: date) -> str:
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def load_demo(app: OkrApplication, *, seed: int = 7) -> Demo:
    """Create the demo organization (once; a second call finds it and returns it).

    The load is all or nothing: every command is staged and the whole demo is saved in
    one transaction at the end, so a failure leaves no half-made organization behind.
    """
    rng = random.Random(seed)
    now = clock.now()
    key = current_quarter(now.date())
    org_id = ids.organization_id(DEMO_SLUG)
    if app.find(Organization, org_id, org_id) is not None:
        # Loaded before: the same people, by their external ids (see _people's order:
        # p0 the CEO, p1 the first department head, p2 its first team lead, p3 a member).
        return Demo(org_id, key, ids.person_id(org_id, "p0"), ids.person_id(org_id, "p2"),
                    ids.person_id(org_id, "p3"))
    starts = quarter_dates(key)
    assert starts is not None
    set_up = min(now, datetime.combine(starts[0], time.min, UTC))
    # The weekly check-ins made so far this quarter (none in its first week).
    weeks = [when for week in range(1, 14)
             if (when := datetime.combine(starts[0] + timedelta(weeks=week), time(10), UTC))
             <= now]
    check_in_rng = random.Random(seed + 1)
    with app.bulk(flush_every=WHOLE_DEMO):
        with clock.simulated_time(set_up):
            org_id = app.create_organization("Demo Company", DEMO_SLUG).id
            demo, checked = _fill(app, org_id, key, rng)
        for actor, objective in checked:
            _check_ins(app, actor, objective, weeks, check_in_rng)
        return demo


def _fill(app: OkrApplication, org_id: UUID, key: str,
          rng: random.Random) -> tuple[Demo, list[tuple[Actor, UUID]]]:
    """The organization and its OKRs; the objectives to check in, with who does."""
    system = Actor.system(org_id)
    people = _people(app, system, rng)
    cycle = app.create_cycle(system, key).id
    app.activate_cycle(system, cycle)
    company = [app.create_objective(system, cycle, Level.COMPANY, title, kind=kind).id
               for title, kind in COMPANY_OKRS]
    for objective in company:
        _key_results(app, system, objective, rng)
    checked: list[tuple[Actor, UUID]] = []
    for team_id, lead, members in people.teams:
        lead_actor = Actor(org_id, lead, frozenset({Role.MANAGER}))
        for n in range(2):
            objective = app.create_objective(
                lead_actor, cycle, Level.TEAM, f"{_team_goal(rng)} ({n + 1})",
                owner_team_id=team_id, kind=Kind.ASPIRATIONAL if n else Kind.COMMITTED).id
            _key_results(app, lead_actor, objective, rng)
            app.align_objective(system, objective, rng.choice(company))
            app.activate_objective(lead_actor, objective)
            checked.append((lead_actor, objective))
            for member in members[n::2]:
                member_actor = Actor(org_id, member, frozenset({Role.MEMBER}))
                mine = app.create_objective(
                    member_actor, cycle, Level.INDIVIDUAL, _personal_goal(rng),
                    owner_person_id=member,
                    visibility=Visibility.PRIVATE if rng.random() < 0.1 else Visibility.PUBLIC,
                ).id
                _key_results(app, member_actor, mine, rng)
                # "Could you?": the member proposes, the lead (the parent's owner) accepts.
                asked = app.propose_alignment(member_actor, mine, objective).id
                app.respond_to_alignment_proposal(lead_actor, asked, True)
                app.activate_objective(member_actor, mine)
                checked.append((member_actor, mine))
    for objective in company:
        app.activate_objective(system, objective)
        checked.append((system, objective))
    return Demo(org_id, key, people.admin, people.manager, people.member), checked


@dataclass
class _People:
    admin: UUID
    manager: UUID
    member: UUID
    teams: list[tuple[UUID, UUID, list[UUID]]]


def _people(app: OkrApplication, system: Actor, rng: random.Random) -> _People:
    counter = iter(range(1000))

    def person(team: UUID | None, manager: UUID | None) -> tuple[str, str, UUID]:
        n = next(counter)
        external, name = f"p{n}", f"{FIRST[n % len(FIRST)]} {LAST[(n * 7) % len(LAST)]}"
        result = app.upsert_person(system, external, name, email=f"{external}@demo.example",
                                   team_id=team, manager_id=manager)
        return external, name, result.id

    *_, ceo = person(None, None)
    teams: list[tuple[UUID, UUID, list[UUID]]] = []
    for department, names in STRUCTURE.items():
        external, name, head = person(None, ceo)
        dept = app.create_team(system, department, kind=TeamKind.DEPARTMENT, lead_id=head).id
        # The head joins the department once it exists.
        app.upsert_person(system, external, name, email=f"{external}@demo.example",
                          team_id=dept, manager_id=ceo)
        for team_name in names:
            *_, lead = person(None, head)
            team = app.create_team(system, team_name, parent_team_id=dept, lead_id=lead).id
            members = [person(team, lead)[2] for _ in range(rng.randint(4, 6))]
            teams.append((team, lead, members))
    return _People(ceo, teams[0][1], teams[0][2][0], teams)


def _team_goal(rng: random.Random) -> str:
    return rng.choice(["Ship a delightful onboarding", "Halve incident response time",
                       "Win the mid-market segment", "Make every release boring",
                       "Hire and grow great people", "Know our customers by name"])


def _personal_goal(rng: random.Random) -> str:
    return rng.choice(["Master the data pipeline", "Speak at a conference",
                       "Mentor two newcomers", "Own the billing service",
                       "Close ten enterprise deals", "Learn Rust properly"])


def _key_results(app: OkrApplication, actor: Actor, objective: UUID,
                 rng: random.Random) -> None:
    for n in range(rng.randint(2, 4)):
        if n == 2 and rng.random() < 0.5:
            app.add_key_result(actor, objective, "Launch it", MetricType.MILESTONE)
            continue
        target = Decimal(rng.choice([10, 20, 50, 100]))
        app.add_key_result(actor, objective, f"Reach {target} on measure {n + 1}",
                           MetricType.INCREASE_TO, start=Decimal(0), target=target,
                           weight=rng.choice([1.0, 1.0, 2.0]))


def _check_ins(app: OkrApplication, actor: Actor, objective_id: UUID,
               weeks: list[datetime], rng: random.Random) -> None:
    objective = app.load(Objective, objective_id, actor, "objectiveId")
    ambition = rng.uniform(0.3, 1.1)
    for week, when in enumerate(weeks, start=1):
        for kr in objective.key_results.values():
            if rng.random() < 0.15:
                continue  # a missed check-in now and then
            share = min(1.0, max(0.0, ambition * week / 13 + rng.uniform(-0.05, 0.05)))
            value = (kr.start + (kr.target - kr.start) * Decimal(str(round(share, 2))))
            app.record_check_in(actor, objective_id, kr.id, value.quantize(Decimal("0.01")),
                                confidence=rng.randint(4, 9), applies_at=when,
                                in_one_on_one=rng.random() < 0.3)
