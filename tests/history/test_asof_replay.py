"""As-of replays of the hand-computed quarter (see quarter.py) on every store: the tree,
the stretch analysis and the timeline as of several dates, equal to a full replay."""

from __future__ import annotations

from datetime import datetime

import pytest

from okr_domain.application import OkrApplication
from okr_domain.values import Band, CycleStatus
from projections import analysis
from projections.analysis.timeline import Interval, step_moments
from projections.catalog.tables import KEY_RESULTS, OBJECTIVES
from projections.replay.asof import AsOfReplayer
from projections.replay.cycle_state import CycleState
from projections.replay.full_replay import replay
from projections.replay.timeline_walk import cycle_timeline
from projections.source import EventSource
from tests.history.quarter import REALIGNED, WEEK_3, Quarter, at, build_quarter

ADMIN = analysis.Viewer.admin()


@pytest.fixture
def quarter(app: OkrApplication) -> Quarter:
    return build_quarter(app)


def tree_of(state: CycleState, viewer: analysis.Viewer = ADMIN) -> analysis.AlignmentTree:
    assert state.cycle is not None
    assert state.organization is not None
    return analysis.alignment_tree(state.cycle.id, state.objectives, state.key_results,
                                   state.directory, viewer, state.organization.policy)


def stretch_of(state: CycleState, when: datetime,
               viewer: analysis.Viewer = ADMIN) -> analysis.StretchAnalysis:
    assert state.cycle is not None
    assert state.organization is not None
    return analysis.stretch_analysis(state.cycle, state.objectives, state.key_results,
                                     state.directory, viewer, state.organization.policy, when)


def shares(result: analysis.StretchAnalysis) -> dict[Band, float | None]:
    return {b.band: b.share for b in result.bands if b.count}


def test_tree_and_stretch_as_of_several_dates(app: OkrApplication, quarter: Quarter) -> None:
    q = quarter
    replayer = AsOfReplayer(EventSource(app))

    before = replayer.state_at(q.org, q.cycle, at(6, 1))
    assert not before.exists  # the cycle was created on 20 Jun

    start = replayer.state_at(q.org, q.cycle, at(7, 1))
    assert start.cycle is not None
    assert start.cycle.status is CycleStatus.PLANNING  # activated at 08:00
    tree = tree_of(start)
    assert tree.root_ids == (q.c1, q.i2, q.p1)
    assert tree.coverage.aligned == 2
    assert tree.coverage.total == 4
    assert {n.objective_id: n.rolled_up_score for n in tree.nodes} == dict.fromkeys(
        (q.c1, q.t1, q.i1, q.i2, q.p1), 0.0)

    week_1 = replayer.state_at(q.org, q.cycle, at(7, 8))
    scores = {n.objective_id: n.rolled_up_score for n in tree_of(week_1).nodes}
    assert scores == pytest.approx({q.c1: 0.2, q.t1: 0.1, q.i1: 0.2, q.i2: 0.25, q.p1: 0.0})
    stretch = stretch_of(week_1, at(7, 8))
    assert stretch.mean == pytest.approx(0.1875)
    assert stretch.median == pytest.approx(0.2)
    assert shares(stretch) == {Band.LOW: 1.0}
    assert (stretch.committed_count, stretch.committed_met) == (1, 0)

    # Between the re-alignment (16 Jul 12:00) and the next check-in (20 Jul 10:00):
    # I2 is under T1 now, I1 is re-weighted, no new score has come in.
    between = replayer.state_at(q.org, q.cycle, at(7, 18))
    tree = tree_of(between)
    assert tree.root_ids == (q.c1, q.p1)
    nodes = {n.objective_id: n for n in tree.nodes}
    assert nodes[q.t1].child_ids == (q.i1, q.i2)
    assert nodes[q.i2].parent_id == q.t1
    assert {k: n.rolled_up_score for k, n in nodes.items()} == pytest.approx(
        {q.c1: 0.4, q.t1: 0.75, q.i1: 0.45, q.i2: 0.5, q.p1: 0.0})
    assert tree.coverage.aligned == 3
    stretch = stretch_of(between, at(7, 18))
    assert stretch.mean == pytest.approx((0.4 + 0.75 + 0.45 + 0.5) / 4)
    assert stretch.median == pytest.approx(0.475)
    assert shares(stretch) == pytest.approx({Band.PROGRESS: 0.75, Band.HIGH: 0.25})

    # Just before the re-alignment: I2 still an orphan, I1 still weighted 2:1.
    just_before = replayer.state_at(q.org, q.cycle, REALIGNED.replace(minute=0, hour=11))
    nodes = {n.objective_id: n for n in tree_of(just_before).nodes}
    assert nodes[q.i2].parent_id is None
    assert nodes[q.i1].rolled_up_score == pytest.approx(0.5)

    week_3 = replayer.state_at(q.org, q.cycle, at(7, 22))
    stretch = stretch_of(week_3, at(7, 22))
    assert stretch.mean == pytest.approx((0.7 + 0.75 + 0.6 + 1.0) / 4)
    assert stretch.median == pytest.approx(0.725)
    assert shares(stretch) == pytest.approx(
        {Band.SWEET_SPOT: 0.5, Band.HIGH: 0.25, Band.TOO_SAFE: 0.25})
    # An analyst who does not manage Alice does not see her private objective.
    analyst = analysis.Viewer(q.analyst)
    hidden = stretch_of(week_3, at(7, 22), analyst)
    assert hidden.committed_count == 0
    assert q.p1 not in {n.objective_id for n in tree_of(week_3, analyst).nodes}
    assert stretch_of(week_3, at(7, 22)).committed_count == 1


