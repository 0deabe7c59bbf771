"""Closing a cycle: every open objective is graded, and the grades are frozen by a hash."""

from __future__ import annotations

from uuid import UUID

from okr_domain import scoring
from okr_domain.access import Actor
from okr_domain.alignment import AlignmentGraph
from okr_domain.command_base import CommandBase, Result
from okr_domain.cycle import Cycle
from okr_domain.grading import Grade, grades_hash
from okr_domain.ids import alignment_graph_id
from okr_domain.objective import Objective
from okr_domain.organization import Organization
from okr_domain.rollup import rolled_up_scores
from okr_domain.values import ObjectiveStatus, Role


class ClosingCommands(CommandBase):
    def close_cycle(self, actor: Actor, cycle_id: UUID) -> Result:
        """Grade every open objective of the cycle (per the organization's roll-up rule,
        or the override set by a reviewer) and close the cycle, all in one transaction.

        Grades are exact; each band is decided on the exact final score, and the hash
        is written from the same exact values."""
        actor.require(Role.ADMIN)

        def attempt() -> Result:
            cycle = self.load(Cycle, cycle_id, actor, "cycleId")
            cycle.ensure_open()
            policy = self.load(Organization, actor.organization_id, actor,
                               "organizationId").policy
            graph = self.load(AlignmentGraph, alignment_graph_id(actor.organization_id),
                              actor, "organizationId")
            objectives = [self.load(Objective, oid, actor, "cycleId")
                          for oid in cycle.objective_ids]
            scored = {
                o.id: [(kr.score, kr.weight) for kr in o.key_results.values()]
                for o in objectives if o.status is not ObjectiveStatus.ARCHIVED
            }
            rolled = rolled_up_scores(scored, graph.children_of, policy.roll_up)
            grades: list[Grade] = []
            graded: list[Objective] = []
            for objective in objectives:
                if not objective.is_open:
                    continue
                computed = rolled[objective.id]
                override = (None if objective.grade_override is None
                            else scoring.exact(objective.grade_override))
                final = computed if override is None else override
                band = scoring.band(final, objective.kind, policy.bands).value
                objective.close(actor.person_id, computed, final, band)
                grades.append(Grade(objective.id, computed, override, final, band))
                graded.append(objective)
            cycle.close(actor.person_id, len(grades), grades_hash(grades))
            return Result(cycle.id, self.save_all(cycle, *graded))

        return self.run(cycle_id, attempt)
