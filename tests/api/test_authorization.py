"""The authorization matrix: roles x operations x same/other organization x
public/private, table-driven. Expected outcomes: "ok", a userErrors code, or for reads
"seen"/"hidden"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.api.conftest import Api, World, gid

# One app and one organization per backend for the whole matrix: each case checks its
# own before/after, and no case depends on what another changed.
pytestmark = pytest.mark.asyncio(loop_scope="module")

ACTORS = ("admin", "ceo", "lead", "alice", "bob", "other_admin")

READS: dict[str, tuple[Callable[[World], str], dict[str, str]]] = {
    "public objective": (lambda w: gid("Objective", w.alice_objective), {
        "admin": "seen", "ceo": "seen", "lead": "seen", "alice": "seen", "bob": "seen",
        "other_admin": "hidden"}),
    "private objective": (lambda w: gid("Objective", w.alice_private), {
        "admin": "seen", "ceo": "seen", "lead": "seen", "alice": "seen", "bob": "hidden",
        "other_admin": "hidden"}),
    "private key result": (lambda w: _private_kr(w), {
        "admin": "seen", "ceo": "seen", "lead": "seen", "alice": "seen", "bob": "hidden",
        "other_admin": "hidden"}),
    "team": (lambda w: gid("Team", w.platform), {
        "admin": "seen", "ceo": "seen", "lead": "seen", "alice": "seen", "bob": "seen",
        "other_admin": "hidden"}),
    "person": (lambda w: gid("Person", w.alice), {
        "admin": "seen", "ceo": "seen", "lead": "seen", "alice": "seen", "bob": "seen",
        "other_admin": "hidden"}),
}

RENAME = ("mutation($id: ID!, $title: String!) { updateObjective(input: {objectiveId: $id, "
          "title: $title}) { userErrors { code } } }")
WRITES: dict[str, tuple[str, Callable[[World], dict[str, Any]], dict[str, str]]] = {
    "edit company objective": (RENAME, lambda w: {"id": gid("Objective", w.company_objective)}, {
        "admin": "ok", "ceo": "FORBIDDEN", "lead": "FORBIDDEN", "alice": "FORBIDDEN",
        "bob": "FORBIDDEN", "other_admin": "NOT_FOUND"}),
    "edit team objective": (RENAME, lambda w: {"id": gid("Objective", w.team_objective)}, {
        "admin": "ok", "ceo": "ok", "lead": "ok", "alice": "FORBIDDEN", "bob": "FORBIDDEN",
        "other_admin": "NOT_FOUND"}),
    "edit own public objective": (
        RENAME, lambda w: {"id": gid("Objective", w.alice_objective)}, {
            "admin": "ok", "ceo": "ok", "lead": "ok", "alice": "ok", "bob": "FORBIDDEN",
            "other_admin": "NOT_FOUND"}),
    "edit private objective": (RENAME, lambda w: {"id": gid("Objective", w.alice_private)}, {
        "admin": "ok", "ceo": "ok", "lead": "ok", "alice": "ok", "bob": "NOT_FOUND",
        "other_admin": "NOT_FOUND"}),
    "check in": (
        "mutation($id: ID!) { recordCheckIn(input: {keyResultId: $id, value: \"3\"}) "
        "{ userErrors { code } } }",
        lambda w: {"id": gid("KeyResult", w.alice_objective, w.key_result)}, {
            "admin": "ok", "ceo": "ok", "lead": "ok", "alice": "ok", "bob": "FORBIDDEN",
            "other_admin": "NOT_FOUND"}),
    "create cycle": (
        "mutation { createCycle(input: {key: \"2027-Q3\"}) { userErrors { code } } }",
        lambda w: {}, {
            "admin": "ok", "ceo": "FORBIDDEN", "lead": "FORBIDDEN", "alice": "FORBIDDEN",
            "bob": "FORBIDDEN", "other_admin": "ok"}),
    "create team objective": (
        "mutation($cycle: ID!, $team: ID!) { createObjective(input: {cycleId: $cycle, "
        "level: TEAM, ownerTeamId: $team, title: \"Team goal\"}) { userErrors { code } } }",
        lambda w: {"cycle": gid("Cycle", w.cycle), "team": gid("Team", w.platform)}, {
            "admin": "ok", "ceo": "ok", "lead": "ok", "alice": "FORBIDDEN",
            "bob": "FORBIDDEN", "other_admin": "NOT_FOUND"}),
    "upsert person": (
        "mutation { upsertPerson(input: {externalId: \"zed\", name: \"Zed\"}) "
        "{ userErrors { code } } }", lambda w: {}, {
            "admin": "ok", "ceo": "FORBIDDEN", "lead": "FORBIDDEN", "alice": "FORBIDDEN",
            "bob": "FORBIDDEN", "other_admin": "ok"}),
}


def _private_kr(w: World) -> str:
    return str(_PRIVATE_KR[w.alice_private])


_PRIVATE_KR: dict[Any, str] = {}


def _cases() -> list[tuple[str, str]]:
    return [(name, actor) for name in READS for actor in ACTORS]


def _write_cases() -> list[tuple[str, str]]:
    return [(name, actor) for name in WRITES for actor in ACTORS]


@pytest.mark.parametrize(("read", "actor"), _cases())
async def test_reads(shared_api: Api, shared_world: World, read: str, actor: str) -> None:
    api, world = shared_api, shared_world
    body = await api.gql("query($id: ID!) { node(id: $id) { __typename } }",
                         {"id": await _id_for(api, world, read)}, as_=actor)
    assert "errors" not in body, body
    expected = READS[read][1][actor]
    assert (body["data"]["node"] is not None) == (expected == "seen"), body


async def _id_for(api: Api, world: World, read: str) -> str:
    if read == "private key result" and world.alice_private not in _PRIVATE_KR:
        body = await api.gql("query($id: ID!) { node(id: $id) { ... on Objective { keyResults "
                             "{ id } } } }", {"id": gid("Objective", world.alice_private)})
        _PRIVATE_KR[world.alice_private] = body["data"]["node"]["keyResults"][0]["id"]
    return READS[read][0](world)


@pytest.mark.parametrize(("write", "actor"), _write_cases())
async def test_writes(shared_api: Api, shared_world: World, write: str, actor: str) -> None:
    api, world = shared_api, shared_world
    document, variables, expected_by_actor = WRITES[write]
    given = variables(world)
    if "$title" in document:
        given["title"] = f"Renamed by {actor}"  # a change each time: no case is a no-op
    before = api.events()
    body = await api.gql(document, given, as_=actor)
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    expected = expected_by_actor[actor]
    if expected == "ok":
        assert payload["userErrors"] == []
        assert api.events() > before
    else:
        assert [e["code"] for e in payload["userErrors"]] == [expected]
        assert api.events() == before


async def test_counts_and_lists_never_leak_other_tenants(shared_api: Api,
                                                        shared_world: World) -> None:
    # Counts and pages are read one after the other: the read model must not move
    # between them (another case of this module may just have added someone).
    read_model = shared_api.fastapi.state.services.read_model
    assert await read_model.wait_for_position(shared_api.events(), 10.0)
    body = await shared_api.gql(
        "{ objectives(first: 100) { totalCount nodes { title } } "
        "people(first: 100) { totalCount nodes { name } } teams { name } }", as_="other_admin")
    data = body["data"]
    assert data["objectives"] == {"totalCount": 1, "nodes": [{"title": "Globex secret plan"}]}
    # Other tests of this module may add Zed to Globex; nobody of Acme ever shows.
    names = {p["name"] for p in data["people"]["nodes"]}
    assert "Gina Globex" in names
    assert names <= {"Gina Globex", "Zed"}
    assert data["people"]["totalCount"] == len(names)
    assert [t["name"] for t in data["teams"]] == ["Globex"]
