"""Exact scores over HTTP, on SQLite and PostgreSQL: objectives at exactly 0.7 and 0.6
(which floats make 0.7000000000000001 and 0.5999999999999999) are in the sweet spot and
shown as 0.7 and 0.6, one at exactly 0.4 is in the 0.4 bucket, the grades a close freezes
are those of the exact scores and ``okr-api verify`` agrees with the recorded hash, and a
committed objective is on track or behind until the close decides MET or MISSED."""

from __future__ import annotations

import asyncio
from typing import Any

from typer.testing import CliRunner

from okr_api.cli import app as cli
from tests.api.conftest import Api, World, gid
from tests.api.test_flows import mutate, read

# The test run's clock is at 2026-11-15: 45 of 2026-Q4's 92 days have passed, so a
# committed objective is expected at 45/92 (0.489) and behind below 0.389.
SEVENTY = [("5", 1.0), ("8", 2.0)]  # (0.5 x 1 + 0.8 x 2) / 3
SIXTY = [("3", 1.0), ("7", 3.0)]  # (0.3 x 1 + 0.7 x 3) / 4
FORTY = [("2", 1.0), ("5", 1.0), ("5", 1.0)]  # floats: 0.39999999999999997

TREE = """{ alignmentTree(cycle: "2026-Q4") { nodes { id rolledUpScore
    objective { title ownScore gradedScore band finalScore } } } }"""
STRETCH = """{ stretchAnalysis(cycle: "2026-Q4") { aspirationalCount mean
    histogram { lower upper count } bands { band count }
    committedCount committedMet pace { behind { objectiveId score } } } }"""
