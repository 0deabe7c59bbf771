"""OKR_CLOCK_START and OKR_CLOCK_ANCHOR set the process's clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from okr_api.clock_setting import ClockSettingError, apply_clock
from okr_api.settings import Settings
from okr_domain import clock

MOMENT = datetime(2027, 2, 28, 23, 59, tzinfo=UTC)


def test_the_settings_set_the_process_clock() -> None:
    previous = clock.set_clock(clock.SystemClock())
    try:
        apply_clock(Settings(clock_start=MOMENT, clock_anchor=time.time()))
        assert abs(clock.now() - MOMENT) < timedelta(seconds=5)
        assert clock.today() == MOMENT.date()
        with clock.simulated_time(MOMENT - timedelta(days=1)):
            assert clock.now() == MOMENT - timedelta(days=1)
        with pytest.raises(ClockSettingError, match="time zone"):
            apply_clock(Settings(clock_start=datetime(2027, 1, 1)))
    finally:
        clock.set_clock(previous)


def test_without_a_start_the_clock_is_left_as_it_is() -> None:
    before = clock.now()
    apply_clock(Settings(clock_start=None))
    assert abs(clock.now() - before) < timedelta(seconds=5)
