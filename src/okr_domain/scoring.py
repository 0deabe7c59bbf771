"""Scoring rules, in one place (the README's "Scores and bands" says them for callers).

Metric values are exact decimals, and progress, scores, means and roll-ups are exact
rationals (``Fraction``): 0.5 x 1 + 0.8 x 2 over 3 is 7/10, in SWEET_SPOT. Every band is
decided on the exact value against exact edges. A float that comes in (a weight, a band
edge, an override) stands for its decimal text: 0.7 is 7/10. Floats go out for display
only (``display``). The raw progress is kept alongside the score so that re-scoring
under an uncapped policy stays possible.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import overload

from okr_domain.errors import ErrorCode, InvalidInput
from okr_domain.values import Band, BandEdges, Kind, MetricType

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
NONE = Fraction(0)
FULL = Fraction(1)
DISPLAY_PLACES = 4

Number = Fraction | Decimal | float | int
"""What scoring takes in; results are ``Fraction``."""


@lru_cache(maxsize=4096)
def _float_value(value: float) -> Fraction:
    return Fraction(Decimal(repr(value)))


def exact(value: Number) -> Fraction:
    """The exact value of a number. A float is read by its shortest decimal text, so a
    weight or edge given as 0.7 is exactly 7/10 (not the binary value nearest to it)."""
    kind = type(value)
    if kind is Fraction:
        return value  # type: ignore[return-value]
    if kind is float:
        if not math.isfinite(value):
            raise InvalidInput("a score must be a finite number")
        return _float_value(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return exact(float(value))
    return Fraction(value)


def rounded(value: Number, places: int) -> int:
    """``value`` times 10**places, rounded to an integer (ties to even)."""
    unit: int = 10**places
    scaled = exact(value) * unit
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * remainder
    if twice > scaled.denominator or (twice == scaled.denominator and quotient % 2):
        quotient += 1
    return quotient


@overload
def display(value: Number) -> float: ...


@overload
def display(value: None) -> None: ...


def display(value: Number | None) -> float | None:
    """A score for display: the exact value rounded to 4 decimal places (2/3 shows as
    0.6667, 7/10 as 0.7; None stays None). Never decide on it."""
    if value is None:
        return None
    unit: int = 10**DISPLAY_PLACES
    return rounded(value, DISPLAY_PLACES) / unit


def as_float(value: Number) -> float:
    """The float nearest the exact value, for fields that stay floats (event fields,
    reported numbers). Never decide on it."""
    value_ = exact(value)
    return value_.numerator / value_.denominator


def fixed_text(value: Number, places: int) -> str:
    """The exact value as decimal text with ``places`` decimals: ``0.700000``."""
    units = rounded(value, places)
    sign = "-" if units < 0 else ""
    unit: int = 10**places
    whole, part = divmod(abs(units), unit)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


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


def progress(metric: MetricType, start: Decimal, target: Decimal,
             current: Decimal) -> Fraction:
    """Raw progress, exact: may be negative or above 1 for the INCREASE/DECREASE kinds."""
    if metric is MetricType.STAY_AT_OR_ABOVE:
        return FULL if current >= target else NONE
    if metric is MetricType.STAY_AT_OR_BELOW:
        return FULL if current <= target else NONE
    if metric is MetricType.BINARY:
        return FULL if current >= ONE else NONE
    if metric is MetricType.DECREASE_TO:
        return _ratio(start - current, start - target)
    # INCREASE_TO and MILESTONE
    return _ratio(current - start, target - start)


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction:
    """numerator / denominator, exact (one Fraction made, not three)."""
    top, top_scale = numerator.as_integer_ratio()
    bottom, bottom_scale = denominator.as_integer_ratio()
    return Fraction(top * bottom_scale, top_scale * bottom)


def clamp(value: Number) -> Fraction:
    value_ = exact(value)
    if value_.numerator <= 0:
        return NONE
    if value_.numerator >= value_.denominator:
        return FULL
    return value_


def score(metric: MetricType, start: Decimal, target: Decimal, current: Decimal) -> Fraction:
    """A key result's score: its progress clamped to [0, 1]."""
    return clamp(progress(metric, start, target, current))


