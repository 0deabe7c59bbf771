"""One cycle's rows, filtered and indexed once (every analysis starts here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from okr_domain.values import ObjectiveStatus
from projections.analysis.clock import as_utc
from projections.catalog.rows import KeyResultRow, ObjectiveRow

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def creation_order(objective: ObjectiveRow) -> tuple[datetime, int, str]:
    """Objectives in the order they were created (then by creation position and id)."""
    created = as_utc(objective.created_at) if objective.created_at else _EPOCH
    return created, objective.created_position, objective.id.hex


@dataclass(frozen=True, eq=False)
class CycleRows:
    """The live (not archived) objectives of one cycle that a viewer may see, with their
    key results.

    ``children`` holds the live objectives of this cycle aligned to each objective, in
    creation order; children in other cycles are left out, as at grading. ``known`` maps
    every objective id that was given (any cycle, archived too, seen or not) to its row,
    so that a parent can be told apart: archived, in another cycle, or not given at all;
    ``unseen`` are the given ones the viewer may not see. Nothing else here holds them.
    """

    cycle_id: UUID
    objectives: tuple[ObjectiveRow, ...]
    by_id: Mapping[UUID, ObjectiveRow]
    key_results: Mapping[UUID, tuple[KeyResultRow, ...]]
    children: Mapping[UUID, tuple[UUID, ...]]
    known: Mapping[UUID, ObjectiveRow]
    unseen: frozenset[UUID] = frozenset()

    @classmethod
    def build(cls, cycle_id: UUID, objectives: Iterable[ObjectiveRow],
              key_results: Iterable[KeyResultRow],
              sees: Callable[[ObjectiveRow], bool] | None = None) -> CycleRows:
        """``sees``: which objectives the viewer may see (None: all of them); see
        ``visibility.visible_rows``."""
        known = {o.id: o for o in objectives}
        unseen = (frozenset() if sees is None
                  else frozenset(o.id for o in known.values() if not sees(o)))
        live = sorted(
            (o for o in known.values()
             if o.cycle_id == cycle_id and o.status != ObjectiveStatus.ARCHIVED
             and o.id not in unseen),
            key=creation_order,
        )
        by_id = {o.id: o for o in live}
        children: defaultdict[UUID, list[UUID]] = defaultdict(list)
        for objective in live:
            if objective.parent_id is not None and objective.parent_id in by_id:
                children[objective.parent_id].append(objective.id)
        grouped: defaultdict[UUID, list[KeyResultRow]] = defaultdict(list)
        for kr in key_results:
            if kr.objective_id in by_id:
                grouped[kr.objective_id].append(kr)
        return cls(
            cycle_id=cycle_id,
            objectives=tuple(live),
            by_id=by_id,
            key_results={
                k: tuple(sorted(v, key=lambda kr: (kr.sort_index, kr.id.hex)))
                for k, v in grouped.items()
            },
            children={k: tuple(v) for k, v in children.items()},
            known=known,
            unseen=unseen,
        )

    def key_results_of(self, objective_id: UUID) -> tuple[KeyResultRow, ...]:
        return self.key_results.get(objective_id, ())

    def children_of(self, objective_id: UUID) -> tuple[UUID, ...]:
        return self.children.get(objective_id, ())

    def shown_parent_id(self, objective: ObjectiveRow) -> UUID | None:
        """The objective's parent, unless it is one the viewer may not see."""
        parent_id = objective.parent_id
        return None if parent_id in self.unseen else parent_id

    def live_parent(self, objective: ObjectiveRow) -> ObjectiveRow | None:
        """The parent when it is a live objective of this cycle."""
        return self.by_id.get(objective.parent_id) if objective.parent_id else None
