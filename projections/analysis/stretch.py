"""The "70% stretch" analysis of a cycle, for the organization, a team or a person.

Scores are the graded ones (see ``scores.py``): for a closed cycle the final grades as
recorded at close (overrides included); for an open one the score the objective would be
graded at now, rolled up per the policy's rule. Bands use the given policy's edges, so
re-banding under another policy needs no new grades. Drafts are left out; objectives the
viewer may not see are neither scored nor counted, nor rolled up into their parents'
scores (``visibility``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from okr_domain.scoring import as_float, exact
from okr_domain.values import CycleStatus, Kind, OkrPolicy
from projections.analysis.clock import elapsed_share
from projections.analysis.coverage import share
from projections.analysis.directory import Directory
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.pace import PACE_TOLERANCE, STRETCH_TARGET, Pace, pace
from projections.analysis.scope import ORGANIZATION, Scope
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
from projections.analysis.visibility import Viewer, visible_rows
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow

# A committed objective counts as met at this score (okr_domain.scoring.band: MET).
MET = 1


@dataclass(frozen=True)
class StretchAnalysis:
    """``distance_from_target`` is the aspirational mean minus 0.7 (positive: safer).

    ``pace`` is given while the cycle is ACTIVE, None otherwise.
    """

    cycle_id: UUID
    scope: Scope
    final_grades: bool
    aspirational_count: int
    mean: float | None
    median: float | None
    distance_from_target: float | None
    histogram: tuple[HistogramBucket, ...]
    bands: tuple[BandCount, ...]
    committed_count: int
    committed_met: int
    committed_hit_rate: float | None
    pace: Pace | None


def stretch_analysis(
    cycle: CycleRow,
    objectives: Iterable[ObjectiveRow],
    key_results: Iterable[KeyResultRow],
    directory: Directory,
    viewer: Viewer,
    policy: OkrPolicy,
    now: datetime,
    scope: Scope = ORGANIZATION,
    options: ScoringOptions = NORMAL_RULES,
    pace_tolerance: float = PACE_TOLERANCE,
) -> StretchAnalysis:
    rows = visible_rows(cycle.id, objectives, key_results, directory, viewer)
    scores = score_cycle(rows, policy, options)
    chosen = select(rows, directory, scope)
    aspirational = [scores[o.id].graded for o in chosen if o.kind == Kind.ASPIRATIONAL]
    committed = [scores[o.id].graded for o in chosen if o.kind == Kind.COMMITTED]
    met = sum(1 for s in committed if s >= MET)
    mean = mean_of(aspirational)
    target = exact(STRETCH_TARGET)
    return StretchAnalysis(
        cycle_id=cycle.id,
        scope=scope,
        final_grades=cycle.status == CycleStatus.CLOSED and options.use_final_grades,
        aspirational_count=len(aspirational),
        mean=reported(mean),
        median=reported(median_of(aspirational)),
        distance_from_target=None if mean is None else as_float(mean - target),
        histogram=histogram(aspirational),
        bands=band_counts(aspirational, policy.bands),
        committed_count=len(committed),
        committed_met=met,
        committed_hit_rate=share(met, len(committed)),
        pace=(pace(chosen, scores, elapsed_share(cycle, now), pace_tolerance)
              if cycle.status == CycleStatus.ACTIVE else None),
    )
