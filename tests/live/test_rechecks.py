"""Open streams keep checking who is listening: a revoked or expired token ends them
within seconds with no event flowing, a manager change narrows an idle stream before its
next event, a cursor beyond the log's head is refused, and the rendering shared by a
cohort says what executing the document says."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from okr_api.auth import verify_token
from okr_api.graphql.schema import schema
from okr_api.live.socket import SocketContext
from okr_api.request_loaders import RequestLoaders
from okr_domain import clock
from okr_domain.access import Actor
from tests.live.support import (
    KEYS,
    OKR_EVENTS,
    SCORE_EVENTS,
    Feed,
    Server,
    World,
    gid,
    wait_subscribed,
)

pytestmark = pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)

CREATE = """mutation { createServiceAccount(input: {name: "HR feed", roles: [HR]})
  { token serviceAccountId userErrors { code } } }"""
REVOKE = """mutation($id: ID!) { revokeServiceAccount(input: {serviceAccountId: $id})
  { userErrors { code } } }"""


def _extensions(error: BaseException) -> dict[str, Any]:
    assert isinstance(error, TransportQueryError), repr(error)
    assert error.errors is not None
    extensions: dict[str, Any] = error.errors[0]["extensions"]
    return extensions


async def test_a_revoked_service_account_s_open_stream_ends_within_seconds(
        server: Server, world: World) -> None:
    created = (await server.post(CREATE, token=world.tokens["admin"])
               )["data"]["createServiceAccount"]
    after = await server.check_in(world, 1)
    async with Feed(server.client(created["token"]), SCORE_EVENTS, {"after": 0}) as feed:
        await wait_subscribed(server, 1)
        await server.post(REVOKE, {"id": created["serviceAccountId"]},
                          token=world.tokens["admin"])
        started = time.monotonic()
        error = await feed.wait_for_error(within=5.0)
        assert time.monotonic() - started < 5.0
    extensions = _extensions(error)
    assert extensions["code"] == "UNAUTHENTICATED"
    assert extensions["resumeAfter"] >= after


async def test_an_expired_token_s_open_stream_ends_within_seconds(
        server: Server, world: World) -> None:
    async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS, {}) as feed:
        await wait_subscribed(server, 1)
        # The service's clock moves past the token's expiry (an hour, plus leeway).
        previous = clock.set_clock(clock.ShiftedClock(clock.now() + timedelta(hours=2)))
        try:
            started = time.monotonic()
            error = await feed.wait_for_error(within=5.0)
            assert time.monotonic() - started < 5.0
        finally:
            clock.set_clock(previous)
    extensions = _extensions(error)
    assert extensions["code"] == "UNAUTHENTICATED"
    assert "resumeAfter" in extensions


async def test_a_manager_change_narrows_an_idle_stream_before_its_next_event(
        server: Server, world: World) -> None:
    private_kr = gid("KeyResult", world.private_objective, world.private_key_result)
    start = {"after": server.app.current_position()}
    async with Feed(server.client(world.tokens["lead"]), OKR_EVENTS, start) as feed:
        await wait_subscribed(server, 1)
        first = await server.check_in(world, 1, key_result=private_kr)
        assert [e["position"] for e in await feed.wait_for(1)] == [first]
        await asyncio.sleep(1.5)  # idle: no event since the stream's last check
        # Alice moves to the department, under the CEO: no longer the lead's report.
        await asyncio.to_thread(server.app.upsert_person, Actor.system(world.org), "alice",
                                "Alice", team_id=world.engineering, manager_id=world.ceo)
        hidden = await server.check_in(world, 2, key_result=private_kr)
        public = await server.check_in(world, 3)
        events = await feed.wait_for(2)
    assert [e["position"] for e in events] == [first, public]
    assert hidden not in [e["position"] for e in events]


async def test_a_cursor_beyond_the_log_s_head_is_refused(server: Server,
                                                         world: World) -> None:
    head = server.app.current_position()
    async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS,
                    {"after": head + 1000}) as feed:
        error = await feed.wait_for_error(within=5.0)
    extensions = _extensions(error)
    assert extensions["code"] == "CURSOR_BEYOND_HEAD"
    assert extensions["head"] >= head


async def test_the_shared_rendering_equals_executing_the_document(
        server: Server, world: World) -> None:
    await server.check_in(world, 4, note="four")
    await server.check_in(world, 10, note="done")
    aliased = SCORE_EVENTS.replace("eventId position", "id: eventId at: position __typename"
                                   " ... on OkrEvent { band ownerExternalId }")
    async with Feed(server.client(world.tokens["admin"]), aliased, {"after": 0}) as feed:
        sent = await feed.wait_for(2)
    services = server.fastapi.state.services
    principal = verify_token(KEYS, world.tokens["admin"])
    context = SocketContext(services=services, principal=principal,
                            loaders=RequestLoaders(services.read_model, world.org),
                            connection_params={
                                "Authorization": f"Bearer {world.tokens['admin']}"})
    executed: list[dict[str, Any]] = []
    results = await schema.subscribe(aliased, variable_values={"after": 0},
                                     context_value=context)
    async for result in results:  # type: ignore[union-attr]
        assert not result.errors, result.errors
        assert result.data is not None
        executed.append(result.data["scoreEvents"])
        if len(executed) == len(sent):
            break
    assert executed == sent
    assert sent[-1]["band"] == "TOO_SAFE"
    assert sent[-1]["ownerExternalId"] == "alice"
