"""Objective scores under a policy and scoring options.

Matches ``okr_domain.rollup.rolled_up_scores`` (and so grading at close) under the
normal rules; the roll-up here is iterative, so deep alignment chains cannot exhaust
the stack, and it also serves the re-scoring options (unweighted, uncapped).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from okr_domain.rollup import CHILD_WEIGHT
from okr_domain.scoring import weighted_mean
from okr_domain.values import OkrPolicy, RollUp
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.rows import CycleRows
from projections.model import KeyResultRow, ObjectiveRow

Pairs = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class ObjectiveScore:
    """``own``: its key results' weighted mean. ``rolled_up``: per the roll-up rule.
    ``graded``: what the analyses use (the final grade, an override, or ``rolled_up``)."""

    own: float
    rolled_up: float
    graded: float


def mean(pairs: Pairs, *, cap: bool) -> float:
    """``okr_domain.scoring.weighted_mean``, optionally without the clamp to [0, 1]."""
    if cap:
        return weighted_mean(pairs)
    total = sum(value * weight for value, weight in pairs)
    weights = sum(weight for _, weight in pairs)
    return total / weights if weights > 0.0 else 0.0


def key_result_score(kr: KeyResultRow, options: ScoringOptions = NORMAL_RULES) -> float:
    return kr.score if options.cap_progress else kr.progress


def key_result_pairs(key_results: Sequence[KeyResultRow], options: ScoringOptions) -> Pairs:
    return [
        (key_result_score(kr, options), kr.weight if options.honour_weights else 1.0)
        for kr in key_results
    ]


def roll_up(own: Mapping[UUID, Pairs], children: Mapping[UUID, Sequence[UUID]],
            rule: RollUp, *, cap: bool = True) -> dict[UUID, float]:
    """Every objective of ``own`` rolled up per ``rule`` (see okr_domain.rollup).

    A depth-first walk in post-order: a child already on the current path (a loop in bad
    data) is left out, as the domain's recursion does.
    """
    result: dict[UUID, float] = {}
    if rule == RollUp.KEY_RESULTS:
        return {oid: mean(pairs, cap=cap) for oid, pairs in own.items()}
    for start in own:
        if start in result:
            continue
        on_path = {start}
        stack = [(start, iter(children.get(start, ())))]
        while stack:
            node, pending = stack[-1]
            for child in pending:
                if child in own and child not in result and child not in on_path:
                    on_path.add(child)
                    stack.append((child, iter(children.get(child, ()))))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                # Children still in progress are this node's ancestors: left out.
                child_pairs = [(result[c], CHILD_WEIGHT)
                               for c in children.get(node, ()) if c in result]
                if rule == RollUp.ALIGNED_CHILDREN:
                    result[node] = (mean(child_pairs, cap=cap) if child_pairs
                                    else mean(own[node], cap=cap))
                else:
                    result[node] = mean([*own[node], *child_pairs], cap=cap)
    return result


def graded_score(objective: ObjectiveRow, rolled_up: float, options: ScoringOptions) -> float:
    if options.use_final_grades and objective.final_score is not None:
        return objective.final_score
    if options.apply_overrides and objective.grade_override is not None:
        return objective.grade_override
    return rolled_up


def score_cycle(rows: CycleRows, policy: OkrPolicy,
                options: ScoringOptions = NORMAL_RULES) -> dict[UUID, ObjectiveScore]:
    """Scores of every live objective of the rows (those the viewer may see, when the rows
    were built for a viewer: see ``visibility.visible_rows``)."""
    pairs = {o.id: key_result_pairs(rows.key_results_of(o.id), options)
             for o in rows.objectives}
    rolled = roll_up(pairs, rows.children, policy.roll_up, cap=options.cap_progress)
    return {
        o.id: ObjectiveScore(
            own=mean(pairs[o.id], cap=options.cap_progress),
            rolled_up=rolled[o.id],
            graded=graded_score(o, rolled[o.id], options),
        )
        for o in rows.objectives
    }
