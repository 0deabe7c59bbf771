"""The practice around check-ins: what is due from a person, and a 1:1's picture.

Pure functions of catalog rows and a moment (``now`` is an input, never read here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from uuid import UUID
from zoneinfo import ZoneInfo

from okr_domain.values import CycleStatus, ObjectiveStatus
from projections.analysis.clock import as_utc, cycle_starts_at
from projections.catalog.rows import CheckInRow, CycleRow, KeyResultRow, ObjectiveRow


@dataclass(frozen=True)
class DueCheckIn:
    key_result: KeyResultRow
    objective: ObjectiveRow
    due_since: datetime


def check_ins_due(objectives: Iterable[ObjectiveRow], key_results: Iterable[KeyResultRow],
                  cycles: Mapping[UUID, CycleRow], cadence_days: int,
                  now: datetime) -> list[DueCheckIn]:
    """Key results of ACTIVE objectives in ACTIVE cycles whose latest check-in (or,
    without one, the objective's creation or the cycle's start, whichever is later) is
    at least the cadence old; the longest overdue first."""
    by_id = {o.id: o for o in objectives if o.status is ObjectiveStatus.ACTIVE}
    cadence = timedelta(days=cadence_days)
    due: list[DueCheckIn] = []
    for kr in key_results:
        objective = by_id.get(kr.objective_id)
        cycle = cycles.get(objective.cycle_id) if objective else None
        if objective is None or cycle is None or cycle.status is not CycleStatus.ACTIVE:
            continue
        since = _last_check_in(kr, objective, cycle) + cadence
        if since <= as_utc(now):
            due.append(DueCheckIn(kr, objective, since))
    due.sort(key=lambda d: (d.due_since, d.objective.created_position, d.key_result.sort_index))
    return due


def _last_check_in(kr: KeyResultRow, objective: ObjectiveRow, cycle: CycleRow) -> datetime:
    if kr.last_check_in_at is not None:
        return as_utc(kr.last_check_in_at)
    start = cycle_starts_at(cycle)
    return start if objective.created_at is None else max(start, as_utc(objective.created_at))


def due_period(cycle: CycleRow, cadence_days: int, now: datetime, zone: ZoneInfo) -> int:
    """Which cadence period of the cycle ``now`` falls in, counting days in the
    organization's time zone from the cycle's first day (period 0)."""
    today = as_utc(now).astimezone(zone).date()
    return max(0, (today - cycle.starts_on).days) // cadence_days


def period_starts_at(cycle: CycleRow, cadence_days: int, period: int,
                     zone: ZoneInfo) -> datetime:
    """Local midnight of the period's first day."""
    day = cycle.starts_on + timedelta(days=period * cadence_days)
    return datetime.combine(day, time.min, tzinfo=zone)


@dataclass(frozen=True)
class ConfidencePoint:
    at: datetime
    """The start of the week (the cycle's first day, then every seventh day)."""
    confidence: Fraction
    """The mean of the confidences given that week, exact."""


def confidence_trend(cycle: CycleRow, check_ins: Sequence[CheckInRow],
                     now: datetime) -> list[ConfidencePoint]:
    """The mean confidence per week of the cycle (weeks from its first day; a week
    without a check-in giving a confidence has no point), up to ``now``."""
    weeks: dict[int, list[int]] = {}
    last_day = min(cycle.ends_on, as_utc(now).date())
    for check_in in check_ins:
        day = as_utc(check_in.applies_at).date()
        if check_in.confidence is None or not cycle.starts_on <= day <= last_day:
            continue
        weeks.setdefault((day - cycle.starts_on).days // 7, []).append(check_in.confidence)
    return [ConfidencePoint(_week_start(cycle.starts_on, week),
                            Fraction(sum(values), len(values)))
            for week, values in sorted(weeks.items())]


def _week_start(first: date, week: int) -> datetime:
    """Midnight UTC of the week's first day (cycles are whole UTC days)."""
    return datetime.combine(first + timedelta(days=7 * week), time.min, tzinfo=UTC)
