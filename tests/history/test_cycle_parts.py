"""Whole cycles replayed in parts (``projections.replay.cycle_parts``): the rows and
analyses of a cycle replayed a few aggregates at a time from their own events equal those
of a replay of the whole cycle from the log's beginning, on every store, for sampled
moments on both time axes, with the late and out-of-order writes of ``busy_quarter``;
the state holds no check-ins but counts them; a timeline walked in parts equals one
walked through a replay of the whole cycle; writes the read models have not reached are
read from the log; read models far behind give way to the whole replay."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.values import Level
from projections import analysis
from projections.analysis.timeline import Interval, step_moments
from projections.replay import checkpoint_codec, chosen_aggregates, cycle_parts
from projections.replay.asof import AsOfReplayer
from projections.replay.checkpoint_builder import CheckpointBuilder
from projections.replay.cycle_state import CycleState
from projections.replay.kept import KeptCheckpoints
from projections.replay.partial import PartialReplayer
from projections.replay.timeline_walk import cycle_timeline
from projections.source import EventSource
from projections.stores.database import open_database
from tests.history.quarter import WEEK_1, WEEK_3, Quarter, at
from tests.history.test_subtree_replay import (
    busy_quarter,
    catch_up,
    caught_up,
    realign_out_of_order,
)


def answers(state: CycleState, viewer: analysis.Viewer, now: datetime) -> object:
    if not state.exists:
        return "no cycle"
    assert state.cycle is not None
    assert state.organization is not None
    args = (state.objectives, state.key_results, state.directory, viewer,
            state.organization.policy)
    return (analysis.alignment_tree(state.cycle.id, *args),
            analysis.stretch_analysis(state.cycle, *args, now),
            analysis.okr_health(state.cycle, *args, now))


def content(state: CycleState) -> object:
    """Rows without their positions (a row's position may differ when late check-ins
    are applied in another order, as a replay resumed from a checkpoint does)."""
    return ({o.id: (o.status, o.score, o.parent_id, o.title, o.last_check_in_at)
             for o in state.objectives},
            {k.id: (k.current, k.score, k.weight, k.check_in_count, k.last_check_in_at)
             for k in state.key_results},
            state.check_ins_recorded, state.cycle.status if state.cycle else None)


def compare(app: OkrApplication, q: Quarter, replayer: PartialReplayer,
            known_ats: list[datetime | None], *, exact: bool = True) -> None:
    source = EventSource(app)
    member = analysis.Viewer(q.bob)
    rng = random.Random(5)
    moments = [at(6, 20), WEEK_1, WEEK_3, at(7, 20, 14), at(7, 20, 16), at(7, 27, 12),
               at(8, 20), at(10, 2)]
    moments += [at(6, 20) + timedelta(hours=rng.randint(0, 2600)) for _ in range(4)]
    for known_at in known_ats:
        for moment in moments:
            whole = AsOfReplayer(source).state_at(q.org, q.cycle, moment, known_at=known_at)
            parts = replayer.cycle_at(q.org, q.cycle, moment, known_at)
            assert parts is not None
            assert not parts.check_ins_held
            assert parts.exists == whole.exists, (moment, known_at)
            assert {p.id: p.status for p in parts.proposals} == {
                p.id: p.status for p in whole.proposals}, (moment, known_at)
            assert content(parts) == content(whole), (moment, known_at)
            if exact:
                assert parts.objectives == whole.objectives, (moment, known_at)
                assert parts.key_results == whole.key_results, (moment, known_at)
                assert parts.proposals == whole.proposals, (moment, known_at)
                assert parts.position == whole.position, (moment, known_at)
            for viewer in (analysis.Viewer.admin(), member):
                assert answers(parts, viewer, moment) == answers(whole, viewer, moment), (
                    moment, known_at, viewer)


def with_proposals(app: OkrApplication, q: Quarter) -> None:
    """Two objectives proposed below C1 in August, one accepted, one declined."""
    admin = Actor.system(q.org)
    for day, accept in ((3, True), (4, False)):
        with simulated_time(at(8, day, 9)):
            child = app.create_objective(admin, q.cycle, Level.TEAM, f"Proposed {day}",
                                         owner_team_id=q.platform).id
            proposal = app.propose_alignment(admin, child, q.c1, message="shall we?").id
        with simulated_time(at(8, day, 15)):
            app.respond_to_alignment_proposal(admin, proposal, accept, "" if accept else "no")


def test_a_cycle_in_parts_equals_a_replay_of_the_whole_cycle(
        app: OkrApplication, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cycle_parts, "PART_AGGREGATES", 2)  # parts of two aggregates
    q = busy_quarter(app, close=False)
    with_proposals(app, q)
    with simulated_time(at(10, 1, 9)):
        app.close_cycle(Actor.system(q.org), q.cycle)
    replayer = caught_up(app, store_url)
    compare(app, q, replayer, [None, at(7, 14), at(7, 27, 20)])
    august = replayer.cycle_at(q.org, q.cycle, at(8, 20))
    assert august is not None
    assert len(august.proposals) == 2


def test_a_cycle_in_parts_holds_no_check_ins(app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app, realign=False, close=False)
    state = caught_up(app, store_url).cycle_at(q.org, q.cycle, at(8, 20))
    assert state is not None
    assert state.check_ins_recorded > 0
    assert state.unordered_check_ins == ()
    with pytest.raises(LookupError):
        state.check_ins_of(state.key_results[0].id)


def test_cycle_writes_the_read_models_have_not_reached_are_read_from_the_log(
        app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app, realign=False, close=False)
    replayer = caught_up(app, store_url)
    before = replayer.cycle_at(q.org, q.cycle, at(8, 20))
    assert before is not None
    assert replayer.cycle_at(q.org, q.cycle, at(8, 20)) is before  # kept
    realign_out_of_order(app, q)  # the read models do not see it yet
    after = replayer.cycle_at(q.org, q.cycle, at(8, 20))
    assert after is not None
    assert after is not before
    assert after.objective(q.i2).parent_id == q.c1  # type: ignore[union-attr]
    compare(app, q, replayer, [None])


def test_only_the_latest_whole_cycles_are_kept(app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app, realign=False, close=False)
    replayer = caught_up(app, store_url, kept_cycles=2)
    for day in (1, 2, 3):
        assert replayer.cycle_at(q.org, q.cycle, at(8, day)) is not None
    assert replayer.state_at(q.org, q.cycle, q.c1, at(8, 1)) is not None
    assert replayer.held == 3  # two cycles and the subtree


def test_read_models_far_behind_give_way_to_the_whole_replay(
        app: OkrApplication, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    q = busy_quarter(app, realign=False, close=False)
    database = open_database(store_url)
    database.setup()
    monkeypatch.setattr(chosen_aggregates, "MAX_TAIL", 10)
    replayer = PartialReplayer(AsOfReplayer(EventSource(app)), database)
    assert replayer.cycle_at(q.org, q.cycle, at(8, 20)) is None


@pytest.mark.parametrize("every", [Interval.WEEK, Interval.DAY])
def test_a_timeline_walked_in_parts_equals_one_of_the_whole_cycle(
        app: OkrApplication, store_url: str, monkeypatch: pytest.MonkeyPatch,
        every: Interval) -> None:
    monkeypatch.setattr(cycle_parts, "PART_AGGREGATES", 2)
    q = busy_quarter(app)
    partial = caught_up(app, store_url)
    source = partial.replayer.source
    member = analysis.Viewer(q.bob)
    moments = step_moments(date(2026, 7, 1), date(2026, 9, 30), every, at(10, 3))
    for known_at in (None, at(7, 14), at(7, 27, 20)):
        for viewer in (analysis.Viewer.admin(), member):
            whole = cycle_timeline(AsOfReplayer(source), q.org, q.cycle, moments, viewer,
                                   known_at=known_at)
            parts = cycle_timeline(AsOfReplayer(source), q.org, q.cycle, moments, viewer,
                                   known_at=known_at, partial=partial)
            assert parts == whole, (known_at, viewer)
            assert any(step.check_ins for step in whole.steps)


def test_parts_resumed_from_kept_checkpoints_equal_a_replay_of_the_whole_cycle(
        app: OkrApplication, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bucket of a kept checkpoint resumes as a part, reading only its aggregates'
    events written after the checkpoint: the late check-ins, the correction, the
    re-alignment and the close written after it count as in a replay from the start."""
    monkeypatch.setattr(checkpoint_codec, "BUCKET_OBJECTIVES", 2)
    q = busy_quarter(app, realign=False, close=False)
    database = open_database(store_url)
    kept = KeptCheckpoints(database.checkpoint_store())
    source = EventSource(app)
    assert CheckpointBuilder(source, kept, every_events=8).build(
        q.org, q.cycle, at(9, 25)).kept > 0
    realign_out_of_order(app, q)  # written after every checkpoint
    with simulated_time(at(10, 1, 9)):
        app.close_cycle(Actor.system(q.org), q.cycle)
    catch_up(app, database)
    replayer = PartialReplayer(AsOfReplayer(source, kept=kept), database)
    compare(app, q, replayer, [None, at(7, 27, 20)], exact=False)
    assert kept.loaded > 0
    moments = step_moments(date(2026, 7, 1), date(2026, 9, 30), Interval.WEEK, at(10, 3))
    for known_at in (None, at(9, 20)):
        loaded = kept.loaded
        whole = cycle_timeline(AsOfReplayer(source), q.org, q.cycle, moments,
                               analysis.Viewer.admin(), known_at=known_at)
        parts = cycle_timeline(AsOfReplayer(source), q.org, q.cycle, moments[3:],
                               analysis.Viewer.admin(), known_at=known_at,
                               partial=replayer)
        # The first step of a walk counts every check-in so far as its own.
        first = whole.steps[3]
        assert parts.steps[0] == replace(first, check_ins=first.check_ins_total), known_at
        assert parts.steps[1:] == whole.steps[4:], known_at
        assert kept.loaded > loaded
