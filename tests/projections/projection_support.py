"""Helpers for the projection tests: run projections to the head, dump their rows,
and a reference built by replaying the log through the same logic in memory."""

from __future__ import annotations

from typing import Any

from okr_domain.application import OkrApplication
from okr_domain.objective import Objective
from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES
from projections.projection import Projection
from projections.registry import PROJECTIONS
from projections.replay.full_replay import replay
from projections.running.batches import ProjectionWorker
from projections.source import EventSource
from projections.stores.database import Database, MemoryDatabase
from projections.stores.session import StoreSession, Target

Dump = dict[str, list[Any]]


def catch_up(app: OkrApplication, database: Database | MemoryDatabase,
             names: tuple[str, ...] = tuple(PROJECTIONS), batch_size: int = 7) -> None:
    """Process every projection to the head of the log, in small batches."""
    database.setup([PROJECTIONS[n] for n in names])
    for name in names:
        session = database.session()
        try:
            ProjectionWorker(EventSource(app), PROJECTIONS[name], session,
                             batch_size=batch_size).catch_up()
        finally:
            session.close()


def dump_session(session: StoreSession, projection: Projection,
                 target: Target = Target.LIVE) -> Dump:
    return {t.name: session.all_rows(t, target) for t in projection.tables}


def dump(database: Database | MemoryDatabase, name: str,
         target: Target = Target.LIVE) -> Dump:
    session = database.session()
    try:
        return dump_session(session, PROJECTIONS[name], target)
    finally:
        session.close()


def reference(app: OkrApplication, name: str) -> Dump:
    """The rows of a clean replay of the whole log, in memory, in one batch."""
    memory = replay(EventSource(app), names=(name,), batch_size=1_000_000)
    return dump(memory, name)


def assert_agrees_with_aggregates(app: OkrApplication, rows: Dump) -> None:
    """Every objective, key result and check-in row says what its aggregate says."""
    key_results = {r.id: r for r in rows[KEY_RESULTS.name]}
    check_ins = {r.id: r for r in rows[CHECK_INS.name]}
    objectives = rows[OBJECTIVES.name]
    assert len(objectives) == len({o.id for o in objectives})
    for row in objectives:
        aggregate = app.repository.get(row.id)
        assert isinstance(aggregate, Objective)
        assert (row.score, row.status, row.parent_id, row.parent_key_result_id, row.supporters,
                row.kind, row.title, row.visibility, row.supporters_can_check_in) == (
            aggregate.score, aggregate.status, aggregate.parent_id,
            aggregate.parent_key_result_id, aggregate.supporters, aggregate.kind,
            aggregate.title, aggregate.visibility, aggregate.supporters_can_check_in)
        assert (row.final_score, row.band, row.grade_override, row.grade_reason) == (
            aggregate.final_score, aggregate.band, aggregate.grade_override,
            aggregate.grade_reason)
        mine = sorted((k for k in key_results.values() if k.objective_id == row.id),
                      key=lambda k: k.sort_index)
        assert [k.id for k in mine] == list(aggregate.key_results)
        for kr in aggregate.key_results.values():
            got = key_results[kr.id]
            assert (got.current, got.progress, got.score, got.check_in_count, got.weight,
                    got.start, got.target, got.metric_type, got.title) == (
                kr.current, kr.progress, kr.score, len(kr.check_ins), kr.weight, kr.start,
                kr.target, kr.metric_type, kr.title)
        assert {c.id for c in check_ins.values() if c.objective_id == row.id} == set(
            aggregate.check_ins)
        for check_in in aggregate.check_ins.values():
            got_check_in = check_ins[check_in.id]
            assert (got_check_in.value, got_check_in.sequence, got_check_in.applies_at,
                    got_check_in.confidence, got_check_in.note) == (
                check_in.value, check_in.sequence, check_in.applies_at, check_in.confidence,
                check_in.note)


def position(database: Database | MemoryDatabase, name: str,
             target: Target = Target.LIVE) -> int | None:
    session = database.session()
    try:
        return session.position(PROJECTIONS[name], target)
    finally:
        session.close()
