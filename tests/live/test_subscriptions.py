"""Subscriptions with a real client (gql over websockets) against a real server: events
in order with full payloads, resume after a disconnect without gap or duplicate, both
WebSocket protocols, every OKR event, filters."""

from __future__ import annotations

import asyncio

import pytest

from okr_domain.access import Actor
from okr_domain.values import Kind, Level, MetricType
from tests.live.support import (
    LEGACY_WS,
    OKR_EVENTS,
    SCORE_EVENTS,
    Feed,
    Server,
    World,
    gid,
    wait_subscribed,
)


async def test_check_ins_arrive_in_order_with_full_payloads(server: Server,
                                                            world: World) -> None:
    async with Feed(server.client(world.tokens["hr"]), SCORE_EVENTS, {}) as feed:
        await wait_subscribed(server, 1)
        positions = [await server.check_in(world, v, note=f"week {v}") for v in (3, 5, 4)]
        events = await feed.wait_for(3)
    assert [e["position"] for e in events] == positions
    assert [e["value"] for e in events] == ["3", "5", "4"]
    assert [(e["scoreBefore"], e["scoreAfter"]) for e in events] == [
        (0.0, 0.3), (0.3, 0.5), (0.5, 0.4)]
    assert [e["previousValue"] for e in events] == [None, "3", "5"]
    first = events[0]
    assert first["type"] == "CHECK_IN_RECORDED"
    assert first["objectiveId"] == gid("Objective", world.objective)
    assert first["objectiveTitle"] == "Learn GraphQL"
    assert first["keyResultId"] == world.kr_gid
    assert first["keyResultTitle"] == "Read the spec"
    assert first["organizationId"] == gid("Organization", world.org)
    assert first["organizationName"] == "Acme"
    assert first["cycleId"] == gid("Cycle", world.cycle)
    assert first["cycleKey"] == "2026-Q4"
    assert first["ownerPersonId"] == gid("Person", world.alice)
    assert first["teamId"] == gid("Team", world.platform)
    assert first["actorId"] == gid("Person", world.ceo)
    assert (first["confidence"], first["note"], first["hrMode"]) == (7, "week 3", "RESULTS")
    assert (first["objectiveScoreBefore"], first["objectiveScoreAfter"]) == (0.0, 0.3)
    assert first["checkInId"]
    assert first["occurredAt"]
    assert first["eventId"]
    assert first["cadenceKept"] is True
    assert first["redacted"] is False
    assert events[1]["previousCheckInAt"] is not None
    assert len({e["eventId"] for e in events}) == 3


async def test_resume_after_a_disconnect_gets_exactly_the_missed_events_then_live(
        server: Server, world: World) -> None:
    token = world.tokens["hr"]
    async with Feed(server.client(token), SCORE_EVENTS, {}) as feed:
        await wait_subscribed(server, 1)
        for value in (1, 2):
            await server.check_in(world, value)
        seen = await feed.wait_for(2)
    cursor = seen[-1]["position"]
    missed = [await server.check_in(world, value) for value in (3, 4, 5)]
    async with Feed(server.client(token), SCORE_EVENTS, {"after": cursor}) as resumed:
        replayed = await resumed.wait_for(3)
        assert [e["position"] for e in replayed] == missed
        live = [await server.check_in(world, value) for value in (6, 7)]
        events = await resumed.wait_for(5)
        await asyncio.sleep(0.3)
        assert len(resumed.events) == 5
    assert [e["position"] for e in events] == missed + live
    assert [e["value"] for e in events] == ["3", "4", "5", "6", "7"]


