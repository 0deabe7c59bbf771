"""The one clock: settable, shared between processes by its start and anchor."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from okr_domain import clock

MOMENT = datetime(2027, 2, 28, 23, 59, tzinfo=UTC)


def test_a_shifted_clock_starts_at_its_moment_and_runs() -> None:
    shifted = clock.ShiftedClock(MOMENT)
    first = shifted.now()
    assert MOMENT <= first < MOMENT + timedelta(seconds=5)
    time.sleep(0.01)
    assert shifted.now() > first


def test_clocks_with_the_same_moment_and_anchor_agree() -> None:
    anchor = time.time() - 3600  # the moment was an hour ago
    a, b = clock.ShiftedClock(MOMENT, anchor), clock.ShiftedClock(MOMENT, anchor)
    assert abs(a.now() - b.now()) < timedelta(seconds=1)
    assert abs(a.now() - (MOMENT + timedelta(hours=1))) < timedelta(seconds=5)
