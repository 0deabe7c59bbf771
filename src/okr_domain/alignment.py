"""Alignment: the organization's alignment graph (the guard against cycles) and the
negotiated proposals.

Every alignment change is saved together with the graph in one transaction, so two
alignments that race are serialized by the graph's version: the loser reloads, sees the
winner's edge, and is rejected if it would close a cycle.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from okr_domain import ids
from okr_domain.base import OkrAggregate
from okr_domain.errors import ErrorCode, InvalidInput, InvalidState
from okr_domain.values import ProposalSide, ProposalStatus


class AlignmentGraph(OkrAggregate):
    """child -> parent edges of one organization, keyed by hex ids (snapshot-friendly)."""

    TOPIC = "okr.AlignmentGraph"

    class Created(OkrAggregate.Event, Aggregate.Created):
        TOPIC = "okr.AlignmentGraph.Created"

    class EdgeAdded(OkrAggregate.Event):
        TOPIC = "okr.AlignmentGraph.EdgeAdded"
        child_id: UUID
        parent_id: UUID

        def apply(self, aggregate: AlignmentGraph) -> None:
            aggregate.parents[self.child_id.hex] = self.parent_id.hex
            aggregate.children.setdefault(self.parent_id.hex, []).append(self.child_id.hex)

    class EdgeRemoved(OkrAggregate.Event):
        TOPIC = "okr.AlignmentGraph.EdgeRemoved"
        child_id: UUID
        parent_id: UUID

        def apply(self, aggregate: AlignmentGraph) -> None:
            del aggregate.parents[self.child_id.hex]
            siblings = aggregate.children[self.parent_id.hex]
            siblings.remove(self.child_id.hex)
            if not siblings:
                del aggregate.children[self.parent_id.hex]

    @staticmethod
    def create_id(organization_id: UUID) -> UUID:
        return ids.alignment_graph_id(organization_id)

    def __init__(self, organization_id: UUID, actor_id: UUID | None,
                 cycle_id: UUID | None) -> None:
        self.organization_id = organization_id
        self.parents: dict[str, str] = {}
        self.children: dict[str, list[str]] = {}

    def parent_of(self, child_id: UUID) -> UUID | None:
        parent = self.parents.get(child_id.hex)
        return UUID(parent) if parent else None

    def children_of(self, parent_id: UUID) -> list[UUID]:
        return [UUID(c) for c in self.children.get(parent_id.hex, [])]

    def path_up(self, objective_id: UUID) -> list[UUID]:
        """The objective and its ancestors, nearest first."""
        path = [objective_id]
        seen = {objective_id.hex}
        current = self.parents.get(objective_id.hex)
        while current is not None and current not in seen:
            seen.add(current)
            path.append(UUID(current))
            current = self.parents.get(current)
        return path

    def add_edge(self, actor_id: UUID | None, child_id: UUID, parent_id: UUID,
                 cycle_id: UUID) -> None:
        if child_id == parent_id:
            raise InvalidInput("an objective cannot align to itself", field="parentId",
                               code=ErrorCode.ALIGNMENT_CYCLE)
        if child_id.hex in self.parents:
            raise InvalidState("the objective is already aligned",
                               code=ErrorCode.ALREADY_ALIGNED, field="childId")
        if child_id in self.path_up(parent_id):
            raise InvalidInput("that alignment would make a cycle", field="parentId",
                               code=ErrorCode.ALIGNMENT_CYCLE)
        self.emit(self.EdgeAdded, actor_id, child_id=child_id, parent_id=parent_id,
                  cycle_id=cycle_id)

    def remove_edge(self, actor_id: UUID | None, child_id: UUID, cycle_id: UUID) -> None:
        parent = self.parent_of(child_id)
        if parent is None:
            raise InvalidState("the objective is not aligned", code=ErrorCode.NOT_ALIGNED)
        self.emit(self.EdgeRemoved, actor_id, child_id=child_id, parent_id=parent,
                  cycle_id=cycle_id)


def awaiting_side_of(proposed_by_child_side: bool) -> ProposalSide:
    """The side that answers a proposal made by the other one."""
    return ProposalSide.PARENT if proposed_by_child_side else ProposalSide.CHILD


class AlignmentProposal(OkrAggregate):
    """Alignment negotiated both ways: the parent's side asks "shall we?" and the child's
    side answers; the child's side asks "could you?" and the parent's side answers.

    The actor of ``Created`` is who asked; ``awaiting_side`` is the side that must
    answer. Only that side accepts or declines; either side withdraws.
    """

    TOPIC = "okr.AlignmentProposal"

    class Created(OkrAggregate.Event, Aggregate.Created):
        """Version 2 added ``awaiting_side``; version 1 proposals await the side that
        did not propose (derived from ``proposed_by_child_side``)."""

        TOPIC = "okr.AlignmentProposal.Created"
        class_version = 2
        child_id: UUID
        parent_id: UUID
        parent_key_result_id: UUID | None
        proposed_by_child_side: bool
        message: str
        awaiting_side: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["awaiting_side"] = awaiting_side_of(
                bool(state["proposed_by_child_side"])).value

    class Responded(OkrAggregate.Event):
        TOPIC = "okr.AlignmentProposal.Responded"
        accepted: bool
        reason: str

        def apply(self, aggregate: AlignmentProposal) -> None:
            aggregate.status = ProposalStatus.ACCEPTED if self.accepted else (
                ProposalStatus.DECLINED)
            aggregate.response_reason = self.reason

    class Withdrawn(OkrAggregate.Event):
        TOPIC = "okr.AlignmentProposal.Withdrawn"

        def apply(self, aggregate: AlignmentProposal) -> None:
            aggregate.status = ProposalStatus.WITHDRAWN

    def __init__(self, organization_id: UUID, actor_id: UUID | None, cycle_id: UUID | None,
                 child_id: UUID, parent_id: UUID, parent_key_result_id: UUID | None,
                 proposed_by_child_side: bool, message: str,
                 awaiting_side: str) -> None:
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.child_id = child_id
        self.parent_id = parent_id
        self.parent_key_result_id = parent_key_result_id
        self.proposed_by_child_side = proposed_by_child_side
        self.proposed_by = actor_id
        self.message = message
        self.awaiting_side = ProposalSide(awaiting_side)
        self.status = ProposalStatus.PENDING
        self.response_reason: str | None = None

    @property
    def event_cycle_id(self) -> UUID | None:
        return self.cycle_id

    def _ensure_pending(self) -> None:
        if self.status is not ProposalStatus.PENDING:
            raise InvalidState(f"the proposal is {self.status.value}",
                               code=ErrorCode.PROPOSAL_NOT_PENDING, field="proposalId")

    @property
    def awaited_objective_id(self) -> UUID:
        return self.child_id if self.awaiting_side is ProposalSide.CHILD else self.parent_id

    def respond(self, actor_id: UUID | None, accepted: bool, reason: str) -> None:
        self._ensure_pending()
        if not accepted and not reason.strip():
            raise InvalidInput("declining a proposal needs a reason", field="reason")
        self.emit(self.Responded, actor_id, accepted=accepted, reason=reason)

    def withdraw(self, actor_id: UUID | None) -> None:
        self._ensure_pending()
        self.emit(self.Withdrawn, actor_id)
