"""The mutations beyond test_mutations' table, as the flows they belong to: closing a
cycle, correcting a check-in, negotiating an alignment, withdrawing support, retrying a
check-in, removing a team lead, writing a company objective. Every refusal is a userError
that writes nothing."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.values import Level, Role
from tests.api.conftest import Api, World, gid, token_for

PAYLOAD = "userErrors { code field message } position replayed"


def _document(name: str, selection: str, input_type: str | None = None) -> str:
    input_type = input_type or f"{name[0].upper()}{name[1:]}Input"
    return (f"mutation($input: {input_type}!) {{ {name}(input: $input) "
            f"{{ {PAYLOAD} {selection} }} }}")


async def mutate(api: Api, name: str, given: dict[str, Any], selection: str = "", *,
                 as_: str = "admin", input_type: str | None = None) -> dict[str, Any]:
    """Run a mutation that must succeed; return its payload."""
    before = api.events()
    body = await api.gql(_document(name, selection, input_type), {"input": given}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    assert payload["userErrors"] == [], payload
    assert payload["position"] is not None
    assert payload["position"] >= before
    return payload


async def refused(api: Api, name: str, given: dict[str, Any], code: str, *,
                  as_: str = "admin", field: list[str] | None = None,
                  input_type: str | None = None) -> dict[str, Any]:
    """Run a mutation that must be refused with ``code``, writing nothing."""
    before = api.events()
    body = await api.gql(_document(name, "", input_type), {"input": given}, as_=as_)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    assert [e["code"] for e in payload["userErrors"]] == [code], payload
    assert payload["userErrors"][0]["message"]
    if field is not None:
        assert payload["userErrors"][0]["field"] == field, payload
    assert payload["position"] is None
    assert api.events() == before, f"a refused {name} wrote events"
    return payload


async def read(api: Api, query: str, variables: dict[str, Any] | None = None, *,
               as_: str = "admin") -> dict[str, Any]:
    """A query that sees everything written so far (request-level minPosition)."""
    response = await api.client.post("/graphql", json={
        "query": query, "variables": variables or {},
        "extensions": {"minPosition": api.events()}},
        headers={"Authorization": f"Bearer {api.tokens[as_]}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _kr(w: World) -> str:
    return gid("KeyResult", w.alice_objective, w.key_result)


async def _individual(api: Api, w: World, owner: UUID, title: str) -> str:
    def create() -> UUID:
        return api.app.create_objective(Actor.system(w.org), w.cycle, Level.INDIVIDUAL,
                                        title, owner_person_id=owner).id

    return gid("Objective", await asyncio.to_thread(create))


GRADES = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Objective { title status
    grade { computedScore override reason finalScore band } } } }"""


