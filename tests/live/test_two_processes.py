"""Two API processes on one PostgreSQL schema: a mutation through one reaches a
subscriber connected to the other (through LISTEN/NOTIFY), also after the listening
connection was killed."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from okr_api.storage import postgres_dsn
from tests.live.support import (
    SCORE_EVENTS,
    VENV_BIN,
    Feed,
    Server,
    World,
    build_world,
    start_process,
    stop_process,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server, World]]:
    subprocess.run([str(VENV_BIN / "okr-api"), "db", "init", "--database-url", postgres_url],
                   check=True, capture_output=True)
    from okr_api.storage import open_application

    app = open_application(postgres_url)
    try:
        world = build_world(app)
    finally:
        app.close()
    # A long poll: deliveries across processes must come from NOTIFY, not polling.
    servers = [start_process(postgres_url, tmp_path / f"data{i}", OKR_LIVE_POLL_SECONDS="30")
               for i in (1, 2)]
    try:
        yield servers[0], servers[1], world
    finally:
        for server in servers:
            stop_process(server)


async def test_a_mutation_through_one_process_reaches_a_subscriber_on_the_other(
        two_servers: tuple[Server, Server, World], postgres_url: str) -> None:
    subscribed_to, written_to, world = two_servers
    latencies: list[float] = []
    async with Feed(subscribed_to.client(world.tokens["hr"]), SCORE_EVENTS, {}) as feed:
        await asyncio.sleep(1.0)  # the subscription registers; no `after`: live only
        positions = []
        for value in range(1, 6):
            started = time.monotonic()
            positions.append(await written_to.check_in(world, value))
            await feed.wait_for(len(positions), within=10)
            latencies.append(time.monotonic() - started)
        assert [e["position"] for e in feed.events] == positions

        # Kill the listening connection of the subscriber's process: it reconnects and
        # catches up, so a write right after still arrives without waiting for a poll.
        dsn, schema = postgres_dsn(postgres_url)
        with psycopg.connect(dsn, autocommit=True) as conn:
            killed = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s", (f"okr-live/{schema}",)).fetchall()
        assert len(killed) == 2  # one listener per process
        await asyncio.sleep(2.5)  # the listeners come back after their retry delay
        positions.append(await written_to.check_in(world, 9))
        events = await feed.wait_for(len(positions), within=10)
    assert [e["position"] for e in events] == positions
    sys.stderr.write(f"\ncommit-to-delivery across processes (HTTP mutation included): "
                     f"median {statistics.median(latencies) * 1000:.0f} ms, "
                     f"max {max(latencies) * 1000:.0f} ms\n")
