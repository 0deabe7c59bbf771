"""A quarter with known weekly steps, built through the commands at simulated times.

Cycle 2026-Q3 (1 Jul - 30 Sep 2026), organization Acme, default policy (key-result
roll-up, bands 0.3 / 0.6 / 0.7 / 0.9). Weekly timeline steps fall on Wednesdays at
midnight UTC (1 Jul 2026 is a Wednesday); check-ins come on Mondays at 10:00.

Objectives (created 25 Jun, active):
  C1 company, aspirational          c1: INCREASE 0 -> 10
  T1 team Platform, asp., -> C1     t1a: INCREASE 0 -> 100; t1b: BINARY
  I1 alice, asp., -> T1             i1: INCREASE 0 -> 10 (weight 2); i1b: MILESTONE
  I2 bob, asp., unaligned           i2: INCREASE 0 -> 4
  P1 alice, private, committed      p1: BINARY

Week 1, Mon 6 Jul 10:00: c1=2, t1a=20, i1=3, i2=1
Week 2, Mon 13 Jul 10:00: c1=4, t1a=50, t1b=1, i1=6, i1b=30, i2=2
Thu 16 Jul 12:00: I2 aligned to T1; i1's weight 2 -> 1 (a re-alignment, a re-weighting)
Week 3, Mon 20 Jul 10:00: c1=7, i1b=60, i2=5 (progress 1.25, score 1.0)
Wed 30 Sep 12:00: I1's grade overridden to 0.65 ("shipped early")
Thu 1 Oct 09:00: the cycle is closed (when ``close`` is asked for)

Own scores (every key result weighs 1 unless said):
  as of 8 Jul: C1 0.2, T1 (0.2+0)/2 = 0.1, I1 (0.3*2+0)/3 = 0.2, I2 0.25, P1 0
  as of 15 Jul: C1 0.4, T1 (0.5+1)/2 = 0.75, I1 (0.6*2+0.3)/3 = 0.5, I2 0.5
  as of 18 Jul (after the re-alignment, before week 3): I1 (0.6+0.3)/2 = 0.45, the rest
      as on 15 Jul; I2 now under T1
  as of 22 Jul: C1 0.7, T1 0.75, I1 (0.6+0.6)/2 = 0.6, I2 1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.values import Kind, Level, MetricType, TeamKind, Visibility

CYCLE = "2026-Q3"


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


START = at(7, 1)
WEEK_1 = at(7, 6, 10)
WEEK_2 = at(7, 13, 10)
REALIGNED = at(7, 16, 12)
WEEK_3 = at(7, 20, 10)
OVERRIDDEN = at(9, 30, 12)
CLOSED = at(10, 1, 9)


@dataclass(frozen=True)
class Quarter:
    org: UUID
    cycle: UUID
    lead: UUID
    alice: UUID
    bob: UUID
    analyst: UUID
    platform: UUID
    c1: UUID
    t1: UUID
    i1: UUID
    i2: UUID
    p1: UUID
    kr: dict[str, UUID]


def build_quarter(app: OkrApplication, *, close: bool = False) -> Quarter:
    kr: dict[str, UUID] = {}
    with simulated_time(at(6, 20, 10)):
        org = app.create_organization("Acme", "acme").id
        admin = Actor.system(org)
        lead = app.upsert_person(admin, "lead", "Lee Lead").id
        platform = app.create_team(admin, "Platform", kind=TeamKind.DEPARTMENT,
                                   lead_id=lead).id
        alice = app.upsert_person(admin, "alice", "Alice", team_id=platform,
                                  manager_id=lead).id
        bob = app.upsert_person(admin, "bob", "Bob", team_id=platform, manager_id=lead).id
        analyst = app.upsert_person(admin, "ana", "Ana Analyst").id
        cycle = app.create_cycle(admin, CYCLE).id
    with simulated_time(at(6, 25, 10)):
        c1 = app.create_objective(admin, cycle, Level.COMPANY, "Delight customers").id
        t1 = app.create_objective(admin, cycle, Level.TEAM, "Ship the platform",
                                  owner_team_id=platform).id
        i1 = app.create_objective(admin, cycle, Level.INDIVIDUAL, "Learn GraphQL",
                                  owner_person_id=alice).id
        i2 = app.create_objective(admin, cycle, Level.INDIVIDUAL, "Speak at a meetup",
                                  owner_person_id=bob).id
        p1 = app.create_objective(admin, cycle, Level.INDIVIDUAL, "Private growth goal",
                                  owner_person_id=alice, kind=Kind.COMMITTED,
                                  visibility=Visibility.PRIVATE).id
        kr["c1"] = app.add_key_result(admin, c1, "NPS", MetricType.INCREASE_TO, start=0,
                                      target=10).id
        kr["t1a"] = app.add_key_result(admin, t1, "Services moved", MetricType.INCREASE_TO,
                                       start=0, target=100).id
        kr["t1b"] = app.add_key_result(admin, t1, "Launched", MetricType.BINARY).id
        kr["i1"] = app.add_key_result(admin, i1, "Chapters read", MetricType.INCREASE_TO,
                                      start=0, target=10, weight=2).id
        kr["i1b"] = app.add_key_result(admin, i1, "Course", MetricType.MILESTONE).id
        kr["i2"] = app.add_key_result(admin, i2, "Talks given", MetricType.INCREASE_TO,
                                      start=0, target=4).id
        kr["p1"] = app.add_key_result(admin, p1, "Done", MetricType.BINARY).id
        for objective in (c1, t1, i1, i2, p1):
            app.activate_objective(admin, objective)
        app.align_objective(admin, t1, c1)
        app.align_objective(admin, i1, t1)
    with simulated_time(at(7, 1, 8)):
        app.activate_cycle(admin, cycle)

    def check_ins(moment: datetime, values: dict[str, int]) -> None:
        owners = {"c1": c1, "t1a": t1, "t1b": t1, "i1": i1, "i1b": i1, "i2": i2}
        with simulated_time(moment):
            for name, value in values.items():
                app.record_check_in(admin, owners[name], kr[name], value)

    check_ins(WEEK_1, {"c1": 2, "t1a": 20, "i1": 3, "i2": 1})
    check_ins(WEEK_2, {"c1": 4, "t1a": 50, "t1b": 1, "i1": 6, "i1b": 30, "i2": 2})
    with simulated_time(REALIGNED):
        app.align_objective(admin, i2, t1)
        app.update_key_result(admin, i1, kr["i1"], weight=1)
    check_ins(WEEK_3, {"c1": 7, "i1b": 60, "i2": 5})
    if close:
        with simulated_time(OVERRIDDEN):
            app.grade_objective(admin, i1, 0.65, "shipped early")
        with simulated_time(CLOSED):
            app.close_cycle(admin, cycle)
    return Quarter(org, cycle, lead, alice, bob, analyst, platform, c1, t1, i1, i2, p1, kr)
