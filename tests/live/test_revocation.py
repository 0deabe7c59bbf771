"""A revoked service account's token is refused at once, by every API process."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from okr_api.read_side import init_read_models
from okr_api.storage import init_database
from tests.live.support import build_world, serve_here, settings_for

pytestmark = pytest.mark.postgres

VIEWER = "{ viewer { roles } }"
CREATE = """mutation { createServiceAccount(input: {name: "HR feed", roles: [HR]})
  { token serviceAccountId userErrors { code } } }"""
REVOKE = """mutation($id: ID!) { revokeServiceAccount(input: {serviceAccountId: $id})
  { userErrors { code } } }"""


async def _status(base_url: str, token: str) -> int:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post("/graphql", json={"query": VIEWER},
                                     headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def test_a_revocation_through_one_process_ends_the_token_on_the_other(
        postgres_url: str, tmp_path: Path) -> None:
    init_database(postgres_url).close()
    init_read_models(postgres_url)
    # A long poll: the second process must learn of the revocation from the log's
    # NOTIFY, not from a poll nor from an expiring cache.
    settings = [settings_for(postgres_url, tmp_path / f"data{n}", live_poll_seconds=30)
                for n in (1, 2)]
    async with serve_here(settings[0]) as first, serve_here(settings[1]) as second:
        world = await asyncio.to_thread(build_world, first.app)
        created = (await first.post(CREATE, token=world.tokens["admin"])
                   )["data"]["createServiceAccount"]
        token = created["token"]
        # Both processes have checked the account and remember it as valid.
        assert await _status(first.base_url, token) == 200
        assert await _status(second.base_url, token) == 200
        await first.post(REVOKE, {"id": created["serviceAccountId"]},
                         token=world.tokens["admin"])
        assert await _status(first.base_url, token) == 401
        started = time.monotonic()
        while await _status(second.base_url, token) != 401:
            assert time.monotonic() - started < 2.0, "the other process still accepts it"
            await asyncio.sleep(0.02)
