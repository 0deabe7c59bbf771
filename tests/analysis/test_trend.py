"""Ambition across cycles: mean aspirational score per person and team, and flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from okr_domain.values import Band, CycleStatus, Kind, ObjectiveStatus, Visibility
from projections.analysis import (
    AmbitionTrend,
    AmbitionTrends,
    OwnerKind,
    Scope,
    TrendFlag,
    Viewer,
    ambition_trends,
)
from projections.catalog.rows import CycleRow, PersonRow, TeamRow

from .factories import Org

CLOSED = ObjectiveStatus.CLOSED


@dataclass
class History:
    org: Org
    q3: CycleRow
    q4: CycleRow
    q1: CycleRow
    sales: TeamRow
    ann: PersonRow
    bob: PersonRow
    cat: PersonRow
    dan: PersonRow


def history() -> History:
    org = Org()
    sales = org.team("Sales")
    eng = org.team("Eng")
    ann = org.person("Ann", team=sales)
    bob = org.person("Bob", team=sales)
    cat = org.person("Cat", team=eng)
    dan = org.person("Dan", team=eng)
    q3 = org.cycle("2025-Q3", starts_on=date(2025, 7, 1), ends_on=date(2025, 9, 30),
                   status=CycleStatus.CLOSED)
    q1 = org.cycle("2026-Q1")  # created out of order: the result sorts by date
    q4 = org.cycle("2025-Q4", starts_on=date(2025, 10, 1), ends_on=date(2025, 12, 31),
                   status=CycleStatus.CLOSED)
    # Ann: Q3 0.95; Q4 (1.0 + 0.8) / 2 = 0.9 (exactly the too-safe edge); Q1 0.5.
    org.objective(q3, "Ann Q3", person=ann, final_score=0.95, krs=(0.95,), status=CLOSED)
    org.objective(q4, "Ann Q4a", person=ann, final_score=1.0, krs=(1.0,), status=CLOSED)
    org.objective(q4, "Ann Q4b", person=ann, final_score=0.8, krs=(0.8,), status=CLOSED)
    org.objective(q1, "Ann Q1", person=ann, krs=(0.5,))
    # Bob: Q3 0.2; Q4 only a committed objective (the run breaks); Q1 0.1.
    org.objective(q3, "Bob Q3", person=bob, final_score=0.2, krs=(0.2,), status=CLOSED)
    org.objective(q4, "Bob Q4", person=bob, kind=Kind.COMMITTED, final_score=1.0,
                  krs=(1.0,), status=CLOSED)
    org.objective(q1, "Bob Q1", person=bob, krs=(0.1,))
    # Cat: Q4 0.25, Q1 0.29: LOW twice running.
    org.objective(q4, "Cat Q4", person=cat, final_score=0.25, krs=(0.25,), status=CLOSED)
    org.objective(q1, "Cat Q1", person=cat, krs=(0.29,))
    # Dan: Q4 0.3 (exactly the low edge: PROGRESS, not LOW), Q1 0.1.
    org.objective(q4, "Dan Q4", person=dan, final_score=0.3, krs=(0.3,), status=CLOSED)
    org.objective(q1, "Dan Q1", person=dan, krs=(0.1,))
    # Team Sales: Q3 0.95, Q4 0.92 (final grade; its key result says 0.5).
    org.objective(q3, "Sales Q3", team=sales, final_score=0.95, krs=(0.95,), status=CLOSED)
    org.objective(q4, "Sales Q4", team=sales, final_score=0.92, krs=(0.5,), status=CLOSED)
    # Team Eng: Q1 0.6 alone.
    org.objective(q1, "Eng Q1", team=eng, krs=(0.6,))
    return History(org, q3, q4, q1, sales, ann, bob, cat, dan)


def trends(h: History, scope: Scope | None = None,
           viewer: Viewer | None = None) -> AmbitionTrends:
    return ambition_trends([h.q1, h.q3, h.q4], h.org.objectives, h.org.key_results,
                           h.org.directory, viewer or Viewer.admin(), h.org.policy,
                           scope or Scope.organization())


def of(result: AmbitionTrends, owner_id: UUID) -> AmbitionTrend:
    return next(t for t in (*result.people, *result.teams) if t.owner_id == owner_id)


def means(trend: AmbitionTrend) -> list[float | None]:
    return [None if p.mean is None else round(p.mean, 9) for p in trend.points]


def test_cycles_in_calendar_order_and_one_point_each() -> None:
    h = history()
    result = trends(h)
    assert result.cycle_ids == (h.q3.id, h.q4.id, h.q1.id)
    ann = of(result, h.ann.id)
    assert ann.owner_kind is OwnerKind.PERSON
    assert means(ann) == [0.95, 0.9, 0.5]
    assert [p.count for p in ann.points] == [1, 2, 1]
    assert [p.band for p in ann.points] == [Band.TOO_SAFE, Band.TOO_SAFE, Band.PROGRESS]
    bob = of(result, h.bob.id)
    assert means(bob) == [0.2, None, 0.1]
    assert bob.points[1].band is None


def test_flags_two_cycles_running() -> None:
    h = history()
    result = trends(h)
    # Ann 0.95 then 0.9 (>= 0.9 twice): TOO_SAFE. Bob 0.2, none, 0.1: the run breaks.
    # Cat 0.25 then 0.29 (< 0.3 twice): LOW. Dan 0.3 then 0.1: 0.3 is not LOW.
    assert of(result, h.ann.id).flags == (TrendFlag.TOO_SAFE,)
    assert of(result, h.bob.id).flags == ()
    assert of(result, h.cat.id).flags == (TrendFlag.LOW,)
    assert of(result, h.dan.id).flags == ()
    # Sales: 0.95 then the final grade 0.92: TOO_SAFE.
    sales = of(result, h.sales.id)
    assert sales.owner_kind is OwnerKind.TEAM
    assert means(sales) == [0.95, 0.92, None]
    assert sales.flags == (TrendFlag.TOO_SAFE,)
    assert [t.owner_id for t in result.flagged] == [h.ann.id, h.cat.id, h.sales.id]


def test_ordered_by_name() -> None:
    h = history()
    result = trends(h)
    assert [t.owner_id for t in result.people] == [h.ann.id, h.bob.id, h.cat.id, h.dan.id]
    assert [h.org.directory.teams[t.owner_id].name for t in result.teams] == ["Eng", "Sales"]


def test_scope_to_a_team() -> None:
    h = history()
    result = trends(h, Scope.team(h.sales.id))
    assert [t.owner_id for t in result.people] == [h.ann.id, h.bob.id]
    assert [t.owner_id for t in result.teams] == [h.sales.id]


def test_private_objectives_left_out_for_others() -> None:
    h = history()
    for objective in h.org.objectives:
        if objective.title == "Ann Q4b":
            objective.visibility = Visibility.PRIVATE
    # Bob cannot see Ann's 0.8: her Q4 mean is 1.0 for him, over one objective.
    result = trends(h, viewer=Viewer(h.bob.id))
    assert means(of(result, h.ann.id)) == [0.95, 1.0, 0.5]
    assert [p.count for p in of(result, h.ann.id).points][1] == 1
    assert means(of(trends(h, viewer=Viewer(h.ann.id)), h.ann.id))[1] == 0.9


def test_no_cycles() -> None:
    h = history()
    result = ambition_trends([], h.org.objectives, h.org.key_results, h.org.directory,
                             Viewer.admin(), h.org.policy)
    assert (result.cycle_ids, result.people, result.teams) == ((), (), ())