def test_as_of_rows_equal_a_full_replay(app: OkrApplication, quarter: Quarter) -> None:
    source = EventSource(app)
    replayer = AsOfReplayer(source, every_events=7)  # many checkpoints on the way
    for moment in (at(7, 8), at(7, 18), at(7, 13, 10), WEEK_3, at(12, 1), at(7, 2)):
        state = replayer.state_at(quarter.org, quarter.cycle, moment)
        full = replay(source, organization_id=quarter.org, until=moment).session()
        assert {o.id: o for o in state.objectives} == {o.id: o for o in full.all_rows(
            OBJECTIVES)}
        assert {k.id: k for k in state.key_results} == {k.id: k for k in full.all_rows(
            KEY_RESULTS)}


def test_timeline_weekly_steps(app: OkrApplication, quarter: Quarter) -> None:
    moments = step_moments(at(7, 1).date(), at(9, 30).date(), Interval.WEEK, at(7, 24))
    assert moments == [at(7, 1), at(7, 8), at(7, 15), at(7, 22), at(7, 24)]
    found = cycle_timeline(AsOfReplayer(EventSource(app)), quarter.org, quarter.cycle,
                           moments, ADMIN)
    steps = found.steps
    assert [s.status for s in steps] == [CycleStatus.PLANNING] + [CycleStatus.ACTIVE] * 4
    assert [s.objective_count for s in steps] == [5] * 5
    assert [s.mean for s in steps] == pytest.approx(
        [0.0, 0.1875, (0.4 + 0.75 + 0.5 + 0.5) / 4, 0.7625, 0.7625])
    assert [s.median for s in steps] == pytest.approx([0.0, 0.2, 0.5, 0.725, 0.725])
    assert [s.check_ins for s in steps] == [0, 4, 6, 3, 0]
    assert [s.check_ins_total for s in steps] == [0, 4, 10, 13, 13]
    assert [s.checked_in_objectives for s in steps] == [0, 4, 4, 3, 0]
    assert [s.coverage.share for s in steps] == [0.5, 0.5, 0.5, 0.75, 0.75]
    assert [shares_of(s) for s in steps] == [
        {Band.LOW: 1.0}, {Band.LOW: 1.0}, {Band.PROGRESS: 0.75, Band.HIGH: 0.25},
        {Band.SWEET_SPOT: 0.5, Band.HIGH: 0.25, Band.TOO_SAFE: 0.25},
        {Band.SWEET_SPOT: 0.5, Band.HIGH: 0.25, Band.TOO_SAFE: 0.25}]
    assert [(s.committed_count, s.committed_met) for s in steps] == [(1, 0)] * 5


def shares_of(step: object) -> dict[Band, float | None]:
    return {b.band: b.share for b in step.bands if b.count}  # type: ignore[attr-defined]
