"""The process's clock, as the settings say (``OKR_CLOCK_START``, ``OKR_CLOCK_ANCHOR``)."""

from __future__ import annotations

import logging
import os
import time

from okr_api.settings import Settings
from okr_domain import clock

log = logging.getLogger(__name__)


class ClockSettingError(ValueError):
    """The clock settings cannot be used."""


def apply_clock(settings: Settings) -> None:
    """Set the domain clock to one that read ``clock_start`` at ``clock_anchor`` when the
    settings ask for it (otherwise the clock stays as it is: the system's). The anchor is
    exported when it was not given, so that worker and child processes run on the very
    same clock."""
    if settings.clock_start is None:
        return
    if settings.clock_start.tzinfo is None:
        raise ClockSettingError("OKR_CLOCK_START needs a time zone (for example ...Z)")
    if settings.is_production:
        log.warning("OKR_CLOCK_START is set: this production service runs on a clock that "
                    "started at %s, not on the system's", settings.clock_start.isoformat())
    anchor = settings.clock_anchor
    if anchor is None:
        anchor = time.time()
        os.environ["OKR_CLOCK_ANCHOR"] = repr(anchor)
    clock.set_clock(clock.ShiftedClock(settings.clock_start, anchor))
