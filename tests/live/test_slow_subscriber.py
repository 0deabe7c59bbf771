"""A subscriber that stops reading fills its bounded queue: it is closed with
SUBSCRIBER_TOO_SLOW and the position to resume after, while the others keep receiving
everything promptly; resuming from that position loses nothing."""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from okr_domain.access import Actor
from tests.live.support import (
    SCORE_EVENTS,
    TRANSPORT_WS,
    Feed,
    World,
    build_world,
    serve_here,
    settings_for,
    wait_subscribed,
)

QUEUE = 40
EVENTS = 200
BURST = QUEUE // 4


async def _raw_subscriber(ws_url: str, port: int, token: str) -> ClientConnection:
    """A client that will stop reading: tiny receive buffer, one message queued."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    ws = await connect(ws_url, sock=sock, subprotocols=[TRANSPORT_WS],  # type: ignore[list-item]
                       compression=None, max_queue=1, close_timeout=1)
    await ws.send(json.dumps({"type": "connection_init",
                              "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "slow", "type": "subscribe",
                              "payload": {"query": SCORE_EVENTS, "variables": {}}}))
    return ws


async def _drain(ws: ClientConnection) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Read on until the error arrives: the events received, and the error."""
    events: list[dict[str, Any]] = []
    while True:
        try:
            raw = await asyncio.wait_for(ws.recv(), 5)
        except TimeoutError:
            raise AssertionError(f"no error after {len(events)} events") from None
        message = json.loads(raw)
        payload = message.get("payload") or {}
        if payload.get("errors"):
            return events, payload["errors"][0]
        if message["type"] == "next":
            events.append(payload["data"]["scoreEvents"])


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_a_slow_subscriber_is_closed_with_its_cursor_and_slows_no_one(
        live_url: str, tmp_path: Path) -> None:
    settings = settings_for(live_url, tmp_path / "data", live_queue_size=QUEUE)
    async with serve_here(settings, send_buffer=16384) as server:
        world: World = await asyncio.to_thread(build_world, server.app)
        port = int(server.base_url.rsplit(":", 1)[1])
        slow = await _raw_subscriber(server.ws_url, port, world.tokens["hr"])
        async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS, {}) as fast:
            await wait_subscribed(server, 2)
            note = secrets.token_hex(2000)  # 4,000 characters that do not compress

            def write(values: range) -> list[int]:
                system = Actor.system(world.org)
                return [server.app.record_check_in(system, world.objective,
                                                   world.key_result, v % 10, note=note,
                                                   ).position
                        for v in values]

            # The writes come in bursts a quarter of the queue long, each once the reading
            # subscriber has had the one before: a busy machine may delay its reads, but
            # it is never the one left more than a queue behind. The subscriber that
            # stops reading still falls behind and is closed.
            started = time.monotonic()
            positions: list[int] = []
            for burst in range(0, EVENTS, BURST):
                positions += await asyncio.to_thread(write, range(burst, burst + BURST))
                await fast.wait_for(len(positions), within=60)
            written = time.monotonic() - started
            received = await fast.wait_for(EVENTS, within=60)
            fast_seconds = time.monotonic() - started
            print(f"wrote {EVENTS} in {written:.2f}s, the fast subscriber had all after "
                  f"{fast_seconds:.2f}s")
        assert [e["position"] for e in received] == positions
        events, error = await _drain(slow)
        await slow.close()
        assert error["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
        delivered = [e["position"] for e in events]
        assert delivered == positions[:len(delivered)]
        assert 0 < len(delivered) < EVENTS
        resume_after = error["extensions"]["resumeAfter"]
        assert resume_after == delivered[-1]
        assert f"after: {resume_after}" in error["message"]
        async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS,
                        {"after": resume_after}) as resumed:
            rest = await resumed.wait_for(EVENTS - len(delivered), within=60)
        assert delivered + [e["position"] for e in rest] == positions
        # The fast subscriber kept pace with the writes (it was not held up).
        assert fast_seconds < 30
