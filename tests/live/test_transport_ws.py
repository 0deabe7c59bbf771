"""graphql-transport-ws connections of our own (``okr_api.live.transport_ws``): a live
subscription from now on is a listener of the hub, other operations go to strawberry's
handler, and the protocol's rules and errors are strawberry's, over a real socket."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from okr_api.live import transport_ws
from okr_api.live.transport_ws import LeanSubscription
from okr_domain.access import Actor
from tests.live.support import (
    TRANSPORT_WS,
    Server,
    World,
    gid,
    serve_here,
    settings_for,
    wait_subscribed,
)

pytestmark = pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)


@pytest.fixture
async def server(live_url: str, tmp_path: Path) -> AsyncIterator[Server]:
    """The server with the protocols ``okr-api serve`` gives uvicorn (the lean
    WebSocket protocol's queue, event and parser under the lean connections)."""
    async with serve_here(settings_for(live_url, tmp_path / "data"),
                          service_protocols=True) as running:
        yield running

SCORES = "subscription S($after: Int) { scoreEvents(after: $after) { position type note } }"
OKRS = "subscription O { okrEvents { position type objectiveId } }"
CREATE = """mutation { createServiceAccount(input: {name: "HR feed", roles: [HR]})
  { token serviceAccountId userErrors { code } } }"""
REVOKE = """mutation($id: ID!) { revokeServiceAccount(input: {serviceAccountId: $id})
  { userErrors { code } } }"""


@asynccontextmanager
async def socket(server: Server, token: str | None = None) -> AsyncIterator[ClientConnection]:
    """A bare client, acknowledged when ``token`` is given."""
    async with connect(server.ws_url, subprotocols=[TRANSPORT_WS]) as ws:  # type: ignore[list-item]
        if token is not None:
            await send(ws, {"type": "connection_init",
                            "payload": {"Authorization": f"Bearer {token}"}})
            assert await receive(ws) == {"type": "connection_ack"}
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(orjson.dumps(message).decode())


async def receive(ws: ClientConnection, within: float = 10.0) -> dict[str, Any]:
    frame = await asyncio.wait_for(ws.recv(), within)
    message: dict[str, Any] = orjson.loads(frame)
    return message


async def closed_with(ws: ClientConnection, within: float = 10.0) -> tuple[int | None, str]:
    try:
        async with asyncio.timeout(within):
            async for _ in ws:
                pass
    except ConnectionClosed:
        pass
    return ws.close_code, ws.close_reason or ""


async def event_at(ws: ClientConnection, position: int) -> dict[str, Any]:
    """The next message that is not an event before ``position`` (a stream from now on
    starts at the hub's position, which may be short of the world's last events)."""
    while True:
        message = await receive(ws)
        data = (message.get("payload") or {}).get("data") or {}
        event = next(iter(data.values()), None) if isinstance(data, dict) else None
        if message["type"] != "next" or event is None or event["position"] >= position:
            return message


def subscribe(operation_id: str, query: str, **variables: Any) -> dict[str, Any]:
    return {"id": operation_id, "type": "subscribe",
            "payload": {"query": query, "variables": variables}}


def listeners(server: Server) -> list[Any]:
    hub = server.fastapi.state.services.extras["live"].hub
    return [s for cohort in hub._cohorts.values() for s in cohort.subscribers]


async def test_a_live_subscription_is_a_lean_listener_and_complete_stops_it(
        server: Server, world: World) -> None:
    async with socket(server, world.tokens["hr"]) as ws:
        await send(ws, subscribe("1", SCORES))
        await wait_subscribed(server, 1)
        assert [type(s) for s in listeners(server)] == [LeanSubscription]
        position = await server.check_in(world, 4, note="lean")
        message = await event_at(ws, position)
        assert message == {"id": "1", "type": "next", "payload": {"data": {"scoreEvents": {
            "position": position, "type": "CHECK_IN_RECORDED", "note": "lean"}}}}
        await send(ws, {"id": "1", "type": "complete"})
        deadline = time.monotonic() + 5
        while listeners(server):
            assert time.monotonic() < deadline, "complete left the listener registered"
            await asyncio.sleep(0.02)
        await server.check_in(world, 5)
        with pytest.raises(TimeoutError):
            await receive(ws, within=1.5)
        # The id is free again once completed.
        await send(ws, subscribe("1", SCORES))
        await wait_subscribed(server, 1)
        position = await server.check_in(world, 6, note="again")
        assert (await receive(ws))["payload"]["data"]["scoreEvents"]["position"] == position


async def test_the_lean_rendering_equals_strawberry_s(server: Server, world: World) -> None:
    start = server.app.current_position()
    async with socket(server, world.tokens["admin"]) as ws:
        await send(ws, subscribe("lean", OKRS))
        # With a cursor, the stream is strawberry's (its replay included).
        await send(ws, {"id": "full", "type": "subscribe", "payload": {
            "query": "subscription O($after: Int) { okrEvents(after: $after) "
                     "{ position type objectiveId } }", "variables": {"after": start}}})
        await wait_subscribed(server, 2)
        assert sorted(type(s).__name__ for s in listeners(server)) == [
            "LeanSubscription", "Subscriber"]
        position = await server.check_in(world, 7)
        # The lean stream starts at the hub's position, which may be short of the
        # world's last events: compare what both sent for the check-in.
        received: dict[str, dict[str, Any]] = {}
        while len(received) < 2:
            message = await receive(ws)
            assert message["type"] == "next", message
            if message["payload"]["data"]["okrEvents"]["position"] == position:
                received[message["id"]] = message["payload"]
    assert received["lean"] == received["full"]
    assert received["lean"]["data"]["okrEvents"]["objectiveId"] == gid(
        "Objective", world.objective)


@pytest.mark.parametrize(("messages", "code", "reason"), [
    (["{not json"], 4400, "WebSocket message must be valid JSON"),
    ([{"type": "what"}], 4400, "Unknown message type: what"),
    ([{"id": "1"}], 4400, "Failed to parse message"),
    ([[1, 2]], 4400, "Failed to parse message"),
    ([{"id": "1", "type": "subscribe"}], 4400, "Failed to parse message"),
    ([{"type": "connection_init", "payload": {}}], 4429, "Too many initialisation requests"),
    ([subscribe("1", SCORES), subscribe("1", SCORES)], 4409, "Subscriber for 1 already exists"),
])
async def test_protocol_errors_close_the_connection(
        server: Server, world: World, messages: list[Any], code: int, reason: str) -> None:
    async with socket(server, world.tokens["hr"]) as ws:
        for message in messages:
            await ws.send(message if isinstance(message, str) else orjson.dumps(message).decode())
        assert await closed_with(ws) == (code, reason)


async def test_before_the_acknowledgement(server: Server, world: World) -> None:
    async with socket(server) as ws:
        await send(ws, subscribe("1", SCORES))
        assert await closed_with(ws) == (4401, "Unauthorized")
    async with socket(server) as ws:
        await send(ws, {"type": "connection_init", "payload": [1]})
        assert await closed_with(ws) == (4400, "Invalid connection init payload")
    async with socket(server) as ws:
        await send(ws, {"type": "connection_init", "payload": {"authToken": "nonsense"}})
        assert await closed_with(ws) == (4403, "Forbidden")
    async with socket(server) as ws:
        await ws.send(b"\x00binary")
        assert await closed_with(ws) == (4400, "WebSocket message type must be text")


async def test_a_connection_that_never_initialises_is_closed(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport_ws, "INIT_SECONDS", 0.3)
    async with socket(server) as ws:
        assert await closed_with(ws) == (4408, "Connection initialisation timeout")


async def test_ping_is_answered(server: Server, world: World) -> None:
    async with socket(server, world.tokens["hr"]) as ws:
        await send(ws, {"type": "ping"})
        assert await receive(ws) == {"type": "pong"}
        await send(ws, {"type": "pong"})
        await send(ws, {"type": "ping"})
        assert await receive(ws) == {"type": "pong"}


async def test_other_operations_go_to_strawberry_s_handler(
        server: Server, world: World) -> None:
    async with socket(server, world.tokens["alice"]) as ws:
        # A query over the socket.
        await send(ws, {"id": "q", "type": "subscribe",
                        "payload": {"query": "query { viewer { roles } }"}})
        assert await receive(ws) == {"id": "q", "type": "next",
                                     "payload": {"data": {"viewer": {"roles": ["MEMBER"]}}}}
        assert await receive(ws) == {"id": "q", "type": "complete"}
        # A feed the principal may not have: the resolver's typed error.
        await send(ws, subscribe("s", SCORES))
        assert await receive(ws) == {"id": "s", "type": "next", "payload": {
            "data": None, "errors": [{"message": "this needs the HR or ADMIN role",
                                      "extensions": {"code": "FORBIDDEN"}}]}}
        assert await receive(ws) == {"id": "s", "type": "complete"}
        # An invalid document.
        await send(ws, subscribe("v", "subscription { okrEvents { nope } }"))
        message = await receive(ws)
        assert (message["id"], message["type"]) == ("v", "error")
        assert message["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        # A cursor beyond the head.
        await send(ws, subscribe("c", SCORES.replace("scoreEvents", "okrEvents"),
                                 after=10**9))
        message = await receive(ws)
        assert message["payload"]["errors"][0]["extensions"]["code"] == "CURSOR_BEYOND_HEAD"
        assert await receive(ws) == {"id": "c", "type": "complete"}
        # A fragment: executed by strawberry's handler, still delivered.
        await send(ws, subscribe("f", "subscription { okrEvents { ...F } } "
                                      "fragment F on OkrEvent { position }"))
        await send(ws, subscribe("l", OKRS))
        await wait_subscribed(server, 2)
        assert sorted(type(s).__name__ for s in listeners(server)) == [
            "LeanSubscription", "Subscriber"]
        # Ids are shared by both kinds: a duplicate of a strawberry operation's id.
        position = await server.check_in(world, 8)
        got: set[str] = set()
        while got != {"f", "l"}:
            got.add((await event_at(ws, position))["id"])
        await send(ws, subscribe("f", OKRS))
        assert await closed_with(ws) == (4409, "Subscriber for f already exists")
    assert position > 0


async def test_a_revoked_token_ends_a_lean_stream_within_seconds(
        server: Server, world: World) -> None:
    created = (await server.post(CREATE, token=world.tokens["admin"])
               )["data"]["createServiceAccount"]
    async with socket(server, created["token"]) as ws:
        await send(ws, subscribe("1", SCORES))
        await wait_subscribed(server, 1)
        assert [type(s) for s in listeners(server)] == [LeanSubscription]
        position = await server.check_in(world, 2)
        delivered = (await event_at(ws, position))["payload"]["data"]["scoreEvents"]
        assert delivered["position"] == position
        await server.post(REVOKE, {"id": created["serviceAccountId"]},
                          token=world.tokens["admin"])
        started = time.monotonic()
        message = await receive(ws, within=5.0)
        assert time.monotonic() - started < 5.0
        assert await receive(ws) == {"id": "1", "type": "complete"}
    error = message["payload"]["errors"][0]
    assert message["payload"]["data"] is None
    assert error["extensions"] == {"code": "UNAUTHENTICATED", "resumeAfter": position}
    assert f"after: {position}" in error["message"]


async def test_a_manager_change_narrows_a_lean_stream(server: Server, world: World) -> None:
    private_kr = gid("KeyResult", world.private_objective, world.private_key_result)
    async with socket(server, world.tokens["lead"]) as ws:
        await send(ws, subscribe("1", OKRS))
        await wait_subscribed(server, 1)
        assert [type(s) for s in listeners(server)] == [LeanSubscription]
        first = await server.check_in(world, 1, key_result=private_kr)
        assert (await event_at(ws, first))["payload"]["data"]["okrEvents"]["position"] == first
        await asyncio.to_thread(server.app.upsert_person, Actor.system(world.org), "alice",
                                "Alice", team_id=world.engineering, manager_id=world.ceo)
        hidden = await server.check_in(world, 2, key_result=private_kr)
        public = await server.check_in(world, 3)
        message = await receive(ws)
    assert message["payload"]["data"]["okrEvents"]["position"] == public
    assert hidden != public


async def test_closing_the_socket_unregisters_its_subscriptions(
        server: Server, world: World) -> None:
    async with socket(server, world.tokens["hr"]) as ws:
        await send(ws, subscribe("1", SCORES))
        await send(ws, subscribe("2", SCORES))
        await wait_subscribed(server, 2)
    deadline = time.monotonic() + 5
    while listeners(server):
        assert time.monotonic() < deadline, "the closed socket's listeners stayed"
        await asyncio.sleep(0.02)
