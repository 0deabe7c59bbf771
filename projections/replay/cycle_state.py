"""One cycle's read-model rows as of a moment, taken from an in-memory replay.

Rows are shared with the replay that produced them and must not be changed (the
projection never changes a row in place: it replaces it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from uuid import UUID

from projections.analysis.directory import Directory
from projections.catalog.rows import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.catalog.tables import (
    CHECK_INS,
    CYCLES,
    KEY_RESULTS,
    OBJECTIVES,
    ORGANIZATIONS,
    PEOPLE,
    PROPOSALS,
    TEAMS,
)
from projections.tables import Table

RowSets = tuple[tuple[Table[Any], tuple[Any, ...]], ...]


@dataclass(frozen=True, eq=False)
class CycleState:
    """``position``: the highest position applied; ``changed_at``: the newest timestamp
    applied; ``counts``: events applied so far, by topic. Objectives are the cycle's
    (archived ones included) in creation order; key results by (objective, sort index);
    check-ins by (applies_at, sequence)."""

    organization_id: UUID
    cycle_id: UUID
    position: int
    changed_at: datetime | None
    organization: OrganizationRow | None
    cycle: CycleRow | None
    objectives: tuple[ObjectiveRow, ...]
    key_results: tuple[KeyResultRow, ...]
    unordered_check_ins: tuple[CheckInRow, ...]
    teams: tuple[TeamRow, ...]
    people: tuple[PersonRow, ...]
    proposals: tuple[ProposalRow, ...]
    counts: Mapping[str, int]
    valid_until: datetime | None = None
    """The same rows hold for every moment from ``changed_at`` up to this one (None: not
    known, the state is of a moment too recent to keep)."""
    part: UUID | None = None
    """None: the whole cycle. Otherwise the root of the subtree the state holds
    (``projections.replay.subtree``): the subtree's objectives, the root's parent, the
    organization, its people and teams and the cycle; no proposals."""
    answers: tuple[datetime, datetime | None] | None = None
    """Set on subtree states and cycles replayed in parts: the one (as of, known at) they
    answer (some of their rows are taken from the catalog as they hold then)."""
    check_ins_held: bool = True
    """False on a cycle replayed in parts (``projections.replay.cycle_parts``): its
    check-ins were counted, not kept."""

    @classmethod
    def of_rows(cls, organization_id: UUID, cycle_id: UUID, rows: RowSets, position: int,
                changed_at: datetime | None, counts: Mapping[str, int],
                valid_until: datetime | None = None, part: UUID | None = None,
                answers: tuple[datetime, datetime | None] | None = None,
                check_ins_held: bool = True) -> CycleState:
        """From the rows of a replay of this organization's cycle alone (see
        ``projections.replay.stepping``): every row there belongs to it."""
        by_table = {table.name: table_rows for table, table_rows in rows}

        def rows_in(table: Table[Any]) -> tuple[Any, ...]:
            return by_table.get(table.name, ())

        organization = next((r for r in rows_in(ORGANIZATIONS) if r.id == organization_id),
                            None)
        cycle = next((r for r in rows_in(CYCLES) if r.id == cycle_id), None)
        # UUIDs compare in Python code; their .int compares the same, much faster.
        return cls(
            organization_id=organization_id, cycle_id=cycle_id, position=position,
            changed_at=changed_at, organization=organization, cycle=cycle,
            objectives=tuple(sorted(rows_in(OBJECTIVES), key=lambda r: r.created_position)),
            key_results=tuple(sorted(rows_in(KEY_RESULTS),
                                     key=lambda r: (r.objective_id.int, r.sort_index))),
            unordered_check_ins=rows_in(CHECK_INS),
            teams=tuple(sorted(rows_in(TEAMS), key=lambda r: (r.name, r.id.int))),
            people=tuple(sorted(rows_in(PEOPLE), key=lambda r: (r.name, r.id.int))),
            proposals=tuple(sorted(rows_in(PROPOSALS), key=lambda r: (r.created_at, r.id.int))),
            counts=dict(counts), valid_until=valid_until, part=part, answers=answers,
            check_ins_held=check_ins_held,
        )

    @cached_property
    def check_ins(self) -> tuple[CheckInRow, ...]:
        """Sorted when first asked for (a big quarter has many)."""
        if not self.check_ins_held:
            raise LookupError("this state was replayed in parts and holds no check-ins")
        return tuple(sorted(self.unordered_check_ins,
                            key=lambda r: (r.applies_at, r.sequence, r.id.int)))

    @property
    def key(self) -> tuple[UUID, UUID, int, datetime | None, int, UUID | None,
                           tuple[datetime, datetime | None] | None]:
        """Names the rows: states of one cycle with the same key hold the same events."""
        return (self.organization_id, self.cycle_id, self.position, self.changed_at,
                sum(self.counts.values()), self.part, self.answers)

    @property
    def exists(self) -> bool:
        """Did the cycle exist then (and its organization)?"""
        return self.cycle is not None and self.organization is not None

    @cached_property
    def directory(self) -> Directory:
        return Directory.build(self.people, self.teams)

    @cached_property
    def objectives_by_id(self) -> dict[UUID, ObjectiveRow]:
        return {o.id: o for o in self.objectives}

    @cached_property
    def _key_results_by_objective(self) -> dict[UUID, list[KeyResultRow]]:
        grouped: defaultdict[UUID, list[KeyResultRow]] = defaultdict(list)
        for kr in self.key_results:
            grouped[kr.objective_id].append(kr)
        return dict(grouped)

    @cached_property
    def _check_ins_by_key_result(self) -> dict[UUID, list[CheckInRow]]:
        grouped: defaultdict[UUID, list[CheckInRow]] = defaultdict(list)
        for check_in in self.check_ins:
            grouped[check_in.key_result_id].append(check_in)
        return dict(grouped)

    @cached_property
    def _children(self) -> dict[UUID, list[ObjectiveRow]]:
        grouped: defaultdict[UUID, list[ObjectiveRow]] = defaultdict(list)
        for objective in self.objectives:
            if objective.parent_id is not None:
                grouped[objective.parent_id].append(objective)
        return dict(grouped)

    def objective(self, objective_id: UUID) -> ObjectiveRow | None:
        return self.objectives_by_id.get(objective_id)

    def key_results_of(self, objective_id: UUID) -> list[KeyResultRow]:
        return list(self._key_results_by_objective.get(objective_id, ()))

    def check_ins_of(self, key_result_id: UUID) -> list[CheckInRow]:
        return list(self._check_ins_by_key_result.get(key_result_id, ()))

    def children_of(self, objective_id: UUID) -> list[ObjectiveRow]:
        return list(self._children.get(objective_id, ()))

    def proposals_of(self, objective_id: UUID) -> list[ProposalRow]:
        return [p for p in self.proposals if objective_id in (p.child_id, p.parent_id)]

    @property
    def check_ins_recorded(self) -> int:
        """Check-ins recorded in this cycle so far (corrections not counted)."""
        return int(self.counts.get("okr.Objective.CheckInRecorded", 0))