GRADES = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Objective { title score
    grade { computedScore finalScore band } } } }"""


async def objective_with(api: Api, w: World, title: str, check_ins: list[tuple[str, float]],
                         kind: str = "ASPIRATIONAL") -> str:
    """A team objective with one key result (0 -> 10) per (value, weight), checked in."""
    made = await mutate(api, "createObjective", {
        "cycleId": gid("Cycle", w.cycle), "level": "TEAM", "title": title,
        "ownerTeamId": gid("Team", w.platform), "kind": kind}, "objective { id }")
    objective = made["objective"]["id"]
    await mutate(api, "activateObjective", {"objectiveId": objective},
                 input_type="ObjectiveIdInput")
    for number, (value, weight) in enumerate(check_ins):
        added = await mutate(api, "addKeyResult", {
            "objectiveId": objective, "title": f"KR {number}", "metricType": "INCREASE_TO",
            "start": "0", "target": "10", "weight": weight}, "keyResult { id }")
        await mutate(api, "recordCheckIn", {"keyResultId": added["keyResult"]["id"],
                                            "value": value})
    return str(objective)


def by_title(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {n["objective"]["title"]: n for n in nodes if n["objective"]}


async def test_exact_scores_band_bucket_and_show_as_they_are(api: Api, world: World) -> None:
    w = world
    seventy = await objective_with(api, w, "Seventy", SEVENTY)
    sixty = await objective_with(api, w, "Sixty", SIXTY)
    await objective_with(api, w, "Forty", FORTY)
    behind = await objective_with(api, w, "Committed, behind", [("1", 1.0)], "COMMITTED")
    await objective_with(api, w, "Committed, on track", [("5", 1.0)], "COMMITTED")

    nodes = by_title((await read(api, TREE))["alignmentTree"]["nodes"])
    shown = {title: (n["rolledUpScore"], n["objective"]["ownScore"],
                     n["objective"]["gradedScore"], n["objective"]["band"])
             for title, n in nodes.items()}
    assert shown["Seventy"] == (0.7, 0.7, 0.7, "SWEET_SPOT")
    assert shown["Sixty"] == (0.6, 0.6, 0.6, "SWEET_SPOT")
    assert shown["Forty"] == (0.4, 0.4, 0.4, "PROGRESS")
    # Mid-quarter a committed objective is not MISSED: MET or MISSED is said at close.
    assert shown["Committed, behind"] == (0.1, 0.1, 0.1, "BEHIND")
    assert shown["Committed, on track"] == (0.5, 0.5, 0.5, "ON_TRACK")
    assert shown["Private growth goal"][3] == "BEHIND"  # the world's committed one, at 0
    scores = (await read(api, GRADES, {"ids": [seventy, sixty]}))["nodes"]
    assert [n["score"] for n in scores] == [0.7, 0.6]

    stretch = (await read(api, STRETCH))["stretchAnalysis"]
    # Aspirational: the world's company 0.0, team 1.0, Learn GraphQL 0.0, and ours.
    assert stretch["aspirationalCount"] == 6
    assert stretch["mean"] == 0.45  # (0 + 1 + 0 + 0.7 + 0.6 + 0.4) / 6
    buckets = {b["lower"]: b["count"] for b in stretch["histogram"]}
    assert buckets == {0.0: 2, 0.1: 0, 0.2: 0, 0.3: 0, 0.4: 1, 0.5: 0, 0.6: 1, 0.7: 1,
                       0.8: 0, 0.9: 1}
    assert {b["band"]: b["count"] for b in stretch["bands"]} == {
        "LOW": 2, "PROGRESS": 1, "SWEET_SPOT": 2, "HIGH": 0, "TOO_SAFE": 1}
    assert (stretch["committedCount"], stretch["committedMet"]) == (3, 0)
    late = {b["objectiveId"]: b["score"] for b in stretch["pace"]["behind"]}
    assert late[behind] == 0.1
    assert gid("Objective", w.alice_private) in late

    # The listing's score filter compares exact scores too, on every store.
    listed = await read(api, """{ objectives(filter: {cycleKey: "2026-Q4", minScore: 0.6,
        maxScore: 0.7}) { totalCount nodes { title score } } }""")
    assert listed["objectives"]["totalCount"] == 2
    assert {(n["title"], n["score"]) for n in listed["objectives"]["nodes"]} == {
        ("Seventy", 0.7), ("Sixty", 0.6)}
    exactly = await read(api, """{ objectives(filter: {cycleKey: "2026-Q4", minScore: 0.4,
        maxScore: 0.4}) { nodes { title } } }""")
    assert [n["title"] for n in exactly["objectives"]["nodes"]] == ["Forty"]


async def test_two_thirds_show_to_four_places(api: Api, world: World) -> None:
    third = await objective_with(api, world, "Two thirds", [("10", 2.0), ("0", 1.0)])
    node = (await read(api, GRADES, {"ids": [third]}))["nodes"][0]
    assert node["score"] == 0.6667
    stretch = (await read(api, STRETCH))["stretchAnalysis"]
    assert {b["band"]: b["count"] for b in stretch["bands"]}["SWEET_SPOT"] == 1


async def test_a_close_freezes_the_exact_grades_and_verifies(api: Api, world: World,
                                                             api_url: str) -> None:
    w = world
    seventy = await objective_with(api, w, "Seventy", SEVENTY)
    sixty = await objective_with(api, w, "Sixty", SIXTY)
    behind = await objective_with(api, w, "Committed, behind", [("1", 1.0)], "COMMITTED")
    await mutate(api, "closeCycle", {"cycleId": gid("Cycle", w.cycle)},
                 input_type="CycleIdInput")

    grades = {n["title"]: n["grade"] for n in
              (await read(api, GRADES, {"ids": [seventy, sixty, behind]}))["nodes"]}
    assert grades == {
        "Seventy": {"computedScore": 0.7, "finalScore": 0.7, "band": "SWEET_SPOT"},
        "Sixty": {"computedScore": 0.6, "finalScore": 0.6, "band": "SWEET_SPOT"},
        "Committed, behind": {"computedScore": 0.1, "finalScore": 0.1, "band": "MISSED"},
    }
    nodes = by_title((await read(api, TREE))["alignmentTree"]["nodes"])
    assert nodes["Seventy"]["objective"]["finalScore"] == 0.7
    assert nodes["Committed, behind"]["objective"]["band"] == "MISSED"
    stretch = (await read(api, STRETCH))["stretchAnalysis"]
    assert {b["band"]: b["count"] for b in stretch["bands"]}["SWEET_SPOT"] == 2

    verified = await asyncio.to_thread(
        CliRunner().invoke, cli,
        ["verify", "--cycle", "2026-Q4", "--organization", "acme", "--database-url", api_url])
    assert verified.exit_code == 0, verified.output
    hash_ = (await read(api, '{ cycles { key gradesHash } }'))["cycles"][0]["gradesHash"]
    assert "verified: 7 grades of 2026-Q4" in verified.stdout
    assert hash_ in verified.stdout


async def test_a_score_bound_finer_than_the_exact_filter_is_refused(api: Api,
                                                                    world: World) -> None:
    body = await api.gql('{ objectives(filter: {minScore: 1e-45}) { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "minScore" in body["errors"][0]["message"]
    edges = await api.gql("""{ below: objectives(filter: {maxScore: -0.5}) { totalCount }
        above: objectives(filter: {minScore: 1.5}) { totalCount }
        all: objectives(filter: {minScore: -1, maxScore: 2}) { totalCount } }""")
    counts = {name: found["totalCount"] for name, found in edges["data"].items()}
    assert counts == {"below": 0, "above": 0, "all": 4}


async def test_key_results_that_all_weigh_nothing_count_alike(api: Api, world: World) -> None:
    weightless = await objective_with(api, world, "Weightless", [("4", 0.0), ("6", 0.0)])
    scores = (await read(api, GRADES, {"ids": [weightless]}))["nodes"]
    # Not 0.0 beside key results at 0.4 and 0.6: they count alike.
    assert [n["score"] for n in scores] == [0.5]
