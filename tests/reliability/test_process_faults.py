"""Processes killed mid-load: the API (SIGKILL, then started again on the same port),
a projection worker (SIGKILL, then started again), and the LISTEN connections cut
(subscriptions and projections carry on). Nothing acknowledged is lost; read models
equal a clean rebuild."""

from __future__ import annotations

import asyncio
import time

import psycopg
import pytest

from okr_api.storage import postgres_dsn
from tests.reliability.conftest import Processes, make_world
from tests.reliability.scenario import run_scenario

pytestmark = pytest.mark.postgres


async def api_kill_scenario(url: str, processes: Processes, seconds: float,
                            kills: int) -> None:
    world = await asyncio.to_thread(make_world, url)
    api = processes.api(url)
    await asyncio.to_thread(api.start_ready)

    async def faults() -> None:
        for _ in range(kills):
            await asyncio.sleep(seconds / (kills + 1))
            await asyncio.to_thread(api.kill)
            await asyncio.sleep(0.5)
            await asyncio.to_thread(api.start_ready)

    outcome = await run_scenario("API SIGKILL", url, api, world, seconds=seconds,
                                 faults=faults)
    assert api.kills == kills
    assert outcome.subscriber.resumes >= kills  # its connection died with the process


async def test_api_killed_and_restarted(private_url: str, processes: Processes) -> None:
    await api_kill_scenario(private_url, processes, seconds=7, kills=1)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_api_killed_repeatedly_during_a_minute(private_url: str,
                                                     processes: Processes) -> None:
    await api_kill_scenario(private_url, processes, seconds=60, kills=5)


async def worker_kill_scenario(url: str, processes: Processes, seconds: float,
                               kills: int) -> None:
    world = await asyncio.to_thread(make_world, url)
    worker = processes.worker(url)
    worker.start()
    api = processes.api(url, OKR_PROJECTIONS_IN_PROCESS="false")
    await asyncio.to_thread(api.start_ready)

    async def faults() -> None:
        for _ in range(kills):
            await asyncio.sleep(seconds / (kills + 1))
            await asyncio.to_thread(worker.kill)
            await asyncio.sleep(1.0)
            worker.start()

    await run_scenario("projection worker SIGKILL", url, api, world, seconds=seconds,
                       faults=faults)
    assert worker.kills == kills
    assert worker.running


async def test_projection_worker_killed_and_restarted(private_url: str,
                                                      processes: Processes) -> None:
    await worker_kill_scenario(private_url, processes, seconds=6, kills=1)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_projection_worker_killed_repeatedly(private_url: str,
                                                   processes: Processes) -> None:
    await worker_kill_scenario(private_url, processes, seconds=60, kills=5)


def cut_listeners(url: str) -> int:
    """Terminate the service's LISTEN connections (live feed and projections)."""
    dsn, schema = postgres_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = ANY(%s) AND query ILIKE 'LISTEN%%'",
            ([f"okr-live/{schema}", f"okr-projections/{schema}"],)).fetchall()
    return len(rows)


async def listen_cut_scenario(url: str, processes: Processes, seconds: float,
                              cuts: int) -> None:
    world = await asyncio.to_thread(make_world, url)
    # A long poll: events must keep coming through NOTIFY once the listeners are back.
    api = processes.api(url, OKR_LIVE_POLL_SECONDS="30")
    await asyncio.to_thread(api.start_ready)
    cut: list[int] = []

    async def faults() -> None:
        for _ in range(cuts):
            await asyncio.sleep(seconds / (cuts + 1))
            cut.append(await asyncio.to_thread(cut_listeners, url))

    started = time.monotonic()
    await run_scenario("LISTEN cut", url, api, world, seconds=seconds, faults=faults,
                       allowed=frozenset({200}))
    assert len(cut) == cuts
    assert all(n >= 1 for n in cut), cut
    assert time.monotonic() - started < seconds + 60


async def test_listen_connections_cut(private_url: str, processes: Processes) -> None:
    await listen_cut_scenario(private_url, processes, seconds=6, cuts=2)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_listen_connections_cut_repeatedly(private_url: str,
                                                 processes: Processes) -> None:
    await listen_cut_scenario(private_url, processes, seconds=60, cuts=10)
