"""The analyses decide on exact scores, through the whole write and read path: objectives
made by the commands, scored by the catalog projection, then banded and bucketed by the
stretch analysis and the alignment tree. Their key results put the scores on every edge
(0.3, 0.6, 0.7, 0.9 and the histogram's tenths) and the results must equal exact rational
arithmetic done by hand, under the default band edges and an organization's own.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from okr_api.storage import init_database
from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.values import Band, BandEdges, Kind, Level, OkrPolicy
from projections.analysis import Viewer, alignment_tree, stretch_analysis
from projections.analysis.clock import elapsed_share
from projections.replay.asof import AsOfReplayer
from projections.source import EventSource
from tests.domain.test_exact_scores import (
    DEFAULT_EDGES,
    Kr,
    grid_kr,
    on_an_edge,
    org_edges,
    reference_band,
    reference_bucket,
    reference_mean,
)

KRS = st.one_of(on_an_edge().map(lambda case: case[0]),
                st.lists(grid_kr, min_size=1, max_size=4))
OBJECTIVES = st.lists(st.tuples(KRS, st.sampled_from([Kind.ASPIRATIONAL] * 3
                                                     + [Kind.COMMITTED])),
                      min_size=1, max_size=6)


def reference_standing(score: Fraction, elapsed: Fraction) -> Band:
    """A committed objective before the close: behind when more than 0.1 below the
    elapsed share of the cycle."""
    return Band.BEHIND if score < elapsed - Fraction(1, 10) else Band.ON_TRACK


@settings(max_examples=30, deadline=None)
@given(OBJECTIVES, st.one_of(st.just(DEFAULT_EDGES), org_edges()))
def test_bands_and_buckets_equal_exact_arithmetic(
        objectives: list[tuple[list[Kr], Kind]], edges: tuple[float, ...]) -> None:
    app = init_database("memory://")
    org = app.create_organization("Acme", "acme").id
    system = Actor.system(org)
    cycle = app.create_cycle(system, "2026-Q4").id
    app.activate_cycle(system, cycle)
    expected: dict[object, tuple[Fraction, Kind]] = {}
    for number, (krs, kind) in enumerate(objectives):
        made = app.create_objective(system, cycle, Level.COMPANY, f"O{number}", kind=kind).id
        ids = [app.add_key_result(system, made, f"KR {n}", kr.metric, start=kr.start,
                                  target=kr.target, weight=kr.weight).id
               for n, kr in enumerate(krs)]
        app.activate_objective(system, made)
        for kr_id, kr in zip(ids, krs, strict=True):
            app.record_check_in(system, made, kr_id, kr.current)
        expected[made] = (reference_mean(krs), kind)

    now = clock.now()
    state = AsOfReplayer(EventSource(app)).state_at(org, cycle, now)
    assert state.cycle is not None
    assert {o.id: o.score for o in state.objectives} == {
        oid: score for oid, (score, _) in expected.items()}
    policy = OkrPolicy(bands=BandEdges(*edges))
    admin = Viewer.admin()

    stretch = stretch_analysis(state.cycle, state.objectives, state.key_results,
                               state.directory, admin, policy, now)
    aspirational = [score for score, kind in expected.values() if kind is Kind.ASPIRATIONAL]
    buckets = Counter(reference_bucket(score) for score in aspirational)
    assert [b.count for b in stretch.histogram] == [buckets[i] for i in range(10)]
    bands = Counter(reference_band(score, edges) for score in aspirational)
    assert {b.band: b.count for b in stretch.bands} == {
        band: bands[band] for band in (Band.LOW, Band.PROGRESS, Band.SWEET_SPOT, Band.HIGH,
                                       Band.TOO_SAFE)}
    assert stretch.committed_met == sum(
        1 for score, kind in expected.values() if kind is Kind.COMMITTED and score == 1)

    elapsed = elapsed_share(state.cycle, now)
    assert elapsed == Fraction(45, 92)  # the test run's clock: 15 November
    tree = alignment_tree(cycle, state.objectives, state.key_results, state.directory,
                          admin, policy, elapsed=elapsed)
    for node in tree.nodes:
        score, kind = expected[node.objective_id]
        assert node.details is not None
        assert node.details.band is (reference_band(score, edges)
                                     if kind is Kind.ASPIRATIONAL
                                     else reference_standing(score, elapsed))
        assert node.rolled_up_score == score.numerator / score.denominator
    app.close()
