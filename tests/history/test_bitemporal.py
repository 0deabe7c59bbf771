"""The two time axes of history: ``as_of`` (valid time: a check-in counts from its
``applies_at``) and ``known_at`` (transaction time: what had been recorded by then),
whatever order the timestamps were written in."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.values import CycleStatus, Level, MetricType
from projections.analysis import Viewer
from projections.analysis.timeline import Interval, step_moments
from projections.replay.asof import AsOfReplayer
from projections.replay.catalog_session import rows_of
from projections.replay.cycle_state import CycleState
from projections.replay.stepping import CycleStepper
from projections.replay.timeline_walk import cycle_timeline
from projections.source import EventSource
from tests.history.quarter import WEEK_1, WEEK_2, WEEK_3, Quarter, at, build_quarter

pytestmark = pytest.mark.parametrize("store_url", ["memory"], indirect=True)


@pytest.fixture
def quarter(app: OkrApplication) -> Quarter:
    return build_quarter(app)


def current(state: CycleState, key_result: UUID) -> object:
    return {kr.id: kr.current for kr in state.key_results}[key_result]


def fresh(app: OkrApplication, q: Quarter, moment: datetime,
          known_at: datetime | None = None) -> CycleState:
    """A replay from the log's beginning, nothing kept."""
    return AsOfReplayer(EventSource(app)).state_at(q.org, q.cycle, moment, known_at=known_at)


def unbounded(app: OkrApplication, q: Quarter, moment: datetime,
              known_at: datetime | None = None) -> CycleState:
    """One replay that keeps every event it read (no horizon), nothing kept."""
    stepper = CycleStepper(EventSource(app), q.org, q.cycle, known_at=known_at)
    stepper.advance(moment)
    return CycleState.of_rows(q.org, q.cycle, rows_of(stepper.tables), stepper.position,
                              stepper.changed_at, stepper.counts)