async def test_close_cycle_grades_every_open_objective(api: Api, world: World) -> None:
    w = world
    draft = await _individual(api, w, w.bob, "Still a draft")
    archived = await _individual(api, w, w.bob, "Dropped")
    await mutate(api, "archiveObjective", {"objectiveId": archived, "reason": "dropped"},
                 as_="bob")
    await mutate(api, "recordCheckIn", {"keyResultId": _kr(w), "value": "7.5"}, as_="alice")
    await mutate(api, "gradeObjective", {"objectiveId": gid("Objective", w.team_objective),
                                         "override": 0.65, "reason": "scope was cut"},
                 as_="lead")
    cycle = gid("Cycle", w.cycle)
    await refused(api, "closeCycle", {"cycleId": cycle}, "FORBIDDEN", as_="lead",
                  input_type="CycleIdInput")
    await refused(api, "closeCycle", {"cycleId": cycle}, "NOT_FOUND", as_="other_admin",
                  input_type="CycleIdInput")

    closed = await mutate(api, "closeCycle", {"cycleId": cycle},
                          "cycle { key status gradesHash }", input_type="CycleIdInput")
    assert closed["cycle"]["status"] == "CLOSED"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", closed["cycle"]["gradesHash"]), closed

    ids = [gid("Objective", o) for o in (w.company_objective, w.team_objective,
                                         w.alice_objective, w.alice_private)]
    nodes = (await read(api, GRADES, {"ids": ids}))["nodes"]
    assert [n["status"] for n in nodes] == ["CLOSED"] * 4
    grades = {n["title"]: n["grade"] for n in nodes}
    assert grades == {
        "Delight customers": {"computedScore": 0.0, "override": None, "reason": None,
                              "finalScore": 0.0, "band": "LOW"},
        "Ship the platform": {"computedScore": 1.0, "override": 0.65,
                              "reason": "scope was cut", "finalScore": 0.65,
                              "band": "SWEET_SPOT"},
        "Learn GraphQL": {"computedScore": 0.75, "override": None, "reason": None,
                          "finalScore": 0.75, "band": "HIGH"},
        "Private growth goal": {"computedScore": 0.0, "override": None, "reason": None,
                                "finalScore": 0.0, "band": "MISSED"},
    }
    # Drafts are open, so graded too; archived objectives are not.
    others = (await read(api, GRADES, {"ids": [draft, archived]}))["nodes"]
    assert others == [
        {"title": "Still a draft", "status": "CLOSED", "grade": {
            "computedScore": 0.0, "override": None, "reason": None, "finalScore": 0.0,
            "band": "LOW"}},
        {"title": "Dropped", "status": "ARCHIVED", "grade": {
            "computedScore": None, "override": None, "reason": None, "finalScore": None,
            "band": None}}]
    cycles = await read(api, "{ cycles { key status gradesHash } }")
    assert cycles["cycles"] == [{"key": "2026-Q4", "status": "CLOSED",
                                 "gradesHash": closed["cycle"]["gradesHash"]}]

    # Frozen: no more check-ins, grades or closing.
    await refused(api, "recordCheckIn", {"keyResultId": _kr(w), "value": "9"}, "CYCLE_CLOSED",
                  as_="alice")
    await refused(api, "gradeObjective", {"objectiveId": ids[2], "override": 1.0,
                                          "reason": "late"}, "CYCLE_CLOSED", as_="lead")
    await refused(api, "closeCycle", {"cycleId": cycle}, "CYCLE_CLOSED",
                  input_type="CycleIdInput")


async def test_correct_check_in(api: Api, world: World) -> None:
    w = world
    recorded = await mutate(api, "recordCheckIn", {"keyResultId": _kr(w), "value": "4",
                                                   "confidence": 6, "note": "week 1"},
                            "checkIn { id } keyResult { current score }", as_="alice")
    assert recorded["keyResult"] == {"current": "4", "score": 0.4}
    check_in = recorded["checkIn"]["id"]

    await refused(api, "correctCheckIn", {"checkInId": check_in, "value": "6", "reason": " "},
                  "INVALID_INPUT", as_="alice", field=["input", "reason"])
    await refused(api, "correctCheckIn", {"checkInId": check_in, "value": "6",
                                          "reason": "typo"}, "FORBIDDEN", as_="bob")
    await refused(api, "correctCheckIn", {"checkInId": gid("CheckIn", w.alice_objective,
                                                           uuid.uuid4()),
                                          "value": "6", "reason": "typo"}, "NOT_FOUND",
                  as_="alice")
    await refused(api, "correctCheckIn", {"checkInId": check_in, "value": "6",
                                          "reason": "typo"}, "NOT_FOUND", as_="other_admin")

    corrected = await mutate(
        api, "correctCheckIn", {"checkInId": check_in, "value": "6", "reason": "typo"},
        "checkIn { id value previousValue confidence note corrected correctionReason } "
        "keyResult { current score checkInCount } objective { score }", as_="alice")
    assert corrected["checkIn"] == {"id": check_in, "value": "6", "previousValue": None,
                                    "confidence": 6, "note": "week 1", "corrected": True,
                                    "correctionReason": "typo"}
    assert corrected["keyResult"] == {"current": "6", "score": 0.6, "checkInCount": 1}
    assert corrected["objective"] == {"score": 0.6}
    history = await read(api, "query($id: ID!) { node(id: $id) { ... on KeyResult { "
                              "checkIns { totalCount nodes { value corrected } } } } }",
                         {"id": _kr(w)})
    assert history["node"]["checkIns"] == {"totalCount": 1,
                                           "nodes": [{"value": "6", "corrected": True}]}


