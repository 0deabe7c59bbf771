"""``okr-api seed``: build an organization and K quarters of OKR history.

Everything goes through the command side (real events) as a bulk load (batched saves),
under a simulated clock, so each event carries the time it would have happened at:
planning before the quarter, weekly check-ins, grading at the close. The same seed
gives the same history, byte for byte.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from okr_api.seeding.okrs import acting, check_in_week, create_okrs
from okr_api.seeding.staging import publish, scratch_application
from okr_api.seeding.structure import Organization, build_structure
from okr_domain import clock, ids
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.cycle import quarter_dates
from okr_domain.objective import Objective
from okr_domain.organization import Organization as OrganizationAggregate
from okr_domain.values import Role

WEEKS = 13
Progress = Callable[[str, int, int], None]
"""(what, done, total): called as the generator goes."""


@dataclass(frozen=True)
class SeedPlan:
    people: int = 1_000
    cycles: int = 1
    seed: int = 1
    slug: str = "seeded"
    today: date | None = None

    def quarter_keys(self) -> list[str]:
        """The last ``cycles`` quarters, ending with the one ``today`` is in."""
        today = self.today or clock.today()
        year, quarter = today.year, (today.month - 1) // 3 + 1
        keys = []
        for _ in range(self.cycles):
            keys.append(f"{year}-Q{quarter}")
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        return keys[::-1]


@dataclass(frozen=True)
class SeedReport:
    organization_id: UUID
    events: int
    seconds: float
    cycle_keys: list[str]
    people: list[SeedPerson] = field(default_factory=list)
    """A few people to sign in as: the CEO (an admin), a department head, a team lead
    and a member."""

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def seed(target: OkrApplication, plan: SeedPlan, progress: Progress | None = None,
         *, flush_every: int = 5_000) -> SeedReport:
    """Load the plan's organization into ``target``, all or nothing: it is made in a
    scratch store in memory and published to ``target`` in one transaction."""
    if plan.people < 10:
        raise ValueError("seed at least 10 people")
    if target.find(OrganizationAggregate, org_id := ids.organization_id(plan.slug),
                   org_id) is not None:
        raise ValueError(f"an organization {plan.slug!r} exists already; seed another "
                         "--slug")
    report = progress or (lambda what, done, total: None)
    app = scratch_application()
    try:
        return _seed(app, target, plan, report, flush_every)
    finally:
        app.close()


def _seed(app: OkrApplication, target: OkrApplication, plan: SeedPlan, report: Progress,
          flush_every: int) -> SeedReport:
    rng = random.Random(plan.seed)
    today = plan.today or clock.today()
    keys = plan.quarter_keys()
    first = quarter_dates(keys[0])
    assert first is not None
    started = time.perf_counter()
    before = target.current_position()
    with ids.seeded_ids(plan.seed), app.bulk(flush_every=flush_every,
                                                 background=True) as bulk:
        with clock.simulated_time(_at(first[0] - timedelta(days=14))):
            org_id = app.create_organization(f"Seeded ({plan.people} people)", plan.slug).id
            admin = Actor.system(org_id)
            report("organization", 0, plan.people)
            # The people and teams come as an HR import would (the service acts); the
            # OKRs are written by people: the CEO, the leads and everyone for their own.
            org = build_structure(app, admin, plan.people, rng)
            ceo = acting(org, org.ceo)
            report("organization", plan.people, plan.people)
        for key in keys:
            dates = quarter_dates(key)
            assert dates is not None
            starts, ends = dates
            with clock.simulated_time(_at(starts - timedelta(days=3))):
                cycle = app.create_cycle(ceo, key).id
                objectives = create_okrs(app, ceo, org, cycle, rng)
            with clock.simulated_time(_at(starts, 8)):
                app.activate_cycle(ceo, cycle)
            weeks = WEEKS if ends < today else max(0, min(WEEKS, (today - starts).days // 7))
            report(key, 0, weeks)
            for week in range(1, weeks + 1):
                with clock.simulated_time(_at(starts + timedelta(weeks=week))):
                    check_in_week(app, objectives, week, WEEKS, rng)
                report(key, week, weeks)
            if ends < today:
                with clock.simulated_time(_at(ends + timedelta(days=1), 9)):
                    app.close_cycle(ceo, cycle)
                # A closed quarter is frozen: its objectives need not stay in memory.
                bulk.flush()
                for objective in objectives:
                    if isinstance(bulk.staged.get(objective.id), Objective):
                        bulk.forget(objective.id)
    publish(app, target, bulk.staged,
            lambda done, total: report("writing events", done, total))
    seconds = time.perf_counter() - started
    return SeedReport(org_id, target.current_position() - before, seconds, keys,
                      _people_to_try(org))


@dataclass(frozen=True)
class SeedPerson:
    label: str
    external_id: str
    roles: tuple[Role, ...]


def _people_to_try(org: Organization) -> list[SeedPerson]:
    people = [SeedPerson("CEO", org.external_ids[org.ceo], (Role.ADMIN, Role.MANAGER))]
    department = org.departments[0]
    people.append(SeedPerson("department head", org.external_ids[department.head],
                             (Role.MANAGER,)))
    team = next((t for d in org.departments for t in d.teams if t.members), None)
    if team is not None:
        people.append(SeedPerson("team lead", org.external_ids[team.lead], (Role.MANAGER,)))
        people.append(SeedPerson("member", org.external_ids[team.members[0]], (Role.MEMBER,)))
    return people
