"""Only the roles that practise OKRs write them: MEMBER, MANAGER and ADMIN. A token with
only HR or ANALYST (or no role) reads, and is refused every OKR write, even on the
person's own objectives."""

from __future__ import annotations

import pytest

from okr_domain.values import Role
from tests.api.conftest import Api, gid, start_world, token_for

WRITES = {
    "create": """mutation($cycle: ID!, $me: ID!) { createObjective(input: {cycleId: $cycle,
        level: INDIVIDUAL, ownerPersonId: $me, title: "Grow"}) { userErrors { code } } }""",
    "rename": """mutation($mine: ID!) { updateObjective(input: {objectiveId: $mine,
        title: "Grow more"}) { userErrors { code } } }""",
    "check in": """mutation($kr: ID!) { recordCheckIn(input: {keyResultId: $kr,
        value: "4"}) { userErrors { code } } }""",
    "support": """mutation($team: ID!) { supportObjective(input: {objectiveId: $team})
        { userErrors { code } } }""",
}


@pytest.mark.parametrize(("roles", "expected"), [
    ((Role.MEMBER,), None), ((Role.HR,), "FORBIDDEN"), ((Role.ANALYST,), "FORBIDDEN"),
    ((), "FORBIDDEN"), ((Role.HR, Role.ANALYST), "FORBIDDEN"),
], ids=["member", "hr", "analyst", "no role", "hr and analyst"])
async def test_who_writes_okrs(api: Api, roles: tuple[Role, ...], expected: str | None,
                               ) -> None:
    world = await start_world(api)
    # Alice, on her own objective: only her roles decide.
    token = token_for(world.org, world.alice, *roles)
    ids = {"cycle": gid("Cycle", world.cycle), "me": gid("Person", world.alice),
           "mine": gid("Objective", world.alice_objective),
           "kr": gid("KeyResult", world.alice_objective, world.key_result),
           "team": gid("Objective", world.team_objective)}
    for name, mutation in WRITES.items():
        before = api.events()
        used = {k: v for k, v in ids.items() if f"${k}" in mutation}
        body = await api.gql(mutation, used, token=token)
        errors = next(iter(body["data"].values()))["userErrors"]
        assert (errors[0]["code"] if errors else None) == expected, (name, body)
        if expected is not None:
            assert api.events() == before, name
    reads = await api.gql("{ objectives(first: 5) { totalCount } }", token=token)
    assert reads["data"]["objectives"]["totalCount"] > 0
