"""Alignment commands: propose, respond, withdraw, align directly, unalign.

Every change that adds or removes an edge saves the organization's alignment graph in
the same transaction (see ``alignment.py``); the in-process lock is the graph's id.
"""

from __future__ import annotations

from uuid import UUID

from okr_domain import validation
from okr_domain.access import Actor, may_write, speaks_for
from okr_domain.alignment import AlignmentGraph, AlignmentProposal
from okr_domain.command_base import Result
from okr_domain.commands_objectives import ObjectiveCommands
from okr_domain.cycle import Cycle
from okr_domain.errors import ErrorCode, Forbidden, InvalidInput
from okr_domain.ids import alignment_graph_id
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.values import LEVEL_RANK, Level, ObjectiveStatus, ProposalSide


class AlignmentCommands(ObjectiveCommands):
    def _pair(self, actor: Actor, child_id: UUID, parent_id: UUID,
              parent_key_result_id: UUID | None) -> tuple[Objective, Objective]:
        """Load both sides and check the alignment rules (not the graph)."""
        child = self.visible_objective(actor, child_id, "childId")
        parent = self.visible_objective(actor, parent_id, "parentId")
        child.ensure_open()
        if parent.status in (ObjectiveStatus.ARCHIVED, ObjectiveStatus.CLOSED):
            raise InvalidInput("the parent objective is not open", field="parentId")
        if parent_key_result_id is not None:
            parent.key_result(parent_key_result_id)
        if not (LEVEL_RANK[parent.level] > LEVEL_RANK[child.level]
                or parent.level is child.level is Level.TEAM):
            raise InvalidInput(
                f"{child.level.value} objectives cannot align to {parent.level.value} objectives",
                field="parentId", code=ErrorCode.ALIGNMENT_LEVEL)
        if parent.cycle_id != child.cycle_id:
            child_cycle = self.load(Cycle, child.cycle_id, actor, "childId")
            parent_cycle = self.load(Cycle, parent.cycle_id, actor, "parentId")
            if not child_cycle.overlaps(parent_cycle):
                raise InvalidInput("the objectives' cycles do not overlap", field="parentId",
                                   code=ErrorCode.ALIGNMENT_CYCLE_MISMATCH)
        return child, parent

    def _link(self, actor: Actor, graph: AlignmentGraph, child: Objective,
              parent: Objective, parent_key_result_id: UUID | None,
              proposal_id: UUID | None) -> None:
        graph.add_edge(actor.person_id, child.id, parent.id, child.cycle_id)
        child.align(actor.person_id, parent.id, parent_key_result_id, proposal_id)

    def _controls(self, actor: Actor, objective: Objective) -> bool:
        return may_write(self.directory_for(actor.organization_id), actor, objective)

    def _speaks_for(self, actor: Actor, objective: Objective) -> bool:
        return speaks_for(self.directory_for(actor.organization_id), actor, objective)

    def _proposing_side(self, actor: Actor, child: Objective, parent: Objective,
                        side: ProposalSide | None) -> ProposalSide:
        """The side the proposer speaks for: the one given, else the one it owns (or,
        owning neither, the one it controls); a proposer of both sides is the child's
        ("could you?"), as before sides could be named."""
        objectives = {ProposalSide.CHILD: child, ProposalSide.PARENT: parent}
        owns = {s for s, o in objectives.items() if self._speaks_for(actor, o)}
        controls = {s for s, o in objectives.items() if self._controls(actor, o)}
        if side is not None:
            # Controlling a side is enough to speak for it only when the proposer owns
            # neither side: a manager may not answer her own proposal for a report.
            if side in owns or (side in controls and not owns):
                return side
            raise Forbidden(f"you do not speak for the {side.value.lower()} side",
                            field="side")
        candidates = owns or controls
        if not candidates:
            raise Forbidden("propose only for objectives you own, on either side")
        if len(candidates) == 1:
            return next(iter(candidates))
        return ProposalSide.CHILD

    def propose_alignment(self, actor: Actor, child_id: UUID, parent_id: UUID, *,
                          parent_key_result_id: UUID | None = None,
                          message: str = "", side: ProposalSide | None = None) -> Result:
        """Ask the other side: the parent's side proposing means "shall we?" and awaits
        the child's owner; the child's side proposing, "could you?", awaits the
        parent's owner."""
        message = validation.text(message, field="message", max_len=validation.NOTE_MAX)

        def attempt() -> Result:
            child, parent = self._pair(actor, child_id, parent_id, parent_key_result_id)
            graph = self.load(AlignmentGraph, alignment_graph_id(actor.organization_id),
                              actor, "organizationId")
            if child.parent_id is not None:
                raise InvalidInput("the objective is already aligned", field="childId",
                                   code=ErrorCode.ALREADY_ALIGNED)
            if child.id in graph.path_up(parent.id):
                raise InvalidInput("that alignment would make a cycle", field="parentId",
                                   code=ErrorCode.ALIGNMENT_CYCLE)
            proposing = self._proposing_side(actor, child, parent, side)
            proposal = AlignmentProposal(
                organization_id=actor.organization_id, actor_id=actor.person_id,
                cycle_id=child.cycle_id, child_id=child.id, parent_id=parent.id,
                parent_key_result_id=parent_key_result_id,
                proposed_by_child_side=proposing is ProposalSide.CHILD,
                message=message, awaiting_side=proposing.other.value)
            return Result(proposal.id, self.save_all(proposal))

        return self.run(None, attempt)

    def respond_to_alignment_proposal(self, actor: Actor, proposal_id: UUID, accept: bool,
                                      reason: str = "") -> Result:
        """The awaited side accepts (the alignment is made) or declines with a reason."""
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX)
        graph_id = alignment_graph_id(actor.organization_id)

        def attempt() -> Result:
            proposal = self.load(AlignmentProposal, proposal_id, actor, "proposalId")
            awaited = self.visible_objective(actor, proposal.awaited_objective_id,
                                             "proposalId")
            asked_it = actor.person_id is not None and actor.person_id == proposal.proposed_by
            if not self._speaks_for(actor, awaited) or (asked_it and not actor.is_admin):
                raise Forbidden(f"only the {proposal.awaiting_side.value.lower()} side's "
                                "owner may answer this proposal")
            proposal.respond(actor.person_id, accept, reason)
            if not accept:
                return Result(proposal.id, self.save_all(proposal))
            child, parent = self._pair(actor, proposal.child_id, proposal.parent_id,
                                       proposal.parent_key_result_id)
            graph = self.load(AlignmentGraph, graph_id, actor, "organizationId")
            self._link(actor, graph, child, parent, proposal.parent_key_result_id,
                       proposal.id)
            return Result(proposal.id, self.save_all(proposal, child, graph))

        return self.run(graph_id, attempt)

    def withdraw_alignment_proposal(self, actor: Actor, proposal_id: UUID) -> Result:
        """Either side withdraws a pending proposal: who asked, or whoever may write
        one of its objectives."""

        def attempt() -> Result:
            proposal = self.load(AlignmentProposal, proposal_id, actor, "proposalId")
            asked_it = actor.person_id is not None and actor.person_id == proposal.proposed_by
            sides = (self.find(Objective, proposal.child_id, actor.organization_id),
                     self.find(Objective, proposal.parent_id, actor.organization_id))
            if not asked_it and not any(
                    o is not None and self._controls(actor, o) for o in sides):
                raise Forbidden("only the proposal's two sides may withdraw it")
            proposal.withdraw(actor.person_id)
            return Result(proposal.id, self.save_all(proposal))

        return self.run(proposal_id, attempt)

    def _may_align_directly(self, actor: Actor, child: Objective, parent: Objective) -> bool:
        """Admins; the child's owner when it also controls the parent (both sides
        consent); the parent's owner over a child it controls where the policy says so."""
        if actor.is_admin:
            return True
        if self._speaks_for(actor, child) and self._controls(actor, parent):
            return True
        if not (self._speaks_for(actor, parent) and self._controls(actor, child)):
            return False
        org = self.find(Organization, actor.organization_id, actor.organization_id)
        return org is not None and org.policy.direct_alignment_by_parent_owner

    def align_objective(self, actor: Actor, child_id: UUID, parent_id: UUID, *,
                        parent_key_result_id: UUID | None = None) -> Result:
        """Align directly: for admins, a child's owner who controls the parent too, and
        a parent's owner where the organization's policy allows it."""
        graph_id = alignment_graph_id(actor.organization_id)

        def attempt() -> Result:
            child, parent = self._pair(actor, child_id, parent_id, parent_key_result_id)
            if not self._may_align_directly(actor, child, parent):
                raise Forbidden("aligning directly needs the consent of both sides; "
                                "propose the alignment instead")
            graph = self.load(AlignmentGraph, graph_id, actor, "organizationId")
            self._link(actor, graph, child, parent, parent_key_result_id, None)
            return Result(child.id, self.save_all(child, graph))

        return self.run(graph_id, attempt)

    def unalign_objective(self, actor: Actor, child_id: UUID, reason: str = "") -> Result:
        reason = validation.text(reason, field="reason", max_len=validation.REASON_MAX)
        graph_id = alignment_graph_id(actor.organization_id)

        def attempt() -> Result:
            child = self.visible_objective(actor, child_id, "childId")
            parent = (self.find(Objective, child.parent_id, actor.organization_id)
                      if child.parent_id else None)
            if not self._controls(actor, child) and not (
                    parent is not None and self._controls(actor, parent)):
                raise Forbidden("you may not change this alignment")
            graph = self.load(AlignmentGraph, graph_id, actor, "organizationId")
            child.unalign(actor.person_id, reason)
            graph.remove_edge(actor.person_id, child.id, child.cycle_id)
            return Result(child.id, self.save_all(child, graph))

        return self.run(graph_id, attempt)
