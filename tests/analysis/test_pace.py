"""Pace during the cycle: expected score by elapsed days, and objectives behind pace."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from okr_domain.values import CycleStatus, Kind
from projections.analysis import Pace, Viewer, stretch_analysis
from projections.analysis.clock import elapsed_fraction
from projections.catalog.rows import CycleRow

from .factories import Org, at

MID = at(date(2026, 2, 15), 12)  # 2026-Q1 is 90 days; Jan 1 + 45 days: 45 / 90 = 0.5


def paced(org: Org, cycle: CycleRow, now: datetime = MID, tolerance: float = 0.1) -> Pace:
    result = stretch_analysis(cycle, org.objectives, org.key_results, org.directory,
                              Viewer.admin(), org.policy, now, pace_tolerance=tolerance)
    assert result.pace is not None
    return result.pace


def pace_org() -> tuple[Org, CycleRow]:
    org = Org()
    q1 = org.cycle()
    for title, score in (("A1", 0.3), ("A2", 0.25), ("A3", 0.1)):
        org.objective(q1, title, krs=(score,))
    for title, score in (("C1", 0.45), ("C2", 0.2), ("C3", 0.4)):
        org.objective(q1, title, kind=Kind.COMMITTED, krs=(score,))
    return org, q1


def titles(org: Org, result: Pace) -> list[str]:
    by_id = {o.id: o.title for o in org.objectives}
    return [by_id[b.objective_id] for b in result.behind]


def test_elapsed_fraction_in_whole_days() -> None:
    q1 = Org().cycle()
    assert elapsed_fraction(q1, at(date(2026, 1, 1), 23)) == 0.0  # the first day
    assert elapsed_fraction(q1, MID) == 0.5  # 45 / 90
    assert elapsed_fraction(q1, at(date(2026, 3, 31), 12)) == 89 / 90  # the last day
    assert elapsed_fraction(q1, at(date(2026, 4, 1))) == 1.0  # after the end
    assert elapsed_fraction(q1, at(date(2025, 12, 1))) == 0.0  # before the start
    # Times are taken in UTC; a naive datetime is UTC already.
    plus5 = timezone(timedelta(hours=5))
    assert elapsed_fraction(q1, datetime(2026, 2, 16, 2, tzinfo=plus5)) == 0.5
    assert elapsed_fraction(q1, datetime(2026, 2, 15, 12)) == 0.5


def test_expected_and_actual() -> None:
    org, q1 = pace_org()
    result = paced(org, q1)
    assert result.elapsed_fraction == 0.5
    # Aspirational heads for 0.7: 0.5 * 0.7 = 0.35. Committed heads for 1.0: 0.5.
    assert result.aspirational_expected == pytest.approx(0.35)
    assert result.committed_expected == pytest.approx(0.5)
    # (0.3 + 0.25 + 0.1) / 3 = 0.21666...; (0.45 + 0.2 + 0.4) / 3 = 0.35.
    assert result.aspirational_mean == pytest.approx(0.65 / 3)
    assert result.committed_mean == pytest.approx(0.35)


def test_behind_pace_beyond_the_tolerance() -> None:
    org, q1 = pace_org()
    result = paced(org, q1)
    # Aspirational: behind below 0.35 - 0.1 = 0.25: A3 (gap 0.35 - 0.1 = 0.25); A2 sits
    # exactly at 0.25 and is not behind. Committed: below 0.5 - 0.1 = 0.4: C2 (gap 0.3);
    # C3 sits exactly at 0.4. Largest gap first.
    assert titles(org, result) == ["C2", "A3"]
    assert [b.gap for b in result.behind] == [pytest.approx(0.3), pytest.approx(0.25)]
    assert result.behind[0].expected == pytest.approx(0.5)
    assert result.behind[0].kind is Kind.COMMITTED
    assert result.tolerance == 0.1


def test_zero_tolerance() -> None:
    org, q1 = pace_org()
    # Below 0.35: A1 0.3, A2 0.25, A3 0.1. Below 0.5: C1 0.45, C2 0.2, C3 0.4.
    # Gaps: A1 .05, A2 .1, A3 .25, C1 .05, C2 .3, C3 .1.
    assert titles(org, paced(org, q1, tolerance=0.0)) == ["C2", "A3", "A2", "C3", "A1", "C1"]


def test_nobody_is_behind_on_the_first_day() -> None:
    org, q1 = pace_org()
    result = paced(org, q1, now=at(date(2026, 1, 1), 9))
    assert (result.elapsed_fraction, result.behind) == (0.0, ())


def test_pace_only_while_the_cycle_is_active() -> None:
    for status in (CycleStatus.PLANNING, CycleStatus.CLOSED):
        org = Org()
        cycle = org.cycle(status=status)
        result = stretch_analysis(cycle, [], [], org.directory, Viewer.admin(), org.policy,
                                  MID)
        assert result.pace is None
