"""Operations: a graceful shutdown (SIGTERM while requests are in flight and
subscribers are connected: the requests complete, the subscribers get a close frame,
nothing is half-written), and production refusing to start without a real secret."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.reliability.conftest import Processes, make_world
from tests.reliability.ledger import Ledger
from tests.reliability.load import Client
from tests.reliability.processes import VENV_BIN, free_port
from tests.reliability.verify import check_read_models, check_store
from tests.reliability.world import LoadWorld
from tests.service_env import clean_environment

pytestmark = pytest.mark.postgres
IN_FLIGHT = 24
SUBSCRIBERS = 3


async def subscribe(ws_url: str, token: str) -> websockets.ClientConnection:
    socket = await websockets.connect(ws_url, subprotocols=["graphql-transport-ws"])
    await socket.send(json.dumps({"type": "connection_init",
                                  "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await socket.recv())["type"] == "connection_ack"
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
        "query": "subscription { scoreEvents { position } }"}}))
    return socket


async def until_closed(socket: websockets.ClientConnection) -> list[dict[str, object]]:
    """The messages until the server closes the connection."""
    messages = []
    try:
        while True:
            messages.append(json.loads(await asyncio.wait_for(socket.recv(), 30)))
    except websockets.ConnectionClosed:
        return messages


async def test_graceful_shutdown(shared_url: str, processes: Processes) -> None:
    world: LoadWorld = await asyncio.to_thread(make_world, shared_url)
    api = processes.api(shared_url)
    await asyncio.to_thread(api.start_ready)
    sockets = [await subscribe(api.ws_url, world.tokens["admin"]) for _ in range(SUBSCRIBERS)]
    ledger = Ledger()
    async with httpx.AsyncClient(base_url=api.base_url) as http:
        clients = [Client(n, http, world, ledger, random.Random(n)) for n in range(IN_FLIGHT)]
        deadline = time.monotonic()  # one attempt each: no retries after the stop
        requests = [asyncio.create_task(c.check_in(deadline - 100)) for c in clients]
        await asyncio.sleep(0.15)  # the requests are being served
        api.popen.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        closings = [asyncio.create_task(until_closed(s)) for s in sockets]
        await asyncio.gather(*requests)
        exit_code = await asyncio.to_thread(api.popen.wait, 30)  # type: ignore[union-attr]
        received = await asyncio.gather(*closings)
    assert exit_code in (0, -15), api.output()  # uvicorn re-raises the SIGTERM it handled
    assert not ledger.failures, ledger.failures
    assert ledger.statuses == {200: IN_FLIGHT}, (ledger.statuses, ledger.transport_errors)
    assert len(ledger.check_ins) == IN_FLIGHT
    for socket, messages in zip(sockets, received, strict=True):
        assert socket.close_code not in (None, 1006), messages  # a close frame came
        told = json.dumps(messages)
        assert "SHUTTING_DOWN" in told, f"the subscriber was not told: {messages}"
        assert "resumeAfter" in told
    # Nothing half-written: after a restart, the store and read models agree.
    await asyncio.to_thread(api.start_ready)
    await asyncio.to_thread(check_store, shared_url, ledger)
    await asyncio.to_thread(check_read_models, shared_url, ledger)


@pytest.mark.parametrize("secret", [None, "short-secret"])
def test_production_refuses_to_start_without_a_real_secret(tmp_path: Path,
                                                          secret: str | None) -> None:
    env = clean_environment()
    env.update({"OKR_ENVIRONMENT": "production", "OKR_DATA_DIR": str(tmp_path)})
    if secret is not None:
        env["OKR_JWT_SECRET"] = secret
    started = time.monotonic()
    result = subprocess.run([str(VENV_BIN / "okr-api"), "serve", "--port", str(free_port())],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert "OKR_JWT_SECRET" in result.stderr + result.stdout
    assert time.monotonic() - started < 30
    assert not (tmp_path / "jwt-secret").exists()  # no secret was made up in its place
