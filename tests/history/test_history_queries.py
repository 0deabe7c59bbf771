"""History queries over GraphQL on the hand-computed quarter: events, an objective as of
a date and its history, changes between two dates, the weekly timeline, and who may
ask for them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import gid
from tests.history.conftest import QuarterApi

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENTS = """query($f: EventFilterInput, $first: Int, $after: String) {
  events(filter: $f, first: $first, after: $after) {
    position pageInfo { hasNextPage endCursor }
    nodes { position occurredAt type aggregateType aggregateId cycleKey actorId data
            objective { title } }
  }
}"""


async def events(qa: QuarterApi, as_: str = "analyst", **variables: Any) -> dict[str, Any]:
    body = await qa.api.gql(EVENTS, variables, as_=as_)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["events"]
    return result


async def test_events_filtered_and_paged(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    check_ins = {"cycle": "2026-Q3", "types": ["okr.Objective.CheckInRecorded"]}
    every = await events(quarter_api, f=check_ins, first=100)
    assert len(every["nodes"]) == 13
    assert [n["cycleKey"] for n in every["nodes"]] == ["2026-Q3"] * 13
    positions = [n["position"] for n in every["nodes"]]
    assert positions == sorted(positions)
    # Keyset pages of 5 give the same events.
    paged: list[int] = []
    after = None
    while True:
        page = await events(quarter_api, f=check_ins, first=5, after=after)
        paged += [n["position"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert paged == positions
    # A time range: week 2 alone.
    week_2 = await events(quarter_api, f={**check_ins, "since": "2026-07-13T00:00:00Z",
                                          "until": "2026-07-14T00:00:00Z"}, first=100)
    assert len(week_2["nodes"]) == 6
    assert {n["data"]["value"] for n in week_2["nodes"]} == {"4", "50", "1", "6", "30", "2"}
    # One objective's events.
    bobs = await events(quarter_api, f={"objectiveId": gid("Objective", q.i2)}, first=100)
    assert [n["type"].rsplit(".", 1)[1] for n in bobs["nodes"]] == [
        "Created", "KeyResultAdded", "Activated", "CheckInRecorded", "CheckInRecorded",
        "Aligned", "CheckInRecorded"]
    assert {n["objective"]["title"] for n in bobs["nodes"]} == {"Speak at a meetup"}


async def test_events_by_team_and_actor_and_visibility(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    team = await events(quarter_api, f={"teamId": gid("Team", q.platform),
                                        "types": ["okr.Objective.Created"]}, first=100)
    assert {n["aggregateId"] for n in team["nodes"]} == {str(q.t1), str(q.i1), str(q.i2)}
    # The lead (a manager of Alice) with the ANALYST role sees her private objective too.
    managed = await events(quarter_api, "lead_analyst", first=100, f={
        "teamId": gid("Team", q.platform), "types": ["okr.Objective.Created"]})
    assert str(q.p1) in {n["aggregateId"] for n in managed["nodes"]}
    admin = await events(quarter_api, "admin", first=100,
                         f={"objectiveId": gid("Objective", q.p1)})
    assert len(admin["nodes"]) == 3
    hidden = await events(quarter_api, first=100, f={"objectiveId": gid("Objective", q.p1)})
    assert hidden["nodes"] == []
    nobody = await events(quarter_api, f={"actorId": gid("Person", q.bob)}, first=100)
    assert nobody["nodes"] == []  # everything was done by the service


OBJECTIVE_AS_OF = """query($id: ID!, $at: DateTime) {
  objective(id: $id, asOf: $at) {
    title asOf score parent { title }
    keyResults { title weight current score checkIns { totalCount nodes { value } } }
  }
}"""


async def test_objective_as_of_a_date(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    body = await quarter_api.api.gql(OBJECTIVE_AS_OF, {"id": gid("Objective", q.i1),
                                                       "at": "2026-07-15T00:00:00Z"},
                                     as_="analyst")
    then = body["data"]["objective"]
    assert then["asOf"].startswith("2026-07-15T00:00:00")
    assert then["score"] == pytest.approx(0.5)
    assert then["parent"]["title"] == "Ship the platform"
    assert [(k["title"], k["weight"], k["current"]) for k in then["keyResults"]] == [
        ("Chapters read", 2.0, "6"), ("Course", 1.0, "30")]
    assert [k["checkIns"]["totalCount"] for k in then["keyResults"]] == [2, 1]
    live = await quarter_api.api.gql(OBJECTIVE_AS_OF, {"id": gid("Objective", q.i1)},
                                     as_="member")
    assert live["data"]["objective"]["asOf"] is None
    assert live["data"]["objective"]["score"] == pytest.approx(0.6)
    private = await quarter_api.api.gql(OBJECTIVE_AS_OF, {"id": gid("Objective", q.p1),
                                                          "at": "2026-07-15T00:00:00Z"},
                                        as_="analyst")
    assert private["data"]["objective"] is None
    early = await quarter_api.api.gql(OBJECTIVE_AS_OF, {"id": gid("Objective", q.i1),
                                                        "at": "2026-06-01T00:00:00Z"},
                                      as_="analyst")
    assert early["data"]["objective"] is None  # it did not exist yet


HISTORY = """query($id: ID!, $after: String) {
  objective(id: $id) {
    history(first: 4, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { type occurredAt data state { score parent { title }
                                            keyResults { weight current } } }
    }
  }
}"""


async def test_objective_history_with_the_state_after_each_event(
        quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    api = quarter_api.api
    first = (await api.gql(HISTORY, {"id": gid("Objective", q.i1)}, as_="analyst"))
    page = first["data"]["objective"]["history"]
    assert page["totalCount"] == 10
    assert [n["type"].rsplit(".", 1)[1] for n in page["nodes"]] == [
        "Created", "KeyResultAdded", "KeyResultAdded", "Activated"]
    assert page["nodes"][1]["state"]["keyResults"] == [{"weight": 2.0, "current": "0"}]
    rest = await api.gql(HISTORY, {"id": gid("Objective", q.i1),
                                   "after": page["pageInfo"]["endCursor"]}, as_="analyst")
    nodes = rest["data"]["objective"]["history"]["nodes"]
    assert [n["type"].rsplit(".", 1)[1] for n in nodes] == [
        "Aligned", "CheckInRecorded", "CheckInRecorded", "CheckInRecorded"]
    assert nodes[0]["state"]["parent"]["title"] == "Ship the platform"
    assert [n["state"]["score"] for n in nodes] == pytest.approx([0.0, 0.2, 0.4, 0.5])
    forbidden = await api.gql(HISTORY, {"id": gid("Objective", q.i1)}, as_="member")
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


CHANGES = """query($from: DateTime!, $to: DateTime) {
  changes(cycle: "2026-Q3", from: $from, to: $to) {
    fromPosition toPosition hiddenCount
    created { title } archived { title }
    realigned { objective { title } parentBeforeId parentAfterId }
    reweighted { objective { title } title weightBefore weightAfter }
    rescored { objective { title } scoreBefore scoreAfter delta }
  }
}"""


async def test_changes_between_two_dates(quarter_api: QuarterApi) -> None:
    q = quarter_api.quarter
    body = await quarter_api.api.gql(CHANGES, {"from": "2026-07-08T00:00:00Z",
                                               "to": "2026-07-22T00:00:00Z"}, as_="analyst")
    found = body["data"]["changes"]
    assert found["fromPosition"] < found["toPosition"]
    assert found["created"] == []
    assert found["realigned"] == [{"objective": {"title": "Speak at a meetup"},
                                   "parentBeforeId": None,
                                   "parentAfterId": gid("Objective", q.t1)}]
    assert found["reweighted"] == [{"objective": {"title": "Learn GraphQL"},
                                    "title": "Chapters read", "weightBefore": 2.0,
                                    "weightAfter": 1.0}]
    rescored = [(r["objective"]["title"], r["scoreBefore"], r["scoreAfter"])
                for r in found["rescored"]]
    assert [r[0] for r in rescored] == ["Delight customers", "Ship the platform",
                                        "Learn GraphQL", "Speak at a meetup"]
    assert [r[1:] for r in rescored] == [pytest.approx(pair) for pair in (
        (0.2, 0.7), (0.1, 0.75), (0.2, 0.6), (0.25, 1.0))]
    # Alice's private objective is neither listed nor counted for the analyst.
    assert found["hiddenCount"] == 0
    created = await quarter_api.api.gql(CHANGES, {"from": "2026-06-21T00:00:00Z",
                                                  "to": "2026-07-01T00:00:00Z"}, as_="admin")
    assert len(created["data"]["changes"]["created"]) == 5


TIMELINE = """query($until: DateTime, $policy: PolicyInput) {
  cycleTimeline(cycle: "2026-Q3", until: $until, policy: $policy) {
    every scoring { rollUp honourWeights capProgress bands { sweetFrom } }
    steps { at status objectiveCount mean median checkIns checkInsTotal
            checkedInObjectives hiddenCount committedCount
            bands { band share } coverage { share } histogram }
  }
}"""


async def test_weekly_timeline(quarter_api: QuarterApi) -> None:
    body = await quarter_api.api.gql(TIMELINE, {"until": "2026-07-24T00:00:00Z"},
                                     as_="analyst")
    found = body["data"]["cycleTimeline"]
    assert found["every"] == "WEEK"
    assert found["scoring"]["rollUp"] == "KEY_RESULTS"
    steps = found["steps"]
    assert [s["at"][:10] for s in steps] == ["2026-07-01", "2026-07-08", "2026-07-15",
                                             "2026-07-22", "2026-07-24"]
    assert [s["mean"] for s in steps] == pytest.approx(
        [0.0, 0.1875, 0.5375, 0.7625, 0.7625])
    assert [s["checkIns"] for s in steps] == [0, 4, 6, 3, 0]
    assert [s["checkInsTotal"] for s in steps] == [0, 4, 10, 13, 13]
    # The analyst does not see Alice's private (committed, unaligned) objective: it is
    # neither counted nor in the coverage (T1 and I1 aligned, then I2 too, of 3).
    assert [s["coverage"]["share"] for s in steps] == pytest.approx(
        [2 / 3, 2 / 3, 2 / 3, 1.0, 1.0])
    assert {(s["objectiveCount"], s["hiddenCount"], s["committedCount"])
            for s in steps} == {(4, 0, 0)}
    week_3 = {b["band"]: b["share"] for b in steps[3]["bands"] if b["share"]}
    assert week_3 == {"SWEET_SPOT": 0.5, "HIGH": 0.25, "TOO_SAFE": 0.25}
    assert steps[3]["histogram"] == [0, 0, 0, 0, 0, 0, 1, 2, 0, 1]  # 0.6; 0.7, 0.75; 1.0


@pytest.mark.parametrize("query", [
    '{ events { position } }',
    '{ changes(cycle: "2026-Q3", from: "2026-07-01T00:00:00Z") { toPosition } }',
    '{ cycleTimeline(cycle: "2026-Q3") { every } }',
])
async def test_history_is_for_analysts_and_admins(quarter_api: QuarterApi, query: str) -> None:
    for role in ("member", "manager"):
        body = await quarter_api.api.gql(query, as_=role)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    for role in ("analyst", "admin"):
        body = await quarter_api.api.gql(query, as_=role)
        assert "errors" not in body, body
