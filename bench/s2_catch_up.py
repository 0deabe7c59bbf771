"""S2: a resuming subscriber (``scoreEvents(after:)``) catching up from the store."""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

from bench.config import Scale
from bench.database import BenchDatabase
from bench.queries import SCORE_EVENTS, SCORE_EVENTS_HR
from bench.r1_rebuild import ReadRate
from bench.report import Figure
from bench.stats import rate
from bench.subscribers import connect, stop_all, wait_until
from bench.world import World

TARGET = 0.5
TOPIC = "okr.Objective.CheckInRecorded"


def resume_point(db: BenchDatabase, events: int) -> tuple[int, int]:
    """(after, last): ``after`` leaves about ``events`` check-ins to replay; ``last`` is
    the last one stored."""
    table = sql.Identifier(db.schema, "okr_events")
    with psycopg.connect(db.dsn, connect_timeout=5) as conn:
        rows = conn.execute(sql.SQL(
            "SELECT notification_id FROM {} WHERE topic = %s "
            "ORDER BY notification_id DESC LIMIT %s").format(table),
            (TOPIC, events + 1)).fetchall()
    if len(rows) < 2:
        raise RuntimeError("too few check-ins stored to catch up on")
    return rows[-1][0], rows[0][0]


async def measure(ws_url: str, db: BenchDatabase, world: World, scale: Scale,
                  read_rate: ReadRate) -> list[Figure]:
    """The bench's selection (the event's own fields: the target), then an HR system's
    (the catalog's facts too: reported)."""
    figures = [await _catch_up(ws_url, db, world, scale, read_rate, SCORE_EVENTS,
                               "position type occurredAt", target=True)]
    figures.append(await _catch_up(ws_url, db, world, scale, read_rate, SCORE_EVENTS_HR,
                                   "an HR system's selection", target=False))
    return figures


async def _catch_up(ws_url: str, db: BenchDatabase, world: World, scale: Scale,
                    read_rate: ReadRate, query: str, selection: str, *,
                    target: bool) -> Figure:
    after, last = resume_point(db, scale.catch_up_events)
    started = time.perf_counter()
    subscribers = await connect(ws_url, world.token, 1, after=after, query=query)
    subscriber = subscribers[0]
    try:
        caught_up = await wait_until(
            lambda: subscriber.last_position >= last or subscriber.error is not None,
            scale.catch_up_seconds, step=0.01)
        seconds = time.perf_counter() - started
        if subscriber.error is not None:
            raise RuntimeError(f"the subscription failed: {subscriber.error!r}")
        events = sum(1 for position, _, _ in subscriber.received if position <= last)
    finally:
        await stop_all(subscribers)
    # A subscriber still catching up when the time is up is measured on what it got.
    value = rate(events, seconds)
    return Figure(
        id="S2", name=f"resuming subscriber catching up on {events:,} score events "
                      f"({selection})",
        value=value, unit="events/s", baseline=read_rate.per_second,
        baseline_name="R1's read + decode",
        target=f">= {TARGET}x baseline" if target else "reported",
        met=value >= TARGET * read_rate.per_second if target else None,
        details={"seconds": seconds, "after": after, "caught_up": caught_up,
                 "to_replay": scale.catch_up_events})
