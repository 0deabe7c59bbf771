"""Webhook receivers that time out, answer 500 or hang while the load runs: a healthy
endpoint is not held back by them, and once they recover every acknowledged check-in
reaches each of them, in order, at least once."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.reliability.conftest import Processes, make_world
from tests.reliability.receivers import Mode, Receiver
from tests.reliability.scenario import run_scenario
from tests.reliability.subscriber import check_in_hex

pytestmark = pytest.mark.postgres
REGISTER = """mutation R($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) { userErrors { code message } endpoint { id } } }"""


@pytest.fixture
def receivers() -> Iterator[dict[Mode, Receiver]]:
    started = {mode: Receiver(mode).start() for mode in Mode}
    try:
        yield started
    finally:
        for receiver in started.values():
            receiver.stop()


async def wait_delivered(receiver: Receiver, wanted: set[str], within: float) -> float:
    started = time.monotonic()
    while True:
        got = {check_in_hex(i) for i in receiver.check_in_ids()}
        if wanted <= got:
            return time.monotonic() - started
        assert time.monotonic() - started < within, (
            f"{receiver.mode}: {len(wanted - got)} of {len(wanted)} check-ins missing")
        await asyncio.sleep(0.1)


async def webhook_scenario(url: str, processes: Processes, receivers: dict[Mode, Receiver],
                           seconds: float) -> None:
    world = await asyncio.to_thread(make_world, url)
    api = processes.api(url, OKR_WEBHOOK_TIMEOUT_SECONDS="1",
                        OKR_WEBHOOK_RETRY_BASE_SECONDS="0.2",
                        OKR_WEBHOOK_RETRY_MAX_SECONDS="1")
    await asyncio.to_thread(api.start_ready)
    async with httpx.AsyncClient(base_url=api.base_url, timeout=30) as http:
        for receiver in receivers.values():
            response = await http.post("/graphql", json={"query": REGISTER, "variables": {
                "input": {"url": receiver.url, "role": "ADMIN"}}},
                headers={"Authorization": f"Bearer {world.tokens['admin']}"})
            assert response.json()["data"]["registerWebhookEndpoint"]["userErrors"] == []
    outcome = await run_scenario("webhooks", url, api, world, seconds=seconds, faults=None,
                                 allowed=frozenset({200}))
    acked = {a.check_in_id.hex for a in outcome.ledger.check_ins if a.check_in_id}
    healthy = await wait_delivered(receivers[Mode.OK], acked, within=30)
    for mode in (Mode.ERROR, Mode.SLOW, Mode.HANG):
        assert receivers[mode].attempts > 0
        receivers[mode].heal()
    for mode in (Mode.ERROR, Mode.SLOW, Mode.HANG):
        await wait_delivered(receivers[mode], acked, within=60)
    for receiver in receivers.values():
        positions = receiver.positions()
        assert positions == sorted(positions), f"{receiver.mode}: out of order"
    # Shutting down with deliveries under way (and a receiver gone) ends promptly.
    for receiver in receivers.values():
        receiver.stop()
    await asyncio.sleep(1)
    exit_code = await asyncio.to_thread(api.terminate, 15)
    assert exit_code in (0, -15), api.output()
    sys.stderr.write(f"webhooks: {len(acked)} check-ins to each of {len(receivers)} "
                     f"receivers; healthy caught up {healthy:.1f}s after the load; attempts "
                     f"{ {m.value: r.attempts for m, r in receivers.items()} }\n")


async def test_failing_webhook_receivers(shared_url: str, processes: Processes,
                                         receivers: dict[Mode, Receiver]) -> None:
    await webhook_scenario(shared_url, processes, receivers, seconds=5)


@pytest.mark.slow
@pytest.mark.timeout(900)
async def test_failing_webhook_receivers_for_a_minute(
        shared_url: str, processes: Processes, receivers: dict[Mode, Receiver]) -> None:
    await webhook_scenario(shared_url, processes, receivers, seconds=60)
