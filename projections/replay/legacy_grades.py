"""Grades as closes computed them before scores were exact.

A cycle closed then (``Cycle.Closed`` version 1) holds grades computed with floats, and
its hash formats those floats (``okr_domain.grading.float_score_text``). Verification
replays such a close with the same float arithmetic, so an untouched old close still
verifies; closes since are verified exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Context
from uuid import UUID

from okr_domain.grading import Grade
from okr_domain.rollup import roll_up_with
from okr_domain.scoring import Number, exact
from okr_domain.values import Band, BandEdges, Kind, MetricType, ObjectiveStatus, OkrPolicy
from projections.catalog.rows import KeyResultRow, ObjectiveRow

_DECIMALS = Context(prec=28)
OPEN = (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _score(kr: KeyResultRow) -> float:
    start, target, current = kr.start, kr.target, kr.current
    if kr.metric_type is MetricType.STAY_AT_OR_ABOVE:
        return 1.0 if current >= target else 0.0
    if kr.metric_type is MetricType.STAY_AT_OR_BELOW:
        return 1.0 if current <= target else 0.0
    if kr.metric_type is MetricType.BINARY:
        return 1.0 if current >= 1 else 0.0
    if kr.metric_type is MetricType.DECREASE_TO:
        return _clamp(float(_DECIMALS.divide(start - current, start - target)))
    return _clamp(float(_DECIMALS.divide(current - start, target - start)))


def _mean(pairs: Sequence[tuple[float, Number]]) -> float:
    total = 0.0
    weights = 0.0
    for value, weight in pairs:
        total += value * float(weight)
        weights += float(weight)
    if weights <= 0.0:
        return 0.0
    return _clamp(total / weights)


def _band(score: float, kind: Kind, edges: BandEdges) -> Band:
    if kind is Kind.COMMITTED:
        return Band.MET if score >= 1.0 else Band.MISSED
    if score < edges.low:
        return Band.LOW
    if score < edges.sweet_from:
        return Band.PROGRESS
    if score <= edges.sweet_to:
        return Band.SWEET_SPOT
    if score < edges.too_safe:
        return Band.HIGH
    return Band.TOO_SAFE


def float_grades(objectives: Sequence[ObjectiveRow],
                 key_results: Mapping[UUID, Sequence[KeyResultRow]],
                 children: Callable[[UUID], Sequence[UUID]],
                 policy: OkrPolicy) -> list[Grade]:
    """The grades closing gave with floats (``objectives`` in creation order, key results
    in the order they were added); the scores are the floats' exact values."""
    own = {o.id: [(_score(kr), kr.weight) for kr in key_results.get(o.id, ())]
           for o in objectives if o.status != ObjectiveStatus.ARCHIVED}
    rolled = roll_up_with(own, children, policy.roll_up, _mean)
    grades = []
    for objective in objectives:
        if objective.status not in OPEN:
            continue
        computed = rolled[objective.id]
        override = objective.grade_override
        final = computed if override is None else override
        band = _band(final, Kind(objective.kind), policy.bands).value
        grades.append(Grade(objective.id, exact(computed),
                            None if override is None else exact(override), exact(final), band))
    return grades
