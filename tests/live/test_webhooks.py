"""Webhooks against a real receiver (an HTTP server in the test): signed CloudEvents,
in order, at least once, through failures, downtime and a restart of the API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from okr_api.webhooks import signing
from tests.live.receiver import Receiver
from tests.live.support import Server, World, build_world, gid, serve_here, settings_for

REGISTER = """mutation R($input: RegisterWebhookEndpointInput!) {
  registerWebhookEndpoint(input: $input) {
    secret position userErrors { code field message }
    endpoint { id url status secretHint eventTypes role } } }"""
STATE = """query S { webhookEndpoints { id status disabledReason
  deliveryState { position failures lastError nextAttemptAt }
  deliveries(first: 100) { id eventId position attempt statusCode outcome error latencyMs } } }"""
CHANGE = """mutation C($id: ID!) {
  %s(input: {endpointId: $id}) { userErrors { code message } endpoint { status } } }"""
REPLAY = """mutation P($id: ID!, $after: Int!) {
  replayWebhookEndpoint(input: {endpointId: $id, afterPosition: $after}) {
    userErrors { code message } } }"""
FAST_RETRIES = {"webhook_retry_base_seconds": 0.05, "webhook_retry_max_seconds": 0.4}


async def register(server: Server, world: World, url: str, **more: Any) -> dict[str, Any]:
    body = await server.post(REGISTER, {"input": {"url": url, **more}},
                             token=world.tokens["admin"])
    payload: dict[str, Any] = body["data"]["registerWebhookEndpoint"]
    return payload


async def endpoint_state(server: Server, world: World) -> dict[str, Any]:
    body = await server.post(STATE, token=world.tokens["admin"])
    state: dict[str, Any] = body["data"]["webhookEndpoints"][0]
    return state


async def wait_until(check: Any, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_every_event_arrives_signed_and_in_order_through_failures_and_a_restart(
        live_url: str, tmp_path: Path) -> None:
    receiver = Receiver(fail_next=3).start()
    settings = settings_for(live_url, tmp_path / "data", **FAST_RETRIES)
    positions: list[int] = []
    async with serve_here(settings) as first:
        world = await asyncio.to_thread(build_world, first.app)
        registered = await register(first, world, receiver.url)
        assert registered["userErrors"] == []
        secret = registered["secret"]
        assert registered["endpoint"]["secretHint"] == signing.hint(secret)
        positions += [await first.check_in(world, v) for v in (1, 2, 3)]
        await asyncio.to_thread(receiver.wait_for, 3)
        receiver.stop()  # the receiver is down for a while
        positions += [await first.check_in(world, v) for v in (4, 5, 6)]

        async def failing() -> bool:
            return (await endpoint_state(first, world))["deliveryState"]["failures"] >= 2

        await wait_until(failing)
    async with serve_here(settings) as second:  # the API restarts meanwhile
        positions += [await second.check_in(world, v) for v in (7, 8)]
        await asyncio.sleep(0.5)
        assert len(receiver.unique_events()) == 3
        receiver.start()  # back, on the same port
        events = await asyncio.to_thread(receiver.wait_for, 8)
        state = await endpoint_state(second, world)
    receiver.stop()
    assert [e["position"] for e in events] == positions
    assert [e["data"]["value"] for e in events] == [str(v) for v in range(1, 9)]
    assert all(item.verified(secret) for item in receiver.received)
    assert all(item.headers["content-type"] == "application/cloudevents+json"
               for item in receiver.received)
    assert all(item.headers["webhook-id"] == item.event["id"] for item in receiver.received)
    first_event = events[0]
    assert first_event["specversion"] == "1.0"
    assert first_event["type"] == "com.okr-history.check_in_recorded"
    assert first_event["source"] == f"/organizations/{world.org}"
    assert first_event["subject"] == gid("Objective", world.objective)
    assert first_event["data"]["keyResultTitle"] == "Read the spec"
    assert first_event["data"]["objectiveScoreAfter"] == 0.1
    log = state["deliveries"]
    assert state["deliveryState"] == {"position": positions[-1], "failures": 0,
                                      "lastError": None, "nextAttemptAt": None}
    delivered = [d for d in log if d["outcome"] == "DELIVERED"]
    assert sorted(d["position"] for d in delivered) == positions
    failed = [d for d in log if d["outcome"] == "FAILED"]
    assert {d["statusCode"] for d in failed} >= {503, None}  # refused while it was down
    assert max(d["attempt"] for d in log) >= 3
    assert all(d["latencyMs"] >= 0 for d in log)


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_gone_disables_resume_replay_pause_and_delete(live_url: str,
                                                            tmp_path: Path) -> None:
    receiver = Receiver(status=410).start()
    settings = settings_for(live_url, tmp_path / "data", **FAST_RETRIES)
    async with serve_here(settings) as server:
        world = await asyncio.to_thread(build_world, server.app)
        registered = await register(server, world, receiver.url,
                                    eventTypes=["CHECK_IN_RECORDED"],
                                    filter={"objectiveId": gid("Objective", world.objective)})
        endpoint_id = registered["endpoint"]["id"]
        first = await server.check_in(world, 1)

        async def disabled() -> bool:
            return (await endpoint_state(server, world))["status"] == "DISABLED"

        await wait_until(disabled)
        state = await endpoint_state(server, world)
        assert state["disabledReason"] == "the receiver answered 410 Gone"
        assert state["deliveries"][0]["outcome"] == "GONE"

        receiver.status = 200
        body = await server.post(CHANGE % "resumeWebhookEndpoint", {"id": endpoint_id},
                                 token=world.tokens["admin"])
        assert body["data"]["resumeWebhookEndpoint"]["endpoint"]["status"] == "ACTIVE"
        await asyncio.to_thread(receiver.wait_for, 1)
        second = await server.check_in(world, 2)
        await server.check_in(world, 3, key_result=gid(
            "KeyResult", world.private_objective, world.private_key_result))  # filtered out
        await asyncio.to_thread(receiver.wait_for, 2)

        await server.post(REPLAY, {"id": endpoint_id, "after": 0}, token=world.tokens["admin"])

        async def replayed() -> bool:
            return len(receiver.received) >= 4

        await wait_until(replayed)
        assert [r.event["position"] for r in receiver.received] == [first, second] * 2

        await server.post(CHANGE % "pauseWebhookEndpoint", {"id": endpoint_id},
                          token=world.tokens["admin"])
        await server.check_in(world, 4)
        await asyncio.sleep(1.0)
        assert len(receiver.received) == 4
        await server.post(CHANGE % "deleteWebhookEndpoint", {"id": endpoint_id},
                          token=world.tokens["admin"])
        body = await server.post("{ webhookEndpoints { id } }", token=world.tokens["admin"])
        assert body["data"]["webhookEndpoints"] == []
    receiver.stop()


@pytest.mark.parametrize("live_url", ["sqlite"], indirect=True)
async def test_only_admins_register_and_only_https_urls(live_url: str,
                                                        tmp_path: Path) -> None:
    settings = settings_for(live_url, tmp_path / "data", webhooks_allow_loopback=False)
    async with serve_here(settings) as server:
        world = await asyncio.to_thread(build_world, server.app)
        for url in ("http://127.0.0.1:9/hooks", "https://127.0.0.1/hooks",
                    "https://localhost/hooks", "http://example.com/hooks",
                    "https://10.0.0.8/hooks", "ftp://example.com/x", "https://u:p@example.com/"):
            payload = await register(server, world, url)
            assert payload["userErrors"][0]["field"] == ["input", "url"], url
        payload = await register(server, world, "https://hooks.example.com/okr",
                                 secret="not-a-secret")
        assert payload["userErrors"][0]["field"] == ["input", "secret"]
        payload = await register(server, world, "https://hooks.example.com/okr")
        assert payload["userErrors"] == []
        assert payload["endpoint"]["eventTypes"] == [
            "CHECK_IN_CORRECTED", "CHECK_IN_RECORDED", "GRADE_OVERRIDDEN", "OBJECTIVE_CLOSED"]
        for who in ("hr", "alice"):
            body = await server.post(REGISTER, {"input": {"url": "https://x.example.com"}},
                                     token=world.tokens[who])
            errors = body["data"]["registerWebhookEndpoint"]["userErrors"]
            assert errors[0]["code"] == "FORBIDDEN"
        import httpx

        async with httpx.AsyncClient(base_url=server.base_url) as client:
            response = await client.post("/graphql", json={"query": STATE}, headers={
                "Authorization": f"Bearer {world.tokens['hr']}"})
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_signatures_follow_the_standard_webhooks_scheme() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = signing.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signing.verify(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body,
                          f"v1,bad {signature}")
