"""How big a run is: the full run (10,000 people) and the quick one (CI)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

# A fixed "today" eight weeks into 2026-Q4, so every run seeds the same history
# (the quarter still open, so check-ins can be recorded) whatever the calendar says.
TODAY = date(2026, 11, 28)
CYCLE = "2026-Q4"
MID_QUARTER = datetime(2026, 11, 15, 12, tzinfo=UTC)
SEED = 1
CLIENTS = 32


@dataclass(frozen=True)
class Scale:
    name: str
    people: int
    seconds: float
    """How long each closed-loop load phase runs."""
    single_requests: int
    """Requests of one client, one after the other, for p50/p95..."""
    single_seconds: float
    """...or fewer when they take longer than this (at least 5)."""
    subscribers: int
    """S1: concurrent subscribers."""
    subscriber_seconds: float
    """S1: how long check-ins are recorded while they listen."""
    catch_up_events: int
    """S2: score events a resuming subscriber replays..."""
    catch_up_seconds: float
    """...or what it gets in this time, when it is slower."""
    baseline_seconds: float
    """W1's baseline: how long single-row inserts run."""
    subtree_target: int = 200
    """Q1: the team subtree is the objective whose subtree is closest to this size."""
    check_in_rate: float = 10.0
    """S1: check-ins per second while subscribers listen."""

    def as_of(self) -> datetime:
        return MID_QUARTER

    def warmup(self) -> timedelta:
        return timedelta(seconds=min(2.0, self.seconds / 3))


FULL = Scale(name="full", people=10_000, seconds=8.0, single_requests=30,
             single_seconds=8.0, subscribers=1000,
             subscriber_seconds=10.0, catch_up_events=50_000, catch_up_seconds=20.0,
             baseline_seconds=5.0)
QUICK = Scale(name="quick", people=120, seconds=1.5, single_requests=5,
              single_seconds=2.0, subscribers=20,
              subscriber_seconds=2.0, catch_up_events=1_000, catch_up_seconds=15.0,
              baseline_seconds=1.0)
