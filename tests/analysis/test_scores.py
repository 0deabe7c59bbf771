"""Objective scores: the three roll-up rules, weights, caps, final grades and overrides."""

from __future__ import annotations

import random
from fractions import Fraction
from uuid import UUID

import pytest

from okr_domain.rollup import rolled_up_scores
from okr_domain.values import CycleStatus, Level, ObjectiveStatus, OkrPolicy, RollUp
from projections.analysis import CycleRows, ScoringOptions, score_cycle
from projections.analysis.scores import roll_up

from .factories import Org


def policy(rule: RollUp) -> OkrPolicy:
    return OkrPolicy(roll_up=rule)


def three_levels() -> tuple[Org, dict[str, UUID]]:
    """C <- (T1 <- (I1, I2), T2)."""
    org = Org()
    sales = org.team("Sales")
    ann = org.person("Ann", team=sales)
    bob = org.person("Bob", team=sales)
    q1 = org.cycle()
    c = org.objective(q1, "C", krs=(0.5, 1.0))  # own (0.5 + 1.0) / 2 = 0.75
    t1 = org.objective(q1, "T1", team=sales, parent=c, krs=(0.2, 0.5))  # own 0.35
    t2 = org.objective(q1, "T2", team=sales, parent=c, krs=(0.9,))  # own 0.9
    i1 = org.objective(q1, "I1", person=ann, parent=t1, krs=(0.6,))  # own 0.6
    i2 = org.objective(q1, "I2", person=bob, parent=t1, krs=(0.0,))  # own 0.0
    return org, {"q1": q1.id, "C": c.id, "T1": t1.id, "T2": t2.id, "I1": i1.id, "I2": i2.id}


def scores_under(org: Org, cycle_id: UUID, rule: RollUp,
                 options: ScoringOptions | None = None) -> dict[str, float]:
    rows = CycleRows.build(cycle_id, org.objectives, org.key_results)
    result = score_cycle(rows, policy(rule), options or ScoringOptions())
    return {o.title: result[o.id].rolled_up for o in rows.objectives}


def test_key_results_rule_uses_own_key_results_only() -> None:
    org, ids = three_levels()
    assert scores_under(org, ids["q1"], RollUp.KEY_RESULTS) == pytest.approx(
        {"C": 0.75, "T1": 0.35, "T2": 0.9, "I1": 0.6, "I2": 0.0})


def test_aligned_children_rule_means_children_and_falls_back_for_leaves() -> None:
    org, ids = three_levels()
    # Leaves keep their key results: I1 0.6, I2 0.0, T2 0.9.
    # T1 = (0.6 + 0.0) / 2 = 0.3; C = (T1 0.3 + T2 0.9) / 2 = 0.6.
    assert scores_under(org, ids["q1"], RollUp.ALIGNED_CHILDREN) == pytest.approx(
        {"C": 0.6, "T1": 0.3, "T2": 0.9, "I1": 0.6, "I2": 0.0})


def test_both_rule_weighs_children_like_key_results() -> None:
    org, ids = three_levels()
    # T1 = (0.2 + 0.5 + I1 0.6 + I2 0.0) / 4 = 1.3 / 4 = 0.325.
    # C = (0.5 + 1.0 + T1 0.325 + T2 0.9) / 4 = 2.725 / 4 = 0.68125.
    assert scores_under(org, ids["q1"], RollUp.BOTH) == pytest.approx(
        {"C": 0.68125, "T1": 0.325, "T2": 0.9, "I1": 0.6, "I2": 0.0})


def test_own_score_is_the_key_result_mean_whatever_the_rule() -> None:
    org, ids = three_levels()
    rows = CycleRows.build(ids["q1"], org.objectives, org.key_results)
    result = score_cycle(rows, policy(RollUp.BOTH))
    assert result[ids["C"]].own == pytest.approx(0.75)
    assert result[ids["C"]].graded == pytest.approx(0.68125)


def test_weights_honoured_or_not() -> None:
    org = Org()
    q1 = org.cycle()
    o = org.objective(q1, "O")
    org.kr(o, 1.0, weight=3.0)
    org.kr(o, 0.0, weight=1.0)
    # Weighted: (1.0 * 3 + 0.0 * 1) / 4 = 0.75; unweighted: (1.0 + 0.0) / 2 = 0.5.
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS)["O"] == pytest.approx(0.75)
    unweighted = ScoringOptions(honour_weights=False)
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS, unweighted)["O"] == pytest.approx(0.5)


def test_all_weights_zero() -> None:
    org = Org()
    q1 = org.cycle()
    parent = org.objective(q1, "P")
    org.kr(parent, 1.0, weight=0.0)
    org.kr(parent, 0.5, weight=0.0)
    org.objective(q1, "Child", team=org.team("T"), parent=parent, krs=(0.8,))
    # KEY_RESULTS: no weight at all -> the key results count alike, (1.0 + 0.5) / 2
    # (okr_domain.scoring.weighted_mean), not 0.0 beside key results that score.
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS)["P"] == pytest.approx(0.75)
    # Unweighted: (1.0 + 0.5) / 2 = 0.75.
    unweighted = ScoringOptions(honour_weights=False)
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS, unweighted)["P"] == pytest.approx(0.75)
    # BOTH: the zero-weight key results add nothing; the child weighs 1 -> 0.8.
    assert scores_under(org, q1.id, RollUp.BOTH)["P"] == pytest.approx(0.8)
    # ALIGNED_CHILDREN: the child alone -> 0.8.
    assert scores_under(org, q1.id, RollUp.ALIGNED_CHILDREN)["P"] == pytest.approx(0.8)


