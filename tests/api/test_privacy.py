"""What a viewer may not see is neither listed, scored nor counted: the alignment tree
(live and as of a moment), the stretch analysis, OKR health, the objective listing and
the alignment path, as Alice's peer, her managers and an admin see them (see
``privacy_scene`` for the scene and its numbers)."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest
import pytest_asyncio

from okr_domain.access import Actor
from okr_domain.clock import simulated_time
from okr_domain.values import Level, Visibility
from tests.api.conftest import Api, gid
from tests.api.privacy_scene import (
    AS_OF,
    PEERS,
    SECRET_MADE,
    SEE_ALL,
    Scene,
    ask,
    make_scene,
    settle,
    viewers,
)

module_loop = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(shared_api: Api) -> Scene:
    """One scene per backend, for the tests that only read it (in the module's loop)."""
    return await make_scene(shared_api)


@pytest.fixture
async def own_scene(api: Api) -> Scene:
    """A scene of its own, for a test that adds to it."""
    return await make_scene(api)


TREE = """query($asOf: DateTime) { alignmentTree(cycle: "2026-Q4", asOf: $asOf) {
  rootIds orphanIds hiddenCount coverage { total aligned byTeam { total aligned } }
  nodes { id parentId placement hidden rolledUpScore childIds } } }"""


@module_loop
@pytest.mark.parametrize("as_of", [None, AS_OF])
async def test_tree(scene: Scene, as_of: str | None) -> None:
    o = scene.ids()
    for viewer in viewers(as_of):
        tree = await ask(scene, TREE, viewer, asOf=as_of)
        nodes = {n["id"]: n for n in tree["nodes"]}
        rolled = {k: nodes[o[k]]["rolledUpScore"] for k in ("company", "team", "mine")}
        assert tree["hiddenCount"] == 0
        assert not any(n["hidden"] for n in tree["nodes"])
        if viewer in PEERS:
            assert set(nodes) == {o["company"], o["team"], o["mine"]}, viewer
            assert nodes[o["team"]]["childIds"] == [o["mine"]]
            assert rolled == pytest.approx({"company": 0.4, "team": 0.4, "mine": 0.4})
            assert (tree["rootIds"], tree["orphanIds"]) == ([o["company"]], [])
            assert tree["coverage"] == {"total": 2, "aligned": 2,
                                        "byTeam": [{"total": 2, "aligned": 2}]}
        else:
            assert set(nodes) == set(o.values()), viewer
            assert nodes[o["team"]]["childIds"] == [o["mine"], o["secret"]]
            assert rolled == pytest.approx({"company": 0.675, "team": 0.675, "mine": 0.4})
            assert nodes[o["secret"]]["rolledUpScore"] == pytest.approx(0.95)
            assert (tree["rootIds"], tree["orphanIds"]) == ([o["company"], o["private"]],
                                                            [o["private"]])
            assert tree["coverage"] == {"total": 4, "aligned": 3,
                                        "byTeam": [{"total": 4, "aligned": 3}]}


STRETCH = """query($asOf: DateTime, $scope: ScopeInput) {
  stretchAnalysis(cycle: "2026-Q4", asOf: $asOf, scope: $scope) {
    aspirationalCount mean median hiddenCount histogram { count } bands { band count share }
    committedCount committedMet committedHitRate pace { aspirationalMean } } }"""


@module_loop
@pytest.mark.parametrize("as_of", [None, AS_OF])
async def test_stretch_analysis(scene: Scene, as_of: str | None) -> None:
    for viewer in viewers(as_of):
        found = await ask(scene, STRETCH, viewer, asOf=as_of)
        bands = {b["band"]: (b["count"], b["share"]) for b in found["bands"] if b["count"]}
        histogram = [b["count"] for b in found["histogram"]]
        committed = (found["committedCount"], found["committedMet"],
                     found["committedHitRate"])
        assert found["hiddenCount"] == 0
        if viewer in PEERS:
            # The company, team and Learn GraphQL objectives at 0.4; nothing committed.
            assert found["aspirationalCount"] == 3
            assert (found["mean"], found["median"]) == pytest.approx((0.4, 0.4))
            assert histogram == [0, 0, 0, 0, 3, 0, 0, 0, 0, 0]
            assert bands == {"PROGRESS": (3, 1.0)}
            assert committed == (0, 0, None)
            assert found["pace"]["aspirationalMean"] == pytest.approx(0.4)
        else:
            # 0.675 twice, 0.4 and 0.95; Alice's committed private objective, missed.
            assert found["aspirationalCount"] == 4
            assert found["mean"] == pytest.approx(0.675)
            assert sum(histogram) == 4
            assert (histogram[4], histogram[6], histogram[9]) == (1, 2, 1)
            assert bands == {"PROGRESS": (1, 0.25), "SWEET_SPOT": (2, 0.5),
                             "TOO_SAFE": (1, 0.25)}
            assert committed == (1, 0, 0.0)
            assert found["pace"]["aspirationalMean"] == pytest.approx(0.675)
        alice = await ask(scene, STRETCH, viewer, asOf=as_of,
                          scope={"personId": gid("Person", scene.world.alice)})
        assert (alice["aspirationalCount"], alice["committedCount"]) == (
            (1, 0) if viewer in PEERS else (2, 1))


HEALTH = """query($asOf: DateTime) { okrHealth(cycle: "2026-Q4", asOf: $asOf) {
  checkedCount hiddenCount findings { rule objectiveId } counts { rule count } } }"""


@module_loop
@pytest.mark.parametrize("as_of", [None, AS_OF])
async def test_okr_health(scene: Scene, as_of: str | None) -> None:
    o = scene.ids()
    for viewer in viewers(as_of):
        health = await ask(scene, HEALTH, viewer, asOf=as_of)
        named = {f["objectiveId"] for f in health["findings"]} - {None}
        counts = {c["rule"]: c["count"] for c in health["counts"]}
        assert health["hiddenCount"] == 0
        assert counts["NO_KEY_RESULTS"] == 1  # the company objective
        if viewer in PEERS:
            assert health["checkedCount"] == 3
            assert named <= {o["company"], o["team"], o["mine"]}
            assert counts["NOT_ALIGNED"] == 0
        else:
            assert health["checkedCount"] == 5
            assert ("NOT_ALIGNED", o["private"]) in {
                (f["rule"], f["objectiveId"]) for f in health["findings"]}
            assert counts["NOT_ALIGNED"] == 1


OBJECTIVES = """{ objectives(filter: {cycleKey: "2026-Q4"}, first: 100) {
  totalCount edges { node { id } } } }"""


@module_loop
async def test_objectives_listing_counts(scene: Scene) -> None:
    for viewer in ("admin", *PEERS, *SEE_ALL):
        listed = await ask(scene, OBJECTIVES, viewer)
        expected = 3 if viewer in PEERS else 5
        assert (listed["totalCount"], len(listed["edges"])) == (expected, expected), viewer


async def test_a_child_of_a_private_objective(own_scene: Scene) -> None:
    scene = own_scene
    w = scene.world
    system = Actor.system(w.org)
    app = scene.api.app

    def plan_and_pair() -> tuple[UUID, UUID, UUID, UUID]:
        with simulated_time(SECRET_MADE):
            plan = app.create_objective(system, w.cycle, Level.TEAM, "Platform secret plan",
                                        owner_team_id=w.platform,
                                        visibility=Visibility.PRIVATE).id
            pair = app.create_objective(system, w.cycle, Level.INDIVIDUAL, "Pair on docs",
                                        owner_person_id=w.bob).id
            idea = app.create_objective(system, w.cycle, Level.INDIVIDUAL, "Bob's idea",
                                        owner_person_id=w.bob).id
            app.align_objective(system, plan, w.company_objective)
            app.align_objective(system, pair, plan)
            proposal = app.propose_alignment(system, idea, plan, message="the plan?").id
        return plan, pair, idea, proposal

    plan_id, pair_id, idea_id, proposal_id = await asyncio.to_thread(plan_and_pair)
    await settle(scene.api)
    o = {**scene.ids(), "plan": gid("Objective", plan_id), "pair": gid("Objective", pair_id)}
    # A proposal to align to an objective one may not see is not listed either.
    proposals = ("query($id: ID!, $p: ID!) { node(id: $id) { ... on Objective { "
                 "alignmentProposals { message } } } proposal: node(id: $p) { id } }")
    ids = {"id": gid("Objective", idea_id), "p": gid("AlignmentProposal", proposal_id)}
    as_bob = (await scene.api.gql(proposals, ids, as_="bob"))["data"]
    assert as_bob == {"node": {"alignmentProposals": []}, "proposal": None}
    as_lead = (await scene.api.gql(proposals, ids, as_="lead"))["data"]
    assert as_lead == {"node": {"alignmentProposals": [{"message": "the plan?"}]},
                       "proposal": {"id": ids["p"]}}
    path = ("query($id: ID!) { alignmentPath(objectiveId: $id) { end servesCompany "
            "steps { objectiveId title hidden } } }")
    as_bob = await ask(scene, path, "bob", id=o["pair"])
    assert as_bob == {"end": "UNKNOWN_PARENT", "servesCompany": False, "steps": [
        {"objectiveId": o["pair"], "title": "Pair on docs", "hidden": False}]}
    as_lead = await ask(scene, path, "lead", id=o["pair"])
    assert (as_lead["end"], as_lead["servesCompany"]) == ("COMPANY", True)
    assert [s["objectiveId"] for s in as_lead["steps"]] == [o["pair"], o["plan"],
                                                           o["company"]]

    # Bob: his objective is a root aligned outside what he sees; the company objective
    # rolls up the team objective alone.
    tree = await ask(scene, TREE, "bob")
    nodes = {n["id"]: n for n in tree["nodes"]}
    assert o["plan"] not in nodes
    assert (nodes[o["pair"]]["placement"], nodes[o["pair"]]["parentId"]) == (
        "PARENT_OUTSIDE_VIEW", None)
    assert o["pair"] in tree["rootIds"]
    assert o["pair"] not in tree["orphanIds"]
    assert nodes[o["company"]]["rolledUpScore"] == pytest.approx(0.4)
    assert (tree["coverage"]["total"], tree["coverage"]["aligned"]) == (4, 3)
    # Lee: the plan (no key results, rolled up from Bob's 0) counts in the company's.
    tree = await ask(scene, TREE, "lead")
    nodes = {n["id"]: n for n in tree["nodes"]}
    assert (nodes[o["pair"]]["placement"], nodes[o["pair"]]["parentId"]) == (
        "ALIGNED", o["plan"])
    assert nodes[o["company"]]["rolledUpScore"] == pytest.approx((0.675 + 0.0) / 2)
    assert (tree["coverage"]["total"], tree["coverage"]["aligned"]) == (7, 5)
