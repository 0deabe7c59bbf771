"""The one clock: every "now" of the service comes from here.

Event timestamps, default check-in times, token expiry, "as of now" answers, the demo's
and the seeder's "today" all ask ``now()``. By default it is the system's UTC time; a
deployment or a test can set the process's clock (``set_clock``) to one that starts at
another moment and runs from there (``ShiftedClock``), and a loader can replay a period
in a context of its own (``simulated_time``: the data generator's weeks).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock:
    """A clock that read ``moment`` at the real time ``anchor`` (seconds since the
    epoch; default: when it was made) and runs at the real clock's pace from there.

    Processes that share ``moment`` and ``anchor`` agree on the time.
    """

    def __init__(self, moment: datetime, anchor: float | None = None) -> None:
        if moment.tzinfo is None:
            raise ValueError("a clock's moment must be timezone-aware")
        self.moment = moment.astimezone(UTC)
        self.anchor = time.time() if anchor is None else anchor
        self._offset = self.moment.timestamp() - self.anchor

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self._offset, UTC)


_clock: Clock = SystemClock()
_simulated: ContextVar[datetime | None] = ContextVar("okr_simulated_time", default=None)


def now() -> datetime:
    simulated = _simulated.get()
    return simulated if simulated is not None else _clock.now()


def today() -> date:
    """Today's date in UTC."""
    return now().date()


def timestamp() -> float:
    """``now()`` in seconds since the epoch (token expiry, retry schedules)."""
    return now().timestamp()


def set_clock(clock: Clock) -> Clock:
    """Make ``clock`` the process's clock; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


@contextmanager
def simulated_time(moment: datetime) -> Iterator[None]:
    """Make ``now()`` answer ``moment`` (timezone-aware) in this context."""
    if moment.tzinfo is None:
        raise ValueError("simulated time must be timezone-aware")
    token = _simulated.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _simulated.reset(token)
