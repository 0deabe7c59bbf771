"""A cycle's evolution, step by step: what the stretch analysis and the alignment coverage
said at each moment, and how many check-ins came in since the step before.

Pure functions of rows (the state of the cycle as of each step, from an "as of" replay).
Objectives the viewer may not see are left out of every figure, check-ins included
(``visibility``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID

from okr_domain.values import CycleStatus, Kind, OkrPolicy
from projections.analysis.clock import as_utc
from projections.analysis.coverage import Coverage, alignment_coverage
from projections.analysis.directory import Directory
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.scope import ORGANIZATION, Scope, scope_filter
from projections.analysis.scores import score_cycle
from projections.analysis.selection import select
from projections.analysis.stats import (
    BandCount,
    HistogramBucket,
    band_counts,
    histogram,
    mean_of,
    median_of,
    reported,
)
from projections.analysis.stretch import MET
from projections.analysis.visibility import Viewer, visible_rows
from projections.catalog.rows import CheckInRow, CycleRow, KeyResultRow, ObjectiveRow


class Interval(StrEnum):
    DAY = "DAY"
    WEEK = "WEEK"

    @property
    def length(self) -> timedelta:
        return timedelta(days=1) if self is Interval.DAY else timedelta(weeks=1)


MAX_STEPS = 400


def step_moments(starts_on: date, ends_on: date, every: Interval,
                 until: datetime) -> list[datetime]:
    """The cycle's start (midnight UTC), then every interval up to the first moment at or
    after its end (midnight after its last day); none after ``until``, where a last,
    shorter step ends instead."""
    until = as_utc(until)
    start = datetime.combine(starts_on, time.min, tzinfo=UTC)
    end = datetime.combine(ends_on, time.min, tzinfo=UTC) + timedelta(days=1)
    moments: list[datetime] = []
    moment = start
    while moment <= until and len(moments) < MAX_STEPS:
        moments.append(moment)
        if moment >= end:
            break
        moment += every.length
    if moments and moments[-1] < until and moments[-1] < end:
        moments.append(until)
    return moments


@dataclass(frozen=True)
class TimelineStep:
    """The cycle as of ``at``.

    Scores are those the stretch analysis uses (graded scores of active and closed
    objectives the viewer may see). Check-ins are those of the cycle's objectives the
    viewer may see (their key results as of the step): ``check_ins`` apply after
    the previous step and at or before this one (at the first step: since the cycle was
    created); ``check_ins_total`` is all of them so far. ``checked_in_objectives``:
    objectives counted whose latest check-in falls in the step.
    """

    at: datetime
    position: int
    status: CycleStatus | None
    objective_count: int
    aspirational_count: int
    mean: float | None
    median: float | None
    histogram: tuple[HistogramBucket, ...]
    bands: tuple[BandCount, ...]
    committed_count: int
    committed_met: int
    check_ins: int
    check_ins_total: int
    checked_in_objectives: int
    coverage: Coverage


CheckInCounts = Mapping[UUID, tuple[int, int]]
"""Per objective: its check-ins applied by a step, and those of them that apply after the
step before (all of them at the first step)."""


def count_check_ins(check_ins: Iterable[CheckInRow], since: datetime | None,
                    ) -> dict[UUID, tuple[int, int]]:
    """Check-ins counted per objective: all, and those applying after ``since``."""
    counts: dict[UUID, tuple[int, int]] = {}
    for check_in in check_ins:
        total, recent = counts.get(check_in.objective_id, (0, 0))
        counts[check_in.objective_id] = (
            total + 1, recent + (since is None or as_utc(check_in.applies_at) > since))
    return counts


@dataclass(frozen=True)
class StepInput:
    """What one step is computed from: the rows as of ``at``, the check-ins counted
    since the step before (``previous_at``)."""

    at: datetime
    position: int
    cycle: CycleRow
    objectives: Iterable[ObjectiveRow]
    key_results: Iterable[KeyResultRow]
    check_ins: CheckInCounts
    directory: Directory
    previous_at: datetime | None


def timeline_step(given: StepInput, viewer: Viewer, policy: OkrPolicy,
                  scope: Scope = ORGANIZATION,
                  options: ScoringOptions = NORMAL_RULES) -> TimelineStep:
    """The stretch analysis's distribution (``stretch.py``) and the alignment coverage
    (``coverage.py``) of one step, from the cycle's rows indexed once."""
    rows = visible_rows(given.cycle.id, given.objectives, given.key_results,
                        given.directory, viewer)
    scores = score_cycle(rows, policy, options)
    chosen = select(rows, given.directory, scope)
    aspirational = [scores[o.id].graded for o in chosen if o.kind == Kind.ASPIRATIONAL]
    committed = [scores[o.id].graded for o in chosen if o.kind == Kind.COMMITTED]
    keep = scope_filter(scope, given.directory)
    coverage = alignment_coverage([o for o in rows.objectives if keep(o)], rows,
                                  given.directory)
    since = given.previous_at
    checked_in = sum(1 for o in chosen if o.last_check_in_at is not None
                     and (since is None or as_utc(o.last_check_in_at) > since)
                     and as_utc(o.last_check_in_at) <= given.at)
    check_ins_total = check_ins = 0
    for objective_id, (total, recent) in given.check_ins.items():
        if objective_id not in rows.unseen:
            check_ins_total += total
            check_ins += recent
    return TimelineStep(
        at=given.at, position=given.position, status=given.cycle.status,
        objective_count=len(chosen), aspirational_count=len(aspirational),
        mean=reported(mean_of(aspirational)), median=reported(median_of(aspirational)),
        histogram=histogram(aspirational), bands=band_counts(aspirational, policy.bands),
        committed_count=len(committed), committed_met=sum(1 for s in committed if s >= MET),
        check_ins=check_ins, check_ins_total=check_ins_total,
        checked_in_objectives=checked_in, coverage=coverage,
    )


def empty_step(at: datetime, position: int) -> TimelineStep:
    """A step before the cycle existed."""
    return TimelineStep(at=at, position=position, status=None, objective_count=0,
                        aspirational_count=0, mean=None, median=None, histogram=(),
                        bands=(), committed_count=0, committed_met=0, check_ins=0,
                        check_ins_total=0, checked_in_objectives=0,
                        coverage=Coverage(0, 0, None, ()))