def test_uncapped_progress() -> None:
    org = Org()
    q1 = org.cycle()
    o = org.objective(q1, "O")
    org.kr(o, 1.0, progress=1.5)
    org.kr(o, 0.5)
    # Capped: (1.0 + 0.5) / 2 = 0.75. Uncapped: (1.5 + 0.5) / 2 = 1.0.
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS)["O"] == pytest.approx(0.75)
    uncapped = ScoringOptions(cap_progress=False)
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS, uncapped)["O"] == pytest.approx(1.0)
    over = org.objective(q1, "Over")
    org.kr(over, 1.0, progress=1.5)
    org.kr(over, 1.0, progress=1.1)
    # Uncapped means are not clamped either: (1.5 + 1.1) / 2 = 1.3.
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS, uncapped)["Over"] == pytest.approx(1.3)
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS)["Over"] == 1.0


def test_final_grades_and_overrides() -> None:
    org = Org()
    q4 = org.cycle("2025-Q4", status=CycleStatus.CLOSED)
    closed = org.objective(q4, "Closed", status=ObjectiveStatus.CLOSED, krs=(0.9,),
                           final_score=0.65, override=0.65)
    q1 = org.cycle()
    pending = org.objective(q1, "Overridden", krs=(0.9,), override=0.4)

    def graded(cycle_id: UUID, objective_id: UUID, options: ScoringOptions) -> float:
        rows = CycleRows.build(cycle_id, org.objectives, org.key_results)
        return score_cycle(rows, org.policy, options)[objective_id].graded

    # Scores are exact: a grade given as 0.65 is 13/20.
    normal = ScoringOptions()
    assert graded(q4.id, closed.id, normal) == Fraction("0.65")  # the recorded final grade
    # Re-scored from key results, the override still applies: 0.65; without it: 0.9.
    assert graded(q4.id, closed.id, ScoringOptions(use_final_grades=False)) == Fraction("0.65")
    assert graded(q4.id, closed.id, ScoringOptions(use_final_grades=False,
                                                   apply_overrides=False)) == Fraction("0.9")
    assert graded(q1.id, pending.id, normal) == Fraction("0.4")
    assert graded(q1.id, pending.id, ScoringOptions(apply_overrides=False)) == Fraction("0.9")


def test_children_archived_or_in_other_cycles_do_not_count() -> None:
    org = Org()
    team = org.team("T")
    q1 = org.cycle()
    q2 = org.cycle("2026-Q2")
    parent = org.objective(q1, "P", krs=(0.5,))
    org.objective(q1, "Archived", team=team, parent=parent, krs=(1.0,),
                  status=ObjectiveStatus.ARCHIVED)
    org.objective(q2, "Elsewhere", team=team, parent=parent, krs=(1.0,))
    org.objective(q1, "Kept", team=team, parent=parent, krs=(0.1,))
    # Only "Kept" counts: ALIGNED_CHILDREN -> 0.1; BOTH -> (0.5 + 0.1) / 2 = 0.3.
    assert scores_under(org, q1.id, RollUp.ALIGNED_CHILDREN)["P"] == pytest.approx(0.1)
    assert scores_under(org, q1.id, RollUp.BOTH)["P"] == pytest.approx(0.3)
    assert "Archived" not in scores_under(org, q1.id, RollUp.BOTH)


def test_objective_without_key_results_scores_zero_or_its_children() -> None:
    org = Org()
    q1 = org.cycle()
    parent = org.objective(q1, "Empty")
    org.objective(q1, "Child", team=org.team("T"), parent=parent, krs=(0.4,))
    assert scores_under(org, q1.id, RollUp.KEY_RESULTS)["Empty"] == 0.0
    assert scores_under(org, q1.id, RollUp.ALIGNED_CHILDREN)["Empty"] == pytest.approx(0.4)
    assert scores_under(org, q1.id, RollUp.BOTH)["Empty"] == pytest.approx(0.4)


@pytest.mark.parametrize("rule", list(RollUp))
def test_roll_up_matches_the_domain_exactly(rule: RollUp) -> None:
    rng = random.Random(7)
    org = Org()
    q1 = org.cycle()
    made = [org.objective(q1, "C0", krs=(rng.random(),))]
    for i in range(1, 400):
        parent = rng.choice(made) if rng.random() < 0.8 else None
        level = Level.TEAM if i % 3 else Level.INDIVIDUAL
        scores = tuple(rng.random() for _ in range(rng.randint(0, 4)))
        child = org.objective(q1, f"O{i}", team=org.root, level=level, parent=parent,
                              krs=scores)
        made.append(child)
    for kr in org.key_results:
        kr.weight = rng.choice([0.0, 0.5, 1.0, 2.0])
    rows = CycleRows.build(q1.id, org.objectives, org.key_results)
    own = {o.id: [(kr.score, kr.weight) for kr in rows.key_results_of(o.id)]
           for o in rows.objectives}
    expected = rolled_up_scores(own, lambda oid: list(rows.children_of(oid)), rule)
    result = score_cycle(rows, policy(rule))
    assert {oid: s.rolled_up for oid, s in result.items()} == expected


def test_a_loop_in_bad_data_ends_like_the_domain() -> None:
    a, b, c = UUID(int=1), UUID(int=2), UUID(int=3)
    own = {a: [(0.2, 1.0)], b: [(0.4, 1.0)], c: [(0.9, 1.0)]}
    children = {a: (b,), b: (a, c)}  # a <- b <- a, and c under b
    for rule in (RollUp.ALIGNED_CHILDREN, RollUp.BOTH):
        expected = rolled_up_scores(own, lambda oid: list(children.get(oid, ())), rule)
        assert roll_up(own, children, rule) == expected
