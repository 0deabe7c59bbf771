"""Event histories for the projection tests: one rich history through the commands,
and a fast bulk generator that saves many aggregates per transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.cycle import Cycle
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.values import (
    BandEdges,
    Kind,
    Level,
    MetricType,
    ProposalSide,
    RollUp,
    TeamKind,
    Visibility,
)


@dataclass
class History:
    org: UUID
    q1: UUID
    q2: UUID
    engineering: UUID
    platform: UUID
    sales: UUID
    ann: UUID
    bob: UUID
    cy: UUID
    company: UUID
    reliability: UUID
    rust: UUID
    deals: UUID
    archived: UUID
    next_quarter: UUID
    latency_kr: UUID
    uptime_kr: UUID
    removed_kr: UUID
    corrected_check_in: UUID
    precision: UUID
    accepted: UUID
    declined: UUID
    withdrawn: UUID
    pending: UUID


def build_history(app: OkrApplication, slug: str = "acme") -> History:
    """Every kind of event the catalog knows, in a realistic order."""
    org_id = app.create_organization("Acme Corp", slug).id
    a = Actor.system(org_id)
    app.update_organization_policy(a, roll_up=RollUp.BOTH,
                                   bands=BandEdges(0.25, 0.55, 0.75, 0.9))
    engineering = app.create_team(a, "Engineering", kind=TeamKind.DEPARTMENT).id
    platform = app.create_team(a, "Platform", parent_team_id=engineering).id
    sales = app.create_team(a, "Sales").id
    ann = app.upsert_person(a, "e-1", "Ann", email="ann@acme.test", team_id=engineering).id
    bob = app.upsert_person(a, "e-2", "Bob", team_id=platform, manager_id=ann).id
    cy = app.upsert_person(a, "e-3", "Cy Ünal", team_id=sales).id
    app.update_team(a, platform, lead_id=bob)
    app.upsert_person(a, "e-2", "Bob Builder", team_id=platform, manager_id=ann)
    q1 = app.create_cycle(a, "2026-Q1").id
    q2 = app.create_cycle(a, "2026-Q2").id
    app.activate_cycle(a, q1)

    company = app.create_objective(a, q1, Level.COMPANY, "Grow revenue").id
    reliability = app.create_objective(a, q1, Level.TEAM, "Platform reliability",
                                       owner_team_id=platform, kind=Kind.COMMITTED,
                                       idempotency_key="rel-1").id
    app.create_objective(a, q1, Level.TEAM, "Platform reliability", owner_team_id=platform,
                         kind=Kind.COMMITTED, idempotency_key="rel-1")  # a retry: no events
    rust = app.create_objective(a, q1, Level.INDIVIDUAL, "Learn Rust", owner_person_id=bob,
                                visibility=Visibility.PRIVATE).id
    deals = app.create_objective(a, q1, Level.TEAM, "Close big deals", owner_team_id=sales).id
    archived = app.create_objective(a, q1, Level.TEAM, "Old idea", owner_team_id=platform).id
    next_quarter = app.create_objective(a, q2, Level.TEAM, "Next quarter",
                                        owner_team_id=engineering).id

    revenue = app.add_key_result(a, company, "ARR", MetricType.INCREASE_TO,
                                 start=Decimal("1.5"), target=Decimal("3.0"), unit="M$").id
    latency = app.add_key_result(a, reliability, "p99 latency", MetricType.DECREASE_TO,
                                 start=Decimal(400), target=Decimal(200), unit="ms",
                                 weight=2.0).id
    uptime = app.add_key_result(a, reliability, "uptime", MetricType.STAY_AT_OR_ABOVE,
                                target=Decimal("99.9")).id
    removed = app.add_key_result(a, reliability, "postmortems", MetricType.BINARY).id
    book = app.add_key_result(a, rust, "chapters", MetricType.MILESTONE).id
    signed = app.add_key_result(a, deals, "deals signed", MetricType.INCREASE_TO,
                                start=Decimal(0), target=Decimal(10)).id
    app.add_key_result(a, deals, "churn", MetricType.STAY_AT_OR_BELOW, target=Decimal(5))
    for objective in (company, reliability, rust, deals, archived):
        app.activate_objective(a, objective)

    now = clock.now()
    app.record_check_in(a, company, revenue, "2.1", confidence=7, note="good start",
                        applies_at=now - timedelta(days=20))
    app.record_check_in(a, reliability, latency, 350, applies_at=now - timedelta(days=14),
                        in_one_on_one=True)
    corrected = app.record_check_in(a, reliability, latency, 300,
                                    applies_at=now - timedelta(days=7)).id
    app.record_check_in(a, reliability, latency, 380, applies_at=now - timedelta(days=10),
                        note="back-dated: must not win")
    app.correct_check_in(a, reliability, corrected, 250, "wrong dashboard", confidence=9)
    app.record_check_in(a, reliability, uptime, "99.95", idempotency_key="ci-1")
    app.record_check_in(a, reliability, uptime, "99.95", idempotency_key="ci-1")  # a retry
    app.record_check_in(a, reliability, removed, 1)
    app.remove_key_result(a, reliability, removed)
    app.update_key_result(a, reliability, latency, target=Decimal(150))
    app.record_check_in(a, rust, book, 40)
    app.record_check_in(a, deals, signed, 4)

    app.align_objective(a, reliability, company, parent_key_result_id=revenue)
    accepted = app.propose_alignment(a, rust, reliability, message="shall we?").id
    app.respond_to_alignment_proposal(a, accepted, True, "yes")
    declined = app.propose_alignment(a, deals, company).id
    app.respond_to_alignment_proposal(a, declined, False, "not this quarter")
    withdrawn = app.propose_alignment(a, deals, company, message="second try").id
    app.withdraw_alignment_proposal(a, withdrawn)
    # The company's side asks this time ("shall we?"): the child's side must answer.
    pending = app.propose_alignment(a, deals, company, message="third try",
                                    side=ProposalSide.PARENT).id
    aligned_to_archived = app.create_objective(a, q1, Level.TEAM, "Child of old idea",
                                               owner_team_id=sales).id
    app.align_objective(a, aligned_to_archived, archived)
    app.archive_objective(a, archived, "superseded")

    app.support_objective(a, company, ann)
    app.support_objective(a, company, cy)
    app.withdraw_support(a, company, ann)
    app.update_objective(a, deals, title="Close bigger deals", supporters_can_check_in=True)
    app.set_objective_visibility(a, deals, Visibility.PRIVATE)
    app.grade_objective(a, deals, 0.65, "market shifted")
    app.grade_objective(a, company, 0.9, "strong")
    app.grade_objective(a, company, None, "")
    app.close_cycle(a, q1)
    app.add_key_result(a, next_quarter, "hires", MetricType.INCREASE_TO, start=Decimal(0),
                       target=Decimal(5))
    # Scores 0.8, 0.2, 0.1 weighted 1, 2, 3: a float sum would depend on the order of the
    # key results (0.25000000000000006 in the order added); the exact mean is 1/4.
    precision = app.create_objective(a, q2, Level.TEAM, "Precision", owner_team_id=sales).id
    app.activate_objective(a, precision)
    for weight, value in ((1.0, 8), (2.0, 2), (3.0, 1)):
        kr = app.add_key_result(a, precision, f"w{weight}", MetricType.INCREASE_TO,
                                start=Decimal(0), target=Decimal(10), weight=weight).id
        app.record_check_in(a, precision, kr, value)
    return History(org_id, q1, q2, engineering, platform, sales, ann, bob, cy, company,
                   reliability, rust, deals, archived, next_quarter, latency, uptime, removed,
                   corrected, precision, accepted, declined, withdrawn, pending)


def bulk_history(app: OkrApplication, events: int, *, slug: str = "bulk",
                 per_save: int = 25) -> int:
    """At least ``events`` events, fast: objectives built in memory, many per save."""
    org_id = app.create_organization("Bulk Inc", slug).id
    a = Actor.system(org_id)
    cycle_id = app.create_cycle(a, "2026-Q3").id
    app.activate_cycle(a, cycle_id)
    organization = app.repository.get(org_id)
    assert isinstance(organization, Organization)
    cycle = app.repository.get(cycle_id)
    assert isinstance(cycle, Cycle)
    start = clock.now() - timedelta(days=60)
    batch: list[Objective] = []
    number = 0
    while app.current_position() < events:
        number += 1
        objective = Objective(
            organization_id=org_id, actor_id=None, cycle_id=cycle_id, level="TEAM",
            owner_team_id=organization.root_team_id, owner_person_id=None,
            kind="ASPIRATIONAL", visibility="PUBLIC", title=f"Objective {number}",
            description="")
        cycle.add_objective(None, objective.id)
        krs = [uuid4() for _ in range(3)]
        for index, kr in enumerate(krs):
            objective.add_key_result(None, kr, title=f"KR {index}",
                                     metric_type=MetricType.INCREASE_TO, start=Decimal(0),
                                     target=Decimal(100), unit="", weight=1.0 + index)
        objective.activate(None)
        for week in range(15):
            objective.record_check_in(
                None, uuid4(), krs[week % 3], value=Decimal(week * 7 + number % 5),
                confidence=week % 10, note="", applies_at=start + timedelta(days=week * 4),
                in_one_on_one=week % 2 == 0)
        batch.append(objective)
        if len(batch) >= per_save:
            app.save(cycle, *batch)
            batch = []
    if batch:
        app.save(cycle, *batch)
    return app.current_position()