async def test_resume_while_events_keep_coming_has_no_gap_and_no_duplicate(
        server: Server, world: World) -> None:
    start = await server.check_in(world, 1)
    writes: list[int] = []

    async def write() -> None:
        for value in range(2, 22):
            writes.append(await server.check_in(world, value % 10))

    writer = asyncio.create_task(write())
    await asyncio.sleep(0.05)
    async with Feed(server.client(world.tokens["admin"]), SCORE_EVENTS,
                    {"after": start}) as feed:
        await writer
        events = await feed.wait_for(len(writes))
    assert [e["position"] for e in events] == writes


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_the_legacy_graphql_ws_protocol_works_too(server: Server, world: World) -> None:
    client = server.client(None, LEGACY_WS, payload={"authToken": world.tokens["hr"]})
    async with Feed(client, SCORE_EVENTS, {}) as feed:
        await wait_subscribed(server, 1)
        position = await server.check_in(world, 2)
        events = await feed.wait_for(1)
    assert events[0]["position"] == position


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_okr_events_replay_every_kind_of_change(server: Server, world: World) -> None:
    app, system = server.app, Actor.system(world.org)

    def changes() -> None:
        created = app.create_objective(system, world.cycle, Level.TEAM, "Ship it",
                                       owner_team_id=world.platform).id
        app.update_objective(system, created, title="Ship it well")
        kr = app.add_key_result(system, created, "Latency", MetricType.DECREASE_TO,
                                start=500, target=200).id
        app.activate_objective(system, created)
        app.record_check_in(system, created, kr, 300)
        app.align_objective(system, world.objective, created)

    before = server.app.current_position()
    await asyncio.to_thread(changes)
    async with Feed(server.client(world.tokens["admin"]), OKR_EVENTS,
                    {"after": before}) as feed:
        events = await feed.wait_for(6)
    assert [e["type"] for e in events] == [
        "OBJECTIVE_CREATED", "OBJECTIVE_EDITED", "KEY_RESULT_ADDED", "OBJECTIVE_ACTIVATED",
        "CHECK_IN_RECORDED", "ALIGNED"]
    assert events[0]["objectiveTitle"] == "Ship it"  # as created, not as renamed later
    assert events[1]["objectiveTitle"] == "Ship it well"
    assert events[2]["keyResultTitle"] == "Latency"
    assert events[2]["objectiveScoreAfter"] == 0.0
    assert events[4]["scoreAfter"] == pytest.approx(2 / 3)
    assert events[5]["parentObjectiveId"] == events[0]["objectiveId"]
    assert all(e["teamId"] == gid("Team", world.platform) for e in events)


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_filters_by_cycle_team_person_objective_kind_and_type(
        server: Server, world: World) -> None:
    app, system = server.app, Actor.system(world.org)

    def history() -> int:
        committed = app.create_objective(system, world.cycle, Level.INDIVIDUAL, "Bob's",
                                         owner_person_id=world.bob, kind=Kind.COMMITTED).id
        kr = app.add_key_result(system, committed, "Bob KR", MetricType.BINARY).id
        app.activate_objective(system, committed)
        app.record_check_in(system, world.objective, world.key_result, 1)
        app.record_check_in(system, committed, kr, 1)
        return committed

    before = server.app.current_position()
    bobs = await asyncio.to_thread(history)
    token = world.tokens["admin"]

    async def received(where: dict[str, object], count: int) -> list[dict[str, object]]:
        async with Feed(server.client(token), OKR_EVENTS,
                        {"after": before, "filter": where}) as feed:
            await feed.wait_for(count)
            await asyncio.sleep(0.3)
            return list(feed.events)

    person = await received({"personId": gid("Person", world.bob)}, 4)
    assert {e["ownerPersonId"] for e in person} == {gid("Person", world.bob)}
    kind = await received({"kinds": ["COMMITTED"], "types": ["CHECK_IN_RECORDED"]}, 1)
    assert [e["objectiveId"] for e in kind] == [gid("Objective", bobs)]
    objective = await received({"objectiveId": gid("Objective", world.objective)}, 1)
    assert [e["value"] for e in objective] == ["1"]
    team = await received({"teamId": gid("Team", world.engineering),
                           "types": ["CHECK_IN_RECORDED"]}, 2)
    assert len(team) == 2
    only_here = await received({"teamId": gid("Team", world.engineering),
                                "includeSubTeams": False, "types": ["CHECK_IN_RECORDED"],
                                "cycleKey": "2026-Q4"}, 0)
    assert only_here == []
    cycle = await received({"cycleId": gid("Cycle", world.cycle),
                            "types": ["CHECK_IN_RECORDED"]}, 2)
    assert len(cycle) == 2
