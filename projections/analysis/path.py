"""The path from an objective up to the company objective it serves.

The path holds only objectives the viewer may see (``visibility``): it stops below the
first one they may not, as if the objective there were not given (UNKNOWN_PARENT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from okr_domain.errors import NotFound
from okr_domain.values import Level, ObjectiveStatus
from projections.analysis.directory import Directory
from projections.analysis.visibility import Viewer, can_see
from projections.catalog.rows import ObjectiveRow


class PathEnd(StrEnum):
    COMPANY = "COMPANY"
    """The path reaches a company objective."""
    UNALIGNED = "UNALIGNED"
    """The top of the path is a team or individual objective aligned to nothing."""
    ARCHIVED_PARENT = "ARCHIVED_PARENT"
    """The top of the path is aligned to an archived objective (left off the path)."""
    UNKNOWN_PARENT = "UNKNOWN_PARENT"
    """The top of the path is aligned to an objective that was not given, or that the
    viewer may not see."""
    LOOP = "LOOP"
    """The parents loop back (bad data); the path stops before repeating."""


@dataclass(frozen=True)
class PathStep:
    """One objective on the path."""

    objective_id: UUID
    cycle_id: UUID
    level: Level
    title: str


@dataclass(frozen=True)
class AlignmentPath:
    """The objective first, then the objective it is aligned to, and so on upwards."""

    steps: tuple[PathStep, ...]
    end: PathEnd
    company_objective_id: UUID | None

    @property
    def serves_company(self) -> bool:
        return self.end is PathEnd.COMPANY


def alignment_path(objective_id: UUID, objectives: Iterable[ObjectiveRow],
                   directory: Directory, viewer: Viewer) -> AlignmentPath:
    """Follow parents upwards through the given rows, across cycles when they are given.

    Raises NotFound when the objective is unknown, archived or hidden from the viewer.
    """
    by_id = {o.id: o for o in objectives}
    objective = by_id.get(objective_id)
    if (objective is None or objective.status == ObjectiveStatus.ARCHIVED
            or not can_see(directory, viewer, objective)):
        raise NotFound("no such objective", field="objectiveId")
    steps: list[PathStep] = []
    seen: set[UUID] = set()
    current = objective
    while True:
        seen.add(current.id)
        steps.append(PathStep(current.id, current.cycle_id, current.level, current.title))
        parent_id = current.parent_id
        if parent_id is None:
            if current.level == Level.COMPANY:
                return AlignmentPath(tuple(steps), PathEnd.COMPANY, current.id)
            return AlignmentPath(tuple(steps), PathEnd.UNALIGNED, None)
        parent = by_id.get(parent_id)
        if parent is not None and parent.status == ObjectiveStatus.ARCHIVED:
            return AlignmentPath(tuple(steps), PathEnd.ARCHIVED_PARENT, None)
        if parent is None or not can_see(directory, viewer, parent):
            return AlignmentPath(tuple(steps), PathEnd.UNKNOWN_PARENT, None)
        if parent.id in seen:
            return AlignmentPath(tuple(steps), PathEnd.LOOP, None)
        current = parent

