"""Small statistics over scores: mean, median, the 10-bucket histogram, band counts."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from okr_domain.scoring import stretch_band
from okr_domain.values import Band, BandEdges
from projections.analysis.coverage import share

BUCKETS = 10
# The inner edges 0.1 .. 0.9; a score on an edge falls in the bucket above it.
HISTOGRAM_EDGES = tuple(i / BUCKETS for i in range(1, BUCKETS))
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


def mean_of(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def median_of(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def bucket_of(score: float) -> int:
    return bisect_right(HISTOGRAM_EDGES, score)


def histogram(scores: Sequence[float]) -> tuple[HistogramBucket, ...]:
    counts = Counter(bucket_of(s) for s in scores)
    return tuple(
        HistogramBucket(i / BUCKETS, (i + 1) / BUCKETS, counts.get(i, 0))
        for i in range(BUCKETS)
    )


def band_counts(scores: Sequence[float], edges: BandEdges) -> tuple[BandCount, ...]:
    """Count and share per stretch band (``okr_domain.scoring.stretch_band``)."""
    counts = Counter(stretch_band(s, edges) for s in scores)
    return tuple(BandCount(b, counts.get(b, 0), share(counts.get(b, 0), len(scores)))
                 for b in STRETCH_BANDS)
