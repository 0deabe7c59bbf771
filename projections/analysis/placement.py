"""Where an objective sits in its cycle's alignment: under a parent, a root, or an orphan."""

from __future__ import annotations

from enum import StrEnum

from okr_domain.values import Level, ObjectiveStatus
from projections.analysis.rows import CycleRows
from projections.catalog.rows import ObjectiveRow


class Placement(StrEnum):
    COMPANY_ROOT = "COMPANY_ROOT"
    """A company objective: the top of the tree."""
    ALIGNED = "ALIGNED"
    """Aligned to a live objective of the cycle, shown in the same view."""
    PARENT_OUTSIDE_VIEW = "PARENT_OUTSIDE_VIEW"
    """Aligned to a live objective of the cycle that the view (team, root, depth) leaves
    out, or that the viewer may not see."""
    EXTERNAL_PARENT = "EXTERNAL_PARENT"
    """Aligned to an objective of another (overlapping) cycle, or to one not given."""
    ORPHAN = "ORPHAN"
    """A team or individual objective aligned to nothing, or to an archived objective."""


ALIGNED_PLACEMENTS = frozenset(
    {Placement.ALIGNED, Placement.PARENT_OUTSIDE_VIEW, Placement.EXTERNAL_PARENT}
)


def cycle_placement(objective: ObjectiveRow, rows: CycleRows) -> Placement:
    """The placement in the whole cycle (ALIGNED, EXTERNAL_PARENT, ORPHAN or COMPANY_ROOT).

    It is a fact about the objective itself, the same for every viewer who may see it:
    aligned to an objective the viewer may not see is still aligned.
    """
    parent_id = objective.parent_id
    if parent_id is None:
        return Placement.COMPANY_ROOT if objective.level == Level.COMPANY else Placement.ORPHAN
    if parent_id in rows.by_id:
        return Placement.ALIGNED
    parent = rows.known.get(parent_id)
    if parent is not None and parent.status == ObjectiveStatus.ARCHIVED:
        return Placement.ORPHAN
    if parent is not None and parent.cycle_id == rows.cycle_id:
        return Placement.ALIGNED  # a live objective of the cycle the viewer may not see
    return Placement.EXTERNAL_PARENT


def needs_alignment(objective: ObjectiveRow) -> bool:
    """Team and individual objectives are expected to serve a higher one."""
    return objective.level in (Level.TEAM, Level.INDIVIDUAL)
