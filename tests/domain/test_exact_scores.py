"""Exact scores: means, bands, histogram buckets and grade texts are decided on the exact
rational value, whatever the weights, values and band edges, most of all on the edges.

The reference here is written out by hand with ``Fraction``: a float given as a weight or
an edge stands for its decimal text (``str``), a check-in value for its decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from okr_domain import scoring
from okr_domain.grading import Grade, grades_hash, score_text
from okr_domain.rollup import rolled_up_scores
from okr_domain.values import Band, BandEdges, Kind, MetricType, RollUp

M = MetricType
DEFAULT_EDGES = (0.3, 0.6, 0.7, 0.9)
HISTOGRAM_EDGES = tuple(i / 10 for i in range(1, 10))
MICRO = Decimal("0.000001")
WEIGHTS = (0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.7, 0.9, 1.0, 1.5, 2.0, 2.5, 3.0, 7.0)


@dataclass(frozen=True)
class Kr:
    metric: MetricType
    start: Decimal
    target: Decimal
    current: Decimal
    weight: float

    def exact_score(self) -> Fraction:
        start, target, current = map(Fraction, (self.start, self.target, self.current))
        if self.metric is M.DECREASE_TO:
            progress = (start - current) / (start - target)
        else:
            progress = (current - start) / (target - start)
        return min(Fraction(1), max(Fraction(0), progress))

    def domain_score(self) -> Fraction:
        return scoring.score(self.metric, self.start, self.target, self.current)


def reference_mean(krs: list[Kr]) -> Fraction:
    weights = sum((Fraction(str(k.weight)) for k in krs), Fraction(0))
    if weights == 0 and krs:  # every weight 0: the key results count alike
        return sum((k.exact_score() for k in krs), Fraction(0)) / len(krs)
    if weights == 0:
        return Fraction(0)
    total = sum((k.exact_score() * Fraction(str(k.weight)) for k in krs), Fraction(0))
    return min(Fraction(1), max(Fraction(0), total / weights))


def reference_band(score: Fraction, edges: tuple[float, ...]) -> Band:
    low, sweet_from, sweet_to, too_safe = (Fraction(str(e)) for e in edges)
    if score < low:
        return Band.LOW
    if score < sweet_from:
        return Band.PROGRESS
    if score <= sweet_to:
        return Band.SWEET_SPOT
    return Band.HIGH if score < too_safe else Band.TOO_SAFE


def reference_bucket(score: Fraction) -> int:
    """The last tenth at or below the score: an edge belongs to the bucket above it."""
    return max(i for i in range(10) if Fraction(i, 10) <= score)


def tenth_grid_kr(units: int, weight: float, metric: MetricType) -> Kr:
    """A key result at ``units``/20 of the way: start 0 -> 10 (or 10 -> 0), in halves."""
    value = Decimal(units) / 2
    if metric is M.DECREASE_TO:
        return Kr(metric, Decimal(10), Decimal(0), Decimal(10) - value, weight)
    return Kr(metric, Decimal(0), Decimal(10), value, weight)


grid_kr = st.builds(tenth_grid_kr, st.integers(0, 20), st.sampled_from(WEIGHTS),
                    st.sampled_from([M.INCREASE_TO, M.DECREASE_TO]))


@st.composite
def on_an_edge(draw: st.DrawFn) -> tuple[list[Kr], Fraction]:
    """Key results whose weighted mean is exactly one of the edges: the last one's
    value is solved for (start 0, target its denominator)."""
    edge = Fraction(str(draw(st.sampled_from(DEFAULT_EDGES + HISTOGRAM_EDGES))))
    others = draw(st.lists(grid_kr, max_size=3))
    weight = draw(st.sampled_from([w for w in WEIGHTS if w]))
    w = Fraction(str(weight))
    weights = sum((Fraction(str(k.weight)) for k in others), Fraction(0)) + w
    needed = (edge * weights - sum((k.exact_score() * Fraction(str(k.weight))
                                    for k in others), Fraction(0))) / w
    assume(0 <= needed <= 1)
    last = Kr(M.INCREASE_TO, Decimal(0), Decimal(needed.denominator),
              Decimal(needed.numerator), weight)
    return [*others, last], edge


@st.composite
def org_edges(draw: st.DrawFn) -> tuple[float, ...]:
    """An organization's band edges, given as floats with two decimals."""
    low, sweet_from, sweet_to = sorted(draw(st.lists(st.integers(0, 90), min_size=3,
                                                     max_size=3)))
    too_safe = draw(st.integers(sweet_to + 1, 100))
    return tuple(v / 100 for v in (low, sweet_from, sweet_to, too_safe))


def check(krs: list[Kr], edges: tuple[float, ...]) -> Fraction:
    for kr in krs:
        assert kr.domain_score() == kr.exact_score()
    mean = scoring.weighted_mean((k.domain_score(), k.weight) for k in krs)
    assert mean == reference_mean(krs)
    band_edges = BandEdges(*edges)
    assert scoring.stretch_band(mean, band_edges) is reference_band(mean, edges)
    assert scoring.band(mean, Kind.ASPIRATIONAL, band_edges) is reference_band(mean, edges)
    assert scoring.band(mean, Kind.COMMITTED, band_edges) is (
        Band.MET if mean == 1 else Band.MISSED)
    with localcontext() as context:
        context.prec = 100
        text = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(MICRO)
    assert score_text(mean) == str(text)
    return mean


