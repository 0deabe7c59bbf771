"""Checkpoints kept in the store (SQLite, PostgreSQL, memory): a replay in another
process resumes from the one furthest along before its moment, and answers as a replay
from the log's beginning does, whatever was written after the checkpoint was kept
(late check-ins, corrections of old ones, a close stamped earlier than writes before it)
and whatever order the timestamps came in."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from okr_domain.values import Level, MetricType
from projections.replay import chosen_aggregates
from projections.replay.asof import AsOfReplayer
from projections.replay.checkpoint_builder import CheckpointBuilder
from projections.replay.checkpoint_codec import decode, encode
from projections.replay.checkpoints import Checkpoint
from projections.replay.kept import KeptCheckpoints
from projections.replay.partial import PartialReplayer
from projections.replay.stepping import CycleStepper
from projections.replay.timeline_walk import StepMemo
from projections.source import EventSource
from projections.stores.checkpoint_store import CheckpointStore
from projections.stores.database import open_database
from tests.history.conftest import QuarterApi
from tests.history.quarter import WEEK_1, WEEK_2, WEEK_3, Quarter, at, build_quarter
from tests.history.test_asof_api import STRETCH, TREE, ask
from tests.history.test_bitemporal import fresh, rows
from tests.history.test_history_queries import TIMELINE


@pytest.fixture
def quarter(app: OkrApplication) -> Quarter:
    return build_quarter(app)


def kept_for(store_url: str) -> KeptCheckpoints:
    """What a process opening the store finds kept (a memory store is the test's own)."""
    key = store_url
    if key not in _STORES or not store_url.startswith("memory"):
        _STORES[key] = open_database(store_url).checkpoint_store()
    return KeptCheckpoints(_STORES[key])


_STORES: dict[str, CheckpointStore] = {}


@pytest.fixture(autouse=True)
def _forget_memory_stores() -> None:
    _STORES.clear()


def mess_up_the_log(app: OkrApplication, q: Quarter, rng: random.Random) -> None:
    """Check-ins entered weeks late and out of order, a correction of an old one."""
    admin = Actor.system(q.org)
    names = {"c1": q.c1, "t1a": q.t1, "i1": q.i1, "i2": q.i2}
    for n in range(12):
        name = rng.choice(sorted(names))
        with simulated_time(at(8, 20) + timedelta(hours=n * 7)):
            app.record_check_in(admin, names[name], q.kr[name], rng.randint(0, 9),
                                applies_at=at(7, 2) + timedelta(hours=rng.randint(0, 1000)))
    week_1 = fresh(app, q, WEEK_1)
    check_in = next(c for c in week_1.check_ins if c.key_result_id == q.kr["c1"])
    with simulated_time(at(8, 27, 9)):
        app.correct_check_in(admin, q.c1, check_in.id, 1, "typo in the survey export")


@pytest.mark.parametrize("store_url", ["memory"], indirect=True)
def test_a_checkpoint_reads_back_as_it_was_kept(app: OkrApplication,
                                                quarter: Quarter) -> None:
    mess_up_the_log(app, quarter, random.Random(1))
    stepper = CycleStepper(EventSource(app), quarter.org, quarter.cycle)
    stepper.advance(WEEK_2, read_limit=60)  # part of the log read: some events wait
    checkpoint = Checkpoint.of(stepper)
    back = decode(encode(checkpoint))
    assert back.rows == checkpoint.rows
    assert back.frontier == checkpoint.frontier
    assert back.frontier.pending  # the waiting events and their stored notifications too
    assert (back.key, back.position, back.valid_until, back.checked_to) \
        == (checkpoint.key, checkpoint.position, checkpoint.valid_until, checkpoint.checked_to)


@pytest.mark.parametrize("store_url", ["sqlite", "postgres", "memory"], indirect=True)
def test_another_process_resumes_from_kept_checkpoints(app: OkrApplication, store_url: str,
                                                       quarter: Quarter) -> None:
    rng = random.Random(7)
    mess_up_the_log(app, quarter, rng)
    kept = kept_for(store_url)
    built = CheckpointBuilder(EventSource(app), kept, every_events=8).build(
        quarter.org, quarter.cycle, at(9, 1))
    assert built.kept >= 4
    # Written after the checkpoints were kept: a late check-in for week 2, a correction
    # of week 1's, and the close of the quarter stamped before the last of them.
    admin = Actor.system(quarter.org)
    with simulated_time(at(9, 20, 9)):
        app.record_check_in(admin, quarter.i2, quarter.kr["i2"], 3,
                            applies_at=WEEK_2 + timedelta(hours=2))
    week_1 = fresh(app, quarter, WEEK_1 + timedelta(hours=1))
    check_in = next(c for c in week_1.check_ins if c.key_result_id == quarter.kr["t1a"])
    with simulated_time(at(9, 21, 9)):
        app.correct_check_in(admin, quarter.t1, check_in.id, 15, "entered in the wrong unit")
    with simulated_time(at(9, 19, 9)):
        app.close_cycle(admin, quarter.cycle)
    moments = [WEEK_1, WEEK_2, WEEK_2 + timedelta(hours=3), WEEK_3, at(8, 25), at(9, 30)]
    moments += [at(7, 1) + timedelta(hours=rng.randint(0, 2200)) for _ in range(6)]
    for known_at in (None, at(8, 21, 12), at(9, 20, 12)):
        # A new replayer is a process started afresh: nothing in memory.
        other = AsOfReplayer(EventSource(app), kept=kept_for(store_url))
        for moment in moments:
            answer = other.state_at(quarter.org, quarter.cycle, moment, known_at=known_at)
            assert rows(answer) == rows(fresh(app, quarter, moment, known_at)), \
                (moment, known_at)
        assert other.kept is not None
        assert other.kept.loaded > 0


@pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)
def test_a_kept_checkpoint_spares_the_replay_from_the_beginning(
        app: OkrApplication, store_url: str, quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    with simulated_time(at(8, 3, 9)):  # a busy August: many events after the weeks asked
        objective = app.create_objective(admin, quarter.cycle, Level.COMPANY, "More").id
        kr = app.add_key_result(admin, objective, "Deals", MetricType.INCREASE_TO, start=0,
                                target=100).id
        app.activate_objective(admin, objective)
    for day in range(40):
        with simulated_time(at(8, 4, 9) + timedelta(days=day)):
            app.record_check_in(admin, objective, kr, day)
    kept = kept_for(store_url)
    CheckpointBuilder(EventSource(app), kept, every_events=10).build(
        quarter.org, quarter.cycle, at(9, 20))
    scratch = AsOfReplayer(EventSource(app))
    scratch.state_at(quarter.org, quarter.cycle, at(9, 10))
    resumed = AsOfReplayer(EventSource(app), kept=kept_for(store_url))
    answer = resumed.state_at(quarter.org, quarter.cycle, at(9, 10))
    assert rows(answer) == rows(fresh(app, quarter, at(9, 10)))
    # At most a step (10 positions) of events applied past the checkpoint.
    assert resumed.cache.stats.replayed_events <= 10
    assert scratch.cache.stats.replayed_events > 40


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_building_again_keeps_nothing_new_and_a_rebuild_discards_them(
        app: OkrApplication, store_url: str, quarter: Quarter) -> None:
    from projections.running.service import rebuild_projections

    store = open_database(store_url).checkpoint_store()
    builder = CheckpointBuilder(EventSource(app), KeptCheckpoints(store), every_events=8)
    first = builder.build(quarter.org, quarter.cycle, at(9, 1))
    count = store.count()
    assert first.kept == count > 0
    again = builder.build(quarter.org, quarter.cycle, at(9, 1))
    assert (again.kept, store.count()) == (0, count)
    rebuild_projections(store_url, ["catalog"])
    assert store.count() == 0


@pytest.mark.asyncio
async def test_the_api_answers_from_checkpoints_the_worker_kept(
        fresh_quarter_api: QuarterApi, fresh_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Over HTTP: whole-cycle answers (the timeline too) replayed in parts equal those a
    process gives from the checkpoints the worker kept when its read models are too far
    behind for parts (and it has forgotten its own replays)."""
    from projections.running.service import keep_checkpoints

    qa = fresh_quarter_api
    history = qa.api.fastapi.state.services.extras["history"]
    moments = ("2026-07-08T00:00:00Z", "2026-07-18T00:00:00Z", "2026-09-01T00:00:00Z")

    async def answers() -> dict[tuple[str, str], Any]:
        found = {(query, at_): await ask(qa, query, at=at_) for query in (TREE, STRETCH)
                 for at_ in moments}
        found |= {("timeline", at_): await ask(qa, TIMELINE, until=at_) for at_ in moments}
        return found

    before = await answers()
    assert history.replayer.kept.loaded == 0  # all in parts
    assert await asyncio.to_thread(keep_checkpoints, fresh_url, every_events=6) > 0
    monkeypatch.setattr(chosen_aggregates, "MAX_TAIL", -1)  # no part replays: the whole cycle's
    history.cache.clear()
    history.partial = PartialReplayer(history.replayer, history.database)
    history.timeline_steps = StepMemo()
    assert await answers() == before
    assert history.replayer.kept.loaded > 0


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_the_keeper_keeps_every_open_cycle_as_the_log_grows(
        app: OkrApplication, store_url: str, quarter: Quarter) -> None:
    from projections.running.checkpoint_keeper import CheckpointKeeper

    store = open_database(store_url).checkpoint_store()
    keeper = CheckpointKeeper(EventSource(app), KeptCheckpoints(store), every_events=8)
    assert keeper.keep_once() == store.count() > 0
    assert keeper.keep_once() == 0  # less than a step written since
    admin = Actor.system(quarter.org)
    with simulated_time(at(8, 3, 9)):
        for value in range(8):
            app.record_check_in(admin, quarter.c1, quarter.kr["c1"], value)
    assert keeper.keep_once() == 1


@pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)
def test_processes_starting_together_make_the_table_once(app: OkrApplication,
                                                          store_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    stores = [open_database(store_url).checkpoint_store() for _ in range(6)]
    with ThreadPoolExecutor(len(stores)) as pool:
        counts = list(pool.map(lambda store: store.count(), stores))
    assert counts == [0] * len(stores)


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_step_with_nothing_a_cycle_replays_is_read_past(
        app: OkrApplication, store_url: str, quarter: Quarter) -> None:
    """Events no cycle replays (service accounts here) filling whole steps: the build
    reads past them and ends."""
    from okr_domain.values import Role

    admin = Actor.system(quarter.org)
    for n in range(20):
        app.create_service_account(admin, f"exporter {n}", [Role.HR])
    store = open_database(store_url).checkpoint_store()
    builder = CheckpointBuilder(EventSource(app), KeptCheckpoints(store), every_events=8)
    built = builder.build(quarter.org, quarter.cycle, at(9, 1))
    head = app.current_position()
    assert head is not None
    assert head - built.read_to < 8
