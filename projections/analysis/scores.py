"""Objective scores under a policy and scoring options, exact (``Fraction``).

Matches ``okr_domain.rollup.rolled_up_scores`` (and so grading at close) under the
normal rules; the roll-up here is iterative, so deep alignment chains cannot exhaust
the stack, and it also serves the re-scoring options (unweighted, uncapped). Weights and
overrides stored as floats count by their decimal text (``okr_domain.scoring.exact``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from uuid import UUID

from okr_domain.rollup import CHILD_WEIGHT
from okr_domain.scoring import FULL, NONE, exact, weighted_mean
from okr_domain.values import OkrPolicy, RollUp
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.rows import CycleRows
from projections.catalog.rows import KeyResultRow, ObjectiveRow
from projections.gc_pause import paused_gc

Pairs = Sequence[tuple[Fraction, Fraction]]
_CHILD_WEIGHT = exact(CHILD_WEIGHT)


@dataclass(frozen=True)
class ObjectiveScore:
    """``own``: its key results' weighted mean. ``rolled_up``: per the roll-up rule.
    ``graded``: what the analyses use (the final grade, an override, or ``rolled_up``).
    All exact."""

    own: Fraction
    rolled_up: Fraction
    graded: Fraction


def mean(pairs: Pairs, *, cap: bool) -> Fraction:
    """``okr_domain.scoring.weighted_mean``, optionally without the clamp to [0, 1]."""
    if cap:
        return weighted_mean(pairs)
    pairs = [(exact(value), exact(weight)) for value, weight in pairs]
    weights = sum((weight for _, weight in pairs), NONE)
    if weights <= 0 and pairs:  # every weight 0: the scores count alike
        pairs, weights = [(value, FULL) for value, _ in pairs], exact(len(pairs))
    if weights <= 0:
        return NONE
    return sum((value * weight for value, weight in pairs), NONE) / weights


def key_result_score(kr: KeyResultRow, options: ScoringOptions = NORMAL_RULES) -> Fraction:
    return exact(kr.score if options.cap_progress else kr.progress)


def key_result_pairs(key_results: Sequence[KeyResultRow], options: ScoringOptions) -> Pairs:
    return [
        (key_result_score(kr, options), exact(kr.weight) if options.honour_weights else FULL)
        for kr in key_results
    ]


def roll_up(own: Mapping[UUID, Pairs], children: Mapping[UUID, Sequence[UUID]],
            rule: RollUp, *, cap: bool = True,
            means: Mapping[UUID, Fraction] | None = None) -> dict[UUID, Fraction]:
    """Every objective of ``own`` rolled up per ``rule`` (see okr_domain.rollup).
    ``means``: the means of ``own``'s pairs when they are known already.

    A depth-first walk in post-order: a child already on the current path (a loop in bad
    data) is left out, as the domain's recursion does.
    """
    result: dict[UUID, Fraction] = {}
    if means is None:
        means = {oid: mean(pairs, cap=cap) for oid, pairs in own.items()}
    if rule == RollUp.KEY_RESULTS:
        return dict(means)
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
                child_pairs = [(result[c], _CHILD_WEIGHT)
                               for c in children.get(node, ()) if c in result]
                if rule == RollUp.ALIGNED_CHILDREN:
                    result[node] = (mean(child_pairs, cap=cap) if child_pairs
                                    else means[node])
                else:
                    result[node] = mean([*own[node], *child_pairs], cap=cap)
    return result


def final_grade(objective: ObjectiveRow) -> Fraction | None:
    """The exact final grade of a closed objective (None: not graded)."""
    if objective.final_exact is not None:
        return objective.final_exact
    return None if objective.final_score is None else exact(objective.final_score)


def graded_score(objective: ObjectiveRow, rolled_up: Fraction,
                 options: ScoringOptions) -> Fraction:
    final = final_grade(objective)
    if options.use_final_grades and final is not None:
        return final
    if options.apply_overrides and objective.grade_override is not None:
        return exact(objective.grade_override)
    return rolled_up


def score_cycle(rows: CycleRows, policy: OkrPolicy,
                options: ScoringOptions = NORMAL_RULES) -> dict[UUID, ObjectiveScore]:
    """Scores of every live objective of the rows (those the viewer may see, when the rows
    were built for a viewer: see ``visibility.visible_rows``)."""
    # Exact scores are many small objects and none forms a cycle: collecting while they
    # are made would only walk the rows again and again.
    with paused_gc():
        pairs = {o.id: key_result_pairs(rows.key_results_of(o.id), options)
                 for o in rows.objectives}
        own = {oid: mean(p, cap=options.cap_progress) for oid, p in pairs.items()}
        rolled = roll_up(pairs, rows.children, policy.roll_up, cap=options.cap_progress,
                         means=own)
        return {
            o.id: ObjectiveScore(
                own=own[o.id],
                rolled_up=rolled[o.id],
                graded=graded_score(o, rolled[o.id], options),
            )
            for o in rows.objectives
        }
