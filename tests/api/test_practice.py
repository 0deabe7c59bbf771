"""The practice over HTTP: the ONE_ON_ONE finding on a seeded organization, the HR mode
on HR queries, check-ins due and the 1:1 view."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta
from typing import Any
from uuid import UUID

from okr_api.seeding import SeedPlan, seed
from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.values import Level, MetricType, Role
from tests.api.conftest import Api, World, gid, token_for
from tests.api.test_flows import mutate, read

HEALTH = """query($cycle: String!) { okrHealth(cycle: $cycle) {
  findings { rule objectiveId ownerPersonId } } }"""


async def test_the_one_on_one_finding_fires_on_a_seeded_organization_not_on_1on1_teams(
        api: Api) -> None:
    report = await asyncio.to_thread(seed, api.app, SeedPlan(people=60, cycles=1, seed=5))
    rm = api.fastapi.state.services.read_model
    assert await rm.wait_for_position(api.events(), 30.0)
    org = report.organization_id
    people = await rm.people(org)
    ceo = next(p for p in people if p.manager_id is None)
    api.tokens["seeded"] = token_for(org, ceo.id, Role.ADMIN)
    key = report.cycle_keys[-1]
    cycle = await rm.cycle(org, key=key)
    findings = (await read(api, HEALTH, {"cycle": key}, as_="seeded"))["okrHealth"]["findings"]
    flagged = {f["objectiveId"] for f in findings if f["rule"] == "ONE_ON_ONE"}
    assert flagged, "some people check in outside their 1:1s: the finding fires"

    # Which teams make every check-in on their people's objectives in a 1:1.
    objectives = [o for o in await rm.cycle_objectives(org, cycle.id)
                  if o.level is Level.INDIVIDUAL]
    team_of = {p.id: p.team_id for p in people}
    check_ins = await rm.cycle_check_ins(org, cycle.id)
    by_objective: dict[UUID, list[bool]] = defaultdict(list)
    for check_in in check_ins:
        by_objective[check_in.objective_id].append(check_in.in_one_on_one)
    in_one_on_ones: dict[UUID | None, bool] = {}
    for objective in objectives:
        team = team_of[objective.owner_person_id]
        made = by_objective.get(objective.id, [])
        in_one_on_ones[team] = in_one_on_ones.get(team, True) and all(made)
    one_on_one_teams = {team for team, always in in_one_on_ones.items() if always}
    assert one_on_one_teams, "the seed has teams that check in during 1:1s"
    assert set(in_one_on_ones) - one_on_one_teams, "and teams that do not always"
    for objective in objectives:
        flagged_here = gid("Objective", objective.id) in flagged
        if team_of[objective.owner_person_id] in one_on_one_teams:
            assert not flagged_here, objective.title
        if flagged_here:  # checked in, and not only in 1:1s
            assert not all(by_objective[objective.id])


CHECK_IN = """query($id: ID!) { node(id: $id) { ... on Objective { score grade { finalScore }
  keyResults { current score progress checkIns(first: 5) { totalCount nodes {
    value confidence note inOneOnOne } } } } } }"""


async def test_the_hr_mode_applies_to_hr_queries(api: Api, world: World) -> None:
    w = world

    def check_in() -> None:
        api.app.record_check_in(Actor(w.org, w.alice, frozenset({Role.MEMBER})),
                                w.alice_objective, w.key_result, 7, confidence=6,
                                note="talked it through", in_one_on_one=True)

    await asyncio.to_thread(check_in)
    hr = await asyncio.to_thread(api.app.upsert_person, Actor.system(w.org), "hr", "Hana HR")
    api.tokens["hr"] = token_for(w.org, hr.id, Role.HR)
    objective = gid("Objective", w.alice_objective)

    async def seen(who: str) -> dict[str, Any]:
        node: dict[str, Any] = (await read(api, CHECK_IN, {"id": objective}, as_=who))["node"]
        return node

    full = await seen("hr")  # RESULTS, the default: as anyone else
    assert full["score"] == 0.7
    assert full["keyResults"][0]["checkIns"]["nodes"] == [
        {"value": "7", "confidence": 6, "note": "talked it through", "inOneOnOne": True}]

    await mutate(api, "updateOrganizationPolicy", {"hrMode": "EFFORT"})
    effort = await seen("hr")
    assert (effort["score"], effort["grade"]) == (None, None)
    assert effort["keyResults"][0]["checkIns"]["nodes"] == [
        {"value": None, "confidence": None, "note": None, "inOneOnOne": True}]

    await mutate(api, "updateOrganizationPolicy", {"hrMode": "NONE"})
    hidden = await seen("hr")
    assert (hidden["score"], hidden["grade"]) == (None, None)
    assert hidden["keyResults"] == [{"current": None, "score": None, "progress": None,
                                     "checkIns": {"totalCount": 0, "nodes": []}}]
    refused = await api.gql('query { stretchAnalysis(cycle: "2026-Q4") { cycleKey } }',
                            as_="hr")
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["HR_MODE"]
    # Everyone else still sees it all, admins with the HR role too.
    assert (await seen("alice"))["keyResults"][0]["checkIns"]["nodes"][0]["note"] == (
        "talked it through")
    api.tokens["hr_admin"] = token_for(w.org, hr.id, Role.HR, Role.ADMIN)
    assert (await seen("hr_admin"))["score"] == 0.7


DUE = """{ viewer { reports { name } checkInsDue { dueSince keyResult { title }
  objective { title } } } }"""
ONE_ON_ONE = """query($report: ID!) { oneOnOne(reportId: $report) { manager { name }
  report { name } cycleKey lastOneOnOneAt objectives { title }
  checkInsSinceLastOneOnOne { value inOneOnOne } confidenceTrend { at confidence }
  openProposals { status awaitingSide } } }"""


async def test_check_ins_due_and_the_one_on_one_view(api: Api, world: World) -> None:
    w = world
    alice = Actor(w.org, w.alice, frozenset({Role.MEMBER}))
    ten_days_ago = clock.now() - timedelta(days=10)

    def earlier_objective() -> tuple[UUID, UUID]:
        with clock.simulated_time(ten_days_ago):
            objective = api.app.create_objective(alice, w.cycle, Level.INDIVIDUAL,
                                                 "Practise 1:1s", owner_person_id=w.alice).id
            kr = api.app.add_key_result(alice, objective, "Weekly notes",
                                        MetricType.INCREASE_TO, start=0, target=10).id
            api.app.activate_objective(alice, objective)
        return objective, kr

    objective, kr = await asyncio.to_thread(earlier_objective)
    # Created ten days ago, never checked in: due since three days (a 7-day cadence);
    # the world's objectives, made today, are not due yet.
    due = (await read(api, DUE, as_="alice"))["viewer"]
    assert due["reports"] == []
    assert [(d["keyResult"]["title"], d["objective"]["title"], d["dueSince"])
            for d in due["checkInsDue"]] == [
        ("Weekly notes", "Practise 1:1s", (ten_days_ago + timedelta(days=7)).isoformat())]
    lead = (await read(api, DUE, as_="lead"))["viewer"]
    assert [r["name"] for r in lead["reports"]] == ["Alice", "Bob"]
    assert lead["checkInsDue"] == []

    def check_ins() -> None:
        api.app.record_check_in(alice, objective, kr, 3, confidence=5, in_one_on_one=True)
        api.app.record_check_in(alice, objective, kr, 4, confidence=8,
                                applies_at=clock.now() + timedelta(seconds=1))

    await asyncio.to_thread(check_ins)
    assert (await read(api, DUE, as_="alice"))["viewer"]["checkInsDue"] == []
    view = (await read(api, ONE_ON_ONE, {"report": gid("Person", w.alice)},
                       as_="lead"))["oneOnOne"]
    assert (view["manager"]["name"], view["report"]["name"], view["cycleKey"]) == (
        "Lee Lead", "Alice", "2026-Q4")
    assert view["lastOneOnOneAt"] is not None
    assert {o["title"] for o in view["objectives"]} == {
        "Learn GraphQL", "Private growth goal", "Practise 1:1s"}
    assert view["checkInsSinceLastOneOnOne"] == [{"value": "4", "inOneOnOne": False}]
    assert [p["confidence"] for p in view["confidenceTrend"]] == [6.5]
    # Alice sees her own; Bob, a peer, may not see hers.
    assert (await read(api, ONE_ON_ONE, {"report": gid("Person", w.alice)},
                       as_="alice"))["oneOnOne"]["report"]["name"] == "Alice"
    assert (await read(api, ONE_ON_ONE, {"report": gid("Person", w.alice)},
                       as_="bob"))["oneOnOne"] is None
