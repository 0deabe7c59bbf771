"""Alignment proposals stored before sides were named (``AlignmentProposal.Created``
version 1: no ``awaiting_side``, no ``class_version`` key) still load, and await the side
that did not propose; the catalog projection reads them the same way."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from okr_domain import clock
from okr_domain.alignment import AlignmentProposal
from okr_domain.errors import ErrorCode
from okr_domain.values import ProposalSide, ProposalStatus
from projections.catalog.projection import _proposal

from .conftest import World
from .support import rejected, written

TOPIC = "okr.AlignmentProposal.Created"


def v1_proposal(world: World, child: UUID, parent: UUID, *, by: str,
                proposed_by_child_side: bool) -> StoredEvent:
    state: dict[str, Any] = {
        "timestamp": clock.now(),
        "organization_id": world.organization_id,
        "actor_id": world.people[by],
        "cycle_id": world.cycle_id,
        "originator_topic": AlignmentProposal.TOPIC,
        "child_id": child,
        "parent_id": parent,
        "parent_key_result_id": None,
        "proposed_by_child_side": proposed_by_child_side,
        "message": "from the old days",
    }
    return StoredEvent(originator_id=uuid4(), originator_version=1, topic=TOPIC,
                       state=world.app.mapper.transcoder.encode(state))


@pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)
def test_version_1_proposals_await_the_side_that_did_not_propose(world: World,
                                                                 store_url: str) -> None:
    app, seller, lead = world.app, world.actor("seller"), world.actor("lead")
    parent = world.team_objective("sales")
    child = world.team_objective("platform")
    written(app, app.propose_alignment, lead, child, parent)
    (current,) = [n for n in app.recorder.select_notifications(1, 10_000)
                  if n.topic == TOPIC]
    new_state = json.loads(current.state)
    assert (new_state["class_version"], new_state["awaiting_side"]) == (2, "PARENT")

    old = v1_proposal(world, child, parent, by="seller", proposed_by_child_side=False)
    assert set(new_state) - set(json.loads(old.state)) == {"class_version", "awaiting_side"}
    app.recorder.insert_events([old])
    proposal = app.repository.get(old.originator_id)
    assert isinstance(proposal, AlignmentProposal)
    assert proposal.awaiting_side is ProposalSide.CHILD  # the parent's side asked
    event = app.mapper.to_domain_event(app.recorder.select_notifications(1, 10_000)[-1])
    assert isinstance(event, AlignmentProposal.Created)
    assert _proposal(event, 99).awaiting_side is ProposalSide.CHILD

    # Only the awaited (child's) side answers it, as then.
    rejected(app, ErrorCode.FORBIDDEN, app.respond_to_alignment_proposal, seller,
             old.originator_id, True)
    written(app, app.respond_to_alignment_proposal, lead, old.originator_id, False, "no")
    assert app.repository.get(old.originator_id).status is ProposalStatus.DECLINED


def test_upcast_derives_the_awaited_side() -> None:
    for by_child, side in ((True, "PARENT"), (False, "CHILD")):
        state: dict[str, Any] = {"proposed_by_child_side": by_child}
        AlignmentProposal.Created.upcast_v1_v2(state)
        assert state == {"proposed_by_child_side": by_child, "awaiting_side": side}
