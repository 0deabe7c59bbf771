"""The as-of cache: checkpoints along a replay, what they answer, their bound, commits
landing out of timestamp order, and checkpoints made stale by later writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from okr_domain import clock
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.clock import simulated_time
from projections.replay.asof import AsOfReplayer
from projections.replay.checkpoints import CheckpointCache
from projections.source import EventSource
from tests.history.quarter import WEEK_2, WEEK_3, Quarter, at, build_quarter

pytestmark = pytest.mark.parametrize("store_url", ["memory"], indirect=True)


@pytest.fixture
def quarter(app: OkrApplication) -> Quarter:
    return build_quarter(app)


def test_checkpoints_along_the_replay_answer_without_replaying(app: OkrApplication,
                                                               quarter: Quarter) -> None:
    replayer = AsOfReplayer(EventSource(app), every_events=2)
    key = (quarter.org, quarter.cycle, None)
    # A walk: the first moment reads the log, the second goes on through what was read.
    _, late = replayer.sample(quarter.org, quarter.cycle, [at(6, 21), at(7, 25)],
                              lambda s: s)
    kept = replayer.cache.checkpoints(key)
    # The first moment (after the set-up), then after each burst of events sharing a
    # time (objectives, week 1 with the cycle's activation, week 2, the re-alignment),
    # and the last moment asked for (its rows are week 3's).
    assert [c.changed_at for c in kept] == [at(6, 20, 10), at(6, 25, 10), at(7, 6, 10),
                                            WEEK_2, at(7, 16, 12), WEEK_3]
    assert late.changed_at == WEEK_3
    replayed = replayer.cache.stats.replayed_events
    early = replayer.state_at(quarter.org, quarter.cycle, WEEK_2 + timedelta(hours=1))
    assert replayer.cache.stats.replayed_events == replayed  # a checkpoint answered
    assert early.changed_at is not None
    assert early.changed_at <= WEEK_2 + timedelta(hours=1)
    assert {kr.current for kr in early.key_results if kr.id == quarter.kr["i2"]} == {2}


def test_the_cache_is_bounded(app: OkrApplication, quarter: Quarter) -> None:
    cache = CheckpointCache(max_rows=200, max_checkpoints=3)
    replayer = AsOfReplayer(EventSource(app), cache, every_events=5)
    replayer.sample(quarter.org, quarter.cycle, [at(6, 21), at(7, 25)], lambda s: s)
    assert len(cache.checkpoints((quarter.org, quarter.cycle, None))) <= 3
    assert cache.rows_held <= 200
    assert cache.stats.checkpoints_evicted > 0
    # Evicted or not, every answer is right.
    state = replayer.state_at(quarter.org, quarter.cycle, at(7, 8))
    assert {kr.id: kr.current for kr in state.key_results}[quarter.kr["c1"]] == 2


def test_commits_out_of_timestamp_order_are_placed_by_their_time(
        app: OkrApplication, quarter: Quarter) -> None:
    admin = Actor.system(quarter.org)
    moment = datetime(2026, 8, 3, 10, tzinfo=UTC)
    with simulated_time(moment + timedelta(seconds=30)):
        app.record_check_in(admin, quarter.c1, quarter.kr["c1"], 8)
    with simulated_time(moment):  # committed after it, stamped earlier
        app.record_check_in(admin, quarter.i2, quarter.kr["i2"], 4)
    with simulated_time(moment + timedelta(hours=1)):
        app.record_check_in(admin, quarter.c1, quarter.kr["c1"], 9)
    replayer = AsOfReplayer(EventSource(app))
    state = replayer.state_at(quarter.org, quarter.cycle, moment + timedelta(seconds=10))
    current = {kr.id: kr.current for kr in state.key_results}
    assert current[quarter.kr["i2"]] == 4  # stamped before the moment, read after it
    assert current[quarter.kr["c1"]] == 7
    after = replayer.state_at(quarter.org, quarter.cycle, moment + timedelta(minutes=1))
    assert {kr.id: kr.current for kr in after.key_results}[quarter.kr["c1"]] == 8


def test_a_checkpoint_made_stale_by_a_later_write_is_not_used(
        app: OkrApplication, quarter: Quarter) -> None:
    replayer = AsOfReplayer(EventSource(app))
    now = clock.now()
    first = replayer.state_at(quarter.org, quarter.cycle, now)
    assert any(c.covers(now) for c in replayer.cache.checkpoints(
        (quarter.org, quarter.cycle, None)))
    app.record_check_in(Actor.system(quarter.org), quarter.i2, quarter.kr["i2"], 3)
    again = replayer.state_at(quarter.org, quarter.cycle, clock.now())
    assert again.position > first.position
    assert {kr.id: kr.current for kr in again.key_results}[quarter.kr["i2"]] == 3
