"""Scoring rules (DESIGN section 1): progress, score, weighted mean, bands, roll-up."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as Dec
from uuid import UUID, uuid4

import pytest

from okr_domain import scoring
from okr_domain.errors import ErrorCode, InvalidInput
from okr_domain.key_result import CheckIn, KeyResult
from okr_domain.rollup import rolled_up_scores
from okr_domain.values import Band, BandEdges, Kind, MetricType, RollUp

M = MetricType


# Progress and score, per metric type.


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (Dec(0), Dec(10), Dec(0), 0.0),
        (Dec(0), Dec(10), Dec(7), 0.7),
        (Dec(0), Dec(10), Dec(10), 1.0),
        (Dec(20), Dec(60), Dec(30), 0.25),  # (30-20)/(60-20)
        (Dec(-10), Dec(10), Dec(0), 0.5),
        (Dec(100), Dec(200), Dec("150.5"), 0.505),
    ],
)
def test_increase_to_progress_is_current_minus_start_over_target_minus_start(
    start: Dec, target: Dec, current: Dec, expected: float
) -> None:
    assert scoring.progress(M.INCREASE_TO, start, target, current) == pytest.approx(expected)
    assert scoring.score(M.INCREASE_TO, start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        (Dec(100), Dec(20), Dec(100), 0.0),
        (Dec(100), Dec(20), Dec(60), 0.5),  # (100-60)/(100-20)
        (Dec(100), Dec(20), Dec(20), 1.0),
        (Dec(10), Dec(0), Dec(8), 0.2),
        (Dec(0), Dec(-40), Dec(-10), 0.25),
    ],
)
def test_decrease_to_progress_is_start_minus_current_over_start_minus_target(
    start: Dec, target: Dec, current: Dec, expected: float
) -> None:
    assert scoring.progress(M.DECREASE_TO, start, target, current) == pytest.approx(expected)
    assert scoring.score(M.DECREASE_TO, start, target, current) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("metric", "start", "target", "current", "raw"),
    [
        (M.INCREASE_TO, Dec(0), Dec(10), Dec(15), 1.5),  # past the target
        (M.INCREASE_TO, Dec(10), Dec(20), Dec(5), -0.5),  # went backwards
        (M.DECREASE_TO, Dec(100), Dec(50), Dec(25), 1.5),
        (M.DECREASE_TO, Dec(100), Dec(50), Dec(130), -0.6),
    ],
)
def test_raw_progress_is_kept_unclamped_while_the_score_is_clamped(
    metric: MetricType, start: Dec, target: Dec, current: Dec, raw: float
) -> None:
    assert scoring.progress(metric, start, target, current) == pytest.approx(raw)
    assert scoring.score(metric, start, target, current) == (1.0 if raw > 1 else 0.0)


def test_key_result_keeps_raw_progress_beside_its_clamped_score() -> None:
    kr = KeyResult(uuid4(), "Signups", M.INCREASE_TO, Dec(0), Dec(100), "", 1.0)
    assert kr.current == Dec(0)
    assert not kr.has_value
    assert kr.progress == 0.0
    kr.check_ins.append(CheckIn(uuid4(), kr.id, Dec(130), datetime(2026, 1, 5, tzinfo=UTC),
                                2, None, "", None))
    assert kr.progress == pytest.approx(1.3)
    assert kr.score == 1.0


@pytest.mark.parametrize(
    ("metric", "target", "current", "expected"),
    [
        (M.STAY_AT_OR_ABOVE, Dec(99), Dec(99), 1.0),  # inclusive of the target
        (M.STAY_AT_OR_ABOVE, Dec(99), Dec("99.5"), 1.0),
        (M.STAY_AT_OR_ABOVE, Dec(99), Dec("98.999"), 0.0),
        (M.STAY_AT_OR_BELOW, Dec(5), Dec(5), 1.0),  # inclusive of the target
        (M.STAY_AT_OR_BELOW, Dec(5), Dec("4.2"), 1.0),
        (M.STAY_AT_OR_BELOW, Dec(5), Dec("5.001"), 0.0),
    ],
)
def test_stay_kinds_score_one_or_zero_inclusive_of_the_target(
    metric: MetricType, target: Dec, current: Dec, expected: float
) -> None:
    start, target_ = scoring.normalize_bounds(metric, None, target)
    assert (start, target_) == (target, target)  # no start given: the target
    assert scoring.progress(metric, start, target_, current) == expected
    assert scoring.score(metric, start, target_, current) == expected


def test_stay_kinds_accept_a_start_equal_to_or_different_from_the_target() -> None:
    assert scoring.normalize_bounds(M.STAY_AT_OR_ABOVE, Dec(3), Dec(3)) == (Dec(3), Dec(3))
    assert scoring.normalize_bounds(M.STAY_AT_OR_BELOW, Dec(9), Dec(3)) == (Dec(9), Dec(3))


def test_binary_is_zero_to_one_whatever_was_given() -> None:
    assert scoring.normalize_bounds(M.BINARY, Dec(5), Dec(50)) == (Dec(0), Dec(1))
    assert scoring.normalize_bounds(M.BINARY, None, None) == (Dec(0), Dec(1))
    assert scoring.score(M.BINARY, Dec(0), Dec(1), Dec(0)) == 0.0
    assert scoring.score(M.BINARY, Dec(0), Dec(1), Dec(1)) == 1.0
    scoring.check_value(M.BINARY, Dec(0))
    scoring.check_value(M.BINARY, Dec("1.000"))
    for bad in (Dec(2), Dec("0.5"), Dec(-1)):
        with pytest.raises(InvalidInput) as info:
            scoring.check_value(M.BINARY, bad)
        assert info.value.code is ErrorCode.VALUE_OUT_OF_RANGE


@pytest.mark.parametrize(("percent", "expected"), [(0, 0.0), (35, 0.35), (70, 0.7), (100, 1.0)])
def test_milestone_is_percent_done(percent: int, expected: float) -> None:
    start, target = scoring.normalize_bounds(M.MILESTONE, Dec(10), Dec(20))
    assert (start, target) == (Dec(0), Dec(100))
    scoring.check_value(M.MILESTONE, Dec(percent))
    assert scoring.score(M.MILESTONE, start, target, Dec(percent)) == pytest.approx(expected)


@pytest.mark.parametrize("bad", [Dec(-1), Dec("100.01"), Dec(250)])
def test_milestone_rejects_percentages_outside_0_100(bad: Dec) -> None:
    with pytest.raises(InvalidInput) as info:
        scoring.check_value(M.MILESTONE, bad)
    assert info.value.code is ErrorCode.VALUE_OUT_OF_RANGE


@pytest.mark.parametrize("metric", [M.INCREASE_TO, M.DECREASE_TO, M.STAY_AT_OR_ABOVE])
def test_values_must_be_finite(metric: MetricType) -> None:
    for bad in (Dec("NaN"), Dec("Infinity"), Dec("-Infinity")):
        with pytest.raises(InvalidInput):
            scoring.check_value(metric, bad)
    with pytest.raises(InvalidInput):
        scoring.normalize_bounds(metric, Dec(0), Dec("Infinity"))


@pytest.mark.parametrize("metric", [M.INCREASE_TO, M.DECREASE_TO])
def test_target_equal_to_start_is_rejected(metric: MetricType) -> None:
    with pytest.raises(InvalidInput) as info:
        scoring.normalize_bounds(metric, Dec(7), Dec("7.00"))
    assert info.value.code is ErrorCode.TARGET_EQUALS_START


@pytest.mark.parametrize(
    ("metric", "start", "target"),
    [(M.INCREASE_TO, Dec(10), Dec(5)), (M.DECREASE_TO, Dec(5), Dec(10))],
)
def test_target_in_the_wrong_direction_is_rejected(
    metric: MetricType, start: Dec, target: Dec
) -> None:
    with pytest.raises(InvalidInput) as info:
        scoring.normalize_bounds(metric, start, target)
    assert info.value.code is ErrorCode.TARGET_DIRECTION


@pytest.mark.parametrize("metric", [M.INCREASE_TO, M.DECREASE_TO])
def test_increase_and_decrease_need_start_and_target(metric: MetricType) -> None:
    with pytest.raises(InvalidInput) as info:
        scoring.normalize_bounds(metric, Dec(0), None)
    assert info.value.field == "target"
    with pytest.raises(InvalidInput) as info:
        scoring.normalize_bounds(metric, None, Dec(10))
    assert info.value.field == "start"


def test_stay_kinds_need_a_target() -> None:
    with pytest.raises(InvalidInput):
        scoring.normalize_bounds(M.STAY_AT_OR_BELOW, Dec(3), None)


# Weighted mean.


def test_weighted_mean_weighs_each_score() -> None:
    assert scoring.weighted_mean([(1.0, 1.0), (0.0, 1.0)]) == pytest.approx(0.5)
    # (0.9*3 + 0.3*1) / 4 = 0.75
    assert scoring.weighted_mean([(0.9, 3.0), (0.3, 1.0)]) == pytest.approx(0.75)
    assert scoring.weighted_mean([(0.4, 2.5)]) == pytest.approx(0.4)


def test_zero_weights_do_not_count() -> None:
    assert scoring.weighted_mean([(1.0, 0.0), (0.2, 1.0)]) == pytest.approx(0.2)
    assert scoring.weighted_mean([(0.6, 2.0), (0.0, 0.0), (1.0, 0.0)]) == pytest.approx(0.6)


def test_weighted_mean_of_nothing_is_zero_and_of_only_zero_weights_a_plain_mean() -> None:
    assert scoring.weighted_mean([]) == 0.0
    assert scoring.weighted_mean([(1.0, 0.0), (0.5, 0.0)]) == 0.75


def test_weighted_mean_accepts_a_generator() -> None:
    pairs = ((s, w) for s, w in [(1.0, 1.0), (0.5, 1.0)])
    assert scoring.weighted_mean(pairs) == pytest.approx(0.75)


# Bands.


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, Band.LOW),
        (0.299999, Band.LOW),
        (0.3, Band.PROGRESS),
        (0.599999, Band.PROGRESS),
        (0.6, Band.SWEET_SPOT),
        (0.65, Band.SWEET_SPOT),
        (0.7, Band.SWEET_SPOT),
        (0.700001, Band.HIGH),
        (0.899999, Band.HIGH),
        (0.9, Band.TOO_SAFE),
        (1.0, Band.TOO_SAFE),
    ],
)
def test_aspirational_band_edges(value: float, band: Band) -> None:
    assert scoring.band(value, Kind.ASPIRATIONAL, BandEdges()) is band
    assert scoring.stretch_band(value, BandEdges()) is band


@pytest.mark.parametrize(
    ("value", "band"),
    [(1.0, Band.MET), (0.999999, Band.MISSED), (0.7, Band.MISSED), (0.0, Band.MISSED)],
)
def test_committed_objectives_are_met_only_at_one(value: float, band: Band) -> None:
    assert scoring.band(value, Kind.COMMITTED, BandEdges()) is band


def test_band_edges_are_per_organization() -> None:
    edges = BandEdges(low=0.2, sweet_from=0.5, sweet_to=0.8, too_safe=0.95)
    assert scoring.stretch_band(0.25, edges) is Band.PROGRESS
    assert scoring.stretch_band(0.5, edges) is Band.SWEET_SPOT
    assert scoring.stretch_band(0.8, edges) is Band.SWEET_SPOT
    assert scoring.stretch_band(0.9, edges) is Band.HIGH
    assert scoring.stretch_band(0.95, edges) is Band.TOO_SAFE


@pytest.mark.parametrize(
    "edges",
    [
        {"low": 0.7, "sweet_from": 0.6},  # low above sweet_from
        {"sweet_to": 0.95},  # sweet_to not below too_safe
        {"too_safe": 1.2},
        {"low": -0.1},
    ],
)
def test_inconsistent_band_edges_are_rejected(edges: dict[str, float]) -> None:
    with pytest.raises(InvalidInput) as info:
        BandEdges(**edges)
    assert info.value.field == "bands"


# Roll-up over the alignment tree.


def _ids(n: int) -> list[UUID]:
    return [uuid4() for _ in range(n)]


def _tree() -> tuple[dict[UUID, list[tuple[float, float]]], dict[UUID, list[UUID]], list[UUID]]:
    """company <- team_a (<- alice, bob), company <- team_b (a leaf)."""
    company, team_a, team_b, alice, bob = _ids(5)
    own = {
        company: [(0.2, 1.0)],
        team_a: [(1.0, 1.0), (0.0, 1.0)],  # 0.5
        team_b: [(0.9, 3.0), (0.3, 1.0)],  # 0.75
        alice: [(0.8, 1.0)],
        bob: [(0.4, 1.0), (1.0, 0.0)],  # 0.4: the zero weight does not count
    }
    children = {company: [team_a, team_b], team_a: [alice, bob]}
    return own, children, [company, team_a, team_b, alice, bob]


def test_roll_up_by_key_results_ignores_the_tree() -> None:
    own, children, (company, team_a, team_b, alice, bob) = _tree()
    scores = rolled_up_scores(own, lambda o: children.get(o, []), RollUp.KEY_RESULTS)
    assert scores == pytest.approx(
        {company: 0.2, team_a: 0.5, team_b: 0.75, alice: 0.8, bob: 0.4})


def test_roll_up_by_aligned_children_uses_leaves_key_results() -> None:
    own, children, (company, team_a, team_b, alice, bob) = _tree()
    scores = rolled_up_scores(own, lambda o: children.get(o, []), RollUp.ALIGNED_CHILDREN)
    # team_a = mean(alice 0.8, bob 0.4) = 0.6; team_b is a leaf: 0.75
    # company = mean(team_a 0.6, team_b 0.75) = 0.675
    assert scores == pytest.approx(
        {company: 0.675, team_a: 0.6, team_b: 0.75, alice: 0.8, bob: 0.4})


def test_roll_up_by_both_mixes_key_results_and_children() -> None:
    own, children, (company, team_a, team_b, alice, bob) = _tree()
    scores = rolled_up_scores(own, lambda o: children.get(o, []), RollUp.BOTH)
    # team_a = (1.0 + 0.0 + alice 0.8 + bob 0.4) / 4 = 0.55
    # team_b = (0.9*3 + 0.3) / 4 = 0.75
    # company = (0.2 + team_a 0.55 + team_b 0.75) / 3 = 0.5
    assert scores == pytest.approx(
        {company: 0.5, team_a: 0.55, team_b: 0.75, alice: 0.8, bob: 0.4})


def test_roll_up_ignores_children_it_was_not_given() -> None:
    parent, child, archived = _ids(3)
    own = {parent: [(0.0, 1.0)], child: [(1.0, 1.0)]}
    children = {parent: [child, archived]}
    scores = rolled_up_scores(own, lambda o: children.get(o, []), RollUp.ALIGNED_CHILDREN)
    assert scores[parent] == 1.0
    assert archived not in scores


def test_roll_up_of_an_objective_without_key_results_or_children_is_zero() -> None:
    (lonely,) = _ids(1)
    for rule in RollUp:
        assert rolled_up_scores({lonely: []}, lambda o: [], rule) == {lonely: 0.0}


def test_roll_up_survives_a_cycle_in_the_graph() -> None:
    a, b = _ids(2)
    own = {a: [(0.2, 1.0)], b: [(0.6, 1.0)]}
    children = {a: [b], b: [a]}
    scores = rolled_up_scores(own, lambda o: children.get(o, []), RollUp.BOTH)
    assert set(scores) == {a, b}
    assert all(0.0 <= s <= 1.0 for s in scores.values())


def test_key_results_that_all_weigh_nothing_count_alike() -> None:
    from fractions import Fraction

    assert scoring.weighted_mean([(Fraction(2, 5), 0), (Fraction(4, 7), 0)]) == Fraction(
        17, 35)
    # One weight above 0 decides alone; the weightless ones do not count.
    assert scoring.weighted_mean([(Fraction(2, 5), 0), (Fraction(4, 7), 1)]) == Fraction(
        4, 7)