PROPOSAL = ("proposal { id status proposedByChildSide responseReason "
            "child { title parent { title } } } objective { title parent { title } }")


async def test_alignment_proposals_accepted_and_declined(api: Api, world: World) -> None:
    w = world
    team = gid("Objective", w.team_objective)
    first = await _individual(api, w, w.bob, "Bob's first")
    second = await _individual(api, w, w.bob, "Bob's second")

    proposed = await mutate(api, "proposeAlignment", {"childId": first, "parentId": team,
                                                      "message": "shall we?"},
                            PROPOSAL, as_="bob")
    proposal = proposed["proposal"]
    assert proposal["status"] == "PENDING"
    assert proposal["proposedByChildSide"] is True
    answer = {"proposalId": proposal["id"], "accept": True}
    # Only the other side (the parent's owners) may respond.
    await refused(api, "respondToAlignmentProposal", answer, "FORBIDDEN", as_="bob")
    await refused(api, "respondToAlignmentProposal", answer, "FORBIDDEN", as_="alice")
    await refused(api, "respondToAlignmentProposal", answer, "NOT_FOUND", as_="other_admin")

    accepted = await mutate(api, "respondToAlignmentProposal", answer, PROPOSAL, as_="lead")
    assert accepted["proposal"]["status"] == "ACCEPTED"
    assert accepted["proposal"]["child"] == {"title": "Bob's first",
                                             "parent": {"title": "Ship the platform"}}
    assert accepted["objective"] == {"title": "Bob's first",
                                     "parent": {"title": "Ship the platform"}}
    await refused(api, "respondToAlignmentProposal", {**answer, "accept": False},
                  "PROPOSAL_NOT_PENDING", as_="lead")

    proposed = await mutate(api, "proposeAlignment", {"childId": second, "parentId": team},
                            PROPOSAL, as_="bob")
    declined = await mutate(api, "respondToAlignmentProposal", {
        "proposalId": proposed["proposal"]["id"], "accept": False,
        "reason": "not this quarter"}, PROPOSAL, as_="lead")
    assert declined["proposal"]["status"] == "DECLINED"
    assert declined["proposal"]["responseReason"] == "not this quarter"
    assert declined["objective"] == {"title": "Bob's second", "parent": None}
    data = await read(api, "query($id: ID!) { node(id: $id) { ... on Objective { parent "
                           "{ title } alignmentProposals { status } } } }", {"id": second})
    assert data["node"] == {"parent": None, "alignmentProposals": [{"status": "DECLINED"}]}


async def test_parent_side_proposals_are_answered_by_the_child_side(api: Api,
                                                                     world: World) -> None:
    """Mia leads another team: she controls its objective, not Bob's."""
    w = world

    def mobile() -> tuple[UUID, UUID]:
        system = Actor.system(w.org)
        mia = api.app.upsert_person(system, "mia", "Mia", manager_id=w.ceo).id
        team = api.app.create_team(system, "Mobile", parent_team_id=w.engineering,
                                   lead_id=mia).id
        objective = api.app.create_objective(system, w.cycle, Level.TEAM, "Ship the app",
                                             owner_team_id=team).id
        return mia, objective

    mia, parent = await asyncio.to_thread(mobile)
    api.tokens["mia"] = token_for(w.org, mia, Role.MANAGER)
    mine = await _individual(api, w, w.bob, "Bob's own")
    proposed = await mutate(api, "proposeAlignment", {
        "childId": mine, "parentId": gid("Objective", parent),
        "message": "could you take this on for us?"}, PROPOSAL, as_="mia")
    assert proposed["proposal"]["proposedByChildSide"] is False
    answer = {"proposalId": proposed["proposal"]["id"], "accept": True}
    await refused(api, "respondToAlignmentProposal", answer, "FORBIDDEN", as_="mia")
    await refused(api, "respondToAlignmentProposal", answer, "FORBIDDEN", as_="alice")
    # Either side may withdraw (Bob could); someone on neither side may not.
    await refused(api, "withdrawAlignmentProposal", {"proposalId": answer["proposalId"]},
                  "FORBIDDEN", as_="alice")
    accepted = await mutate(api, "respondToAlignmentProposal", answer, PROPOSAL, as_="bob")
    assert accepted["proposal"]["status"] == "ACCEPTED"
    assert accepted["objective"] == {"title": "Bob's own", "parent": {"title": "Ship the app"}}


