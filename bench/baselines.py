"""Raw PostgreSQL write rates through asyncpg, into a table shaped like the event store's
(W1's and W2's baselines)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from bench.database import BenchDatabase

TOPIC = "okr.Objective.CheckInRecorded"
# About the size of a stored check-in event.
STATE = (b'{"timestamp":"2026-11-28T10:00:00+00:00","actor_id":"' + b"0" * 32 +
         b'","check_in_id":"' + b"1" * 32 + b'","key_result_id":"' + b"2" * 32 +
         b'","value":"42.50","previous_value":"40.00","confidence":7,"note":"",'
         b'"applies_at":"2026-11-28T10:00:00+00:00","in_one_on_one":false,'
         b'"progress":0.85,"score_before":0.8,"score_after":0.85,'
         b'"objective_score_before":0.7,"objective_score_after":0.72}')

@asynccontextmanager
async def events_like_table(db: BenchDatabase, name: str) -> AsyncIterator[
        tuple[asyncpg.Connection, str]]:
    """A fresh table with the event store's columns and indexes; dropped afterwards."""
    table = db.scratch_table(name)
    conn = await asyncpg.connect(db.dsn)
    try:
        await conn.execute(
            f"CREATE TABLE {table} (originator_id uuid NOT NULL, "
            "originator_version bigint NOT NULL, topic text, state bytea, "
            "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))")
        await conn.execute(f"CREATE UNIQUE INDEX ON {table} (notification_id)")
        yield conn, table
        await conn.execute(f"DROP TABLE {table}")
    finally:
        await conn.close()


async def single_row_inserts(db: BenchDatabase, seconds: float) -> tuple[int, float]:
    """One row per transaction, one connection, for ``seconds``: (rows, elapsed)."""
    async with events_like_table(db, "w1_baseline") as (conn, table):
        insert = (f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                  "VALUES ($1, $2, $3, $4)")
        await conn.execute(insert, uuid.uuid4(), 1, TOPIC, STATE)  # prepared from here on
        count = 0
        started = time.perf_counter()
        until = started + seconds
        while time.perf_counter() < until:
            await conn.execute(insert, uuid.uuid4(), 1, TOPIC, STATE)
            count += 1
        return count, time.perf_counter() - started


async def executemany_stored(db: BenchDatabase, batch: int,
                             read_chunk: int = 50_000) -> tuple[int, float]:
    """The stored events copied by ``executemany``, each batch in a transaction of its
    own: (rows, seconds). Only the inserts are timed, not reading the rows back."""
    async with events_like_table(db, "w2_baseline") as (conn, table):
        insert = (f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                  "VALUES ($1, $2, $3, $4)")
        select = (f'SELECT originator_id, originator_version, topic, state, notification_id '
                  f'FROM "{db.schema}".okr_events WHERE notification_id > $1 '
                  "ORDER BY notification_id LIMIT $2")
        position = rows = 0
        elapsed = 0.0
        while True:
            records = await conn.fetch(select, position, read_chunk)
            if not records:
                return rows, elapsed
            position = records[-1][4]
            chunk = [tuple(r)[:4] for r in records]
            for start in range(0, len(chunk), batch):
                started = time.perf_counter()
                async with conn.transaction():
                    await conn.executemany(insert, chunk[start:start + batch])
                elapsed += time.perf_counter() - started
            rows += len(chunk)
