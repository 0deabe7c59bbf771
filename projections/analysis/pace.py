"""Pace during a cycle: where scores should be by now, and who is behind.

The expected score grows linearly with the elapsed fraction of the cycle's days, up to
the score each kind should end at: 1.0 for committed objectives, the stretch target
(0.7) for aspirational ones, so a well-set stretch objective is not flagged for heading
to 0.7. An objective is behind pace when its score is more than ``tolerance`` (0.1 by
default) below its expected score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from okr_domain.values import Kind
from projections.analysis.scores import ObjectiveScore
from projections.analysis.stats import mean_of
from projections.model import ObjectiveRow

STRETCH_TARGET = 0.7
COMMITTED_TARGET = 1.0
PACE_TOLERANCE = 0.1
# Absorbs float noise when a score sits exactly at the tolerance below expected.
_SLACK = 1e-9


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


def end_target(kind: Kind) -> float:
    return COMMITTED_TARGET if kind == Kind.COMMITTED else STRETCH_TARGET


def pace(objectives: Sequence[ObjectiveRow], scores: Mapping[UUID, ObjectiveScore],
         elapsed: float, tolerance: float = PACE_TOLERANCE) -> Pace:
    aspirational = [scores[o.id].graded for o in objectives if o.kind == Kind.ASPIRATIONAL]
    committed = [scores[o.id].graded for o in objectives if o.kind == Kind.COMMITTED]
    behind: list[BehindPace] = []
    for objective in objectives:
        kind = Kind(objective.kind)
        expected = elapsed * end_target(kind)
        actual = scores[objective.id].graded
        if actual < expected - tolerance - _SLACK:
            behind.append(BehindPace(objective.id, objective.owner_team_id,
                                     objective.owner_person_id, kind, actual, expected,
                                     expected - actual))
    # Largest gap first; equal gaps (to float noise) keep creation order.
    behind.sort(key=lambda b: -round(b.gap, 9))
    return Pace(
        elapsed_fraction=elapsed,
        tolerance=tolerance,
        aspirational_expected=elapsed * STRETCH_TARGET,
        aspirational_mean=mean_of(aspirational),
        committed_expected=elapsed * COMMITTED_TARGET,
        committed_mean=mean_of(committed),
        behind=tuple(behind),
    )
