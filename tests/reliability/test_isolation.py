"""Isolation and authentication, as a matrix generated from the schema: every query,
mutation and subscription, with no token, an expired one, a wrongly signed one, an
``alg: none`` one, another organization's admin and each role. Bad tokens are refused
(401, or the WebSocket closed) before anything runs; nothing of another organization
or of a private objective leaks: not through node(id), error messages, cursors, counts
or subscription payloads."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from graphql import GraphQLScalarType, build_schema

from okr_api.auth import ISSUER, TokenKeys, mint_token
from okr_api.graphql.schema import sdl
from okr_domain import clock
from okr_domain.values import Role
from tests.live.support import SECRET, gid, token_for
from tests.reliability.hostile import Target, assert_no_internals
from tests.reliability.operations import Operation, operations
from tests.reliability.world import LoadWorld

pytestmark = pytest.mark.postgres
SCHEMA = build_schema(sdl())
PEEKERS = ("other_admin", "role_MANAGER", "role_MEMBER", "role_HR", "role_ANALYST")


def bad_tokens(world: LoadWorld) -> dict[str, str | None]:
    now = int(clock.timestamp())
    claims = {"iss": ISSUER, "sub": str(world.admin), "org": str(world.org),
              "roles": ["ADMIN"], "iat": now, "exp": now + 3600}
    return {
        "none": None,
        "expired": mint_token(
            TokenKeys(secret=SECRET), organization_id=world.org, subject=str(world.admin),
            roles=[Role.ADMIN], ttl_seconds=-600),
        "bad signature": jwt.encode(claims, "another-secret-that-is-long-enough-here",
                                    algorithm="HS256"),
        "alg none": jwt.encode(claims, None, algorithm="none"),  # type: ignore[arg-type]
        "garbage": "not.a.token",
    }


def filler(world: LoadWorld, objective: uuid.UUID | None = None,
           key_result: uuid.UUID | None = None) -> Any:
    """Arguments aimed at the private objective (or at the given, unknown, ids)."""
    objective = objective or world.private_objective
    private = gid("Objective", objective)
    private_kr = gid("KeyResult", objective, key_result or world.private_key_result)

    def fill(name: str, kind: GraphQLScalarType) -> Any:
        if kind.name == "ID":
            if "keyResult" in name:
                return private_kr
            if "person" in name.lower() or name in ("supporterId", "leadId"):
                return gid("Person", world.people[0])
            return private
        if kind.name == "String":
            return {"cycle": world.cycle_key, "key": world.cycle_key,
                    "cycleKey": world.cycle_key, "url": "http://127.0.0.1:9/hook"
                    }.get(name, "probe")
        return {"Int": 1, "Float": 0.5, "Boolean": False, "Decimal": "1",
                "DateTime": "2026-11-01T00:00:00+00:00", "Date": "2026-11-01",
                "JSON": "{}"}.get(kind.name, "probe")

    return fill


def secrets(world: LoadWorld, who: str) -> list[str]:
    found = [world.private_objective.hex, str(world.private_objective),
             world.private_key_result.hex, str(world.private_key_result),
             "Private plan", "Private key result", "Private note"]
    if who == "other_admin":
        found += [world.org.hex, str(world.org), "Acme", "Company goal", "Cleo Ceo",
                  "Person 0", world.key_results[0].key_result.hex]
    return found


def own_input_removed(text: str, op: Operation) -> str:
    """Echoes of the caller's own input are not leaks."""
    for value in _strings(op.variables):
        text = text.replace(value, "")
    return text


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def http_operations(world: LoadWorld) -> list[Operation]:
    return [o for o in operations(SCHEMA, filler(world)) if o.kind != "subscription"]


def test_bad_tokens_are_refused_for_every_operation(target: Target) -> None:
    world = target.world
    before = target.head()
    checked = 0
    for op in operations(SCHEMA, filler(world)):
        if op.kind == "subscription":
            continue
        for name, token in bad_tokens(world).items():
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = target.http.post("/graphql", json={
                "query": op.document, "variables": op.variables}, headers=headers)
            assert response.status_code == 401, (name, op.field, response.text[:200])
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
            assert "data" not in response.json()
            checked += 1
    assert target.head() == before
    assert checked >= 50 * 5


def test_nothing_private_or_foreign_leaks_over_http(target: Target) -> None:
    world = target.world
    checked = 0
    for who in PEEKERS:
        token = world.tokens[who]
        hidden = secrets(world, who)
        for op in http_operations(world):
            response = target.post(op.document, op.variables, token=token)
            assert_no_internals(response)
            text = own_input_removed(response.text, op)
            for secret in hidden:
                assert secret not in text, f"{who} {op.field}: {secret!r} in {text[:400]}"
            checked += 1
    # The private objective is unchanged, and still visible to its owner's chain.
    body = target.post("query($id: ID!) { node(id: $id) { ... on Objective { title "
                       "visibility status } } }",
                       {"id": gid("Objective", world.private_objective)}).json()
    assert body["data"]["node"] == {"title": "Private plan", "visibility": "PRIVATE",
                                    "status": "ACTIVE"}
    assert checked == len(PEEKERS) * len(http_operations(world))


