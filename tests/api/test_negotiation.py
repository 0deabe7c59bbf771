"""Alignment negotiated both ways, over HTTP: a manager asks "shall we?", the report
answers; the inbox (``alignmentProposals``) is right for both at every step."""

from __future__ import annotations

import asyncio
from typing import Any

from okr_domain.access import Actor
from okr_domain.alignment import AlignmentProposal
from okr_domain.values import Level
from tests.api.conftest import Api, World, gid
from tests.api.test_flows import mutate, read, refused

PROPOSAL = ("proposal { id status awaitingSide awaitingMe responseReason "
            "requestedBy { name } respondedAt withdrawnAt }")
INBOX = """query($f: AlignmentProposalFilter) { alignmentProposals(filter: $f) {
  id status awaitingSide awaitingMe responseReason requestedBy { name } } }"""


async def inbox(api: Api, who: str, **given: Any) -> list[dict[str, Any]]:
    data = await read(api, INBOX, {"f": given}, as_=who)
    found: list[dict[str, Any]] = data["alignmentProposals"]
    return found


def proposal_topics(api: Api) -> list[str]:
    topics = {AlignmentProposal.Created.TOPIC, AlignmentProposal.Responded.TOPIC,
              AlignmentProposal.Withdrawn.TOPIC}
    return [n.topic for n in api.app.recorder.select_notifications(1, 100_000)
            if n.topic in topics]


async def test_manager_proposes_member_declines_then_accepts(api: Api, world: World) -> None:
    w = world

    def create() -> Any:
        return api.app.create_objective(Actor.system(w.org), w.cycle, Level.INDIVIDUAL,
                                        "Alice's stretch", owner_person_id=w.alice).id

    child = gid("Objective", await asyncio.to_thread(create))
    parent = gid("Objective", w.team_objective)
    ask = {"childId": child, "parentId": parent, "message": "shall we?"}

    # 1. The lead (Alice's manager, the parent's owner) asks; Alice's side must answer.
    first = (await mutate(api, "proposeAlignment", ask, PROPOSAL, as_="lead"))["proposal"]
    assert (first["status"], first["awaitingSide"], first["requestedBy"]) == (
        "PENDING", "CHILD", {"name": "Lee Lead"})
    assert first["awaitingMe"] is False  # the lead controls Alice's objective, yet waits
    assert await inbox(api, "lead", awaitingMe=True) == []
    assert [p["id"] for p in await inbox(api, "lead", mine=True)] == [first["id"]]
    alice_inbox = await inbox(api, "alice", awaitingMe=True)
    assert [(p["id"], p["awaitingMe"]) for p in alice_inbox] == [(first["id"], True)]
    assert await inbox(api, "bob", awaitingMe=True) == []
    # An admin may answer any proposal, but none awaits the admin as such.
    assert await inbox(api, "admin", awaitingMe=True) == []
    assert [p["id"] for p in await inbox(api, "admin")] == [first["id"]]
    answer = {"proposalId": first["id"], "accept": True}
    await refused(api, "respondToAlignmentProposal", answer, "FORBIDDEN", as_="lead")
    await refused(api, "respondToAlignmentProposal", {**answer, "accept": False},
                  "INVALID_INPUT", as_="alice", field=["input", "reason"])
    assert proposal_topics(api) == [AlignmentProposal.Created.TOPIC]

    # 2. Alice declines, saying why.
    declined = (await mutate(api, "respondToAlignmentProposal", {
        **answer, "accept": False, "reason": "not this quarter"}, PROPOSAL,
        as_="alice"))["proposal"]
    assert (declined["status"], declined["responseReason"]) == ("DECLINED", "not this quarter")
    assert declined["respondedAt"] is not None
    assert await inbox(api, "alice", awaitingMe=True) == []
    assert [(p["status"], p["responseReason"]) for p in await inbox(api, "lead", mine=True)] \
        == [("DECLINED", "not this quarter")]
    assert await inbox(api, "lead", mine=True, state="PENDING") == []

    # 3. The lead asks again.
    second = (await mutate(api, "proposeAlignment", ask, PROPOSAL, as_="lead"))["proposal"]
    assert [p["id"] for p in await inbox(api, "alice", awaitingMe=True)] == [second["id"]]
    assert await inbox(api, "lead", awaitingMe=True) == []

    # 4. Alice accepts: the alignment is made, both inboxes are empty.
    accepted = await mutate(api, "respondToAlignmentProposal", {
        "proposalId": second["id"], "accept": True}, PROPOSAL + " objective { parent { id } }",
        as_="alice")
    assert accepted["proposal"]["status"] == "ACCEPTED"
    assert accepted["objective"]["parent"] == {"id": parent}
    assert await inbox(api, "alice", awaitingMe=True) == []
    assert await inbox(api, "lead", awaitingMe=True) == []
    assert [p["status"] for p in await inbox(api, "lead", mine=True)] == [
        "DECLINED", "ACCEPTED"]
    assert proposal_topics(api) == [
        AlignmentProposal.Created.TOPIC, AlignmentProposal.Responded.TOPIC,
        AlignmentProposal.Created.TOPIC, AlignmentProposal.Responded.TOPIC]


