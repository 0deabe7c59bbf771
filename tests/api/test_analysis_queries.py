"""alignmentTree, alignmentPath, stretchAnalysis and okrHealth over GraphQL, with
read-your-writes through minPosition."""

from __future__ import annotations

import asyncio

from okr_domain.access import Actor
from tests.api.conftest import Api, World, gid

TREE = """query($p: Int, $team: ID, $root: ID, $depth: Int) {
  alignmentTree(cycle: "2026-Q4", minPosition: $p, teamId: $team, rootId: $root,
                depth: $depth) {
    cycleKey rollUp position hiddenCount rootIds orphanIds
    coverage { total aligned share byTeam { team { name } total aligned } }
    nodes { id parentId depth placement hidden rolledUpScore childIds moreChildren
            objective { title level ownScore band keyResults { title score } } }
  }
}"""


async def test_tree_shows_structure_scores_and_only_what_the_viewer_may_see(
        api: Api, world: World) -> None:
    def check_in() -> int:
        return api.app.record_check_in(Actor.system(world.org), world.alice_objective,
                                       world.key_result, 4).position

    position = await asyncio.to_thread(check_in)
    body = await api.gql(TREE, {"p": position}, as_="bob")
    tree = body["data"]["alignmentTree"]
    assert tree["position"] >= position
    titles = {n["id"]: n["objective"]["title"] for n in tree["nodes"]}
    company, team = gid("Objective", world.company_objective), gid("Objective",
                                                                   world.team_objective)
    mine, private = gid("Objective", world.alice_objective), gid("Objective",
                                                                 world.alice_private)
    # Bob may not see Alice's private objective: it is not in the tree, nor counted.
    assert tree["rootIds"] == [company]
    assert tree["orphanIds"] == []
    nodes = {n["id"]: n for n in tree["nodes"]}
    assert set(nodes) == {company, team, mine}
    assert nodes[company]["childIds"] == [team]
    assert nodes[team]["childIds"] == [mine]
    assert titles[mine] == "Learn GraphQL"
    assert nodes[mine]["rolledUpScore"] == 0.4
    assert nodes[mine]["objective"]["keyResults"] == [{"title": "Read the spec", "score": 0.4}]
    assert not any(n["hidden"] for n in tree["nodes"])
    assert tree["hiddenCount"] == 0
    # Coverage: team + individual objectives Bob may see = team, mine; both aligned.
    assert (tree["coverage"]["total"], tree["coverage"]["aligned"]) == (2, 2)
    alice = (await api.gql(TREE, {"p": position}, as_="alice"))["data"]["alignmentTree"]
    assert alice["rootIds"] == [company, private]
    assert alice["orphanIds"] == [private]
    assert (alice["coverage"]["total"], alice["coverage"]["aligned"]) == (3, 2)


async def test_tree_views_by_team_root_and_depth(api: Api, world: World) -> None:
    shallow = await api.gql(TREE, {"depth": 0})
    assert [n["depth"] for n in shallow["data"]["alignmentTree"]["nodes"]] == [0, 0]
    assert shallow["data"]["alignmentTree"]["nodes"][0]["moreChildren"] is True
    rooted = await api.gql(TREE, {"root": gid("Objective", world.team_objective)})
    assert [n["id"] for n in rooted["data"]["alignmentTree"]["nodes"]] == [
        gid("Objective", world.team_objective), gid("Objective", world.alice_objective)]
    team = await api.gql(TREE, {"team": gid("Team", world.platform)})
    ids = {n["id"] for n in team["data"]["alignmentTree"]["nodes"]}
    assert gid("Objective", world.company_objective) not in ids
    assert gid("Objective", world.team_objective) in ids
    bad = await api.gql(TREE, {"depth": -1})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    missing = await api.gql('{ alignmentTree(cycle: "1999-Q1") { position } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_alignment_path(api: Api, world: World) -> None:
    body = await api.gql("query($id: ID!) { alignmentPath(objectiveId: $id) { end "
                         "servesCompany steps { title level hidden } } }",
                         {"id": gid("Objective", world.alice_objective)})
    path = body["data"]["alignmentPath"]
    assert path["servesCompany"] is True
    assert [s["title"] for s in path["steps"]] == ["Learn GraphQL", "Ship the platform",
                                                   "Delight customers"]
    hidden = await api.gql("query($id: ID!) { alignmentPath(objectiveId: $id) { end } }",
                           {"id": gid("Objective", world.alice_private)}, as_="bob")
    assert hidden["data"]["alignmentPath"] is None


async def test_stretch_analysis(api: Api, world: World) -> None:
    def check_ins() -> int:
        system = Actor.system(world.org)
        return api.app.record_check_in(system, world.alice_objective, world.key_result,
                                       7).position

    position = await asyncio.to_thread(check_ins)
    body = await api.gql("""query($p: Int) { stretchAnalysis(cycle: "2026-Q4", minPosition: $p)
        { cycleKey position finalGrades aspirationalCount mean median distanceFromTarget
          histogram { lower count } bands { band count share }
          committedCount committedMet committedHitRate hiddenCount
          pace { elapsedFraction behind { objectiveId } }
          trends { ownerKind flags points { cycleKey mean } } } }""", {"p": position})
    result = body["data"]["stretchAnalysis"]
    # Aspirational: company 0.0 (no key results), team 1.0 (uptime target met by its
    # start value), Learn GraphQL 0.7. Committed: the private goal, BINARY at 0: missed.
    assert result["aspirationalCount"] == 3
    assert result["mean"] == (0.0 + 1.0 + 0.7) / 3
    assert result["median"] == 0.7
    assert [b["count"] for b in result["histogram"]] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 1]
    assert {b["band"]: b["count"] for b in result["bands"]} == {
        "LOW": 1, "PROGRESS": 0, "SWEET_SPOT": 1, "HIGH": 0, "TOO_SAFE": 1}
    assert (result["committedCount"], result["committedMet"]) == (1, 0)
    assert result["committedHitRate"] == 0.0
    assert result["finalGrades"] is False
    scoped = await api.gql("""query($person: ID!) { stretchAnalysis(cycle: "2026-Q4",
        scope: {personId: $person}) { aspirationalCount mean } }""",
                           {"person": gid("Person", world.alice)})
    assert scoped["data"]["stretchAnalysis"] == {"aspirationalCount": 1, "mean": 0.7}


async def test_okr_health(api: Api, world: World) -> None:
    body = await api.gql("""{ okrHealth(cycle: "2026-Q4") { checkedCount hiddenCount
        findings { rule severity objectiveId } counts { rule count } } }""")
    health = body["data"]["okrHealth"]
    found = {(f["rule"], f["objectiveId"]) for f in health["findings"]}
    assert ("NO_KEY_RESULTS", gid("Objective", world.company_objective)) in found
    assert ("NOT_ALIGNED", gid("Objective", world.alice_private)) in found
    counts = {c["rule"]: c["count"] for c in health["counts"]}
    assert counts["NO_KEY_RESULTS"] == 1
    assert counts["TOO_MANY_OBJECTIVES"] == 0
