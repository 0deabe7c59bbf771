"""Pace during a cycle: where scores should be by now, and who is behind.

The expected score grows linearly with the elapsed share of the cycle's days, up to the
score each kind should end at: 1.0 for committed objectives, the stretch target (0.7) for
aspirational ones, so a well-set stretch objective is not flagged for heading to 0.7. An
objective is behind pace when its score is more than ``tolerance`` (0.1 by default) below
its expected score. Decided on exact values (a score exactly at the tolerance below
expected is not behind); the numbers reported are floats for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from uuid import UUID

from okr_domain import scoring
from okr_domain.scoring import FULL, Number, as_float, below, exact
from okr_domain.values import Band, BandEdges, Kind
from projections.analysis.scores import ObjectiveScore
from projections.analysis.stats import mean_of, reported
from projections.catalog.rows import ObjectiveRow

STRETCH_TARGET = 0.7
COMMITTED_TARGET = 1.0
PACE_TOLERANCE = 0.1


@dataclass(frozen=True)
class BehindPace:
    objective_id: UUID
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    kind: Kind
    score: float
    expected: float
    gap: float


@dataclass(frozen=True)
class Pace:
    """``behind`` is ordered by gap, largest first (ties in creation order)."""

    elapsed_fraction: float
    tolerance: float
    aspirational_expected: float
    aspirational_mean: float | None
    committed_expected: float
    committed_mean: float | None
    behind: tuple[BehindPace, ...]


def end_target(kind: Kind) -> Fraction:
    return FULL if kind == Kind.COMMITTED else exact(STRETCH_TARGET)


def expected_score(kind: Kind, elapsed: Number) -> Fraction:
    """Where an objective of ``kind`` should be after ``elapsed`` of its cycle."""
    return exact(elapsed) * end_target(kind)


def behind_by(score: Number, kind: Kind, elapsed: Number,
              tolerance: Number = PACE_TOLERANCE) -> Fraction | None:
    """How far below its expected score an objective is, when that is more than
    ``tolerance`` (None: on pace)."""
    gap = expected_score(kind, elapsed) - exact(score)
    return gap if gap > exact(tolerance) else None


def objective_band(score: Number, kind: Kind, edges: BandEdges,
                   elapsed: Number | None) -> Band:
    """The band an objective shows. Aspirational: its stretch band. Committed: MET or
    MISSED is the verdict at close (``elapsed`` None: graded, or graded as if closing
    now); before it, BEHIND when ``behind_by`` says so at the elapsed share of the
    cycle, else ON_TRACK."""
    if kind is Kind.COMMITTED and elapsed is not None:
        return Band.ON_TRACK if behind_by(score, kind, elapsed) is None else Band.BEHIND
    return scoring.band(score, kind, edges)


def pace(objectives: Sequence[ObjectiveRow], scores: Mapping[UUID, ObjectiveScore],
         elapsed: Number, tolerance: Number = PACE_TOLERANCE) -> Pace:
    aspirational = [scores[o.id].graded for o in objectives if o.kind == Kind.ASPIRATIONAL]
    committed = [scores[o.id].graded for o in objectives if o.kind == Kind.COMMITTED]
    expected = {kind: expected_score(kind, elapsed) for kind in Kind}
    # Behind: below expected minus the tolerance (what ``behind_by`` decides).
    limits = {kind: value - exact(tolerance) for kind, value in expected.items()}
    gaps: list[tuple[Fraction, BehindPace]] = []
    for objective in objectives:
        kind = Kind(objective.kind)
        actual = scores[objective.id].graded
        if below(actual, limits[kind]):
            gap = expected[kind] - actual
            gaps.append((gap, BehindPace(
                objective.id, objective.owner_team_id, objective.owner_person_id, kind,
                as_float(actual), as_float(expected[kind]), as_float(gap))))
    # Largest gap first; equal gaps keep creation order (the sort is stable).
    gaps.sort(key=lambda found: -found[0])
    return Pace(
        elapsed_fraction=as_float(elapsed),
        tolerance=float(tolerance),
        aspirational_expected=as_float(expected[Kind.ASPIRATIONAL]),
        aspirational_mean=reported(mean_of(aspirational)),
        committed_expected=as_float(expected[Kind.COMMITTED]),
        committed_mean=reported(mean_of(committed)),
        behind=tuple(b for _, b in gaps),
    )