def test_a_late_check_in_counts_from_when_it_applies(app: OkrApplication,
                                                     quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    entered = at(8, 3, 9)
    with simulated_time(entered):  # Friday's check-in for the Monday of week 1, weeks late
        app.record_check_in(admin, quarter.i2, quarter.kr["i2"], 3,
                            applies_at=WEEK_1 - timedelta(hours=1))
    week_1 = fresh(app, quarter, WEEK_1)
    assert current(week_1, quarter.kr["i2"]) == 1  # the later check-in of week 1 wins
    before = fresh(app, quarter, WEEK_1 - timedelta(minutes=30))
    assert current(before, quarter.kr["i2"]) == 3
    # As recorded before it was entered, week 1 had no such check-in.
    known = fresh(app, quarter, WEEK_1 - timedelta(minutes=30), entered - timedelta(days=1))
    assert current(known, quarter.kr["i2"]) == 0
    assert known.check_ins_recorded == before.check_ins_recorded - 1


def test_a_correction_of_an_old_check_in(app: OkrApplication, quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    week_1 = fresh(app, quarter, WEEK_1)
    check_in = next(c for c in week_1.check_ins if c.key_result_id == quarter.kr["c1"])
    corrected = at(8, 10, 9)
    with simulated_time(corrected):
        app.correct_check_in(admin, quarter.c1, check_in.id, 1, "typo in the survey export")
    assert current(fresh(app, quarter, WEEK_1 + timedelta(hours=1)), quarter.kr["c1"]) == 1
    assert current(fresh(app, quarter, WEEK_1 + timedelta(hours=1), corrected
                         - timedelta(seconds=1)), quarter.kr["c1"]) == 2
    # A later check-in still wins over the corrected one.
    assert current(fresh(app, quarter, WEEK_2), quarter.kr["c1"]) == 4
    assert current(fresh(app, quarter, WEEK_1 - timedelta(hours=1)), quarter.kr["c1"]) == 0


def test_a_close_written_after_the_next_quarter_started(app: OkrApplication,
                                                        quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    with simulated_time(at(9, 28, 9)):
        q4 = app.create_cycle(admin, "2026-Q4").id
        objective = app.create_objective(admin, q4, Level.COMPANY, "Next quarter").id
        kr = app.add_key_result(admin, objective, "Deals", MetricType.INCREASE_TO, start=0,
                                target=10).id
        app.activate_objective(admin, objective)
    with simulated_time(at(10, 2, 9)):
        app.activate_cycle(admin, q4)
        app.record_check_in(admin, objective, kr, 4)
    with simulated_time(at(10, 1, 9)):  # written after, stamped earlier
        app.close_cycle(admin, quarter.cycle)
    replayer = AsOfReplayer(EventSource(app))
    moments = step_moments(at(10, 1).date(), at(12, 31).date(), Interval.WEEK, at(10, 20))
    steps = cycle_timeline(replayer, quarter.org, q4, moments, Viewer.admin()).steps
    assert [s.check_ins_total for s in steps] == [0, 1, 1, 1]
    assert [s.status for s in steps] == [CycleStatus.PLANNING] + [CycleStatus.ACTIVE] * 3
    q3 = replayer.state_at(quarter.org, quarter.cycle, at(10, 1, 12))
    assert q3.cycle is not None
    assert q3.cycle.status is CycleStatus.CLOSED
    q3_before = replayer.state_at(quarter.org, quarter.cycle, at(9, 30))
    assert q3_before.cycle is not None
    assert q3_before.cycle.status is CycleStatus.ACTIVE
    # Stepping back in time after walking forward answers from the start again.
    q4_early = replayer.state_at(quarter.org, q4, at(9, 29))
    assert q4_early.exists
    assert current(q4_early, kr) == 0


def test_walks_in_any_order_equal_a_replay_from_scratch(app: OkrApplication,
                                                        quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    rng = random.Random(5)
    names = {"c1": quarter.c1, "t1a": quarter.t1, "i1": quarter.i1, "i2": quarter.i2}
    for n in range(30):  # check-ins entered out of order, applying all over the quarter
        name = rng.choice(sorted(names))
        with simulated_time(at(9, 10) + timedelta(hours=n * 5)):
            app.record_check_in(admin, names[name], quarter.kr[name], rng.randint(0, 9),
                                applies_at=at(7, 1) + timedelta(hours=rng.randint(0, 1500)))
    moments = [at(7, 1) + timedelta(hours=rng.randint(-100, 2000)) for _ in range(25)]
    moments += [WEEK_1, WEEK_2, WEEK_3]
    replayer = AsOfReplayer(EventSource(app), every_events=4)
    for known_at in (None, at(9, 11, 12)):
        walked = replayer.sample(quarter.org, quarter.cycle, moments, lambda s: s,
                                 known_at=known_at)
        for moment in rng.sample(moments, len(moments)):
            replayer.state_at(quarter.org, quarter.cycle, moment, known_at=known_at)
        for moment, state in zip(moments, walked, strict=True):
            expected = fresh(app, quarter, moment, known_at)
            assert rows(state) == rows(expected), moment
            assert rows(unbounded(app, quarter, moment, known_at)) == rows(expected), moment
            again = replayer.state_at(quarter.org, quarter.cycle, moment, known_at=known_at)
            assert rows(again) == rows(expected), moment


def rows(state: CycleState) -> object:
    """What an answer is made of (a row's position may differ when late check-ins are
    applied in another order; its content may not)."""
    return ({o.id: (o.status, o.score, o.parent_id, o.title) for o in state.objectives},
            {k.id: (k.current, k.score, k.weight, k.check_in_count) for k in state.key_results},
            {c.id: (c.value, c.applies_at, c.corrected) for c in state.check_ins},
            state.check_ins_recorded, state.cycle.status if state.cycle else None)


def test_the_worked_example_of_the_readme(app: OkrApplication, quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    with simulated_time(at(6, 25, 11)):
        objective = app.create_objective(admin, quarter.cycle, Level.TEAM, "Move services",
                                         owner_team_id=quarter.platform).id
        kr = app.add_key_result(admin, objective, "Services moved", MetricType.INCREASE_TO,
                                start=0, target=100).id
        app.activate_objective(admin, objective)
    with simulated_time(at(7, 10, 16)):  # Friday, for Monday
        check_in = app.record_check_in(admin, objective, kr, 20, applies_at=WEEK_1).id
    with simulated_time(at(7, 20, 9)):
        app.correct_check_in(admin, objective, check_in, 25, "miscounted")
    replayer = AsOfReplayer(EventSource(app))

    def value(as_of: datetime, known_at: datetime | None = None) -> object:
        return current(replayer.state_at(quarter.org, quarter.cycle, as_of,
                                         known_at=known_at), kr)

    assert value(at(7, 7)) == 25
    assert value(at(7, 7), at(7, 15)) == 20
    assert value(at(7, 7), at(7, 8)) == 0
    assert value(at(7, 8), at(7, 8)) == 0
