"""Who receives what: nothing across organizations, private objectives only for those who
may see them, the HR role per the organization's HR mode, tokens checked at connect."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from okr_domain.access import Actor
from okr_domain.values import HrMode
from tests.live.support import (
    OKR_EVENTS,
    SCORE_EVENTS,
    Feed,
    Server,
    World,
    gid,
    wait_subscribed,
)

pytestmark = pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)


async def test_another_organization_receives_nothing(server: Server, world: World) -> None:
    after = server.app.current_position()
    other = world.tokens["other_admin"]
    async with Feed(server.client(other), OKR_EVENTS, {"after": after}) as okr, \
            Feed(server.client(world.tokens["other_hr"]), SCORE_EVENTS,
                 {"after": after}) as score:
        for value in (1, 2, 3):
            await server.check_in(world, value)
        # A Globex check-in after Acme's: once it arrives, Acme's would have too.
        sentinel = await asyncio.to_thread(
            server.app.record_check_in, Actor.system(world.other_org), world.other_objective,
            world.other_key_result, 4)
        received = [await feed.wait_for(1) for feed in (okr, score)]
        await asyncio.sleep(0.3)
        assert [[e["position"] for e in feed.events] for feed in (okr, score)] == [
            [sentinel.position], [sentinel.position]]
    assert received[0][0]["organizationName"] == "Globex"


async def test_score_events_need_the_hr_or_admin_role(server: Server, world: World) -> None:
    async with Feed(server.client(world.tokens["bob"]), SCORE_EVENTS, {"after": 0}) as feed:
        error = await feed.wait_for_error()
    assert isinstance(error, TransportQueryError)
    assert error.errors
    assert error.errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert feed.events == []


async def test_a_refused_token_closes_the_connection(server: Server, world: World) -> None:
    for payload in ({"Authorization": "Bearer not-a-token"}, {}):
        client = server.client(None, payload=payload)
        async with Feed(client, OKR_EVENTS, {"after": 0}) as feed:
            await feed.wait_for_error()
        assert feed.events == []


async def test_private_objectives_reach_only_those_who_may_see_them(
        server: Server, world: World) -> None:
    after = server.app.current_position()
    private_kr = gid("KeyResult", world.private_objective, world.private_key_result)
    feeds = {who: Feed(server.client(world.tokens[who]), OKR_EVENTS, {"after": after})
             for who in ("bob", "lead", "alice", "admin")}
    for feed in feeds.values():
        await feed.__aenter__()
    try:
        private = await server.check_in(world, 5, key_result=private_kr)
        public = await server.check_in(world, 6)
        for who in ("lead", "alice", "admin"):
            assert [e["position"] for e in await feeds[who].wait_for(2)] == [private, public]
        assert [e["position"] for e in await feeds["bob"].wait_for(1)] == [public]
        await asyncio.sleep(0.3)
        assert len(feeds["bob"].events) == 1
    finally:
        for feed in feeds.values():
            await feed.__aexit__(None, None, None)


async def _hr_and_admin(server: Server, world: World, mode: HrMode,
                        count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    await asyncio.to_thread(server.app.update_organization_policy, Actor.system(world.org),
                            hr_mode=mode)
    async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS, {}) as hr, \
            Feed(server.client(world.tokens["admin"]), SCORE_EVENTS, {}) as admin:
        await wait_subscribed(server, 2)
        first = await server.check_in(world, 2, note="private thoughts")
        await server.check_in(world, 3)
        await asyncio.to_thread(server.app.correct_check_in, Actor.system(world.org),
                                world.objective,
                                await _check_in_of(server, world, first), 1, "typo")
        await admin.wait_for(3)
        await hr.wait_for(count)
        await asyncio.sleep(0.3)
        return list(hr.events), list(admin.events)


async def _check_in_of(server: Server, world: World, position: int) -> Any:
    read_model = server.fastapi.state.services.read_model
    assert await read_model.wait_for_position(position, 10.0)  # the row is there to read
    rows = await read_model.check_ins(world.org, key_result_id=world.key_result)
    return next(r.id for r in rows if r.position == position)


async def test_hr_in_an_effort_organization_gets_engagement_without_scores(
        server: Server, world: World) -> None:
    hr, admin = await _hr_and_admin(server, world, HrMode.EFFORT, 2)
    assert [e["type"] for e in hr] == ["CHECK_IN_RECORDED", "CHECK_IN_RECORDED"]
    for event in hr:
        assert event["redacted"] is True
        assert event["hrMode"] == "EFFORT"
        assert event["cadenceKept"] is True
        for hidden in ("value", "previousValue", "scoreBefore", "scoreAfter", "note",
                       "confidence", "objectiveScoreAfter"):
            assert event[hidden] is None, hidden
        assert event["keyResultTitle"] == "Read the spec"
    assert hr[1]["previousCheckInAt"] is not None
    assert [e["type"] for e in admin][-1] == "CHECK_IN_CORRECTED"
    assert admin[0]["value"] == "2"
    assert admin[0]["redacted"] is False


async def test_hr_in_a_none_organization_gets_nothing(server: Server, world: World) -> None:
    hr, admin = await _hr_and_admin(server, world, HrMode.NONE, 0)
    assert hr == []
    assert len(admin) == 3


async def test_hr_in_a_results_organization_gets_scores_and_grades(
        server: Server, world: World) -> None:
    hr, _ = await _hr_and_admin(server, world, HrMode.RESULTS, 3)
    assert [e["value"] for e in hr] == ["2", "3", "1"]
    assert hr[2]["type"] == "CHECK_IN_CORRECTED"
    assert hr[2]["reason"] == "typo"


async def test_subscriptions_over_http_are_refused_cleanly(server: Server,
                                                          world: World) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=server.base_url) as client:
        response = await client.post("/graphql", json={"query": SCORE_EVENTS}, headers={
            "Authorization": f"Bearer {world.tokens['admin']}"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "WEBSOCKET_REQUIRED"
