"""Time helpers: cycles are calendar dates, taken as whole UTC days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from fractions import Fraction

from projections.catalog.rows import CycleRow


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def cycle_starts_at(cycle: CycleRow) -> datetime:
    """Midnight UTC at the start of the cycle's first day."""
    return datetime.combine(cycle.starts_on, time.min, tzinfo=UTC)


def cycle_days(cycle: CycleRow) -> int:
    """The number of days in the cycle, both end days included."""
    return (cycle.ends_on - cycle.starts_on).days + 1


def elapsed_days(cycle: CycleRow, now: datetime) -> int:
    """Whole days of the cycle completed before ``now``'s day, in [0, cycle_days]."""
    days = (as_utc(now).date() - cycle.starts_on).days
    return min(cycle_days(cycle), max(0, days))


def elapsed_share(cycle: CycleRow, now: datetime) -> Fraction:
    """Elapsed whole days over the cycle's days, exact: 0 on the first day, 1 after the
    last. A 90-day cycle starting on 1 January is at 45/90 = 1/2 on 15 February."""
    return Fraction(elapsed_days(cycle, now), cycle_days(cycle))


def elapsed_fraction(cycle: CycleRow, now: datetime) -> float:
    """``elapsed_share`` as a float, for display."""
    return elapsed_days(cycle, now) / cycle_days(cycle)


def days_between(earlier: datetime, later: datetime) -> timedelta:
    return as_utc(later) - as_utc(earlier)
