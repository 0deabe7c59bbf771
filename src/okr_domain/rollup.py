"""Roll-up of objective scores over the alignment tree, per the organization's rule.

Pure functions, shared by the command side (grading at close) and the projections.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import TypeVar
from uuid import UUID

from okr_domain.scoring import Number, exact, weighted_mean
from okr_domain.values import RollUp

CHILD_WEIGHT = 1
S = TypeVar("S")


def rolled_up_scores(
    own: Mapping[UUID, Sequence[tuple[Number, Number]]],
    children: Callable[[UUID], Sequence[UUID]],
    rule: RollUp,
) -> dict[UUID, Fraction]:
    """Score every objective in ``own`` (its key results' (score, weight) pairs), exactly.

    KEY_RESULTS: the weighted mean of the key results. ALIGNED_CHILDREN: the mean of the
    aligned children's rolled-up scores, falling back to the key results for a leaf.
    BOTH: key results and children together, each child weighing ``CHILD_WEIGHT``.
    Children outside ``own`` are ignored (archived, or not loaded).
    """
    rolled = roll_up_with(own, children, rule, weighted_mean)
    return {objective_id: exact(value) for objective_id, value in rolled.items()}


def roll_up_with(
    own: Mapping[UUID, Sequence[tuple[S, Number]]],
    children: Callable[[UUID], Sequence[UUID]],
    rule: RollUp,
    mean: Callable[[list[tuple[S, Number]]], S],
) -> dict[UUID, S]:
    """``rolled_up_scores`` with the arithmetic of ``mean``."""
    result: dict[UUID, S] = {}

    def visit(objective_id: UUID, path: frozenset[UUID]) -> S:
        if objective_id in result:
            return result[objective_id]
        pairs = list(own[objective_id])
        if rule is RollUp.KEY_RESULTS:
            value = mean(pairs)
        else:
            kids = [
                c for c in children(objective_id) if c in own and c not in path
            ]
            child_pairs: list[tuple[S, Number]] = [
                (visit(c, path | {c}), CHILD_WEIGHT) for c in kids]
            if rule is RollUp.ALIGNED_CHILDREN:
                value = mean(child_pairs) if child_pairs else mean(pairs)
            else:
                value = mean(pairs + child_pairs)
        result[objective_id] = value
        return value

    for objective_id in own:
        visit(objective_id, frozenset({objective_id}))
    return result