async def test_a_member_asks_could_you_and_the_parent_owner_answers(api: Api,
                                                                    world: World) -> None:
    w = world

    def create() -> Any:
        return api.app.create_objective(Actor.system(w.org), w.cycle, Level.INDIVIDUAL,
                                        "Bob's idea", owner_person_id=w.bob).id

    child = gid("Objective", await asyncio.to_thread(create))
    asked = (await mutate(api, "proposeAlignment", {
        "childId": child, "parentId": gid("Objective", w.team_objective)}, PROPOSAL,
        as_="bob"))["proposal"]
    assert (asked["awaitingSide"], asked["awaitingMe"]) == ("PARENT", False)
    assert [p["id"] for p in await inbox(api, "lead", awaitingMe=True)] == [asked["id"]]
    await refused(api, "proposeAlignment", {
        "childId": child, "parentId": gid("Objective", w.team_objective), "side": "PARENT"},
        "FORBIDDEN", as_="bob", field=["input", "side"])
    # Either side withdraws: the lead, who was asked, does.
    withdrawn = await mutate(api, "withdrawAlignmentProposal", {"proposalId": asked["id"]},
                             PROPOSAL, as_="lead")
    assert withdrawn["proposal"]["status"] == "WITHDRAWN"
    assert withdrawn["proposal"]["withdrawnAt"] is not None
    assert await inbox(api, "lead", awaitingMe=True) == []


async def test_direct_alignment_by_a_parent_owner_only_where_the_policy_allows(
        api: Api, world: World) -> None:
    w = world

    def create() -> Any:
        return api.app.create_objective(Actor.system(w.org), w.cycle, Level.INDIVIDUAL,
                                        "Bob's plan", owner_person_id=w.bob).id

    align = {"childId": gid("Objective", await asyncio.to_thread(create)),
             "parentId": gid("Objective", w.team_objective)}
    await refused(api, "alignObjective", align, "FORBIDDEN", as_="lead")
    policy = await mutate(api, "updateOrganizationPolicy", {
        "directAlignmentByParentOwner": True, "timeZone": "Asia/Tokyo"},
        "organization { policy { directAlignmentByParentOwner timeZone "
        "oneOnOneCadenceDays } }")
    assert policy["organization"]["policy"] == {
        "directAlignmentByParentOwner": True, "timeZone": "Asia/Tokyo",
        "oneOnOneCadenceDays": 14}
    await mutate(api, "alignObjective", align, as_="lead")
    await refused(api, "updateOrganizationPolicy", {"timeZone": "Mars/Olympus"},
                  "INVALID_INPUT", field=["input", "timeZone"])


async def test_a_managers_objective_for_a_report_is_a_draft_the_report_accepts(
        api: Api, world: World) -> None:
    w = world
    created = await mutate(api, "createObjective", {
        "cycleId": gid("Cycle", w.cycle), "level": "INDIVIDUAL", "title": "Mentor Bob",
        "ownerPersonId": gid("Person", w.bob)},
        "objective { id status awaitingOwnerAcceptance }", as_="lead")
    objective = created["objective"]
    assert (objective["status"], objective["awaitingOwnerAcceptance"]) == ("DRAFT", True)
    activate = {"objectiveId": objective["id"]}
    typed = {"input_type": "ObjectiveIdInput"}
    await refused(api, "activateObjective", activate, "FORBIDDEN", as_="lead", **typed)
    await refused(api, "activateObjective", activate, "FORBIDDEN", as_="admin", **typed)
    accepted = await mutate(api, "activateObjective", activate,
                            "objective { status awaitingOwnerAcceptance }", as_="bob",
                            **typed)
    assert accepted["objective"] == {"status": "ACTIVE", "awaitingOwnerAcceptance": False}
    own = await mutate(api, "createObjective", {
        "cycleId": gid("Cycle", w.cycle), "level": "INDIVIDUAL", "title": "Bob's own",
        "ownerPersonId": gid("Person", w.bob)}, "objective { awaitingOwnerAcceptance }",
        as_="bob")
    assert own["objective"]["awaitingOwnerAcceptance"] is False


async def test_the_inbox_lists_no_proposal_touching_an_objective_one_may_not_see(
        api: Api, world: World) -> None:
    w = world
    asked = (await mutate(api, "proposeAlignment", {
        "childId": gid("Objective", w.alice_private),
        "parentId": gid("Objective", w.team_objective)}, PROPOSAL, as_="alice"))["proposal"]
    assert [p["id"] for p in await inbox(api, "lead", awaitingMe=True)] == [asked["id"]]
    assert [p["id"] for p in await inbox(api, "alice", mine=True)] == [asked["id"]]
    assert await inbox(api, "bob") == []  # Alice's private goal: not Bob's to see
    node = await read(api, "query($id: ID!) { node(id: $id) { id } }", {"id": asked["id"]},
                      as_="bob")
    assert node == {"node": None}
