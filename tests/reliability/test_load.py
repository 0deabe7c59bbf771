"""Load: 32 clients mixing check-ins (some on the same key results), alignment changes
and queries. Every acknowledged write is in the store exactly once, every read model
equals a clean rebuild, and no answer is a 5xx."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.reliability.conftest import Processes, make_world
from tests.reliability.ledger import Ledger
from tests.reliability.load import run_load
from tests.reliability.verify import check_read_models, check_store

pytestmark = pytest.mark.postgres
CLIENTS = 32


async def load_scenario(url: str, processes: Processes, seconds: float) -> None:
    world = await asyncio.to_thread(make_world, url)
    api = processes.api(url)
    await asyncio.to_thread(api.start_ready)
    ledger = Ledger()
    await run_load(api.base_url, world, ledger, clients=CLIENTS, seconds=seconds)
    store = await asyncio.to_thread(check_store, url, ledger)
    models = await asyncio.to_thread(check_read_models, url, ledger)
    sys.stderr.write(f"\nload {seconds:.0f}s: {ledger.summary()}; {store.events} events "
                     f"checked, {models.rows_compared} read-model rows compared\n")
    assert not ledger.failures, ledger.failures[:5]
    assert ledger.statuses.keys() <= {200}, ledger.statuses
    assert ledger.partial == 0
    assert len(ledger.check_ins) > 100
    assert ledger.alignments


async def test_load_keeps_every_acknowledged_write(shared_url: str,
                                                   processes: Processes) -> None:
    await load_scenario(shared_url, processes, seconds=10)


@pytest.mark.slow
@pytest.mark.timeout(600)
async def test_load_for_a_minute(shared_url: str, processes: Processes) -> None:
    await load_scenario(shared_url, processes, seconds=60)