async def test_withdraw_alignment_proposal(api: Api, world: World) -> None:
    w = world
    mine = await _individual(api, w, w.bob, "Bob's idea")
    proposed = await mutate(api, "proposeAlignment", {
        "childId": mine, "parentId": gid("Objective", w.team_objective)}, PROPOSAL, as_="bob")
    proposal_id = proposed["proposal"]["id"]
    withdraw = {"proposalId": proposal_id}
    await refused(api, "withdrawAlignmentProposal", withdraw, "FORBIDDEN", as_="alice")
    await refused(api, "withdrawAlignmentProposal", withdraw, "NOT_FOUND",
                  as_="other_admin")
    await refused(api, "withdrawAlignmentProposal",
                  {"proposalId": gid("AlignmentProposal", uuid.uuid4())}, "NOT_FOUND",
                  as_="bob")

    withdrawn = await mutate(api, "withdrawAlignmentProposal", withdraw, PROPOSAL, as_="bob")
    assert withdrawn["proposal"]["status"] == "WITHDRAWN"
    assert withdrawn["objective"] == {"title": "Bob's idea", "parent": None}
    await refused(api, "withdrawAlignmentProposal", withdraw, "PROPOSAL_NOT_PENDING",
                  as_="bob")
    await refused(api, "respondToAlignmentProposal", {"proposalId": proposal_id,
                                                      "accept": True},
                  "PROPOSAL_NOT_PENDING", as_="lead")


async def test_withdraw_support(api: Api, world: World) -> None:
    w = world
    objective = gid("Objective", w.alice_objective)
    supported = await mutate(api, "supportObjective", {"objectiveId": objective},
                             "objective { supporters { name } }", as_="bob",
                             input_type="SupportObjectiveInput")
    assert supported["objective"]["supporters"] == [{"name": "Bob"}]
    support = {"objectiveId": objective}
    await refused(api, "withdrawSupport", support, "INVALID_STATE", as_="lead",
                  input_type="SupportObjectiveInput")
    await refused(api, "withdrawSupport", {**support, "personId": gid("Person", w.bob)},
                  "FORBIDDEN", as_="alice", input_type="SupportObjectiveInput")
    await refused(api, "withdrawSupport", {"objectiveId": gid("Objective", w.other_objective)},
                  "NOT_FOUND", as_="bob", input_type="SupportObjectiveInput")

    withdrawn = await mutate(api, "withdrawSupport", support,
                             "objective { supporters { name } }", as_="bob",
                             input_type="SupportObjectiveInput")
    assert withdrawn["objective"]["supporters"] == []
    await refused(api, "withdrawSupport", support, "INVALID_STATE", as_="bob",
                  input_type="SupportObjectiveInput")


