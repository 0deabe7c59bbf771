"""Small statistics over scores: mean, median, the 10-bucket histogram, band counts.

All exact: buckets and bands are decided on the exact score against exact edges, so a
score of exactly 0.4 falls in [0.4, 0.5).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from okr_domain.scoring import Number, as_float, exact, stretch_band, total
from okr_domain.values import Band, BandEdges
from projections.analysis.coverage import share

BUCKETS = 10
STRETCH_BANDS = (Band.LOW, Band.PROGRESS, Band.SWEET_SPOT, Band.HIGH, Band.TOO_SAFE)


@dataclass(frozen=True)
class HistogramBucket:
    """Scores in [lower, upper); the last bucket is [0.9, 1.0], upper included.

    Uncapped scores below 0 count in the first bucket and above 1 in the last.
    """

    lower: float
    upper: float
    count: int


@dataclass(frozen=True)
class BandCount:
    band: Band
    count: int
    share: float | None


def mean_of(values: Sequence[Number]) -> Fraction | None:
    return total(values) / len(values) if values else None


def median_of(values: Sequence[Number]) -> Fraction | None:
    if not values:
        return None
    # Scores repeat: the distinct ones are sorted, each with its count.
    counts = Counter(exact(v) for v in values)
    ordered = [value for value in sorted(counts) for _ in range(counts[value])]
    return statistics.median(ordered)


def bucket_of(score: Number) -> int:
    """The bucket of the exact score: floor(10 x score), kept within 0 .. 9 (a score on
    an inner edge, a tenth, falls in the bucket above it)."""
    value = exact(score)
    return min(BUCKETS - 1, max(0, value.numerator * BUCKETS // value.denominator))


def histogram(scores: Sequence[Number]) -> tuple[HistogramBucket, ...]:
    counts = Counter(bucket_of(s) for s in scores)
    return tuple(
        HistogramBucket(i / BUCKETS, (i + 1) / BUCKETS, counts.get(i, 0))
        for i in range(BUCKETS)
    )


def band_counts(scores: Sequence[Number], edges: BandEdges) -> tuple[BandCount, ...]:
    """Count and share per stretch band (``okr_domain.scoring.stretch_band``)."""
    counts = Counter(stretch_band(s, edges) for s in scores)
    return tuple(BandCount(b, counts.get(b, 0), share(counts.get(b, 0), len(scores)))
                 for b in STRETCH_BANDS)


def reported(value: Fraction | None) -> float | None:
    """An exact result as the float reported for display (None stays None)."""
    return None if value is None else as_float(value)
