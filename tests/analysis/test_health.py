"""OKR health: every rule, its edges, scopes and hidden objectives."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from okr_domain.values import CycleStatus, Kind, ObjectiveStatus, OkrPolicy
from projections.analysis import (
    Finding,
    HealthReport,
    HealthRule,
    Scope,
    Severity,
    Viewer,
    okr_health,
)
from projections.catalog.rows import CycleRow, ObjectiveRow

from .factories import Org, at

MID = at(date(2026, 2, 15), 12)  # elapsed 45 / 90 = 0.5 of 2026-Q1
EARLY = at(date(2026, 1, 31), 12)  # elapsed 30 / 90 = 1/3


def health(org: Org, cycle: CycleRow, now: datetime = MID, viewer: Viewer | None = None,
           scope: Scope | None = None, policy: OkrPolicy | None = None) -> HealthReport:
    return okr_health(cycle, org.objectives, org.key_results, org.directory,
                      viewer or Viewer.admin(), policy or org.policy, now,
                      scope or Scope.organization())


def rule_hits(org: Org, report: HealthReport, rule: HealthRule) -> list[str]:
    by_id = {o.id: o.title for o in org.objectives}
    return [by_id[f.objective_id] for f in report.findings
            if f.rule is rule and f.objective_id is not None]


def checked_in(org: Org, objective: ObjectiveRow, when: datetime) -> None:
    org.kr(objective, 0.5, last_check_in_at=when)


def test_too_many_objectives_per_owner() -> None:
    org = Org()
    sales = org.team("Sales")
    ann = org.person("Ann", team=sales)
    bob = org.person("Bob", team=sales)
    q1 = org.cycle()
    for i in range(6):  # 6 > 5: a finding
        org.objective(q1, f"Ann {i}", person=ann, krs=(0.5,), last_check_in_at=MID)
    for i in range(5):  # exactly 5: fine
        org.objective(q1, f"Bob {i}", person=bob, krs=(0.5,), last_check_in_at=MID)
    for i in range(6):
        org.objective(q1, f"Sales {i}", team=sales, krs=(0.5,), last_check_in_at=MID)
    report = health(org, q1)
    found = [f for f in report.findings if f.rule is HealthRule.TOO_MANY_OBJECTIVES]
    assert [(f.owner_person_id, f.owner_team_id, f.value, f.objective_id) for f in found] == [
        (ann.id, None, 6, None), (None, sales.id, 6, None)]
    assert found[0].severity is Severity.WARNING
    assert "6 objectives" in found[0].message


def test_key_result_count_rules() -> None:
    org = Org()
    q1 = org.cycle()
    org.objective(q1, "Six", krs=(0.5,) * 6)
    org.objective(q1, "Five", krs=(0.5,) * 5)
    org.objective(q1, "None")
    org.objective(q1, "Draft without", status=ObjectiveStatus.DRAFT)  # planning counts too
    report = health(org, q1)
    assert rule_hits(org, report, HealthRule.TOO_MANY_KEY_RESULTS) == ["Six"]
    assert rule_hits(org, report, HealthRule.NO_KEY_RESULTS) == ["None", "Draft without"]
    six = next(f for f in report.findings if f.rule is HealthRule.TOO_MANY_KEY_RESULTS)
    assert six.value == 6


def test_not_aligned() -> None:
    org = Org()
    sales = org.team("Sales")
    ann = org.person("Ann", team=sales)
    q0 = org.cycle("2025-Q4", starts_on=date(2025, 10, 1), ends_on=date(2025, 12, 31))
    q1 = org.cycle()
    company = org.objective(q1, "Company", krs=(0.5,))  # company: nothing to align to
    elsewhere = org.objective(q0, "Last quarter's", krs=(0.5,))
    gone = org.objective(q1, "Gone", team=sales, status=ObjectiveStatus.ARCHIVED)
    org.objective(q1, "Team aligned", team=sales, parent=company, krs=(0.5,))
    org.objective(q1, "Team alone", team=sales, krs=(0.5,))
    org.objective(q1, "Mine alone", person=ann, krs=(0.5,))
    org.objective(q1, "Under archived", person=ann, parent=gone, krs=(0.5,))
    org.objective(q1, "Across cycles", person=ann, parent=elsewhere, krs=(0.5,))
    report = health(org, q1)
    assert rule_hits(org, report, HealthRule.NOT_ALIGNED) == [
        "Team alone", "Mine alone", "Under archived"]
    finding = next(f for f in report.findings if f.rule is HealthRule.NOT_ALIGNED)
    assert finding.severity is Severity.INFO
    assert finding.owner_team_id == sales.id


def test_no_recent_check_in() -> None:
    org = Org()
    q1 = org.cycle()  # cadence: 7 days; now: Feb 15 12:00
    exactly = org.objective(q1, "Exactly 7 days")
    checked_in(org, exactly, MID - timedelta(days=7))
    late = org.objective(q1, "7 days 1 hour")
    checked_in(org, late, MID - timedelta(days=7, hours=1))
    org.objective(q1, "New, no check-in", krs=(0.5,), created_at=at(date(2026, 2, 10)))
    # Created before the cycle: the clock starts Jan 1; 45.5 days without a check-in.
    org.objective(q1, "Planned early", krs=(0.5,), created_at=at(date(2025, 12, 20)))
    org.objective(q1, "Objective-level check-in", krs=(0.5,),
                  last_check_in_at=MID - timedelta(days=1))
    org.objective(q1, "Draft", krs=(0.5,), status=ObjectiveStatus.DRAFT,
                  created_at=at(date(2026, 1, 1)))
    report = health(org, q1)
    # In creation order: "Planned early" was created first (Dec 20).
    assert rule_hits(org, report, HealthRule.NO_RECENT_CHECK_IN) == [
        "Planned early", "7 days 1 hour"]
    found = [f for f in report.findings if f.rule is HealthRule.NO_RECENT_CHECK_IN]
    assert [f.value for f in found] == [pytest.approx(45.5), pytest.approx(7 + 1 / 24)]
    assert "no check-in for 7 days" in found[1].message
    # A 14-day cadence clears the late one.
    relaxed = health(org, q1, policy=OkrPolicy(check_in_cadence_days=14))
    assert rule_hits(org, relaxed, HealthRule.NO_RECENT_CHECK_IN) == ["Planned early"]


def test_check_in_and_early_rules_need_an_active_cycle() -> None:
    for status in (CycleStatus.PLANNING, CycleStatus.CLOSED):
        org = Org()
        cycle = org.cycle(status=status)
        org.objective(cycle, "Idle", krs=(1.0,), created_at=at(date(2026, 1, 1)))
        report = health(org, cycle, now=EARLY)
        assert report.findings == ()


def test_achieved_early() -> None:
    org = Org()
    q1 = org.cycle()
    recent = EARLY - timedelta(days=1)
    org.objective(q1, "Stretch done", krs=(1.0,), last_check_in_at=recent)
    org.objective(q1, "Nearly", krs=(0.99,), last_check_in_at=recent)
    org.objective(q1, "Committed done", kind=Kind.COMMITTED, krs=(1.0,),
                  last_check_in_at=recent)
    early = health(org, q1, now=EARLY)  # 1/3 of the cycle < 1/2
    assert rule_hits(org, early, HealthRule.ACHIEVED_EARLY) == ["Stretch done"]
    assert early.findings[0].severity is Severity.INFO
    # At exactly half-way (45 / 90) it is no longer early.
    midway = health(org, q1, now=MID)
    assert rule_hits(org, midway, HealthRule.ACHIEVED_EARLY) == []


def test_counts_order_and_scope() -> None:
    org = Org()
    sales = org.team("Sales")
    eng = org.team("Eng")
    q1 = org.cycle()
    org.objective(q1, "Sales idle", team=sales, krs=(0.5,), created_at=at(date(2026, 1, 1)))
    org.objective(q1, "Eng empty", team=eng, last_check_in_at=MID)
    report = health(org, q1)
    # Sales idle: NOT_ALIGNED + NO_RECENT_CHECK_IN. Eng empty: NO_KEY_RESULTS + NOT_ALIGNED.
    # Ordered by rule (the HealthRule order), then by objective.
    assert [(f.rule, f.objective_id is not None) for f in report.findings] == [
        (HealthRule.NO_KEY_RESULTS, True),
        (HealthRule.NOT_ALIGNED, True),
        (HealthRule.NOT_ALIGNED, True),
        (HealthRule.NO_RECENT_CHECK_IN, True),
    ]
    assert {c.rule: c.count for c in report.counts} == {
        HealthRule.TOO_MANY_OBJECTIVES: 0,
        HealthRule.TOO_MANY_KEY_RESULTS: 0,
        HealthRule.NO_KEY_RESULTS: 1,
        HealthRule.NOT_ALIGNED: 2,
        HealthRule.NO_RECENT_CHECK_IN: 1,
        HealthRule.ACHIEVED_EARLY: 0,
        HealthRule.ONE_ON_ONE: 0,
    }
    assert report.checked_count == 2
    sales_only = health(org, q1, scope=Scope.team(sales.id))
    assert rule_hits(org, sales_only, HealthRule.NOT_ALIGNED) == ["Sales idle"]
    assert sales_only.checked_count == 1


def test_hidden_objectives_are_neither_checked_nor_counted() -> None:
    org = Org()
    ann = org.person("Ann")
    bob = org.person("Bob")
    q1 = org.cycle()
    org.objective(q1, "Secret", person=ann, private=True)
    as_bob = health(org, q1, viewer=Viewer(bob.id))
    assert (as_bob.findings, as_bob.checked_count) == ((), 0)
    assert all(c.count == 0 for c in as_bob.counts)
    as_ann = health(org, q1, viewer=Viewer(ann.id))
    assert rule_hits(org, as_ann, HealthRule.NO_KEY_RESULTS) == ["Secret"]
    assert as_ann.checked_count == 1


def test_hidden_objectives_do_not_count_towards_too_many() -> None:
    org = Org()
    ann = org.person("Ann")
    bob = org.person("Bob")
    q1 = org.cycle()
    for n in range(5):
        org.objective(q1, f"Open {n}", person=ann, krs=(0.5,))
    org.objective(q1, "Secret", person=ann, private=True, krs=(0.5,))

    def too_many(viewer: Viewer) -> list[float | None]:
        report = health(org, q1, viewer=viewer)
        return [f.value for f in report.findings if f.rule is HealthRule.TOO_MANY_OBJECTIVES]

    assert too_many(Viewer(bob.id)) == []
    assert too_many(Viewer(ann.id)) == [6]
    assert too_many(Viewer.admin()) == [6]


def test_empty_cycle() -> None:
    org = Org()
    q1 = org.cycle()
    report = health(org, q1)
    assert (report.findings, report.checked_count) == ((), 0)
    assert all(c.count == 0 for c in report.counts)
    assert len(report.counts) == len(HealthRule)


def test_findings_are_frozen() -> None:
    finding = Finding(HealthRule.NO_KEY_RESULTS, Severity.WARNING, "", None, None, None, None)
    with pytest.raises(AttributeError):
        finding.message = "changed"  # type: ignore[misc]
