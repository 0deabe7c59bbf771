"""R1: a full rebuild of every projection, in events per second."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.database import BenchDatabase
from bench.report import Figure
from bench.stats import rate
from projections.registry import PROJECTIONS
from projections.running.batches import DEFAULT_BATCH
from projections.running.rebuild import rebuild_together
from projections.running.service import open_events
from projections.source import EventSource
from projections.stores.database import open_database

TARGET = 0.5


@dataclass(frozen=True)
class ReadRate:
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return rate(self.events, self.seconds)


def read_and_decode(source: EventSource, batch: int = DEFAULT_BATCH) -> ReadRate:
    """The baseline: the whole log read in the projections' batches and decoded."""
    position = count = 0
    started = time.perf_counter()
    while True:
        notifications = source.read(position, batch)
        if not notifications:
            break
        for notification in notifications:
            source.decode(notification)
        count += len(notifications)
        position = notifications[-1].id
    return ReadRate(count, time.perf_counter() - started)


def measure(db: BenchDatabase) -> tuple[Figure, ReadRate]:
    app = open_events(db.url)
    try:
        source = EventSource(app)
        baseline = read_and_decode(source)
        database = open_database(db.url)
        names = list(PROJECTIONS)
        started = time.perf_counter()
        # As `okr-api projections rebuild` does: every projection in one pass over the log.
        rebuild_together(source, database, names, fresh=True)
        total = time.perf_counter() - started
    finally:
        app.close()
    value = rate(baseline.events, total)
    details: dict[str, object] = {"events": baseline.events, "seconds": total}
    figure = Figure(
        id="R1", name=f"rebuild all projections ({', '.join(names)}), one pass", value=value,
        unit="events/s", baseline=baseline.per_second, baseline_name="read + decode",
        target=f">= {TARGET}x baseline", met=value >= TARGET * baseline.per_second,
        details=details)
    return figure, baseline
