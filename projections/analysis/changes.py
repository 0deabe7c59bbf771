"""What changed in a cycle between two moments: objectives created, re-aligned,
re-weighted and re-scored (and archived), from the cycle's rows as of each moment.

Scores are the graded ones (``scores.py``) under each moment's own policy, exact: an
objective is re-scored when its exact score differs. Objectives the viewer may not see
(as of the later moment) are left out, uncounted, of both moments: they are not listed,
their scores roll up into no parent's, and a parent they name is given as None
(``visibility``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from uuid import UUID

from okr_domain.values import ObjectiveStatus, OkrPolicy
from projections.analysis.directory import Directory
from projections.analysis.rows import CycleRows
from projections.analysis.scores import score_cycle
from projections.analysis.visibility import Viewer, sight
from projections.catalog.rows import KeyResultRow, ObjectiveRow


@dataclass(frozen=True)
class CycleSide:
    """The cycle's rows as of one moment."""

    objectives: Iterable[ObjectiveRow]
    key_results: Iterable[KeyResultRow]
    policy: OkrPolicy


@dataclass(frozen=True)
class Realigned:
    objective_id: UUID
    parent_before: UUID | None
    parent_after: UUID | None


@dataclass(frozen=True)
class Reweighted:
    """A key result whose weight changed; None on the side where it did not exist."""

    objective_id: UUID
    key_result_id: UUID
    title: str
    weight_before: float | None
    weight_after: float | None


@dataclass(frozen=True)
class Rescored:
    objective_id: UUID
    score_before: Fraction
    score_after: Fraction

    @property
    def delta(self) -> Fraction:
        return self.score_after - self.score_before


@dataclass(frozen=True)
class CycleChanges:
    created: tuple[UUID, ...]
    archived: tuple[UUID, ...]
    realigned: tuple[Realigned, ...]
    reweighted: tuple[Reweighted, ...]
    rescored: tuple[Rescored, ...]


def cycle_changes(cycle_id: UUID, before: CycleSide, after: CycleSide, directory: Directory,
                  viewer: Viewer) -> CycleChanges:
    old = {o.id: o for o in before.objectives if o.cycle_id == cycle_id}
    new = sorted((o for o in after.objectives if o.cycle_id == cycle_id),
                 key=lambda o: o.created_position)
    new_rows = CycleRows.build(cycle_id, new, after.key_results, sight(directory, viewer))
    # What the viewer may not see at the later moment is left out of the earlier one too.
    old_rows = CycleRows.build(cycle_id, old.values(), before.key_results,
                               lambda o: o.id not in new_rows.unseen)
    old_scores = score_cycle(old_rows, before.policy)
    new_scores = score_cycle(new_rows, after.policy)
    old_krs = _by_objective(before.key_results)
    new_krs = _by_objective(after.key_results)
    created: list[UUID] = []
    archived: list[UUID] = []
    realigned: list[Realigned] = []
    reweighted: list[Reweighted] = []
    rescored: list[Rescored] = []
    for objective in new:
        previous = old.get(objective.id)
        if previous is None and objective.status == ObjectiveStatus.ARCHIVED:
            continue  # created and archived in between: nothing to show
        if objective.id in new_rows.unseen:
            continue
        if previous is None:
            created.append(objective.id)
            continue
        if objective.status == ObjectiveStatus.ARCHIVED:
            if previous.status != ObjectiveStatus.ARCHIVED:
                archived.append(objective.id)
            continue
        if previous.parent_id != objective.parent_id:
            realigned.append(Realigned(objective.id, _shown(previous.parent_id, new_rows),
                                       new_rows.shown_parent_id(objective)))
        reweighted += _reweighted(objective.id, old_krs.get(objective.id, {}),
                                  new_krs.get(objective.id, {}))
        if previous.status == ObjectiveStatus.ARCHIVED:
            continue
        before_score = old_scores[objective.id].graded
        after_score = new_scores[objective.id].graded
        if after_score != before_score:
            rescored.append(Rescored(objective.id, before_score, after_score))
    return CycleChanges(tuple(created), tuple(archived), tuple(realigned), tuple(reweighted),
                        tuple(rescored))


def _shown(parent_id: UUID | None, rows: CycleRows) -> UUID | None:
    return None if parent_id in rows.unseen else parent_id


def _by_objective(key_results: Iterable[KeyResultRow]) -> dict[UUID, dict[UUID, KeyResultRow]]:
    grouped: dict[UUID, dict[UUID, KeyResultRow]] = {}
    for kr in key_results:
        grouped.setdefault(kr.objective_id, {})[kr.id] = kr
    return grouped


def _reweighted(objective_id: UUID, old: dict[UUID, KeyResultRow],
                new: dict[UUID, KeyResultRow]) -> list[Reweighted]:
    changed: list[Reweighted] = []
    for kr in sorted({**old, **new}.values(), key=lambda k: (k.sort_index, k.id.hex)):
        before = old.get(kr.id)
        after = new.get(kr.id)
        weight_before = before.weight if before else None
        weight_after = after.weight if after else None
        if weight_before != weight_after:
            changed.append(Reweighted(objective_id, kr.id, (after or kr).title,
                                      weight_before, weight_after))
    return changed
