"""A cycle's OKRs: company, department, team and individual objectives with their key
results and alignments, and the check-ins of one week."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from okr_api.seeding.structure import Organization
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Kind, Level, MetricType, Role, Visibility

VERBS = ("Grow", "Delight", "Simplify", "Accelerate", "Strengthen", "Launch", "Win",
         "Modernize", "Scale", "Protect")
THINGS = ("customer onboarding", "our platform", "the mid-market", "release quality",
          "self-serve revenue", "team health", "data literacy", "support response",
          "partner channel", "brand awareness", "security posture", "developer experience")
METRICS = ((MetricType.INCREASE_TO, 60), (MetricType.DECREASE_TO, 15),
           (MetricType.MILESTONE, 15), (MetricType.BINARY, 5),
           (MetricType.STAY_AT_OR_ABOVE, 5))


ONE_ON_ONE_SHARE = 0.3
"""Most people make some of their check-ins in a 1:1 ..."""
ONE_ON_ONE_TEAMS = 2
"""... and every second team (the first, the third ...) makes all of them in 1:1s."""


def checks_in_during_one_on_ones(team_index: int) -> bool:
    """Whether the team at this place in ``Organization.teams`` checks in during 1:1s."""
    return team_index % ONE_ON_ONE_TEAMS == 0


@dataclass
class SeedKeyResult:
    id: UUID
    metric: MetricType
    start: Decimal
    target: Decimal


@dataclass
class SeedObjective:
    id: UUID
    owner: Actor
    """Who writes it and checks in on it: its person, its team's lead, or the CEO."""
    ambition: float
    engaged: bool
    key_results: list[SeedKeyResult] = field(default_factory=list)
    one_on_one_share: float = ONE_ON_ONE_SHARE
    """How many of its check-ins are made in a 1:1."""


def _title(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)} {rng.choice(THINGS)}"


def _metric(rng: random.Random) -> MetricType:
    return rng.choices([m for m, _ in METRICS], weights=[w for _, w in METRICS])[0]


def acting(org: Organization, person: UUID) -> Actor:
    """A person of the organization acting in the seed: the events name them. The seed
    is a trusted loader, so they act with an admin's rights (no per-command look-ups of
    who may do what)."""
    return Actor(org.id, person, frozenset({Role.ADMIN}))


def create_okrs(app: OkrApplication, admin: Actor, org: Organization, cycle: UUID,
                rng: random.Random) -> list[SeedObjective]:
    """``admin`` (the CEO) writes the company's objectives and aligns; the owners (the
    person, or the team's lead) write and check in on the others."""
    made: list[SeedObjective] = []

    def objective(level: Level, owner: Actor, *, team: UUID | None = None,
                  person: UUID | None = None, parent: UUID | None = None,
                  kind: Kind | None = None,
                  one_on_ones: float = ONE_ON_ONE_SHARE) -> UUID:
        chosen = kind or (Kind.COMMITTED if rng.random() < 0.2 else Kind.ASPIRATIONAL)
        private = level is Level.INDIVIDUAL and rng.random() < 0.1
        objective_id = app.create_objective(
            owner, cycle, level, _title(rng), owner_team_id=team, owner_person_id=person,
            kind=chosen, visibility=Visibility.PRIVATE if private else Visibility.PUBLIC).id
        seeded = SeedObjective(objective_id, owner,
                               min(1.15, max(0.05, rng.gauss(0.66, 0.22))),
                               rng.random() < 0.8, one_on_one_share=one_on_ones)
        for n in range(rng.randint(2, 4)):
            seeded.key_results.append(_key_result(app, owner, objective_id, n, rng))
        if parent is not None:
            app.align_objective(admin, objective_id, parent)
        app.activate_objective(owner, objective_id)
        made.append(seeded)
        return objective_id

    company = [objective(Level.COMPANY, admin,
                         kind=Kind.COMMITTED if n == 3 else Kind.ASPIRATIONAL)
               for n in range(4)]
    for department in org.departments:
        head = acting(org, department.head)
        dept_okrs = [objective(Level.TEAM, head, team=department.id,
                               parent=rng.choice(company))
                     for _ in range(3)]
        _individual(org, department.head, dept_okrs, objective, rng)
        for team in department.teams:
            in_one_on_ones = checks_in_during_one_on_ones(org.teams.index(team))
            lead = acting(org, team.lead)
            team_okrs = [objective(Level.TEAM, lead, team=team.id,
                                   parent=rng.choice(dept_okrs))
                         for _ in range(3)]
            for person in (team.lead, *team.members):
                _individual(org, person, team_okrs, objective, rng,
                            1.0 if in_one_on_ones else ONE_ON_ONE_SHARE)
    return made