def weighted_mean(scores: Iterable[tuple[Number, Number]]) -> Fraction:
    """Exact weighted mean of (score, weight) pairs, clamped to [0, 1]; 0 when there is
    nothing to weigh. When every weight is 0 the scores count alike (a plain mean): an
    objective whose key results all weigh nothing still scores what they score."""
    # Sums kept as integer numerator / denominator and normalized once at the end: this
    # runs for every objective at every check-in and in every analysis, and Fraction
    # arithmetic would reduce every partial sum. Scores (fractions) and weights (floats)
    # are taken apart inline, without a call per value.
    total_, total_den = 0, 1
    weights, weights_den = 0, 1
    unweighted: list[Fraction] = []
    for value, weight in scores:
        if type(weight) is float and (ratio := _FLOAT_RATIOS.get(weight)) is not None:
            w_num, w_den = ratio
        else:
            w_num, w_den = _ratio_of(weight)
        if not w_num:
            if not weights:
                unweighted.append(exact(value))
            continue
        v_num, v_den = (value.as_integer_ratio() if type(value) is Fraction
                        else _ratio_of(value))
        num, den = v_num * w_num, v_den * w_den
        if den == total_den:
            total_ += num
        else:
            total_, total_den = _plus(total_, total_den, num, den)
        if w_den == weights_den:
            weights += w_num
        else:
            weights, weights_den = _plus(weights, weights_den, w_num, w_den)
    if weights <= 0:
        if not unweighted:
            return NONE
        return weighted_mean((value, FULL) for value in unweighted)
    if total_ <= 0:
        return NONE
    num, den = total_ * weights_den, total_den * weights
    return FULL if num >= den else Fraction(num, den)


_FLOAT_RATIOS: dict[float, tuple[int, int]] = {}
"""Weights seen, as exact integer ratios (a few distinct values in practice)."""
_FLOAT_RATIOS_MAX = 4096


def _ratio_of(value: Number) -> tuple[int, int]:
    """The exact value's numerator and denominator (floats remembered)."""
    value_ = exact(value)
    ratio = value_.numerator, value_.denominator
    if type(value) is float:
        if len(_FLOAT_RATIOS) >= _FLOAT_RATIOS_MAX:
            _FLOAT_RATIOS.clear()
        _FLOAT_RATIOS[value] = ratio
    return ratio


def _plus(num: int, den: int, other_num: int, other_den: int) -> tuple[int, int]:
    """num/den + other_num/other_den, over the least common multiple of the
    denominators (not reduced)."""
    if den == other_den:
        return num + other_num, den
    common = math.gcd(den, other_den)
    return num * (other_den // common) + other_num * (den // common), den // common * other_den


def band(score_: Number, kind: Kind, edges: BandEdges) -> Band:
    """The grading band of a final score, the verdict at close (committed: MET/MISSED)."""
    if kind is Kind.COMMITTED:
        return Band.MET if exact(score_) >= 1 else Band.MISSED
    return stretch_band(score_, edges)


@lru_cache(maxsize=256)
def exact_edges(edges: BandEdges) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """The organization's band edges, exact (each read by its decimal text)."""
    return (exact(edges.low), exact(edges.sweet_from), exact(edges.sweet_to),
            exact(edges.too_safe))


def stretch_band(score_: Number, edges: BandEdges) -> Band:
    """Aspirational bands: LOW < low <= PROGRESS < sweet_from <= SWEET_SPOT <= sweet_to
    < HIGH < too_safe <= TOO_SAFE, on the exact score against the exact edges."""
    value = exact(score_)
    low, sweet_from, sweet_to, too_safe = exact_edges(edges)
    if below(value, low):
        return Band.LOW
    if below(value, sweet_from):
        return Band.PROGRESS
    if not below(sweet_to, value):
        return Band.SWEET_SPOT
    if below(value, too_safe):
        return Band.HIGH
    return Band.TOO_SAFE


def below(value: Fraction, other: Fraction) -> bool:
    """``value < other``, compared in integers (several times faster than Fraction's
    own comparison, which analyses make for every objective)."""
    return value.numerator * other.denominator < other.numerator * value.denominator


def total(values: Iterable[Number]) -> Fraction:
    """The exact sum (normalized once, like ``weighted_mean``)."""
    num, den = 0, 1
    for value in values:
        value_ = value if type(value) is Fraction else exact(value)
        num, den = _plus(num, den, value_.numerator, value_.denominator)
    return Fraction(num, den)
