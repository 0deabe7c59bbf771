"""The domain's clock: event timestamps and default check-in times come from here.

It is the real UTC time, except inside ``simulated_time`` (the data generator replays a
quarter week by week, so its events carry the times they would have had).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_simulated: ContextVar[datetime | None] = ContextVar("okr_simulated_time", default=None)


def now() -> datetime:
    simulated = _simulated.get()
    return simulated if simulated is not None else datetime.now(UTC)


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