def _answer(response: Any) -> list[tuple[str | None, str]]:
    """What an answer says, whatever ids it was about: error codes and user errors."""
    body = response.json()
    said = [((e.get("extensions") or {}).get("code"), "error")
            for e in body.get("errors") or ()]
    for value in (body.get("data") or {}).values():
        if isinstance(value, dict):
            said += [(e["code"], str(e.get("field"))) for e in value.get("userErrors") or ()]
    return sorted(said, key=str)


def test_a_private_objective_answers_as_an_unknown_one(target: Target) -> None:
    """Every mutation and query aimed at the private objective answers a member outside
    its chain exactly as it answers for an id that does not exist (no existence oracle
    through error codes or fields)."""
    world = target.world
    unknown = operations(SCHEMA, filler(world, uuid.uuid4(), uuid.uuid4()))
    private = operations(SCHEMA, filler(world))
    before = target.head()
    compared = 0
    for aimed, missing in zip(private, unknown, strict=True):
        if aimed.kind == "subscription" or aimed.variables == missing.variables:
            continue
        for who in ("role_MEMBER", "role_ANALYST", "role_HR"):
            token = world.tokens[who]
            one = target.post(aimed.document, aimed.variables, token=token)
            other = target.post(missing.document, missing.variables, token=token)
            assert _answer(one) == _answer(other), (who, aimed.field, one.text[:300],
                                                    other.text[:300])
            compared += 1
    assert target.head() == before
    assert compared > 20


def test_allowed_roles_answer_every_query(target: Target) -> None:
    world = target.world
    for who in ("admin", "role_ADMIN", "p0"):
        for op in http_operations(world):
            if op.kind != "query":
                continue
            assert_no_internals(target.post(op.document, op.variables,
                                            token=world.tokens[who]))
    body = target.post("query($id: ID!) { node(id: $id) { ... on Objective { title } } }",
                       {"id": gid("Objective", world.private_objective)},
                       token=world.tokens["p0"]).json()
    assert body["data"]["node"] == {"title": "Private plan"}  # its owner sees it


def test_counts_and_cursors_do_not_reveal_a_private_objective(target: Target) -> None:
    world = target.world
    query = "{ objectives(first: 100) { totalCount pageInfo { endCursor } nodes { id } } }"
    seen = {who: target.post(query, token=world.tokens[who]).json()["data"]["objectives"]
            for who in ("admin", "role_MEMBER", "other_admin")}
    member, admin = seen["role_MEMBER"], seen["admin"]
    assert member["totalCount"] == len(member["nodes"]) == admin["totalCount"] - 1
    assert seen["other_admin"]["totalCount"] == 1  # its own "Globex secret plan" only
    assert gid("Objective", world.private_objective) not in str(member)


async def collect(target: Target, token: str | None, document: str, seconds: float = 0.8,
                  until: Callable[[list[dict[str, Any]]], bool] | None = None,
                  ) -> tuple[list[dict[str, Any]], BaseException | None]:
    """What a subscription sends within ``seconds`` (or until ``until`` holds of it)."""
    transport = WebsocketsTransport(
        url=target.api.ws_url, init_payload={"Authorization": f"Bearer {token}"}
        if token else {}, subprotocols=["graphql-transport-ws"], ack_timeout=10)
    events: list[dict[str, Any]] = []
    error: BaseException | None = None

    async def follow() -> None:
        async with Client(transport=transport, fetch_schema_from_transport=False) as session:
            async for result in session.subscribe(GraphQLRequest(document,
                                                                 variable_values={})):
                events.append(result)
                if until is not None and until(events):
                    return

    task = asyncio.create_task(follow())
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        error = task.exception()
    else:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    return events, error


SUBSCRIPTIONS = [
    "subscription { okrEvents(after: 0) { eventId objectiveId objectiveTitle keyResultId "
    "keyResultTitle checkInId note organizationId organizationName } }",
    "subscription { scoreEvents(after: 0) { eventId objectiveId objectiveTitle keyResultId "
    "checkInId note organizationId } }",
]


async def test_subscriptions_refuse_bad_tokens_and_leak_nothing(target: Target) -> None:
    world = target.world
    for name, token in bad_tokens(world).items():
        events, error = await collect(target, token, SUBSCRIPTIONS[0])
        assert events == [], name
        assert error is not None, f"{name}: the connection was not refused"
    # The admin does see it (waiting as long as a busy machine needs to replay it).
    admin_events, _ = await collect(target, world.tokens["admin"], SUBSCRIPTIONS[0],
                                    seconds=30, until=lambda got: "Private note" in str(got))
    assert "Private note" in str(admin_events)
    for who in PEEKERS:
        for document in SUBSCRIPTIONS:
            events, _ = await collect(target, world.tokens[who], document)
            text = str(events)
            for secret in secrets(world, who):
                assert secret not in text, f"{who}: {secret!r} in a subscription payload"


def test_a_token_for_an_unknown_organization_sees_nothing(target: Target) -> None:
    stranger = token_for(uuid.uuid4(), uuid.uuid4(), Role.ADMIN)
    body = target.post("{ objectives(first: 5) { totalCount } organization { name } }",
                       token=stranger).json()
    assert body["data"]["objectives"]["totalCount"] == 0
