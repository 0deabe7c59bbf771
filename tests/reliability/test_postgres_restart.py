"""PostgreSQL stopped and started again in the middle of the load (a private cluster:
the shared server is never restarted). While it is down the service answers 503 with a
clear error quickly, /readyz says 503, nothing hangs; when it is back the service
recovers by itself within seconds, and nothing acknowledged is lost: the store, every
read model and a subscriber that resumes from its cursor all agree with the ledger."""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
import pytest

from tests.reliability.cluster import Cluster
from tests.reliability.conftest import Processes, make_world
from tests.reliability.ledger import Ledger
from tests.reliability.load import CHECK_IN, run_load
from tests.reliability.subscriber import ResumingSubscriber
from tests.reliability.verify import check_read_models, check_store
from tests.reliability.world import LoadWorld

pytestmark = pytest.mark.postgres
CLIENTS = 32
DOWN_SECONDS = 3.0
ANSWER_WITHIN = 6.0
"""While the database is down, every answer (503) comes within this."""
RECOVER_WITHIN = 10.0


async def outage(cluster: Cluster, base_url: str, world: LoadWorld, record: dict[str, float],
                 ) -> None:
    """Stop the cluster, probe the service while it is down, start it, time recovery."""
    await asyncio.to_thread(cluster.stop, "fast")
    stopped = time.monotonic()
    try:
        await probe_while_down(base_url, world, record, stopped)
    finally:
        await asyncio.to_thread(cluster.start)
    back = time.monotonic()
    record["down_seconds"] = back - stopped
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        while True:
            response = await http.post(
                "/graphql", json={"query": "{ position objectives(first: 1) { totalCount } }"},
                headers={"Authorization": f"Bearer {world.tokens['admin']}"})
            if response.status_code == 200 and (await http.get("/readyz")).status_code == 200:
                break
            assert time.monotonic() - back < RECOVER_WITHIN, "no recovery"
            await asyncio.sleep(0.1)
    record["recovered_after"] = time.monotonic() - back


async def probe_while_down(base_url: str, world: LoadWorld, record: dict[str, float],
                           stopped: float) -> None:
    """Mutations and /readyz answer 503, quickly, with the clear error."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        started = time.monotonic()
        ready = await http.get("/readyz")
        assert ready.status_code == 503, ready.text
        assert time.monotonic() - started < ANSWER_WITHIN
        probes = 0
        while probes < 2 or time.monotonic() - stopped < DOWN_SECONDS:
            started = time.monotonic()
            response = await http.post(
                "/graphql", json={"query": CHECK_IN, "variables": {"input": {
                    "keyResultId": world.key_results[-1].gid, "value": "1",
                    "note": "probe"}}},
                headers={"Authorization": f"Bearer {world.tokens['admin']}"})
            took = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert took < ANSWER_WITHIN, f"a 503 took {took:.1f}s"
            body = response.json()
            assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert "temporarily unavailable" in body["errors"][0]["message"]
            assert int(response.headers["Retry-After"]) > 0
            probes += 1
        record["probes"] = probes


async def restart_scenario(url: str, cluster: Cluster, processes: Processes, seconds: float,
                           outages: int) -> None:
    world = await asyncio.to_thread(make_world, url)
    api = processes.api(url)
    await asyncio.to_thread(api.start_ready)
    subscriber = ResumingSubscriber(api.ws_url, world.tokens["admin"]).start()
    ledger = Ledger()
    records: list[dict[str, float]] = []

    async def faults() -> None:
        for _ in range(outages):
            await asyncio.sleep(seconds / (outages + 1) - DOWN_SECONDS / 2)
            record: dict[str, float] = {}
            records.append(record)
            await outage(cluster, api.base_url, world, record)

    try:
        await run_load(api.base_url, world, ledger, clients=CLIENTS, seconds=seconds,
                       during=faults)
        await subscriber.wait_for_check_ins(
            {a.check_in_id.hex for a in ledger.check_ins if a.check_in_id})
        subscriber.check_no_duplicates()
    finally:
        await subscriber.stop()
    store = await asyncio.to_thread(check_store, url, ledger)
    models = await asyncio.to_thread(check_read_models, url, ledger)
    sys.stderr.write(f"\npostgres restarts: {len(records)} outages {records}; "
                     f"{ledger.summary()}; {store.events} events checked, "
                     f"{models.rows_compared} read-model rows compared; subscriber "
                     f"{len(subscriber.events)} events, {subscriber.resumes} resumes\n")
    assert len(records) == outages
    assert all(r["probes"] >= 2 for r in records)
    assert not ledger.failures, ledger.failures[:5]
    assert ledger.statuses.keys() <= {200, 503}, ledger.statuses
    assert all(took < ANSWER_WITHIN for _, took in ledger.unavailable)


async def test_postgres_restart_in_the_middle_of_the_load(
        private_url: str, cluster: Cluster, processes: Processes) -> None:
    await restart_scenario(private_url, cluster, processes, seconds=10, outages=1)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_postgres_restarts_during_a_minute_of_load(
        private_url: str, cluster: Cluster, processes: Processes) -> None:
    await restart_scenario(private_url, cluster, processes, seconds=60, outages=4)
