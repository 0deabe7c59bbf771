"""Every query, with paging and filters, over the real read model."""

from __future__ import annotations

import asyncio
from typing import Any

from okr_domain.access import Actor
from okr_domain.values import MetricType
from tests.api.conftest import Api, World, gid

OBJECTIVES = """query($filter: ObjectiveFilterInput, $first: Int, $after: String) {
  objectives(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id title } }
  }
}"""


async def _titles(api: Api, where: dict[str, Any] | None, as_: str = "admin") -> list[str]:
    body = await api.gql(OBJECTIVES, {"filter": where, "first": 100}, as_=as_)
    assert "errors" not in body, body
    return sorted(e["node"]["title"] for e in body["data"]["objectives"]["edges"])


async def test_viewer_and_organization(api: Api, world: World) -> None:
    body = await api.gql("""{ viewer { subject roles person { name team { name } }
        organization { name slug policy { rollUp hrMode checkInCadenceDays
        bands { low sweetFrom sweetTo tooSafe } } rootTeam { name kind } } } }""", as_="alice")
    viewer = body["data"]["viewer"]
    assert viewer["person"] == {"name": "Alice", "team": {"name": "Platform"}}
    assert viewer["roles"] == ["MEMBER"]
    org = viewer["organization"]
    assert org["slug"] == "acme"
    assert org["rootTeam"] == {"name": "Acme", "kind": "COMPANY"}
    assert org["policy"] == {"rollUp": "KEY_RESULTS", "hrMode": "RESULTS",
                             "checkInCadenceDays": 7,
                             "bands": {"low": 0.3, "sweetFrom": 0.6, "sweetTo": 0.7,
                                       "tooSafe": 0.9}}


async def test_cycles_teams_and_people(api: Api, world: World) -> None:
    body = await api.gql("""{ cycles { key status startsOn endsOn }
        cycle(key: "2026-Q4") { key } missing: cycle(key: "1999-Q1") { key }
        teams { name kind parent { name } lead { name } children { name } }
        people(first: 2) { totalCount pageInfo { hasNextPage endCursor } nodes { name } } }""")
    data = body["data"]
    assert data["cycles"] == [{"key": "2026-Q4", "status": "ACTIVE", "startsOn": "2026-10-01",
                               "endsOn": "2026-12-31"}]
    assert data["cycle"] == {"key": "2026-Q4"}
    assert data["missing"] is None
    engineering = next(t for t in data["teams"] if t["name"] == "Engineering")
    assert engineering == {"name": "Engineering", "kind": "DEPARTMENT",
                           "parent": {"name": "Acme"}, "lead": {"name": "Cleo Ceo"},
                           "children": [{"name": "Platform"}]}
    people = data["people"]
    assert people["totalCount"] == 4
    assert people["pageInfo"]["hasNextPage"] is True
    rest = await api.gql("query($after: String) { people(first: 10, after: $after) "
                         "{ nodes { name } pageInfo { hasNextPage } } }",
                         {"after": people["pageInfo"]["endCursor"]})
    names = [p["name"] for p in people["nodes"] + rest["data"]["people"]["nodes"]]
    assert sorted(names) == ["Alice", "Bob", "Cleo Ceo", "Lee Lead"]
    assert rest["data"]["people"]["pageInfo"]["hasNextPage"] is False


async def test_objectives_page_with_keyset_cursors(api: Api, world: World) -> None:
    seen: list[str] = []
    after = None
    total = None
    while True:
        body = await api.gql(OBJECTIVES, {"first": 2, "after": after})
        page = body["data"]["objectives"]
        total = page["totalCount"]
        seen += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total == 4
    assert sorted(seen) == sorted(["Delight customers", "Ship the platform", "Learn GraphQL",
                                   "Private growth goal"])
    assert len(set(seen)) == 4


async def test_objective_filters(api: Api, world: World) -> None:
    assert await _titles(api, {"levels": ["COMPANY"]}) == ["Delight customers"]
    assert await _titles(api, {"kinds": ["COMMITTED"]}) == ["Private growth goal"]
    assert await _titles(api, {"visibility": "PRIVATE"}) == ["Private growth goal"]
    assert await _titles(api, {"ownerPersonId": gid("Person", world.alice)}) == [
        "Learn GraphQL", "Private growth goal"]
    assert await _titles(api, {"teamId": gid("Team", world.platform)}) == ["Ship the platform"]
    assert await _titles(api, {"teamId": gid("Team", world.engineering)}) == []
    assert await _titles(api, {"teamId": gid("Team", world.engineering),
                               "includeSubTeams": True}) == ["Ship the platform"]
    assert await _titles(api, {"aligned": True}) == ["Learn GraphQL", "Ship the platform"]
    assert await _titles(api, {"aligned": False, "levels": ["INDIVIDUAL"]}) == [
        "Private growth goal"]
    assert await _titles(api, {"search": "graphql"}) == ["Learn GraphQL"]
    assert await _titles(api, {"cycleKey": "2026-Q4", "statuses": ["ACTIVE"],
                               "levels": ["TEAM"]}) == ["Ship the platform"]

    def check_in() -> None:
        api.app.record_check_in(Actor.system(world.org), world.alice_objective,
                                world.key_result, 8)

    await asyncio.to_thread(check_in)
    position = api.events()
    body = await api.gql("query($p: Int) { objectives(minPosition: $p, filter: "
                         "{minScore: 0.5, levels: [INDIVIDUAL]}) { nodes { title score } } }",
                         {"p": position})
    assert body["data"]["objectives"]["nodes"] == [{"title": "Learn GraphQL", "score": 0.8}]
    assert await _titles(api, {"maxScore": 0.5, "levels": ["INDIVIDUAL"]}) == [
        "Private growth goal"]


