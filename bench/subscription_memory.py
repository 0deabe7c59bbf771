"""What an open subscription costs the API process: resident memory (VmRSS) with a few
warm-up subscribers open, then with ``--subscribers`` more, each a bare
graphql-transport-ws client of ``bench/light_subscribers.py`` (one connection, one
``scoreEvents`` subscription: what S1's spread phase opens), in KB per subscription.

    python -m bench.subscription_memory --subscribers 5000

The API is ``okr-api serve`` on a small store of its own (an SQLite file in a temporary
directory unless ``--database-url`` names another): what a subscription costs barely
depends on the organization's size. A few check-ins are delivered to every subscriber
before the second reading, so their sockets have sent something, as in the benchmark.
Not a bench row: a figure to measure changes of the WebSocket path by.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path
from uuid import UUID

import httpx

from bench import server
from bench.light_subscribers import LightSubscriber, connect_spread, stop_light
from bench.queries import RECORD_CHECK_IN
from okr_api.auth import TokenKeys, mint_token
from okr_api.storage import init_database
from okr_domain.access import Actor
from okr_domain.values import Level, MetricType, Role

WARM_UP = 200
SETTLE_SECONDS = 6.0
"""Longer than the API's memory sweep (``OKR_MEMORY_SWEEP_SECONDS``, 5), so each
reading follows a trim of free memory."""


def seed(url: str) -> tuple[str, str]:
    """An organization with one objective: an ADMIN+HR token (as the benchmark's) and
    the key result to check in on."""
    app = init_database(url)
    try:
        org = app.create_organization("Acme", "acme").id
        system = Actor.system(org)
        ceo = app.upsert_person(system, "ceo", "Cleo Ceo").id
        cycle = app.create_cycle(system, "2026-Q4").id
        app.activate_cycle(system, cycle)
        objective = app.create_objective(system, cycle, Level.INDIVIDUAL, "Grow",
                                         owner_person_id=ceo).id
        key_result = app.add_key_result(system, objective, "Revenue",
                                        MetricType.INCREASE_TO, start=0, target=100).id
        app.activate_objective(system, objective)
    finally:
        app.close()
    token = mint_token(TokenKeys(secret=server.SECRET), organization_id=org,
                       subject=str(ceo), roles=[Role.ADMIN, Role.HR])
    return token, _key_result_gid(objective, key_result)


def _key_result_gid(objective: UUID, key_result: UUID) -> str:
    from strawberry.relay import to_base64

    return to_base64("KeyResult", f"{objective.hex}.{key_result.hex}")


async def _check_ins(api: server.ApiProcess, token: str, key_result: str,
                     listening: list[LightSubscriber], count: int) -> None:
    async with httpx.AsyncClient(base_url=api.base_url, timeout=60) as client:
        last = 0
        for n in range(count):
            response = await client.post("/graphql", headers={
                "Authorization": f"Bearer {token}"}, json={
                "query": RECORD_CHECK_IN, "variables": {"input": {
                    "keyResultId": key_result, "value": str(10 + n), "confidence": 7}}})
            body = response.json()
            assert not body.get("errors"), body
            last = max(last, body["data"]["recordCheckIn"]["position"])
    deadline = time.monotonic() + 60
    while not all(s.last_position >= last for s in listening):
        if time.monotonic() > deadline:
            behind = sum(s.last_position < last for s in listening)
            raise RuntimeError(f"{behind} subscribers did not receive every check-in")
        await asyncio.sleep(0.2)


async def measure(api: server.ApiProcess, token: str, key_result: str, count: int,
                  check_ins: int) -> dict[str, float]:
    warm = await connect_spread([api.ws_url], token, WARM_UP)
    measured: list[LightSubscriber] = []
    try:
        await _check_ins(api, token, key_result, warm, check_ins)
        await asyncio.sleep(SETTLE_SECONDS)
        before = api.rss_mb()
        measured = await connect_spread([api.ws_url], token, count)
        await _check_ins(api, token, key_result, warm + measured, check_ins)
        await asyncio.sleep(SETTLE_SECONDS)
        after = api.rss_mb()
        peak = api.peak_rss_mb()
    finally:
        await stop_light(warm + measured)
    return {"rss_before_mb": before, "rss_after_mb": after, "peak_mb": peak,
            "kb_per_subscription": (after - before) * 1024 / count}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.subscription_memory",
        description="KB of the API process's resident memory per open scoreEvents "
                    "subscription (bare graphql-transport-ws clients, as S1's spread).")
    parser.add_argument("--subscribers", type=int, default=2000,
                        help="subscriptions opened between the two readings (default 2000)")
    parser.add_argument("--check-ins", type=int, default=3,
                        help="check-ins delivered to every subscriber before each reading")
    parser.add_argument("--database-url", default=None,
                        help="the store (default: an SQLite file in a temporary directory)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable of the API process (repeatable)")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="okr-subscription-memory-") as directory:
        work_dir = Path(directory)
        url = args.database_url or f"sqlite:///{work_dir / 'okr.sqlite3'}"
        token, key_result = seed(url)
        api = server.start(url, work_dir, env)
        try:
            figures = asyncio.run(measure(api, token, key_result, args.subscribers,
                                          args.check_ins))
        finally:
            api.stop()
    print(f"subscriptions={args.subscribers} pid_env={sorted(env)} "
          f"rss_before_mb={figures['rss_before_mb']:.1f} "
          f"rss_after_mb={figures['rss_after_mb']:.1f} peak_mb={figures['peak_mb']:.1f}")
    print(f"{figures['kb_per_subscription']:.1f} KB per open subscription")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
