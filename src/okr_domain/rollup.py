"""Roll-up of objective scores over the alignment tree, per the organization's rule.

Pure functions, shared by the command side (grading at close) and the projections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from uuid import UUID

from okr_domain.scoring import weighted_mean
from okr_domain.values import RollUp

CHILD_WEIGHT = 1.0


def rolled_up_scores(
    own: Mapping[UUID, Sequence[tuple[float, float]]],
    children: Callable[[UUID], Sequence[UUID]],
    rule: RollUp,
) -> dict[UUID, float]:
    """Score every objective in ``own`` (its key results' (score, weight) pairs).

    KEY_RESULTS: the weighted mean of the key results. ALIGNED_CHILDREN: the mean of the
    aligned children's rolled-up scores, falling back to the key results for a leaf.
    BOTH: key results and children together, each child weighing ``CHILD_WEIGHT``.
    Children outside ``own`` are ignored (archived, or not loaded).
    """
    result: dict[UUID, float] = {}

    def visit(objective_id: UUID, path: frozenset[UUID]) -> float:
        if objective_id in result:
            return result[objective_id]
        pairs = list(own[objective_id])
        if rule is RollUp.KEY_RESULTS:
            value = weighted_mean(pairs)
        else:
            kids = [
                c for c in children(objective_id) if c in own and c not in path
            ]
            child_pairs = [(visit(c, path | {c}), CHILD_WEIGHT) for c in kids]
            if rule is RollUp.ALIGNED_CHILDREN:
                value = weighted_mean(child_pairs) if child_pairs else weighted_mean(pairs)
            else:
                value = weighted_mean(pairs + child_pairs)
        result[objective_id] = value
        return value

    for objective_id in own:
        visit(objective_id, frozenset({objective_id}))
    return result