async def test_private_objectives_are_hidden_from_others(api: Api, world: World) -> None:
    everyone = ["Delight customers", "Learn GraphQL", "Ship the platform"]
    assert await _titles(api, None, as_="bob") == everyone
    assert await _titles(api, None, as_="alice") == sorted([*everyone, "Private growth goal"])
    assert await _titles(api, None, as_="lead") == sorted([*everyone, "Private growth goal"])
    assert await _titles(api, None, as_="ceo") == sorted([*everyone, "Private growth goal"])
    body = await api.gql("{ objectives { totalCount } }", as_="bob")
    assert body["data"]["objectives"]["totalCount"] == 3


async def test_objective_relations(api: Api, world: World) -> None:
    body = await api.gql("""query($id: ID!) { node(id: $id) { ... on Objective {
        title level kind status visibility score
        cycle { key } ownerPerson { name } ownerTeam { name }
        parent { title parent { title parent { title } } }
        keyResults { title metricType start target current unit weight progress score
                     checkInCount objective { title } }
        children { title } supporters { name } alignmentProposals { status }
        grade { computedScore override finalScore band } } } }""",
                         {"id": gid("Objective", world.alice_objective)})
    node = body["data"]["node"]
    assert node["parent"] == {"title": "Ship the platform",
                              "parent": {"title": "Delight customers", "parent": None}}
    assert node["ownerPerson"] == {"name": "Alice"}
    assert node["ownerTeam"] is None
    assert node["keyResults"] == [{
        "title": "Read the spec", "metricType": "INCREASE_TO", "start": "0", "target": "10",
        "current": "0", "unit": "", "weight": 1.0, "progress": 0.0, "score": 0.0,
        "checkInCount": 0, "objective": {"title": "Learn GraphQL"}}]
    assert node["grade"] == {"computedScore": None, "override": None, "finalScore": None,
                             "band": None}
    team = await api.gql("query($id: ID!) { node(id: $id) { ... on Objective { children "
                         "{ title } } } }", {"id": gid("Objective", world.team_objective)})
    assert team["data"]["node"]["children"] == [{"title": "Learn GraphQL"}]


async def test_key_results_and_check_in_history(api: Api, world: World) -> None:
    system = Actor.system(world.org)

    def record() -> None:
        for value in (2, 4, 6):
            api.app.record_check_in(system, world.alice_objective, world.key_result, value,
                                    note=f"now {value}")

    await asyncio.to_thread(record)
    body = await api.gql("""query($ids: [ID!]!, $p: Int) {
        keyResults(objectiveIds: $ids, minPosition: $p) { title current
        checkIns(first: 2) { totalCount pageInfo { hasNextPage endCursor }
        nodes { value note author { name } } } } }""",
                         {"ids": [gid("Objective", world.alice_objective)],
                          "p": api.events()})
    kr = body["data"]["keyResults"][0]
    assert kr["current"] == "6"
    history = kr["checkIns"]
    assert history["totalCount"] == 3
    assert [c["note"] for c in history["nodes"]] == ["now 2", "now 4"]
    assert history["pageInfo"]["hasNextPage"] is True
    node = await api.gql("query($id: ID!) { node(id: $id) { ... on KeyResult { checkIns("
                         "first: 5, after: $after) { nodes { note } } } } }".replace(
                             "$id: ID!", "$id: ID!, $after: String"),
                         {"id": gid("KeyResult", world.alice_objective, world.key_result),
                          "after": history["pageInfo"]["endCursor"]})
    assert node["data"]["node"]["checkIns"]["nodes"] == [{"note": "now 6"}]


async def test_nodes_resolves_each_type(api: Api, world: World) -> None:
    ids = [gid("Objective", world.company_objective), gid("Team", world.platform),
           gid("Person", world.alice), gid("Cycle", world.cycle),
           gid("KeyResult", world.alice_objective, world.key_result),
           gid("Organization", world.org), gid("Objective", world.other_objective)]
    body = await api.gql("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
                         {"ids": ids})
    nodes = body["data"]["nodes"]
    assert [n["__typename"] if n else None for n in nodes] == [
        "Objective", "Team", "Person", "Cycle", "KeyResult", "Organization", None]
    assert [n["id"] for n in nodes[:6]] == ids[:6]


async def test_position_reflects_the_read_model(api: Api, world: World) -> None:
    def add() -> int:
        return api.app.add_key_result(Actor.system(world.org), world.team_objective, "MTTR",
                                      MetricType.DECREASE_TO, start=60, target=15).position

    position = await asyncio.to_thread(add)
    body = await api.gql("query($p: Int) { objectives(minPosition: $p, filter: "
                         "{levels: [TEAM]}) { nodes { keyResults { title } } } position }",
                         {"p": position})
    assert body["data"]["position"] >= position
    titles = [k["title"] for k in body["data"]["objectives"]["nodes"][0]["keyResults"]]
    assert titles == ["Uptime", "MTTR"]


async def test_min_position_in_the_future_is_not_yet(api: Api, world: World) -> None:
    import okr_api.graphql.read_your_writes as queries

    queries.MIN_POSITION_WAIT_SECONDS, saved = 0.2, queries.MIN_POSITION_WAIT_SECONDS
    try:
        body = await api.gql("{ objectives(minPosition: 999999999) { totalCount } }")
    finally:
        queries.MIN_POSITION_WAIT_SECONDS = saved
    assert body["errors"][0]["extensions"]["code"] == "NOT_YET"


