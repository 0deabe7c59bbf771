"""The alignment tree of a cycle: company objectives at the root, team objectives under
them (a team objective may also serve another team's), individual objectives below.

Archived objectives are left out. Objectives of other cycles are not drawn: an objective
aligned to one is a root with placement EXTERNAL_PARENT (its ``parent_id`` names the
other objective), and children in other cycles do not count in the roll-up, as at
grading. Objectives the viewer may not see are not in the tree at all (``visibility``):
their scores do not roll up into their parents', they are not counted in the coverage,
and an objective aligned to one is a root with placement PARENT_OUTSIDE_VIEW and no
``parent_id``. Bands are decided on exact scores (``pace.objective_band``: an open
committed objective is ON_TRACK or BEHIND at the ``elapsed`` share of its cycle); the
scores reported are floats for display.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from fractions import Fraction
from uuid import UUID

from okr_domain.errors import InvalidInput, NotFound
from okr_domain.scoring import Number, as_float
from okr_domain.values import Kind, ObjectiveStatus, OkrPolicy
from projections.analysis.coverage import alignment_coverage
from projections.analysis.directory import Directory
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.pace import objective_band
from projections.analysis.placement import Placement, cycle_placement
from projections.analysis.rows import CycleRows
from projections.analysis.scope import Scope, scope_filter
from projections.analysis.scores import (
    ObjectiveScore,
    final_grade,
    key_result_score,
    score_cycle,
)
from projections.analysis.tree_types import (
    AlignmentTree,
    KeyResultView,
    NodeDetails,
    TreeNode,
    TreeView,
)
from projections.analysis.visibility import Viewer, visible_rows
from projections.catalog.rows import KeyResultRow, ObjectiveRow

ROOT_ORDER = {
    Placement.COMPANY_ROOT: 0,
    Placement.PARENT_OUTSIDE_VIEW: 1,
    Placement.ALIGNED: 1,
    Placement.EXTERNAL_PARENT: 2,
    Placement.ORPHAN: 3,
}


def alignment_tree(
    cycle_id: UUID,
    objectives: Iterable[ObjectiveRow],
    key_results: Iterable[KeyResultRow],
    directory: Directory,
    viewer: Viewer,
    policy: OkrPolicy,
    view: TreeView = TreeView(),  # noqa: B008 (immutable)
    options: ScoringOptions = NORMAL_RULES,
    *,
    elapsed: Number = Fraction(0),
) -> AlignmentTree:
    """The cycle's alignment tree as the viewer may see it.

    ``objectives`` are the cycle's rows, archived ones included (so an objective whose
    parent was archived is known as an orphan); rows of other cycles may be given too.
    ``elapsed`` is the elapsed share of the cycle (``clock.elapsed_share``; 0: nothing
    is expected yet). Raises NotFound for an unknown or invisible root objective or an
    unknown team.
    """
    rows = visible_rows(cycle_id, objectives, key_results, directory, viewer)
    scores = score_cycle(rows, policy, options)
    members = _view_members(rows, directory, view)
    in_view = {o.id for o in members}
    roots = sorted(
        (o.id for o in members if o.parent_id not in in_view),
        key=lambda oid: ROOT_ORDER[_root_placement(rows.by_id[oid], rows)],
    )
    # Objectives on a loop (bad data) reach no root: each loop is entered once, as a root.
    reached = _reach(rows, roots, in_view)
    for objective in members:
        if objective.id not in reached:
            roots.append(objective.id)
            reached |= _reach(rows, [objective.id], in_view)

    nodes: list[TreeNode] = []
    seen: set[UUID] = set(roots)
    for root_id in roots:
        stack = [(root_id, 0)]
        while stack:
            objective_id, depth = stack.pop()
            objective = rows.by_id[objective_id]
            kids = [c for c in rows.children_of(objective_id) if c in in_view and c not in seen]
            shown = kids if view.max_depth is None or depth < view.max_depth else []
            seen.update(shown)
            nodes.append(TreeNode(
                objective_id=objective_id,
                parent_id=rows.shown_parent_id(objective),
                depth=depth,
                placement=(_root_placement(objective, rows) if depth == 0
                           else Placement.ALIGNED),
                rolled_up_score=as_float(scores[objective_id].rolled_up),
                child_ids=tuple(shown),
                more_children=len(shown) < len(kids),
                details=_details(objective, rows, scores[objective_id], policy, options,
                                 elapsed),
            ))
            stack.extend((c, depth + 1) for c in reversed(shown))

    return AlignmentTree(
        cycle_id=cycle_id,
        roll_up=policy.roll_up,
        options=options,
        nodes=tuple(nodes),
        root_ids=tuple(roots),
        orphan_ids=tuple(n.objective_id for n in nodes if n.placement is Placement.ORPHAN),
        coverage=alignment_coverage(members, rows, directory),
    )


def _root_placement(objective: ObjectiveRow, rows: CycleRows) -> Placement:
    placement = cycle_placement(objective, rows)
    return Placement.PARENT_OUTSIDE_VIEW if placement is Placement.ALIGNED else placement


def _view_members(rows: CycleRows, directory: Directory,
                  view: TreeView) -> list[ObjectiveRow]:
    """The live objectives the view keeps, in creation order (depth limit aside)."""
    if view.max_depth is not None and view.max_depth < 0:
        raise InvalidInput("the depth limit cannot be negative", field="maxDepth")
    members = list(rows.objectives)
    if view.root_objective_id is not None:
        root = rows.by_id.get(view.root_objective_id)
        if root is None:
            raise NotFound("no such objective in this cycle", field="rootObjectiveId")
        below = _reach(rows, [root.id])
        members = [o for o in members if o.id in below]
    if view.team_id is not None:
        keep = scope_filter(Scope.team(view.team_id), directory)
        members = [o for o in members if keep(o)]
    return members


def _reach(rows: CycleRows, starts: Iterable[UUID],
           within: Container[UUID] | None = None) -> set[UUID]:
    """The starts and every objective aligned below them (optionally only ``within``)."""
    found = set(starts)
    queue = list(found)
    while queue:
        for child in rows.children_of(queue.pop()):
            if child not in found and (within is None or child in within):
                found.add(child)
                queue.append(child)
    return found


def _details(objective: ObjectiveRow, rows: CycleRows, score: ObjectiveScore,
             policy: OkrPolicy, options: ScoringOptions, elapsed: Number) -> NodeDetails:
    closed = objective.status == ObjectiveStatus.CLOSED
    final = final_grade(objective)
    return NodeDetails(
        title=objective.title,
        description=objective.description,
        level=objective.level,
        kind=objective.kind,
        status=objective.status,
        visibility=objective.visibility,
        owner_team_id=objective.owner_team_id,
        owner_person_id=objective.owner_person_id,
        parent_key_result_id=objective.parent_key_result_id,
        own_score=as_float(score.own),
        graded_score=as_float(score.graded),
        band=objective_band(score.graded, Kind(objective.kind), policy.bands,
                            None if closed else elapsed),
        final_score=None if final is None else as_float(final),
        grade_override=objective.grade_override,
        supporters=tuple(objective.supporters),
        last_check_in_at=objective.last_check_in_at,
        key_results=tuple(_key_result_view(kr, options)
                          for kr in rows.key_results_of(objective.id)),
    )


def _key_result_view(kr: KeyResultRow, options: ScoringOptions) -> KeyResultView:
    return KeyResultView(
        id=kr.id,
        title=kr.title,
        metric_type=kr.metric_type,
        start=kr.start,
        target=kr.target,
        current=kr.current,
        unit=kr.unit,
        weight=kr.weight,
        progress=as_float(kr.progress),
        score=as_float(key_result_score(kr, options)),
        check_in_count=kr.check_in_count,
        last_check_in_at=kr.last_check_in_at,
    )
