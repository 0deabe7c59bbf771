"""A past state of objectives, for GraphQL objects shown "as of" a moment.

An ``Objective`` built with a ``Past`` resolves its key results, check-ins, children and
proposals from that state instead of the live read model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from projections.catalog.rows import CheckInRow, KeyResultRow, ObjectiveRow, ProposalRow
from projections.reading.queries import Page, check_in_after, check_in_cursor, page_of
from projections.replay.cycle_state import CycleState
from projections.replay.objective_history import ObjectiveStep


class Past(Protocol):
    @property
    def as_of(self) -> datetime: ...

    @property
    def position(self) -> int: ...

    def objective(self, objective_id: UUID) -> ObjectiveRow | None: ...

    def key_results_of(self, objective_id: UUID) -> list[KeyResultRow]: ...

    async def check_ins_of(self, key_result_id: UUID) -> list[CheckInRow]: ...

    def children_of(self, objective_id: UUID) -> list[ObjectiveRow]: ...

    def proposals_of(self, objective_id: UUID) -> list[ProposalRow]: ...


SubtreeAt = Callable[[UUID], Awaitable[CycleState]]
"""The subtree of an objective as of the same moment (it holds the objective's check-ins)."""


@dataclass(frozen=True)
class CyclePast:
    """A cycle as of a moment (its objectives' parents in other cycles are unknown). A
    state replayed in parts holds no check-ins: an objective's are then read from its
    subtree (``subtree_at``)."""

    state: CycleState
    as_of: datetime
    subtree_at: SubtreeAt | None = None

    @property
    def position(self) -> int:
        return self.state.position

    def objective(self, objective_id: UUID) -> ObjectiveRow | None:
        return self.state.objective(objective_id)

    def key_results_of(self, objective_id: UUID) -> list[KeyResultRow]:
        return self.state.key_results_of(objective_id)

    async def check_ins_of(self, key_result_id: UUID) -> list[CheckInRow]:
        if self.state.check_ins_held:
            return self.state.check_ins_of(key_result_id)
        held = next((kr for kr in self.state.key_results if kr.id == key_result_id), None)
        if held is None or self.subtree_at is None:
            return []
        return (await self.subtree_at(held.objective_id)).check_ins_of(key_result_id)

    def children_of(self, objective_id: UUID) -> list[ObjectiveRow]:
        return self.state.children_of(objective_id)

    def proposals_of(self, objective_id: UUID) -> list[ProposalRow]:
        return [p for p in self.state.proposals_of(objective_id) if p.child_id == objective_id]


@dataclass(frozen=True)
class StepPast:
    """One objective right after one of its events (nothing else is known)."""

    step: ObjectiveStep

    @property
    def as_of(self) -> datetime:
        return self.step.event.timestamp

    @property
    def position(self) -> int:
        return self.step.position

    def objective(self, objective_id: UUID) -> ObjectiveRow | None:
        found = self.step.objective
        return found if found is not None and found.id == objective_id else None

    def key_results_of(self, objective_id: UUID) -> list[KeyResultRow]:
        return list(self.step.key_results) if self.objective(objective_id) else []

    async def check_ins_of(self, key_result_id: UUID) -> list[CheckInRow]:
        return [c for c in self.step.check_ins if c.key_result_id == key_result_id]

    def children_of(self, objective_id: UUID) -> list[ObjectiveRow]:
        return []

    def proposals_of(self, objective_id: UUID) -> list[ProposalRow]:
        return []


def check_ins_page(rows: list[CheckInRow], first: int, after: str | None) -> Page[CheckInRow]:
    """A page of check-ins (in the order they apply), as the live reader pages them."""
    if after is not None:
        mark = check_in_after(after)
        kept = [r for r in rows if (r.applies_at, r.sequence) > mark]
    else:
        kept = rows
    return page_of(kept[:first + 1], first, len(rows), check_in_cursor)
