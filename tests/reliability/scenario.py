"""One scenario: load against a running API with faults injected alongside, then the
checks every scenario ends with (no failure seen by a client, the store and every read
model against the ledger, a resuming subscriber that got every acknowledged check-in once).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.reliability.ledger import Ledger
from tests.reliability.load import run_load
from tests.reliability.processes import ApiProcess
from tests.reliability.subscriber import ResumingSubscriber
from tests.reliability.verify import Figures, check_read_models, check_store
from tests.reliability.world import LoadWorld

CLIENTS = 32


@dataclass
class Outcome:
    ledger: Ledger
    figures: Figures
    subscriber: ResumingSubscriber


async def run_scenario(name: str, url: str, api: ApiProcess, world: LoadWorld, *,
                       seconds: float, faults: Callable[[], Any] | None,
                       allowed: frozenset[int] = frozenset({200, 503})) -> Outcome:
    import asyncio

    subscriber = ResumingSubscriber(api.ws_url, world.tokens["admin"]).start()
    ledger = Ledger()
    try:
        await run_load(api.base_url, world, ledger, clients=CLIENTS, seconds=seconds,
                       during=faults)
        await subscriber.wait_for_check_ins(
            {a.check_in_id.hex for a in ledger.check_ins if a.check_in_id})
        subscriber.check_no_duplicates()
    finally:
        await subscriber.stop()
    figures = await asyncio.to_thread(check_store, url, ledger)
    figures.add(await asyncio.to_thread(check_read_models, url, ledger))
    sys.stderr.write(f"\n{name}: {ledger.summary()}; {figures.events} events checked, "
                     f"{figures.rows_compared} read-model rows compared; subscriber "
                     f"{len(subscriber.events)} events, {subscriber.resumes} resumes\n")
    assert not ledger.failures, ledger.failures[:5]
    assert ledger.statuses.keys() <= allowed, ledger.statuses
    assert len(ledger.check_ins) > 20
    return Outcome(ledger, figures, subscriber)
