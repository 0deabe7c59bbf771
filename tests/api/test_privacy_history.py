"""What a viewer may not see is neither listed nor counted in the history: the events
(their totalCount agreeing with the edges), the cycle's timeline (check-ins included) and
its changes, as Alice's peer, her manager and an admin see them (see ``privacy_scene``)."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio

from okr_api.graphql.queries import history_events
from tests.api.conftest import Api, gid
from tests.api.privacy_scene import ANALYSTS, PEERS, Scene, ask, make_scene

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(shared_api: Api) -> Scene:
    """One scene per backend: these tests only read it."""
    return await make_scene(shared_api)


EVENTS = """query($first: Int, $after: String, $filter: EventFilterInput) {
  events(first: $first, after: $after, filter: $filter) {
    totalCount totalCountPrecision edges { node { aggregateId type } }
    pageInfo { hasNextPage endCursor } } }"""


async def all_events(scene: Scene, viewer: str, **given: Any) -> tuple[int, list[str]]:
    """Every event, page by page; the totalCount every page gave (the same on each)."""
    totals: set[tuple[int, str]] = set()
    found: list[str] = []
    after = None
    while True:
        page = await ask(scene, EVENTS, viewer, first=7, after=after, **given)
        totals.add((page["totalCount"], page["totalCountPrecision"]))
        found += [e["node"]["aggregateId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(totals) == 1, totals
    total, precision = totals.pop()
    assert precision == "EXACT"
    return total, found


async def test_events_total_count_agrees_with_the_edges(scene: Scene) -> None:
    w = scene.world
    hidden = {str(scene.secret), str(w.alice_private)}
    counted = {}
    for viewer in ANALYSTS:
        total, found = await all_events(scene, viewer)
        assert total == len(found), viewer
        counted[viewer] = total
        assert bool(hidden & set(found)) is (viewer not in PEERS), viewer
        one = {"objectiveId": gid("Objective", scene.secret)}
        total, found = await all_events(scene, viewer, filter=one)
        assert total == len(found) == (0 if viewer in PEERS else 5), viewer
    # The secret's 5 events (created, key result added, activated, aligned, checked in)
    # and the other private objective's 3 (created, key result added, activated) are all
    # Lee sees and Bob does not; the admin sees the bookkeeping events too.
    assert counted["bob_analyst"] == counted["lead_analyst"] - 8
    assert counted["admin"] > counted["lead_analyst"]
    check_ins = {"types": ["okr.Objective.CheckInRecorded"]}
    assert await all_events(scene, "bob_analyst", filter=check_ins) == (
        1, [str(w.alice_objective)])
    for viewer in ("lead_analyst", "admin"):
        assert await all_events(scene, viewer, filter=check_ins) == (
            2, [str(scene.secret), str(w.alice_objective)])


async def test_events_total_count_is_bounded(scene: Scene,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    everything = await all_events(scene, "bob_analyst")
    # Index pages of 10 rows, at most 20 looked at per request.
    monkeypatch.setattr(history_events, "MAX_EVENT_PAGE", 10)
    monkeypatch.setattr(history_events, "MAX_SCANNED", 20)
    page = await ask(scene, EVENTS, "bob_analyst", first=100)
    assert page["totalCountPrecision"] == "AT_LEAST"
    assert page["totalCount"] == len(page["edges"]) < everything[0]
    assert page["pageInfo"]["hasNextPage"] is True
    found = [e["node"]["aggregateId"] for e in page["edges"]]
    after = page["pageInfo"]["endCursor"]
    while after is not None:
        page = await ask(scene, EVENTS, "bob_analyst", first=100, after=after)
        found += [e["node"]["aggregateId"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert found == everything[1]


TIMELINE = """{ cycleTimeline(cycle: "2026-Q4", until: "2026-10-21T00:00:00Z") {
  steps { at checkIns checkInsTotal checkedInObjectives objectiveCount committedCount
          aspirationalCount mean hiddenCount coverage { total aligned } } } }"""


async def test_timeline_counts_only_what_the_viewer_may_see(scene: Scene) -> None:
    for viewer in ANALYSTS:
        steps = (await ask(scene, TIMELINE, viewer))["steps"]
        assert [s["at"][:10] for s in steps] == ["2026-10-01", "2026-10-08", "2026-10-15",
                                                 "2026-10-21"]
        assert {s["hiddenCount"] for s in steps} == {0}
        last = steps[-1]
        if viewer in PEERS:
            # Learn GraphQL's check-in alone; the company, team and Learn GraphQL objectives.
            assert [s["checkIns"] for s in steps] == [0, 0, 1, 0]
            assert [s["checkInsTotal"] for s in steps] == [0, 0, 1, 1]
            assert steps[2]["checkedInObjectives"] == 1
            assert (last["objectiveCount"], last["aspirationalCount"],
                    last["committedCount"]) == (3, 3, 0)
            assert last["mean"] == pytest.approx(0.4)
            assert last["coverage"] == {"total": 2, "aligned": 2}
        else:
            assert [s["checkIns"] for s in steps] == [0, 0, 2, 0]
            assert [s["checkInsTotal"] for s in steps] == [0, 0, 2, 2]
            assert steps[2]["checkedInObjectives"] == 2
            assert (last["objectiveCount"], last["aspirationalCount"],
                    last["committedCount"]) == (5, 4, 1)
            assert last["mean"] == pytest.approx(0.675)
            assert last["coverage"] == {"total": 4, "aligned": 3}


CHANGES = """query($from: DateTime!) {
  changes(cycle: "2026-Q4", from: $from, to: "2026-10-20T00:00:00Z") {
    hiddenCount created { title }
    rescored { objective { title } scoreBefore scoreAfter } } }"""


async def test_changes_list_and_score_only_what_the_viewer_may_see(scene: Scene) -> None:
    for viewer in ANALYSTS:
        since_made = await ask(scene, CHANGES, viewer, **{"from": "2026-10-06T00:00:00Z"})
        rescored = {r["objective"]["title"]: (r["scoreBefore"], r["scoreAfter"])
                    for r in since_made["rescored"]}
        since_start = await ask(scene, CHANGES, viewer, **{"from": "2026-10-01T00:00:00Z"})
        created = {c["title"] for c in since_start["created"]}
        assert (since_made["hiddenCount"], since_start["hiddenCount"]) == (0, 0)
        if viewer in PEERS:
            assert rescored == pytest.approx({"Delight customers": (0.0, 0.4),
                                              "Ship the platform": (0.0, 0.4),
                                              "Learn GraphQL": (0.0, 0.4)})
            assert created == {"Delight customers", "Ship the platform", "Learn GraphQL"}
        else:
            assert rescored == pytest.approx({"Delight customers": (0.0, 0.675),
                                              "Ship the platform": (0.0, 0.675),
                                              "Learn GraphQL": (0.0, 0.4),
                                              "Secret stretch": (0.0, 0.95)})
            assert created == {"Delight customers", "Ship the platform", "Learn GraphQL",
                               "Private growth goal", "Secret stretch"}
