"""What a viewer may not see is neither listed nor counted in the history: the cycle's
timeline (check-ins included) and its changes, as Alice's peer, her manager and an admin
see them (see ``privacy_scene``)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.privacy_scene import ANALYSTS, PEERS, Scene, ask, make_scene


@pytest.fixture
async def scene(api: Api) -> Scene:
    return await make_scene(api)


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