async def test_a_check_in_retried_with_its_idempotency_key_is_recorded_once(
        api: Api, world: World) -> None:
    w = world
    given = {"keyResultId": _kr(w), "value": "3", "note": "flaky network",
             "idempotencyKey": "client-7f3a"}
    selection = "checkIn { id value } keyResult { current checkInCount }"
    payloads = []
    for attempt in range(3):
        before = api.events()
        payloads.append(await mutate(api, "recordCheckIn", given, selection, as_="alice"))
        assert (api.events() > before) == (attempt == 0)
    assert [p["replayed"] for p in payloads] == [False, True, True]
    assert len({p["checkIn"]["id"] for p in payloads}) == 1
    assert payloads[-1]["keyResult"] == {"current": "3", "checkInCount": 1}
    assert all(p["position"] >= payloads[0]["position"] for p in payloads)

    await refused(api, "recordCheckIn", {**given, "value": "4"}, "IDEMPOTENCY_KEY_REUSED",
                  as_="alice")
    # Keys are their sender's own: the same key from someone else is their first
    # request, checked like any other (bob may not check in here), never a replay.
    await refused(api, "recordCheckIn", given, "FORBIDDEN", as_="bob")
    by_lead = await mutate(api, "recordCheckIn", given, selection, as_="lead")
    assert not by_lead["replayed"]
    assert by_lead["checkIn"]["id"] != payloads[0]["checkIn"]["id"]
    history = await read(api, "query($id: ID!) { node(id: $id) { ... on KeyResult { "
                              "checkIns { totalCount } } } }", {"id": _kr(w)})
    assert history["node"]["checkIns"]["totalCount"] == 2


async def test_update_team_remove_lead(api: Api, world: World) -> None:
    w = world
    team = gid("Team", w.platform)
    await refused(api, "updateTeam", {"teamId": team, "removeLead": True}, "FORBIDDEN",
                  as_="lead")
    await refused(api, "updateTeam", {"teamId": team, "removeLead": True,
                                      "leadId": gid("Person", w.bob)}, "INVALID_INPUT",
                  field=["input", "removeLead"])
    await refused(api, "updateTeam", {"teamId": gid("Team", w.other_org), "removeLead": True},
                  "NOT_FOUND", field=["input", "teamId"])

    updated = await mutate(api, "updateTeam", {"teamId": team, "removeLead": True},
                           "team { name lead { name } }")
    assert updated["team"] == {"name": "Platform", "lead": None}
    teams = await read(api, "{ teams { name lead { name } } }")
    assert {t["name"]: t["lead"] for t in teams["teams"]} == {
        "Acme": None, "Engineering": {"name": "Cleo Ceo"}, "Platform": None}


async def test_create_company_objective_by_admin(api: Api, world: World) -> None:
    w = world
    given = {"cycleId": gid("Cycle", w.cycle), "level": "COMPANY",
             "title": "Win the market", "kind": "COMMITTED"}
    await refused(api, "createObjective", given, "FORBIDDEN", as_="lead")
    await refused(api, "createObjective", given, "FORBIDDEN", as_="alice")
    await refused(api, "createObjective", {**given, "ownerTeamId": gid("Team", w.platform)},
                  "INVALID_INPUT", field=["input", "ownerTeamId"])
    await refused(api, "createObjective", {**given, "ownerPersonId": gid("Person", w.alice)},
                  "INVALID_INPUT", field=["input", "ownerPersonId"])
    await refused(api, "createObjective", {**given, "cycleId": gid("Cycle", uuid.uuid4())},
                  "NOT_FOUND", field=["input", "cycleId"])

    created = await mutate(api, "createObjective", given,
                           "objective { title level kind status visibility ownerTeam "
                           "{ name kind } ownerPerson { name } cycle { key } }")
    assert created["objective"] == {
        "title": "Win the market", "level": "COMPANY", "kind": "COMMITTED", "status": "DRAFT",
        "visibility": "PUBLIC", "ownerTeam": {"name": "Acme", "kind": "COMPANY"},
        "ownerPerson": None, "cycle": {"key": "2026-Q4"}}
    listed = await read(api, "{ objectives(first: 100, filter: {levels: [COMPANY]}) "
                             "{ nodes { title } } }", as_="bob")
    assert [n["title"] for n in listed["objectives"]["nodes"]] == [
        "Win the market", "Delight customers"], "newest first"
