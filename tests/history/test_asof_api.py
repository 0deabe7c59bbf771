"""alignmentTree, stretchAnalysis and okrHealth as of a date and under another policy, over
GraphQL on the hand-computed quarter (numbers worked out in quarter.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from okr_domain import clock
from okr_domain.access import Actor
from tests.api.conftest import gid
from tests.history.conftest import QuarterApi

TREE = """query($at: DateTime, $policy: PolicyInput) {
  alignmentTree(cycle: "2026-Q3", asOf: $at, policy: $policy) {
    position asOf rollUp rootIds hiddenCount
    scoring { rollUp honourWeights capProgress bands { sweetFrom } }
    coverage { total aligned share }
    nodes { id parentId childIds rolledUpScore hidden objective { title graded: gradedScore } }
  }
}"""
STRETCH = """query($at: DateTime, $policy: PolicyInput) {
  stretchAnalysis(cycle: "2026-Q3", asOf: $at, policy: $policy) {
    position asOf mean median aspiringCount: aspirationalCount hiddenCount
    committedCount bands { band share } scoring { rollUp }
    pace { elapsedFraction }
  }
}"""
HEALTH = """query($at: DateTime) {
  okrHealth(cycle: "2026-Q3", asOf: $at) { position asOf checkedCount hiddenCount }
}"""


async def ask(qa: QuarterApi, query: str, as_: str = "analyst", **variables: Any) -> Any:
    body = await qa.api.gql(query, variables, as_=as_)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


def shares(result: dict[str, Any]) -> dict[str, float]:
    return {b["band"]: b["share"] for b in result["bands"] if b["share"]}


@pytest.mark.asyncio(loop_scope="module")
async def test_tree_and_stretch_as_of_dates(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    o = {k: gid("Objective", v) for k, v in
         {"c1": q.c1, "t1": q.t1, "i1": q.i1, "i2": q.i2, "p1": q.p1}.items()}
    # Between the re-alignment and the next check-in.
    tree = await ask(quarter_api, TREE, at="2026-07-18T00:00:00Z")
    assert tree["asOf"].startswith("2026-07-18T00:00:00")
    assert tree["scoring"] is None
    # The analyst may not see Alice's private P1: it is neither in the tree nor counted.
    assert tree["rootIds"] == [o["c1"]]
    nodes = {n["id"]: n for n in tree["nodes"]}
    assert o["p1"] not in nodes
    assert nodes[o["t1"]]["childIds"] == [o["i1"], o["i2"]]
    assert {k: nodes[v]["rolledUpScore"] for k, v in o.items() if k != "p1"} == pytest.approx(
        {"c1": 0.4, "t1": 0.75, "i1": 0.45, "i2": 0.5})
    assert tree["coverage"] == {"total": 3, "aligned": 3, "share": 1.0}
    as_admin = await ask(quarter_api, TREE, as_="admin", at="2026-07-18T00:00:00Z")
    assert as_admin["rootIds"] == [o["c1"], o["p1"]]
    assert as_admin["coverage"] == {"total": 4, "aligned": 3, "share": 0.75}
    before = await ask(quarter_api, TREE, at="2026-07-16T11:00:00Z")
    assert before["rootIds"] == [o["c1"], o["i2"]]
    assert before["position"] < tree["position"]

    stretch = await ask(quarter_api, STRETCH, at="2026-07-18T00:00:00Z")
    assert stretch["mean"] == pytest.approx(0.525)
    assert stretch["median"] == pytest.approx(0.475)
    assert shares(stretch) == pytest.approx({"PROGRESS": 0.75, "HIGH": 0.25})
    assert (stretch["hiddenCount"], stretch["committedCount"]) == (0, 0)
    assert stretch["pace"]["elapsedFraction"] == pytest.approx(17 / 92)
    week_1 = await ask(quarter_api, STRETCH, at="2026-07-08T00:00:00Z")
    assert week_1["mean"] == pytest.approx(0.1875)
    assert shares(week_1) == {"LOW": 1.0}
    health = await ask(quarter_api, HEALTH, at="2026-07-18T00:00:00Z")
    assert health["asOf"].startswith("2026-07-18")
    assert health["checkedCount"] == 4


@pytest.mark.asyncio(loop_scope="module")
async def test_rescoring_changes_the_answer_and_nothing_stored(
        quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    api = quarter_api.api
    events_before = api.events()
    live_before = (await ask(quarter_api, TREE, "admin"), await ask(quarter_api, STRETCH,
                                                                     "admin"))
    # By hand (as of now: after week 3), roll-up over aligned children, every key
    # result weighing 1, progress uncapped (I2: 5 of 4 talks = 1.25), sweet spot from 0.5:
    #   I1 = (0.6 + 0.6) / 2 = 0.6, I2 = 1.25, T1 = mean(I1, I2) = 0.925, C1 = T1.
    policy = {"rollUp": "ALIGNED_CHILDREN", "honourWeights": False, "capProgress": False,
              "bands": {"sweetFrom": 0.5}}
    tree = await ask(quarter_api, TREE, "admin", policy=policy)
    assert tree["scoring"] == {"rollUp": "ALIGNED_CHILDREN", "honourWeights": False,
                               "capProgress": False, "bands": {"sweetFrom": 0.5}}
    scores = {n["id"]: n["rolledUpScore"] for n in tree["nodes"]}
    assert scores == pytest.approx({gid("Objective", q.c1): 0.925,
                                    gid("Objective", q.t1): 0.925,
                                    gid("Objective", q.i1): 0.6,
                                    gid("Objective", q.i2): 1.25,
                                    gid("Objective", q.p1): 0.0})
    stretch = await ask(quarter_api, STRETCH, "admin", policy=policy)
    assert stretch["mean"] == pytest.approx((0.925 + 0.925 + 0.6 + 1.25) / 4)
    assert shares(stretch) == pytest.approx({"SWEET_SPOT": 0.25, "TOO_SAFE": 0.75})
    # The organization's own rules: C1 0.7, T1 0.75, I1 0.6, I2 1.0.
    normal = live_before[1]
    assert normal["mean"] == pytest.approx(0.7625)
    assert shares(normal) == pytest.approx({"SWEET_SPOT": 0.5, "HIGH": 0.25,
                                            "TOO_SAFE": 0.25})
    # Weights ignored alone, as of 15 July (I1 weighed 2:1 then): I1 0.45 instead of 0.5.
    unweighted = await ask(quarter_api, STRETCH, at="2026-07-15T00:00:00Z",
                           policy={"honourWeights": False})
    assert unweighted["mean"] == pytest.approx((0.4 + 0.75 + 0.45 + 0.5) / 4)
    # Nothing stored changed: the same events, the same live answers.
    assert api.events() == events_before
    assert (await ask(quarter_api, TREE, "admin"), await ask(quarter_api, STRETCH,
                                                             "admin")) == live_before
    bad = await api.gql(TREE, {"policy": {"bands": {"low": 0.8}}}, as_="admin")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("query", [
    '{ alignmentTree(cycle: "2026-Q3", asOf: "2026-07-10T00:00:00Z") { position } }',
    '{ stretchAnalysis(cycle: "2026-Q3", policy: {capProgress: false}) { mean } }',
    '{ okrHealth(cycle: "2026-Q3", asOf: "2026-07-10T00:00:00Z") { position } }',
    '{ objective(id: "T2JqZWN0aXZlOjAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw", '
    'asOf: "2026-07-10T00:00:00Z") { title } }',
])
async def test_time_travel_is_for_analysts_admins_and_managers(quarter_api: QuarterApi,
                                                               query: str) -> None:
    travellers = ["analyst", "admin"]
    if "policy" in query:  # re-scoring stays with analysts and admins
        body = await quarter_api.api.gql(query, as_="manager")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    else:
        travellers.append("manager")
    body = await quarter_api.api.gql(query, as_="member")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    for role in travellers:
        body = await quarter_api.api.gql(query, as_=role)
        assert "errors" not in body, body


async def test_repeated_questions_hit_the_cache_and_later_events_are_seen(
        fresh_quarter_api: QuarterApi) -> None:
    qa = fresh_quarter_api
    q = qa.quarter
    history = qa.api.fastapi.state.services.extras["history"]
    stats = history.partial.stats  # whole cycles replayed in parts, remembered
    first = await ask(qa, STRETCH, at="2026-07-18T00:00:00Z")
    misses, hits = stats.misses, stats.hits
    again = await ask(qa, STRETCH, at="2026-07-18T00:00:00Z")
    assert again == first
    assert (stats.misses, stats.hits) == (misses, hits + 1)
    # Any moment with the same events is the same state: served without a replay.
    await ask(qa, STRETCH, at="2026-07-19T12:00:00Z")
    assert (stats.misses, stats.hits) == (misses, hits + 2)

    # Now: a new check-in (recorded at the real time) is seen by a question about now,
    # and changes nothing about the past.
    now = await ask(qa, TREE, "admin", at=clock.now().isoformat())

    def check_in() -> int:
        return qa.api.app.record_check_in(Actor.system(q.org), q.i2, q.kr["i2"], 2).position

    position = await asyncio.to_thread(check_in)
    later = await ask(qa, TREE, "admin", at=clock.now().isoformat())
    assert later["position"] == position > now["position"]
    score = {n["id"]: n["rolledUpScore"] for n in later["nodes"]}[gid("Objective", q.i2)]
    assert score == pytest.approx(0.5)
    assert await ask(qa, STRETCH, at="2026-07-18T00:00:00Z") == first


KNOWN = """query($at: DateTime, $known: DateTime, $id: ID!) {
  stretchAnalysis(cycle: "2026-Q3", asOf: $at, knownAt: $known) { asOf mean }
  alignmentTree(cycle: "2026-Q3", asOf: $at, knownAt: $known) { nodes { rolledUpScore } }
  objective(id: $id, asOf: $at, knownAt: $known) { score }
}"""


@pytest.mark.asyncio(loop_scope="module")
async def test_known_at_leaves_out_what_was_recorded_later(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    i2 = gid("Objective", q.i2)
    now = await quarter_api.api.gql(KNOWN, {"at": "2026-07-22T00:00:00Z", "id": i2},
                                    as_="analyst")
    assert "errors" not in now, now
    assert now["data"]["objective"]["score"] == pytest.approx(1.0)
    # As recorded by 18 Jul, week 3's check-ins (20 Jul) were not written yet.
    then = await quarter_api.api.gql(KNOWN, {"at": "2026-07-22T00:00:00Z",
                                             "known": "2026-07-18T00:00:00Z", "id": i2},
                                     as_="analyst")
    assert "errors" not in then, then
    assert then["data"]["objective"]["score"] == pytest.approx(0.5)
    assert then["data"]["stretchAnalysis"]["mean"] < now["data"]["stretchAnalysis"]["mean"]
    # knownAt alone: as things stood then, as recorded then.
    alone = await quarter_api.api.gql(KNOWN, {"known": "2026-07-18T00:00:00Z", "id": i2},
                                      as_="analyst")
    assert "errors" not in alone, alone
    assert alone["data"]["stretchAnalysis"]["asOf"].startswith("2026-07-18T00:00:00")
    assert alone["data"]["objective"]["score"] == pytest.approx(0.5)


SUBTREE = """query($at: DateTime, $known: DateTime, $root: ID) {
  alignmentTree(cycle: "2026-Q3", asOf: $at, knownAt: $known, rootId: $root) {
    asOf rootIds coverage { total aligned }
    nodes { id parentId placement childIds rolledUpScore }
  }
}"""


@pytest.mark.asyncio(loop_scope="module")
async def test_a_subtree_as_of_dates_is_the_whole_trees_part(quarter_api: QuarterApi) -> None:
    """A tree rooted at an objective is replayed from that subtree's own events: it is
    the same part of the whole tree, as of each date, on both time axes."""
    q = quarter_api.quarter
    t1 = gid("Objective", q.t1)
    for at, known in (("2026-07-16T11:00:00Z", None), ("2026-07-18T00:00:00Z", None),
                      ("2026-07-22T00:00:00Z", "2026-07-14T00:00:00Z")):
        part = await ask(quarter_api, SUBTREE, at=at, known=known, root=t1)
        whole = await ask(quarter_api, SUBTREE, at=at, known=known)
        in_whole = {n["id"]: n for n in whole["nodes"]}
        assert part["rootIds"] == [t1]
        nodes = part["nodes"]
        assert nodes[0]["placement"] == "PARENT_OUTSIDE_VIEW"  # T1 stays under C1
        assert nodes[0]["parentId"] == gid("Objective", q.c1)
        for node in nodes:
            expected = in_whole[node["id"]]
            assert (node["childIds"], node["rolledUpScore"]) == (
                expected["childIds"], expected["rolledUpScore"]), (at, node)
        below = {n["id"] for n in nodes}
        realigned = at >= "2026-07-16T12" and known is None  # recorded on 16 July
        assert (gid("Objective", q.i2) in below) == realigned, at
    missing = await quarter_api.api.gql(SUBTREE, {"at": "2026-06-01T00:00:00Z", "root": t1},
                                        as_="analyst")
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND", missing
