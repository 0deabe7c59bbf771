"""What readers of the read models get: filters, pages, cursors and the reader APIs.

Every store implements the same readers with the same behaviour (the contract tests
run them side by side). Everything is scoped to one organization. Listings are keyset
paginated: ``first`` rows (at most ``MAX_PAGE``) after an opaque ``after`` cursor.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from okr_domain.scoring import exact
from okr_domain.values import Kind, Level, ObjectiveStatus, Visibility
from projections.catalog import score_keys
from projections.catalog.rows import CheckInRow, EventIndexRow, ObjectiveRow, PersonRow

R = TypeVar("R")

MAX_PAGE = 100
MAX_EVENT_PAGE = 1000


class InvalidQueryError(ValueError):
    """A page size out of range or a cursor that does not belong to the query."""


class ObjectiveOrder(StrEnum):
    CREATED = "CREATED"
    ID = "ID"


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    cursors: list[str]
    has_next_page: bool
    end_cursor: str | None
    total_count: int


@dataclass(frozen=True)
class ViewerScope:
    """Whose private objectives a viewer may see besides the public ones."""

    person_ids: frozenset[UUID] = frozenset()
    team_ids: frozenset[UUID] = frozenset()

    def sees(self, row: ObjectiveRow) -> bool:
        return (row.visibility is Visibility.PUBLIC
                or (row.level is Level.INDIVIDUAL and row.owner_person_id in self.person_ids)
                or (row.level is Level.TEAM and row.owner_team_id in self.team_ids))


@dataclass(frozen=True)
class ObjectiveFilter:
    """All given conditions hold; ``text`` is a case-insensitive title substring.

    Score bounds are inclusive and compared with the exact score, each bound read by its
    decimal text (at most ``score_keys.PLACES`` decimal places)."""

    cycle_id: UUID | None = None
    team_id: UUID | None = None
    include_sub_teams: bool = False
    owner_person_id: UUID | None = None
    levels: tuple[Level, ...] = ()
    kinds: tuple[Kind, ...] = ()
    statuses: tuple[ObjectiveStatus, ...] = ()
    visibility: Visibility | None = None
    min_score: float | None = None
    max_score: float | None = None
    aligned: bool | None = None
    text: str | None = None
    parent_ids: tuple[UUID, ...] = field(default=())

    def __post_init__(self) -> None:
        for name, bound in (("minScore", self.min_score), ("maxScore", self.max_score)):
            if bound is not None and not score_keys.fits(exact(bound)):
                raise InvalidQueryError(
                    f"{name} takes at most {score_keys.PLACES} decimal places")


@dataclass(frozen=True)
class EventFilter:
    """Events of one organization; ``since`` is inclusive, ``until`` exclusive."""

    cycle_id: UUID | None = None
    aggregate_id: UUID | None = None
    event_types: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


def check_first(first: int, limit: int = MAX_PAGE) -> int:
    if not 0 <= first <= limit:
        raise InvalidQueryError(f"first must be between 0 and {limit}")
    return first


def _encode(parts: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(parts).encode()).decode().rstrip("=")


def _decode(cursor: str, tag: str, size: int) -> list[Any]:
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        raise InvalidQueryError("the cursor is not valid") from None
    if not isinstance(parts, list) or len(parts) != size or parts[0] != tag:
        raise InvalidQueryError("the cursor does not belong to this listing")
    return parts


def objective_cursor(row: ObjectiveRow, order: ObjectiveOrder) -> str:
    if order is ObjectiveOrder.CREATED:
        return _encode(["c", row.created_position])
    return _encode(["i", row.id.hex])


def objective_after(cursor: str, order: ObjectiveOrder) -> int | UUID:
    """The sort key a cursor points at."""
    try:
        if order is ObjectiveOrder.CREATED:
            return int(_decode(cursor, "c", 2)[1])
        return UUID(hex=str(_decode(cursor, "i", 2)[1]))
    except (TypeError, ValueError) as error:
        raise InvalidQueryError("the cursor is not valid") from error


def person_cursor(row: PersonRow) -> str:
    return _encode(["p", row.name, row.id.hex])


def person_after(cursor: str) -> tuple[str, UUID]:
    try:
        _, name, id_hex = _decode(cursor, "p", 3)
        return str(name), UUID(hex=str(id_hex))
    except (TypeError, ValueError) as error:
        raise InvalidQueryError("the cursor is not valid") from error


def check_in_cursor(row: CheckInRow) -> str:
    return _encode(["k", row.applies_at.isoformat(), row.sequence])


def check_in_after(cursor: str) -> tuple[datetime, int]:
    try:
        _, applies_at, sequence = _decode(cursor, "k", 3)
        return datetime.fromisoformat(str(applies_at)), int(sequence)
    except (TypeError, ValueError) as error:
        raise InvalidQueryError("the cursor is not valid") from error


def page_of(rows: list[R], first: int, total: int, cursor: Any) -> Page[R]:
    """A page from up to ``first + 1`` fetched rows (the extra one says there is more)."""
    shown = rows[:first]
    cursors = [cursor(r) for r in shown]
    return Page(shown, cursors, len(rows) > first, cursors[-1] if cursors else None, total)


@dataclass(frozen=True)
class EventPage:
    rows: list[EventIndexRow]
    has_next_page: bool
    end_position: int | None