def _individual(org: Organization, person: UUID, parents: list[UUID], objective: object,
                rng: random.Random, one_on_ones: float = ONE_ON_ONE_SHARE) -> None:
    owner = acting(org, person)
    for _ in range(rng.randint(2, 4)):
        parent = rng.choice(parents) if rng.random() < 0.8 else None
        objective(Level.INDIVIDUAL, owner, person=person,  # type: ignore[operator]
                  parent=parent, one_on_ones=one_on_ones)


def _key_result(app: OkrApplication, owner: Actor, objective_id: UUID, n: int,
                rng: random.Random) -> SeedKeyResult:
    metric = _metric(rng)
    start = target = None
    if metric is MetricType.INCREASE_TO:
        start, target = Decimal(rng.choice([0, 0, 10, 100])), Decimal(rng.choice([20, 50, 500]))
        target += start
    elif metric is MetricType.DECREASE_TO:
        start, target = Decimal(rng.choice([60, 100, 240])), Decimal(rng.choice([5, 10, 30]))
    elif metric is MetricType.STAY_AT_OR_ABOVE:
        target = Decimal(rng.choice(["95", "99", "99.9"]))
    kr_id = app.add_key_result(owner, objective_id, f"Measure {n + 1}", metric, start=start,
                               target=target, weight=rng.choice((1.0, 1.0, 1.0, 2.0))).id
    low, high = {MetricType.BINARY: (Decimal(0), Decimal(1)),
                 MetricType.MILESTONE: (Decimal(0), Decimal(100)),
                 MetricType.STAY_AT_OR_ABOVE: (target or Decimal(0), target or Decimal(0))
                 }.get(metric, (start or Decimal(0), target or Decimal(0)))
    return SeedKeyResult(kr_id, metric, low, high)


def check_in_week(app: OkrApplication, objectives: list[SeedObjective],
                  week: int, weeks: int, rng: random.Random) -> int:
    """One week's check-ins, each by its objective's owner; returns how many were
    recorded."""
    recorded = 0
    for objective in objectives:
        chance = 0.9 if objective.engaged else 0.25
        for kr in objective.key_results:
            if rng.random() >= chance:
                continue
            share = objective.ambition * (week / weeks) ** 0.9 + rng.gauss(0, 0.03)
            app.record_check_in(objective.owner, objective.id, kr.id, _value(kr, share, rng),
                                confidence=rng.randint(3, 9),
                                in_one_on_one=rng.random() < objective.one_on_one_share)
            recorded += 1
    return recorded


def _value(kr: SeedKeyResult, share: float, rng: random.Random) -> Decimal:
    if kr.metric is MetricType.BINARY:
        return Decimal(1) if share >= 0.95 else Decimal(0)
    if kr.metric is MetricType.STAY_AT_OR_ABOVE:
        return kr.target + Decimal(rng.choice((-1, 0, 0, 1, 2)))
    share = min(1.2, max(-0.05, share))
    if kr.metric is MetricType.MILESTONE:
        share = min(1.0, max(0.0, share))
    value = kr.start + (kr.target - kr.start) * Decimal(str(round(share, 4)))
    return value.quantize(Decimal("0.01"))
