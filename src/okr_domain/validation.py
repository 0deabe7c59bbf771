"""Checks on free text and numbers shared by the commands."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from okr_domain.errors import ErrorCode, InvalidInput

TITLE_MAX = 300
DESCRIPTION_MAX = 10_000
NOTE_MAX = 5_000
REASON_MAX = 2_000
NAME_MAX = 200
FUTURE_SKEW = timedelta(minutes=5)
CHECK_IN_GRACE = timedelta(days=14)
"""How long before its cycle's start a check-in may apply (a baseline taken just before
the quarter)."""
MIN_YEAR = 1970
MAX_YEAR = 2200
"""Every date and time the service takes lies in these years (both included)."""
DECIMAL_DIGITS = 15
"""Digits before the decimal point of a number (values, starts, targets)."""
DECIMAL_PLACES = 6
_UNIT = Decimal(1)


def text(value: str | None, *, field: str, max_len: int, required: bool = False) -> str:
    """Strip surrounding whitespace; reject control characters other than newlines/tabs."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} must not be empty", field=field)
    if len(cleaned) > max_len:
        raise InvalidInput(f"{field} is longer than {max_len} characters", field=field)
    if any(ord(c) < 32 and c not in "\n\r\t" for c in cleaned) or "\x00" in cleaned:
        raise InvalidInput(f"{field} contains control characters", field=field)
    return cleaned


def decimal(value: Decimal | int | float | str, *, field: str) -> Decimal:
    """A finite number below 10^15 in magnitude with at most 6 decimal places (so every
    sum and product of a few of them stays exact at Decimal's 28 digits). The bounds are
    read from the number's digits and exponent: arithmetic on an exponent like 1E+999999999
    would overflow."""
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} is not a number", field=field) from None
    if not result.is_finite():
        raise InvalidInput(f"{field} must be a finite number", field=field)
    exponent = result.as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers have an integer exponent
    if exponent < -DECIMAL_PLACES or (not result.is_zero()
                                      and result.adjusted() >= DECIMAL_DIGITS):
        raise InvalidInput(
            f"{field} must be below 10^{DECIMAL_DIGITS} with at most {DECIMAL_PLACES} "
            "decimal places", field=field, code=ErrorCode.VALUE_OUT_OF_RANGE,
        )
    # 1E+3 is 1000 and 0E+999999999 is 0: whole numbers are kept with exponent 0.
    return result.quantize(_UNIT) if exponent > 0 else result


def unit_interval(value: float, *, field: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(f"{field} must lie in [0, 1]", field=field,
                           code=ErrorCode.VALUE_OUT_OF_RANGE)
    return float(value)


def weight(value: float) -> float:
    if not 0.0 <= value <= 1000.0:
        raise InvalidInput("weight must lie in [0, 1000]", field="weight",
                           code=ErrorCode.VALUE_OUT_OF_RANGE)
    return float(value)


def confidence(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 10:
        raise InvalidInput("confidence must be between 0 and 10", field="confidence",
                           code=ErrorCode.VALUE_OUT_OF_RANGE)
    return value


def moment(value: datetime | None, *, field: str, now: datetime) -> datetime:
    """A timezone-aware time, not in the future (beyond a small clock skew)."""
    if value is None:
        return now
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{field} needs a time zone", field=field)
    in_years(value, field=field)
    if value > now + FUTURE_SKEW:
        raise InvalidInput(f"{field} must not be in the future", field=field)
    return value.astimezone(UTC)


def in_years(value: date, *, field: str) -> date:
    """A date (or a moment, by its own date) in the years MIN_YEAR to MAX_YEAR."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise InvalidInput(f"{field} must lie in the years {MIN_YEAR} to {MAX_YEAR}",
                           field=field, code=ErrorCode.VALUE_OUT_OF_RANGE)
    return value


def not_before_cycle(when: datetime, cycle_starts_on: date) -> datetime:
    """A check-in's explicit time: no earlier than CHECK_IN_GRACE before the first day
    (UTC) of its cycle."""
    earliest = datetime.combine(cycle_starts_on, time.min, tzinfo=UTC) - CHECK_IN_GRACE
    if when < earliest:
        raise InvalidInput(
            f"appliesAt must not be more than {CHECK_IN_GRACE.days} days before the "
            f"cycle's start ({cycle_starts_on.isoformat()})", field="appliesAt",
            code=ErrorCode.VALUE_OUT_OF_RANGE)
    return when
