"""Input scalars with documented ranges. Dates and times: years 1970 to 2200.

The API reads them as ISO 8601, as strawberry's own scalars do; a date or a moment whose
year lies outside the window is refused while the request is validated, with the code
VALUE_OUT_OF_RANGE, before any resolver sees it. Inside the window every conversion
(to UTC, a day or a week later) stays a valid date. Decimals are parsed as strawberry
does; their range is the commands' (``okr_domain.validation.decimal``), said here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from graphql import GraphQLError
from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
)
from strawberry.types.scalar import ScalarDefinition

from okr_domain.validation import MAX_YEAR, MIN_YEAR

OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"


def within_window(value: date, name: str) -> None:
    """Refuse a date (or a moment, by its own date) outside the service's years."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise GraphQLError(
            f"{name} must lie in the years {MIN_YEAR} to {MAX_YEAR}: "
            f"{value.isoformat()} does not", extensions={"code": OUT_OF_RANGE})


def _parse_date_time(value: Any) -> datetime:
    parse = DateTimeDefinition.parse_value
    assert parse is not None
    parsed = parse(value)
    assert isinstance(parsed, datetime)
    within_window(parsed, "a DateTime")
    return parsed


def _parse_date(value: Any) -> date:
    parse = DateDefinition.parse_value
    assert parse is not None
    parsed = parse(value)
    assert isinstance(parsed, date)
    within_window(parsed, "a Date")
    return parsed


DATE_TIME = ScalarDefinition(
    name="DateTime",
    description=f"Date with time (ISO 8601), in the years {MIN_YEAR} to {MAX_YEAR}",
    specified_by_url=None,
    serialize=DateTimeDefinition.serialize,
    parse_value=_parse_date_time,
    parse_literal=None,
    origin=datetime,
)

DATE = ScalarDefinition(
    name="Date",
    description=f"Date (ISO 8601), in the years {MIN_YEAR} to {MAX_YEAR}",
    specified_by_url=None,
    serialize=DateDefinition.serialize,
    parse_value=_parse_date,
    parse_literal=None,
    origin=date,
)

DECIMAL = ScalarDefinition(
    name="Decimal",
    description=("Decimal (fixed-point, exact), best sent as a string like \"12.5\"; as an "
                 "input, below 10^15 in magnitude with at most 6 decimal places"),
    specified_by_url=None,
    serialize=DecimalDefinition.serialize,
    parse_value=DecimalDefinition.parse_value,
    parse_literal=None,
    origin=Decimal,
)

OVERRIDES: dict[object, ScalarDefinition] = {datetime: DATE_TIME, date: DATE, Decimal: DECIMAL}
"""The schema's scalar overrides."""
