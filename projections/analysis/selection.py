"""The objectives an analysis counts: in scope, in play, and visible to the viewer."""

from __future__ import annotations

from dataclasses import dataclass

from okr_domain.values import ObjectiveStatus
from projections.analysis.directory import Directory
from projections.analysis.rows import CycleRows
from projections.analysis.scope import Scope, scope_filter
from projections.analysis.visibility import Viewer, can_see
from projections.model import ObjectiveRow

# Drafts are still being written: they are not scored until activated (or graded at close).
IN_PLAY = frozenset({ObjectiveStatus.ACTIVE, ObjectiveStatus.CLOSED})


@dataclass(frozen=True)
class Selection:
    """``objectives``: what the viewer may see; ``hidden_count``: private ones left out."""

    objectives: tuple[ObjectiveRow, ...]
    hidden_count: int


def select(rows: CycleRows, directory: Directory, viewer: Viewer, scope: Scope,
           *, in_play_only: bool = True) -> Selection:
    keep = scope_filter(scope, directory)
    chosen: list[ObjectiveRow] = []
    hidden = 0
    for objective in rows.objectives:
        if (in_play_only and objective.status not in IN_PLAY) or not keep(objective):
            continue
        if can_see(directory, viewer, objective):
            chosen.append(objective)
        else:
            hidden += 1
    return Selection(tuple(chosen), hidden)
