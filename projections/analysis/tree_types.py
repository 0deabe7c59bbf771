"""The alignment tree's result types (mapped one to one by the GraphQL layer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from okr_domain.values import Band, Kind, Level, MetricType, ObjectiveStatus, RollUp, Visibility
from projections.analysis.coverage import Coverage
from projections.analysis.options import ScoringOptions
from projections.analysis.placement import Placement


@dataclass(frozen=True)
class TreeView:
    """What part of the cycle's tree to show.

    ``root_objective_id``: that objective and everything aligned below it.
    ``team_id``: only objectives owned by the team, its sub-teams and their people.
    ``max_depth``: levels below the view's roots to include (0 = the roots alone).
    Given together, the view is what all of them keep.
    """

    root_objective_id: UUID | None = None
    team_id: UUID | None = None
    max_depth: int | None = None


@dataclass(frozen=True)
class KeyResultView:
    id: UUID
    title: str
    metric_type: MetricType
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str
    weight: float
    progress: float
    score: float
    check_in_count: int
    last_check_in_at: datetime | None


@dataclass(frozen=True)
class NodeDetails:
    """The objective itself (the tree holds only objectives the viewer may see)."""

    title: str
    description: str
    level: Level
    kind: Kind
    status: ObjectiveStatus
    visibility: Visibility
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    parent_key_result_id: UUID | None
    own_score: float
    graded_score: float
    band: Band
    final_score: float | None
    grade_override: float | None
    supporters: tuple[UUID, ...]
    last_check_in_at: datetime | None
    key_results: tuple[KeyResultView, ...]


@dataclass(frozen=True)
class TreeNode:
    """One objective in the tree.

    ``parent_id`` is the objective it is aligned to, which may lie outside the view (see
    ``placement``); None when the viewer may not see it. ``rolled_up_score`` is its score
    per the roll-up rule, over what the viewer may see: what it contributes to its parent.
    ``child_ids`` are the children shown; ``more_children`` says the depth limit cut some.
    """

    objective_id: UUID
    parent_id: UUID | None
    depth: int
    placement: Placement
    rolled_up_score: float
    child_ids: tuple[UUID, ...]
    more_children: bool
    details: NodeDetails


@dataclass(frozen=True)
class AlignmentTree:
    """Nodes in depth-first pre-order, roots in ``root_ids`` order.

    Roots come company objectives first, then objectives whose parent the view leaves
    out, then those aligned to another cycle, then orphans. ``coverage`` is over the
    view's objectives before the depth limit.
    """

    cycle_id: UUID
    roll_up: RollUp
    options: ScoringOptions
    nodes: tuple[TreeNode, ...]
    root_ids: tuple[UUID, ...]
    orphan_ids: tuple[UUID, ...]
    coverage: Coverage