@settings(max_examples=150, deadline=None)
@given(st.lists(grid_kr, min_size=1, max_size=5), st.one_of(st.just(DEFAULT_EDGES),
                                                            org_edges()))
def test_means_and_bands_are_exact_on_a_grid(krs: list[Kr], edges: tuple[float, ...]) -> None:
    check(krs, edges)


@settings(max_examples=150, deadline=None)
@given(on_an_edge())
@example(([Kr(M.INCREASE_TO, Decimal(0), Decimal(10), Decimal(5), 1.0),
           Kr(M.INCREASE_TO, Decimal(0), Decimal(10), Decimal(8), 2.0)], Fraction(7, 10)))
@example(([Kr(M.INCREASE_TO, Decimal(0), Decimal(10), Decimal(3), 1.0),
           Kr(M.INCREASE_TO, Decimal(0), Decimal(10), Decimal(7), 3.0)], Fraction(6, 10)))
def test_a_mean_on_an_edge_is_exactly_the_edge(case: tuple[list[Kr], Fraction]) -> None:
    krs, edge = case
    mean = check(krs, DEFAULT_EDGES)
    assert mean == edge
    assert scoring.display(mean) == edge.numerator / edge.denominator
    assert Fraction(reference_bucket(mean), 10) == edge  # every edge is on a tenth


@settings(max_examples=100, deadline=None)
@given(st.lists(on_an_edge(), min_size=1, max_size=4), org_edges())
def test_band_edges_of_the_organization_are_exact(cases: list[tuple[list[Kr], Fraction]],
                                                  edges: tuple[float, ...]) -> None:
    for krs, _ in cases:
        check(krs, edges)
    # Scores exactly on the organization's own edges.
    band_edges = BandEdges(*edges)
    for edge in edges:
        exact = Fraction(str(edge))
        assert scoring.stretch_band(exact, band_edges) is reference_band(exact, edges)


@pytest.mark.parametrize(("krs", "shown", "band"), [
    ([(5, 1.0), (8, 2.0)], 0.7, Band.SWEET_SPOT),  # 0.7000000000000001 in floats: HIGH
    ([(3, 1.0), (7, 3.0)], 0.6, Band.SWEET_SPOT),  # 0.5999999999999999: PROGRESS
    ([(2, 1.0), (5, 1.0), (5, 1.0)], 0.4, Band.PROGRESS),  # 0.39999999999999997 in floats
    ([(2, 1.0), (2, 1.0), (3, 1.0)], 0.2333, Band.LOW),
])
def test_the_known_cases(krs: list[tuple[int, float]], shown: float, band: Band) -> None:
    pairs = [(scoring.score(M.INCREASE_TO, Decimal(0), Decimal(10), Decimal(v)), w)
             for v, w in krs]
    mean = scoring.weighted_mean(pairs)
    assert scoring.display(mean) == shown
    assert scoring.stretch_band(mean, BandEdges()) is band


def test_display_rounds_the_exact_value_to_four_places() -> None:
    assert scoring.display(Fraction(2, 3)) == 0.6667
    assert scoring.display(Fraction(7, 10)) == 0.7
    assert scoring.display(Fraction(1, 3)) == 0.3333
    assert scoring.display(Fraction(-3, 2)) == -1.5  # raw progress may be negative
    assert scoring.display(None) is None


def test_floats_given_stand_for_their_decimal_text() -> None:
    assert scoring.exact(0.7) == Fraction(7, 10)
    assert scoring.exact(0.1) + scoring.exact(0.2) == scoring.exact(0.3)
    assert scoring.exact(Decimal("0.35")) == Fraction(7, 20)
    assert scoring.exact(2) == 2


def test_roll_up_is_exact() -> None:
    from uuid import uuid4

    parent, a, b = uuid4(), uuid4(), uuid4()
    own = {parent: [], a: [(Fraction(1, 2), 1.0), (Fraction(4, 5), 2.0)],
           b: [(Fraction(3, 10), 1.0), (Fraction(7, 10), 3.0)]}
    rolled = rolled_up_scores(own, lambda o: [a, b] if o == parent else [],
                              RollUp.ALIGNED_CHILDREN)
    assert rolled == {parent: Fraction(13, 20), a: Fraction(7, 10), b: Fraction(3, 5)}


def test_the_grade_hash_writes_the_exact_value() -> None:
    from uuid import UUID

    oid = UUID(int=1)
    exact = grades_hash([Grade(oid, Fraction(7, 10), None, Fraction(7, 10), "SWEET_SPOT")])
    given_as_floats = grades_hash([Grade(oid, 0.7, None, 0.7, "SWEET_SPOT")])
    assert exact == given_as_floats
    assert score_text(Fraction(2, 3)) == "0.666667"
    assert score_text(Fraction(1, 2 * 10**6)) == "0.000000"  # ties to even
    assert score_text(Fraction(3, 2 * 10**6)) == "0.000002"
