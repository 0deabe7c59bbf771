"""Who may change people, teams and roles: every such mutation against every role.

Changing reporting lines, teams and roles is an admin's act; HR keeps people's records
but can never make itself the manager of the people it moves (that would give it rights
over their objectives, private ones included).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from okr_domain.access import Actor
from okr_domain.values import Role
from tests.api.conftest import Api, World, gid, start_world, token_for

CALLERS: dict[str, tuple[Role, ...]] = {
    "admin": (Role.ADMIN,), "manager": (Role.MANAGER,), "member": (Role.MEMBER,),
    "hr": (Role.HR,), "analyst": (Role.ANALYST,), "no role": (),
}
OK, FORBIDDEN = "ok", "FORBIDDEN"
ONLY_ADMIN = {caller: OK if caller == "admin" else FORBIDDEN for caller in CALLERS}
ADMIN_AND_HR = {**ONLY_ADMIN, "hr": OK}

Variables = Callable[[World, dict[str, Any]], dict[str, Any]]
# (mutation, its variables, the outcome for each caller). The caller is Bob (a member of
# Platform, reporting to the lead) holding the row's roles. In order: a case changes
# only what no later case depends on.
CASES: list[tuple[str, str, Variables, dict[str, str]]] = [
    ("create team", """mutation { createTeam(input: {name: "Growth"}) {
        userErrors { code } } }""", lambda w, s: {}, ONLY_ADMIN),
    ("rename team", """mutation($id: ID!) { updateTeam(input: {teamId: $id, name: "Core"})
        { userErrors { code } } }""", lambda w, s: {"id": gid("Team", w.platform)},
     ONLY_ADMIN),
    ("make oneself a team's lead", """mutation($id: ID!, $me: ID!) { updateTeam(input:
        {teamId: $id, leadId: $me}) { userErrors { code } } }""",
     lambda w, s: {"id": gid("Team", w.engineering), "me": gid("Person", w.bob)},
     ONLY_ADMIN),
    ("add a person", """mutation { upsertPerson(input: {externalId: "zed", name: "Zed"})
        { userErrors { code } } }""", lambda w, s: {}, ADMIN_AND_HR),
    ("move a person to another manager", """mutation($ceo: ID!) { upsertPerson(input:
        {externalId: "alice", name: "Alice", managerId: $ceo}) { userErrors { code } } }""",
     lambda w, s: {"ceo": gid("Person", w.ceo)}, ADMIN_AND_HR),
    ("change the policy", """mutation { updateOrganizationPolicy(input:
        {checkInCadenceDays: 14}) { userErrors { code } } }""", lambda w, s: {}, ONLY_ADMIN),
    ("create a service account", """mutation { createServiceAccount(input: {name: "Feed",
        roles: [ADMIN]}) { userErrors { code } } }""", lambda w, s: {}, ONLY_ADMIN),
    ("revoke a service account", """mutation($id: ID!) { revokeServiceAccount(input:
        {serviceAccountId: $id}) { userErrors { code } } }""",
     lambda w, s: {"id": s["account"]}, ONLY_ADMIN),
    ("place a person under oneself", """mutation($me: ID!) { upsertPerson(input:
        {externalId: "alice", name: "Alice", managerId: $me}) { userErrors { code } } }""",
     lambda w, s: {"me": gid("Person", w.bob)}, ONLY_ADMIN),
]


@pytest.mark.parametrize("caller", list(CALLERS))
async def test_changes_to_people_teams_and_roles(api: Api, caller: str) -> None:
    world = await start_world(api)
    token = token_for(world.org, world.bob, *CALLERS[caller])
    admin = token_for(world.org, world.ceo, Role.ADMIN)
    account = (await api.gql("""mutation { createServiceAccount(input: {name: "HR",
        roles: [HR]}) { serviceAccountId } }""", token=admin)
               )["data"]["createServiceAccount"]["serviceAccountId"]
    outcomes = {}
    for name, mutation, variables, _ in CASES:
        before = api.events()
        body = await api.gql(mutation, variables(world, {"account": account}), token=token)
        assert "errors" not in body, (name, body)
        errors = next(iter(body["data"].values()))["userErrors"]
        outcomes[name] = errors[0]["code"] if errors else OK
        if outcomes[name] != OK:
            assert api.events() == before, f"{name}: refused, yet something was written"
    assert outcomes == {name: expected[caller] for name, _, _, expected in CASES}


async def test_hr_cannot_edit_itself_into_rights_over_a_private_objective(api: Api) -> None:
    world = await start_world(api)
    hr = token_for(world.org, world.bob, Role.HR)
    before = api.events()
    moved = await api.gql("""mutation($me: ID!) { upsertPerson(input: {externalId: "alice",
        name: "Alice", managerId: $me}) { userErrors { code field } } }""",
                          {"me": gid("Person", world.bob)}, token=hr)
    assert moved["data"]["upsertPerson"]["userErrors"] == [
        {"code": "FORBIDDEN", "field": ["input", "managerId"]}]
    private = gid("Objective", world.alice_private)
    edited = await api.gql("""mutation($id: ID!) { updateObjective(input: {objectiveId: $id,
        title: "Mine now"}) { userErrors { code } } }""", {"id": private}, token=hr)
    shown = await api.gql("""mutation($id: ID!) { setObjectiveVisibility(input:
        {objectiveId: $id, visibility: PUBLIC}) { userErrors { code } } }""",
                          {"id": private}, token=hr)
    assert edited["data"]["updateObjective"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert shown["data"]["setObjectiveVisibility"]["userErrors"][0]["code"] == "NOT_FOUND"
    assert api.events() == before
    # An admin may move her under Bob; HR may then keep the records of Bob's reports.
    await asyncio.to_thread(api.app.upsert_person, Actor.system(world.org), "alice", "Alice",
                            manager_id=world.bob)
    kept = await api.gql("""mutation($me: ID!) { upsertPerson(input: {externalId: "alice",
        name: "Alice B.", managerId: $me}) { userErrors { code } } }""",
                         {"me": gid("Person", world.bob)}, token=hr)
    assert kept["data"]["upsertPerson"]["userErrors"] == []
