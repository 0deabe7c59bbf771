"""Subtree replays (``projections.replay.subtree``): the alignment tree of one objective's
subtree, replayed from its own aggregates' events, equals the tree from a replay of the
whole cycle from the log's beginning, on every store, for sampled moments on both time
axes, with check-ins entered late and out of order, corrections, re-alignments written
with earlier timestamps than events before them, and a close; also when the read models
lag behind the log."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.errors import NotFound
from projections import analysis
from projections.registry import PROJECTIONS
from projections.replay import chosen_aggregates
from projections.replay.asof import AsOfReplayer
from projections.replay.cycle_state import CycleState
from projections.replay.partial import PartialReplayer
from projections.running.batches import ProjectionWorker
from projections.source import EventSource
from projections.stores.database import Database, open_database
from tests.history.quarter import WEEK_1, WEEK_2, WEEK_3, Quarter, at, build_quarter


def catch_up(app: OkrApplication, database: Database) -> None:
    database.setup()
    for projection in PROJECTIONS.values():
        session = database.session()
        try:
            ProjectionWorker(EventSource(app), projection, session, batch_size=7).catch_up()
        finally:
            session.close()


def caught_up(app: OkrApplication, store_url: str, **options: int) -> PartialReplayer:
    """A replayer of chosen aggregates over read models that have caught up with the
    log."""
    database = open_database(store_url)
    catch_up(app, database)
    return PartialReplayer(AsOfReplayer(EventSource(app)), database, **options)


def tree(state: CycleState, root: UUID, viewer: analysis.Viewer) -> object:
    if not state.exists:
        return "no cycle"
    assert state.cycle is not None
    assert state.organization is not None
    try:
        return analysis.alignment_tree(
            state.cycle.id, state.objectives, state.key_results, state.directory, viewer,
            state.organization.policy, analysis.TreeView(root_objective_id=root))
    except NotFound:
        return "not found"


def busy_quarter(app: OkrApplication, *, realign: bool = True,
                 close: bool = True) -> Quarter:
    """The hand-computed quarter with late and out-of-order writes on top: check-ins
    entered in September for any day of the quarter, Alice's new manager (written before
    a person who joined earlier), a correction, a re-alignment
    written with timestamps earlier than the check-ins before it, then the close."""
    q = build_quarter(app)
    admin = Actor.system(q.org)
    rng = random.Random(11)
    names = {"c1": q.c1, "t1a": q.t1, "t1b": q.t1, "i1": q.i1, "i2": q.i2, "p1": q.p1}
    recorded = []
    for n in range(24):
        name = rng.choice(sorted(names))
        with simulated_time(at(9, 10) + timedelta(hours=n * 5)):
            recorded.append((names[name], app.record_check_in(
                admin, names[name], q.kr[name], rng.randint(0, 1),
                applies_at=at(7, 1) + timedelta(hours=rng.randint(0, 1500))).id))
    with simulated_time(at(7, 20, 15)):  # Bob now manages Alice: her private P1 is his
        app.upsert_person(admin, "alice", "Alice", team_id=q.platform, manager_id=q.bob)
    with simulated_time(at(7, 10)):
        app.upsert_person(admin, "newbie", "New Person", team_id=q.platform)
    with simulated_time(at(9, 20)):
        objective, check_in = recorded[3]
        app.correct_check_in(admin, objective, check_in, 0, "typo")
    if realign:
        realign_out_of_order(app, q)
    if close:
        with simulated_time(at(10, 1, 9)):
            app.close_cycle(admin, q.cycle)
    return q


def realign_out_of_order(app: OkrApplication, q: Quarter) -> None:
    """I2 leaves T1 and joins C1, written last with earlier timestamps."""
    admin = Actor.system(q.org)
    with simulated_time(at(7, 28, 9)):
        app.unalign_objective(admin, q.i2, "moved")
    with simulated_time(at(7, 27, 9)):
        app.align_objective(admin, q.i2, q.c1)


MOMENTS = [WEEK_1, WEEK_2, at(7, 17), WEEK_3, at(7, 27, 12), at(7, 29), at(8, 20), at(10, 2)]


def compare(app: OkrApplication, q: Quarter, replayer: PartialReplayer,
            known_ats: list[datetime | None]) -> None:
    source = EventSource(app)
    member = analysis.Viewer(q.bob)
    rng = random.Random(7)
    moments = MOMENTS + [at(6, 20) + timedelta(hours=rng.randint(0, 2600)) for _ in range(6)]
    moments += [at(7, 20, 14), at(7, 20, 16)]  # around Alice's new manager alone
    named: dict[object, object] = {}
    for known_at in known_ats:
        for moment in moments:
            whole = AsOfReplayer(source).state_at(q.org, q.cycle, moment, known_at=known_at)
            for root in (q.c1, q.t1, q.i1, q.i2, q.p1):
                part = replayer.state_at(q.org, q.cycle, root, moment, known_at)
                assert part is not None
                assert part.part == root
                for viewer in (analysis.Viewer.admin(), member):
                    answer = tree(part, root, viewer)
                    assert answer == tree(whole, root, viewer), (moment, known_at, root, viewer)
                    # Answers are kept by the state's key: one key, one answer.
                    assert named.setdefault((part.key, viewer), answer) == answer, moment


def test_subtree_answers_equal_a_replay_of_the_whole_cycle(
        app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app)
    replayer = caught_up(app, store_url)
    compare(app, q, replayer, [None, at(7, 14), at(7, 27, 20)])


def test_writes_the_read_models_have_not_reached_are_read_from_the_log(
        app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app, realign=False, close=False)
    replayer = caught_up(app, store_url)
    before = replayer.state_at(q.org, q.cycle, q.c1, at(8, 20))
    assert before is not None
    assert replayer.state_at(q.org, q.cycle, q.c1, at(8, 20)) is before  # kept
    realign_out_of_order(app, q)  # the links and catalog read models do not see it yet
    after = replayer.state_at(q.org, q.cycle, q.c1, at(8, 20))
    assert after is not None
    assert after is not before
    assert q.i2 in {o.id for o in after.objectives}
    compare(app, q, replayer, [None])


def test_read_models_far_behind_give_way_to_the_whole_replay(
        app: OkrApplication, store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    q = build_quarter(app)
    database = open_database(store_url)
    database.setup()
    monkeypatch.setattr(chosen_aggregates, "MAX_TAIL", 10)
    replayer = PartialReplayer(AsOfReplayer(EventSource(app)), database)
    assert replayer.state_at(q.org, q.cycle, q.c1, WEEK_3) is None


def test_states_something_relevant_was_written_after_are_forgotten(
        app: OkrApplication, store_url: str) -> None:
    q = busy_quarter(app, realign=False, close=False)
    replayer = caught_up(app, store_url)
    assert replayer.state_at(q.org, q.cycle, q.c1, at(8, 20)) is not None
    assert replayer.forget_stale() == 0  # nothing written since: kept
    assert replayer.held == 1
    realign_out_of_order(app, q)
    assert replayer.forget_stale() == 1
    assert replayer.held == 0
