"""Closing freezes a quarter: verification replays it, recomputes the grades and checks
them and their hash, and a tampered store fails with each mismatch named."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import sql

from okr_api.storage import init_database, postgres_dsn
from okr_domain.application import OkrApplication
from okr_domain.grading import Grade, grades_hash
from projections.replay.verification import verify_cycle
from projections.source import EventSource
from tests.conftest import make_store_url
from tests.history.quarter import Quarter, build_quarter


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return make_store_url(request.param, tmp_path, request)


@pytest.fixture
def closed(durable_url: str) -> Iterator[tuple[OkrApplication, Quarter]]:
    app = init_database(durable_url)
    yield app, build_quarter(app, close=True)
    app.close()


def expected_grades(q: Quarter) -> list[Grade]:
    """By hand: own scores at close (key-result roll-up), I1 overridden to 0.65."""
    return [Grade(q.c1, 0.7, None, 0.7, "SWEET_SPOT"), Grade(q.t1, 0.75, None, 0.75, "HIGH"),
            Grade(q.i1, 0.6, 0.65, 0.65, "SWEET_SPOT"),
            Grade(q.i2, 1.0, None, 1.0, "TOO_SAFE"), Grade(q.p1, 0.0, None, 0.0, "MISSED")]


def test_an_honest_history_verifies(closed: tuple[OkrApplication, Quarter]) -> None:
    app, q = closed
    result = verify_cycle(EventSource(app), q.org, q.cycle)
    assert result.verified, result.mismatches
    assert result.recorded_hash == result.recomputed_hash == grades_hash(expected_grades(q))
    assert result.recorded_grades_hash == result.recorded_hash
    assert len(result.graded) == 5


def test_an_open_cycle_has_nothing_to_verify(app: OkrApplication) -> None:
    q = build_quarter(app)
    result = verify_cycle(EventSource(app), q.org, q.cycle)
    assert not result.closed
    assert not result.verified


def rewrite_event(app: OkrApplication, url: str, originator: UUID, topic: str,
                  change: Any) -> None:
    """Edit the stored JSON of the aggregate's last event of ``topic`` behind the
    application's back (what someone changing the numbers afterwards would do)."""
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            version, state = db.execute(
                f"SELECT originator_version, state FROM {table} WHERE originator_id = ? "
                "AND topic = ? ORDER BY originator_version DESC LIMIT 1",
                (originator.hex, topic)).fetchone()
            data = json.loads(state)
            change(data)
            db.execute(f"UPDATE {table} SET state = ? WHERE originator_id = ? "
                       "AND originator_version = ?",
                       (json.dumps(data).encode(), originator.hex, version))
        return
    dsn, schema = postgres_dsn(url)
    name = sql.Identifier(schema, table)
    with psycopg.connect(dsn, autocommit=True) as db:
        version, state = db.execute(sql.SQL(
            "SELECT originator_version, state FROM {} WHERE originator_id = %s AND "
            "topic = %s ORDER BY originator_version DESC LIMIT 1").format(name),
            (originator, topic)).fetchone()
        data = json.loads(bytes(state))
        change(data)
        db.execute(sql.SQL("UPDATE {} SET state = %s WHERE originator_id = %s AND "
                           "originator_version = %s").format(name),
                   (json.dumps(data).encode(), originator, version))


def test_a_changed_check_in_is_caught(closed: tuple[OkrApplication, Quarter],
                                      durable_url: str) -> None:
    app, q = closed

    def three_talks(data: dict[str, Any]) -> None:
        data["value"]["_data_"] = "3"  # 5 -> 3: I2's score 1.0 -> 0.75

    rewrite_event(app, durable_url, q.i2, "okr.Objective.CheckInRecorded", three_talks)
    result = verify_cycle(EventSource(app), q.org, q.cycle)
    assert not result.verified
    found = {(m.objective_id, m.what): (m.recorded, m.recomputed) for m in result.mismatches}
    assert found == {
        (q.i2, "computed_score"): ("1.000000", "0.750000"),
        (q.i2, "final_score"): ("1.000000", "0.750000"),
        (q.i2, "band"): ("TOO_SAFE", "HIGH"),
        (None, "GRADES_HASH"): (result.recorded_hash, result.recomputed_hash),
    }


def test_a_close_event_with_another_hash_is_caught(closed: tuple[OkrApplication, Quarter],
                                                   durable_url: str) -> None:
    app, q = closed
    forged = "sha256:" + "0" * 64

    def forge(data: dict[str, Any]) -> None:
        data["grades_hash"] = forged

    rewrite_event(app, durable_url, q.cycle, "okr.Cycle.Closed", forge)
    result = verify_cycle(EventSource(app), q.org, q.cycle)
    assert [(m.what, m.recorded) for m in result.mismatches] == [("GRADES_HASH", forged)]
    assert result.recomputed_hash == grades_hash(expected_grades(q))
