"""The objectives an analysis counts: in scope and in play (among those the viewer may
see: the rows are built by ``visibility.visible_rows``)."""

from __future__ import annotations

from okr_domain.values import ObjectiveStatus
from projections.analysis.directory import Directory
from projections.analysis.rows import CycleRows
from projections.analysis.scope import Scope, scope_filter
from projections.catalog.rows import ObjectiveRow

# Drafts are still being written: they are not scored until activated (or graded at close).
IN_PLAY = frozenset({ObjectiveStatus.ACTIVE, ObjectiveStatus.CLOSED})


def select(rows: CycleRows, directory: Directory, scope: Scope,
           *, in_play_only: bool = True) -> tuple[ObjectiveRow, ...]:
    keep = scope_filter(scope, directory)
    return tuple(o for o in rows.objectives
                 if (not in_play_only or o.status in IN_PLAY) and keep(o))
