"""Cursors of event listings (``events``, ``Objective.history``): a global position,
opaque to clients."""

from __future__ import annotations

import base64

from okr_api.errors import ApiError

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
