"""The analysis cache: cached answers equal uncached ones, a later event or minPosition
gets fresh ones, and each viewer sees only what they may."""

from __future__ import annotations

import asyncio
from typing import Any

from okr_api.graphql.analysis_cache import AnalysisCache, analysis_cache
from okr_domain.access import Actor
from tests.api.conftest import Api, World, gid

TREE = """query($p: Int) {
  alignmentTree(cycle: "2026-Q4", minPosition: $p) {
    position hiddenCount rootIds orphanIds coverage { total aligned share }
    nodes { id parentId depth placement hidden rolledUpScore childIds moreChildren
            objective { title level kind status ownScore gradedScore band supporterCount
                        ownerTeam { id name } ownerPerson { id name }
                        keyResults { id title current score checkInCount } } }
  }
}"""

STRETCH = """query($p: Int, $scope: ScopeInput) {
  stretchAnalysis(cycle: "2026-Q4", minPosition: $p, scope: $scope) {
    position aspirationalCount committedCount mean median hiddenCount
    bands { band count } histogram { lower upper count }
    pace { elapsedFraction behind { objectiveId gap } }
    trends { ownerKind ownerId flags points { cycleKey count mean } }
  }
}"""


def _cache(api: Api) -> AnalysisCache:
    return analysis_cache(api.fastapi.state.services)


async def _uncached(api: Api, query: str, variables: dict[str, Any], as_: str
                    ) -> dict[str, Any]:
    api.fastapi.state.services.extras["analysis_cache"] = AnalysisCache()
    return await api.gql(query, variables, as_=as_)


async def test_cached_answers_equal_uncached_ones(api: Api, world: World) -> None:
    for query, variables in ((TREE, {}), (STRETCH, {}),
                             (STRETCH, {"scope": {"teamId": gid("Team", world.platform)}})):
        for viewer in ("admin", "bob", "alice"):
            first = await _uncached(api, query, variables, viewer)
            hits = _cache(api).results.hits
            again = await api.gql(query, variables, as_=viewer)
            assert _cache(api).results.hits > hits
            assert again == first
            assert "errors" not in again


async def test_owners_in_the_tree_are_the_people_and_teams(api: Api, world: World) -> None:
    tree = (await api.gql(TREE))["data"]["alignmentTree"]
    objectives = {n["id"]: n["objective"] for n in tree["nodes"]}
    mine = objectives[gid("Objective", world.alice_objective)]
    assert mine["ownerPerson"] == {"id": gid("Person", world.alice), "name": "Alice"}
    assert mine["ownerTeam"] is None
    team = objectives[gid("Objective", world.team_objective)]
    assert team["ownerTeam"] == {"id": gid("Team", world.platform), "name": "Platform"}


async def test_a_later_event_is_seen_at_once(api: Api, world: World) -> None:
    before = (await api.gql(TREE))["data"]["alignmentTree"]
    await api.gql(TREE)  # cached now

    def check_in() -> int:
        return api.app.record_check_in(Actor.system(world.org), world.alice_objective,
                                       world.key_result, 7).position

    position = await asyncio.to_thread(check_in)
    after = (await api.gql(TREE, {"p": position}))["data"]["alignmentTree"]
    assert after["position"] >= position > before["position"]
    node = next(n for n in after["nodes"]
                if n["id"] == gid("Objective", world.alice_objective))
    assert node["rolledUpScore"] == 0.7
    assert node["objective"]["keyResults"][0]["checkInCount"] == 1
    stretch = (await api.gql(STRETCH, {"p": position}))["data"]["stretchAnalysis"]
    assert stretch["position"] >= position
    fresh = await _uncached(api, TREE, {"p": position}, "admin")
    assert fresh["data"]["alignmentTree"] == after


async def test_each_viewer_gets_their_own_view(api: Api, world: World) -> None:
    private = gid("Objective", world.alice_private)
    for viewer, hidden in (("bob", True), ("alice", False), ("admin", False), ("bob", True),
                           ("lead", False), ("bob", True)):
        tree = (await api.gql(TREE, as_=viewer))["data"]["alignmentTree"]
        assert (private not in {n["id"] for n in tree["nodes"]}) is hidden
        assert tree["coverage"]["total"] == (2 if hidden else 3)
        stretch = (await api.gql(STRETCH, as_=viewer))["data"]["stretchAnalysis"]
        assert stretch["committedCount"] == (0 if hidden else 1)
