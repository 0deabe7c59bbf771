"""OKR cycles: quarters by default (``2026-Q4``), custom dates allowed.

PLANNING -> ACTIVE -> CLOSED. The cycle keeps the roster of its objectives so that
closing it can grade every one of them, and so that a close racing an objective's
creation is caught as a version conflict.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids, validation
from okr_domain.base import OkrAggregate
from okr_domain.errors import ErrorCode, InvalidInput, InvalidState
from okr_domain.values import CycleStatus

QUARTER_KEY = re.compile(r"^(\d{4})-Q([1-4])$")
CYCLE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


LONGEST_CYCLE_DAYS = 400
"""A cycle is a quarter, a half or a year: never longer than this."""


def quarter_dates(key: str) -> tuple[date, date] | None:
    """The first and last day of a quarter key like ``2026-Q4``; None for other keys
    (and for quarters outside the years a date may lie in)."""
    match = QUARTER_KEY.match(key)
    if not match:
        return None
    year, quarter = int(match.group(1)), int(match.group(2))
    if not validation.MIN_YEAR <= year <= validation.MAX_YEAR:
        return None
    first_month = 3 * (quarter - 1) + 1
    starts = date(year, first_month, 1)
    ends = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    return starts, date.fromordinal(ends.toordinal() - 1)


def resolve_cycle_dates(
    key: str, starts_on: date | None, ends_on: date | None
) -> tuple[date, date]:
    if not CYCLE_KEY.match(key):
        raise InvalidInput(
            "cycle key must be 1-40 letters, digits, '.', '_' or '-' (like 2026-Q4)",
            field="key",
        )
    match = QUARTER_KEY.match(key)
    if match and not validation.MIN_YEAR <= int(match.group(1)) <= validation.MAX_YEAR:
        raise InvalidInput(f"a quarter's year must lie in {validation.MIN_YEAR} to "
                           f"{validation.MAX_YEAR}", field="key",
                           code=ErrorCode.VALUE_OUT_OF_RANGE)
    quarter = quarter_dates(key)
    starts = starts_on or (quarter[0] if quarter else None)
    ends = ends_on or (quarter[1] if quarter else None)
    if starts is None or ends is None:
        raise InvalidInput("a cycle that is not a quarter key needs start and end dates",
                           field="startsOn")
    validation.in_years(starts, field="startsOn")
    validation.in_years(ends, field="endsOn")
    if ends < starts:
        raise InvalidInput("a cycle must end on or after its start", field="endsOn")
    if (ends - starts).days + 1 > LONGEST_CYCLE_DAYS:
        raise InvalidInput(f"a cycle lasts at most {LONGEST_CYCLE_DAYS} days", field="endsOn")
    return starts, ends


class Cycle(OkrAggregate):
    TOPIC = "okr.Cycle"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.Cycle.Created"
        key: str
        name: str
        starts_on: date
        ends_on: date

    class Activated(OkrAggregate.Event):
        TOPIC = "okr.Cycle.Activated"

        def apply(self, aggregate: Cycle) -> None:
            aggregate.status_value = CycleStatus.ACTIVE.value

    class ObjectiveAdded(OkrAggregate.Event):
        TOPIC = "okr.Cycle.ObjectiveAdded"
        objective_id: UUID

        def apply(self, aggregate: Cycle) -> None:
            aggregate.objective_ids.append(self.objective_id)

    class Closed(OkrAggregate.Event):
        """Version 2 added ``exact_scores``: the grades and their hash come from exact
        scores. Version 1 closes were graded with floats (verification replays them so)."""

        TOPIC = "okr.Cycle.Closed"
        class_version = 2
        graded_count: int
        grades_hash: str
        exact_scores: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["exact_scores"] = False

        def apply(self, aggregate: Cycle) -> None:
            aggregate.status_value = CycleStatus.CLOSED.value
            aggregate.grades_hash = self.grades_hash

    @staticmethod
    def create_id(organization_id: UUID, key: str) -> UUID:
        return ids.cycle_id(organization_id, key)

    def __init__(
        self,
        organization_id: UUID,
        actor_id: UUID | None,
        cycle_id: UUID | None,
        key: str,
        name: str,
        starts_on: date,
        ends_on: date,
    ) -> None:
        self.organization_id = organization_id
        self.key = key
        self.name = name
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.status_value = CycleStatus.PLANNING.value
        self.objective_ids: list[UUID] = []
        self.grades_hash: str | None = None

    @property
    def event_cycle_id(self) -> UUID | None:
        return self.id

    @property
    def status(self) -> CycleStatus:
        # Kept as a plain string: snapshots are JSON, and an enum member would come
        # back from one as a str.
        return CycleStatus(self.status_value)

    def overlaps(self, other: Cycle) -> bool:
        return self.starts_on <= other.ends_on and other.starts_on <= self.ends_on

    def ensure_open(self) -> None:
        if self.status is CycleStatus.CLOSED:
            raise InvalidState(f"cycle {self.key} is closed", code=ErrorCode.CYCLE_CLOSED)

    def activate(self, actor_id: UUID | None) -> None:
        if self.status is not CycleStatus.PLANNING:
            raise InvalidState(f"cycle {self.key} is {self.status.value}, not PLANNING")
        self.emit(self.Activated, actor_id)

    def add_objective(self, actor_id: UUID | None, objective_id: UUID) -> None:
        self.ensure_open()
        self.emit(self.ObjectiveAdded, actor_id, objective_id=objective_id)

    def close(self, actor_id: UUID | None, graded_count: int, grades_hash: str) -> None:
        if self.status is not CycleStatus.ACTIVE:
            raise InvalidState(f"cycle {self.key} is {self.status.value}, not ACTIVE")
        self.emit(self.Closed, actor_id, graded_count=graded_count, grades_hash=grades_hash,
                  exact_scores=True)
