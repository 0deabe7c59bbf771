"""What the event listings (``events``, ``Objective.history``) show of an event: its
cursor (a global position, opaque to clients) and its own fields as JSON."""

from __future__ import annotations

import base64

from strawberry.scalars import JSON

from okr_api.errors import ApiError
from okr_api.history.payloads import payload
from projections.projection import Event

MAX_POSITION = 2**63 - 1
"""Positions are 64-bit integers in every store."""


def event_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"event:{position}".encode()).decode().rstrip("=")


def event_after(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        position = int(number)
        if kind != "event" or not 0 <= position <= MAX_POSITION:
            raise ValueError(text)
        return position
    except ValueError:
        raise ApiError("INVALID_INPUT", "the cursor is not valid", field="after") from None


def event_data(event: Event | None) -> JSON | None:
    """The event's own fields (None: no event, or one whose fields are not shown)."""
    data = payload(event) if event is not None else None
    return None if data is None else JSON(data)
