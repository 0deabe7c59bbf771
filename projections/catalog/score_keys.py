"""Exact score comparisons inside SQL.

An objective's exact score is a fraction, which neither SQLite nor PostgreSQL compares.
Beside it the catalog keeps two keys: the score rounded down and rounded up to
``PLACES`` decimal places, as fixed-width digit text (so text order is number order on
both stores). For a bound ``b`` with at most ``PLACES`` decimals, ``score >= b`` exactly
when the rounded-down key is at least ``b``'s key, and ``score <= b`` exactly when the
rounded-up key is at most it.
"""

from __future__ import annotations

from fractions import Fraction

from okr_domain.scoring import Number, clamp

PLACES = 40
_UNIT = 10**PLACES
_WIDTH = PLACES + 1


def _key(units: int) -> str:
    return f"{units:0{_WIDTH}d}"


def floor_key(score: Number) -> str:
    """The key of a score (clamped to [0, 1]) rounded down."""
    value = clamp(score)
    return _key(value.numerator * _UNIT // value.denominator)


def ceil_key(score: Number) -> str:
    """The key of a score (clamped to [0, 1]) rounded up."""
    value = clamp(score)
    return _key(-(-value.numerator * _UNIT // value.denominator))


def bound_key(bound: Fraction) -> str:
    """The key of a bound in [0, 1] (one that ``fits``)."""
    return floor_key(bound)


def fits(bound: Fraction) -> bool:
    """Whether a bound can be compared exactly: outside (0, 1), or at most ``PLACES``
    decimal places."""
    return not 0 < bound < 1 or (bound * _UNIT).denominator == 1
