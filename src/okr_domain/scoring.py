"""Scoring rules (DESIGN section 1), in one place.

Metric values are exact decimals; progress and scores are floats. The raw progress is
kept alongside the score so that re-scoring under an uncapped policy stays possible.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from okr_domain.errors import ErrorCode, InvalidInput
from okr_domain.values import Band, BandEdges, Kind, MetricType

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def normalize_bounds(
    metric: MetricType, start: Decimal | None, target: Decimal | None
) -> tuple[Decimal, Decimal]:
    """Check a key result's start and target, filling in the fixed ones.

    BINARY is 0 -> 1 and MILESTONE is 0 -> 100 (percent done) whatever was given.
    """
    if metric is MetricType.BINARY:
        return ZERO, ONE
    if metric is MetricType.MILESTONE:
        return ZERO, HUNDRED
    if target is None:
        raise InvalidInput(f"{metric.value} needs a target", field="target")
    if not target.is_finite() or (start is not None and not start.is_finite()):
        raise InvalidInput("start and target must be finite numbers", field="target")
    if metric in (MetricType.STAY_AT_OR_ABOVE, MetricType.STAY_AT_OR_BELOW):
        return (start if start is not None else target), target
    if start is None:
        raise InvalidInput(f"{metric.value} needs a start value", field="start")
    if target == start:
        raise InvalidInput(
            "target must differ from start", field="target", code=ErrorCode.TARGET_EQUALS_START
        )
    if metric is MetricType.INCREASE_TO and target < start:
        raise InvalidInput(
            "INCREASE_TO needs a target above the start (use DECREASE_TO)",
            field="target",
            code=ErrorCode.TARGET_DIRECTION,
        )
    if metric is MetricType.DECREASE_TO and target > start:
        raise InvalidInput(
            "DECREASE_TO needs a target below the start (use INCREASE_TO)",
            field="target",
            code=ErrorCode.TARGET_DIRECTION,
        )
    return start, target


def check_value(metric: MetricType, value: Decimal) -> None:
    """Reject values a metric cannot take (a check-in's new value)."""
    if not value.is_finite():
        raise InvalidInput("value must be a finite number", field="value")
    if metric is MetricType.BINARY and value not in (ZERO, ONE):
        raise InvalidInput(
            "a BINARY key result takes 0 or 1", field="value", code=ErrorCode.VALUE_OUT_OF_RANGE
        )
    if metric is MetricType.MILESTONE and not ZERO <= value <= HUNDRED:
        raise InvalidInput(
            "a MILESTONE key result takes a percentage in [0, 100]",
            field="value",
            code=ErrorCode.VALUE_OUT_OF_RANGE,
        )


def progress(metric: MetricType, start: Decimal, target: Decimal, current: Decimal) -> float:
    """Raw progress: may be negative or above 1 for the INCREASE/DECREASE kinds."""
    if metric is MetricType.STAY_AT_OR_ABOVE:
        return 1.0 if current >= target else 0.0
    if metric is MetricType.STAY_AT_OR_BELOW:
        return 1.0 if current <= target else 0.0
    if metric is MetricType.BINARY:
        return 1.0 if current >= ONE else 0.0
    if metric is MetricType.DECREASE_TO:
        return float((start - current) / (start - target))
    # INCREASE_TO and MILESTONE
    return float((current - start) / (target - start))


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def score(metric: MetricType, start: Decimal, target: Decimal, current: Decimal) -> float:
    """A key result's score: its progress clamped to [0, 1]."""
    return clamp(progress(metric, start, target, current))


def weighted_mean(scores: Iterable[tuple[float, float]]) -> float:
    """Weighted mean of (score, weight) pairs; 0.0 when there is nothing to weigh."""
    total = 0.0
    weights = 0.0
    for value, weight in scores:
        total += value * weight
        weights += weight
    if weights <= 0.0:
        return 0.0
    return clamp(total / weights)


def band(score_: float, kind: Kind, edges: BandEdges) -> Band:
    """The grading band of a final score (committed: MET/MISSED)."""
    if kind is Kind.COMMITTED:
        return Band.MET if score_ >= 1.0 else Band.MISSED
    return stretch_band(score_, edges)


def stretch_band(score_: float, edges: BandEdges) -> Band:
    """Aspirational bands: LOW < low <= PROGRESS < sweet_from <= SWEET_SPOT <= sweet_to
    < HIGH < too_safe <= TOO_SAFE."""
    if score_ < edges.low:
        return Band.LOW
    if score_ < edges.sweet_from:
        return Band.PROGRESS
    if score_ <= edges.sweet_to:
        return Band.SWEET_SPOT
    if score_ < edges.too_safe:
        return Band.HIGH
    return Band.TOO_SAFE
